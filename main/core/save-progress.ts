import type { SaveProgress } from '../../preload/api-contract';
import type { Clock } from './clock';
import type { ImageOutcome } from './job-saver';

export const idleSaveProgress: SaveProgress = {
  active: false,
  folder: null,
  jobsTotal: 0,
  jobsSaved: 0,
  jobsFailed: 0,
  filesTotal: 0,
  filesDone: 0,
  filesSkipped: 0,
  bytesWritten: 0,
  startedAt: null,
  finishedAt: null,
};

export interface SaveProgressOptions {
  clock: Clock;
  /** Sent at most this often while a batch runs, and at once when it ends. */
  intervalMs?: number;
  onChange(progress: SaveProgress): void;
  onBatchFinished(progress: SaveProgress): void;
}

/**
 * One batch runs from the first job asked to be saved until no job is left saving; saves asked
 * for meanwhile (another click, "save as they arrive") join it, so the bar never goes backwards.
 */
export function createSaveProgress({ clock, intervalMs = 100, onChange, onBatchFinished }: SaveProgressOptions) {
  let progress: SaveProgress = { ...idleSaveProgress };
  let jobsInFlight = 0;
  let cancelEmit: (() => void) | null = null;

  function emitNow() {
    cancelEmit?.();
    cancelEmit = null;
    onChange({ ...progress });
  }
  const emitSoon = () => (cancelEmit ??= clock.schedule(emitNow, intervalMs));

  return {
    current: (): SaveProgress => ({ ...progress }),
    jobsStarted(folder: string, imageCounts: readonly number[]) {
      if (imageCounts.length === 0) return;
      if (!progress.active) progress = { ...idleSaveProgress, active: true, startedAt: clock.now() };
      progress.folder = folder;
      progress.jobsTotal += imageCounts.length;
      progress.filesTotal += imageCounts.reduce((sum, count) => sum + count, 0);
      jobsInFlight += imageCounts.length;
      emitNow();
    },
    bytesWritten(count: number) {
      progress.bytesWritten += count;
      emitSoon();
    },
    imageDone(outcome: ImageOutcome) {
      if (outcome !== 'failed') progress.filesDone += 1;
      if (outcome === 'already-saved' || outcome === 'name-taken') progress.filesSkipped += 1;
      emitSoon();
    },
    jobDone(saved: boolean, stopped = false) {
      if (saved) progress.jobsSaved += 1;
      else progress.jobsFailed += 1;
      if (stopped) progress.jobsStopped = (progress.jobsStopped ?? 0) + 1;
      jobsInFlight -= 1;
      if (jobsInFlight > 0) return emitSoon();
      progress.active = false;
      progress.finishedAt = clock.now();
      emitNow();
      onBatchFinished({ ...progress });
    },
  };
}
