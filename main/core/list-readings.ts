import type { JobListPiece, JobView } from '../../preload/api-contract';
import { batchPieces, maxJobsPerPiece } from '../../preload/shared/job-pieces';
import { AppError } from './app-error';
import type { Clock } from './clock';

/** How long a reading the window started and left unfinished is kept (a window reloaded half-way). */
const readingLifetimeMs = 60_000;

/**
 * The job list read in pieces by a window that opens: each reading keeps the list as it was when
 * it started, so its pieces fit together whatever changes meanwhile (those changes reach the
 * window as events, which it holds until the reading is done).
 */
export function createListReadings({ clock, list }: { clock: Clock; list: () => JobView[] }) {
  const readings = new Map<number, { views: JobView[]; forget: () => void }>();
  let lastReading = 0;

  function startReading(): number {
    const reading = ++lastReading;
    const forget = clock.schedule(() => readings.delete(reading), readingLifetimeMs);
    readings.set(reading, { views: list(), forget });
    return reading;
  }

  return {
    piece(asked: number | null, from: number): JobListPiece {
      const reading = asked ?? startReading();
      const kept = readings.get(reading);
      if (kept === undefined) throw new AppError('not-found', 'That reading of the job list is over; start another.');
      const total = kept.views.length;
      const end = batchPieces(total).find(([start]) => start === from)?.[1] ?? Math.min(total, from + maxJobsPerPiece);
      if (end >= total) {
        kept.forget();
        readings.delete(reading);
      }
      return { reading, total, views: kept.views.slice(from, end) };
    },
  };
}
