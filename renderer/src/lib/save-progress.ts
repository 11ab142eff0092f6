// What the save bar says about a batch: while it runs, and once it has ended.
import type { ImageCacheUsage, SaveProgress, SaveSummary } from '../../../preload/api-contract';
import { formatBytes, formatMegabytes } from '../../../preload/shared/bytes';
import { plural } from './job-list';

/** "Saving 12 of 40 files · 3.1 MB · 1 job failed" */
export function describeSaveProgress(progress: SaveProgress): string {
  const parts = [progress.filesTotal > 0 ? `Saving ${progress.filesDone} of ${plural(progress.filesTotal, 'file', 'files')}` : 'Saving…'];
  parts.push(formatBytes(progress.bytesWritten));
  if (progress.jobsFailed > 0) parts.push(plural(progress.jobsFailed, 'job failed', 'jobs failed'));
  return parts.join(' · ');
}

export type SaveCounts = Pick<SaveSummary, 'savedJobs' | 'savedFiles' | 'skippedFiles' | 'failedJobs'>;

/** A finished batch in the terms of a SaveSummary: its done files include the skipped ones. */
export function countsOfFinishedBatch(progress: SaveProgress): SaveCounts {
  return {
    savedJobs: progress.jobsSaved,
    savedFiles: Math.max(0, progress.filesDone - progress.filesSkipped),
    skippedFiles: progress.filesSkipped,
    failedJobs: progress.jobsFailed,
  };
}

/** "Saved 40 files from 12 jobs · 3 files already there · 1 job could not be saved: see its row." */
export function describeSaveOutcome(counts: SaveCounts): string {
  const parts: string[] = [];
  if (counts.savedFiles > 0 || counts.skippedFiles === 0) {
    parts.push(`Saved ${plural(counts.savedFiles, 'file', 'files')} from ${plural(counts.savedJobs, 'job', 'jobs')}`);
  }
  if (counts.skippedFiles > 0) {
    parts.push(
      counts.savedFiles > 0
        ? `${plural(counts.skippedFiles, 'file', 'files')} already there`
        : `Nothing new to save: ${plural(counts.skippedFiles, 'file was', 'files were')} already there`,
    );
  }
  if (counts.failedJobs > 0) {
    parts.push(`${plural(counts.failedJobs, 'job', 'jobs')} could not be saved: see ${counts.failedJobs === 1 ? 'its row' : 'their rows'}`);
  }
  return `${parts.join(' · ')}.`;
}

/**
 * What a finished batch says: its outcome, or, when "Stop saving" cut it short, that it was
 * stopped and how to finish it ("Stopped: 3 of 10 jobs saved; save again to finish the rest.").
 */
export function describeFinishedBatch(progress: SaveProgress): string {
  const stopped = progress.jobsStopped ?? 0;
  if (stopped === 0) return describeSaveOutcome(countsOfFinishedBatch(progress));
  const failed = progress.jobsFailed - stopped;
  const failures = failed > 0 ? ` ${plural(failed, 'job', 'jobs')} could not be saved: see ${failed === 1 ? 'its row' : 'their rows'}.` : '';
  return `Stopped: ${progress.jobsSaved} of ${plural(progress.jobsTotal, 'job', 'jobs')} saved; save again to finish the rest.${failures}`;
}

/** Share of the batch done, from 0 to 1; null while the number of files is not known yet. */
export function progressFraction(progress: SaveProgress): number | null {
  return progress.filesTotal > 0 ? Math.min(1, progress.filesDone / progress.filesTotal) : null;
}

/**
 * The newer of two reports, whichever way they arrived: an answer to getSaveProgress can cross a
 * throttled event on the way, and an older report must not bring back a finished bar.
 */
export function laterProgress(current: SaveProgress | null, incoming: SaveProgress): SaveProgress {
  if (!current) return incoming;
  const started = (progress: SaveProgress) => progress.startedAt ?? Number.NEGATIVE_INFINITY;
  if (started(incoming) !== started(current)) return started(incoming) > started(current) ? incoming : current;
  if (current.active !== incoming.active) return incoming.active ? current : incoming;
  const done = (progress: SaveProgress) => progress.filesDone + progress.jobsSaved + progress.jobsFailed + progress.bytesWritten;
  return done(incoming) >= done(current) ? incoming : current;
}

/** "Image cache: 12.4 MB in 37 files, at most 500 MB" */
export function describeCacheUsage(usage: ImageCacheUsage): string {
  const size = usage.files === 0 ? 'empty' : `${formatMegabytes(usage.bytes)} in ${plural(usage.files, 'file', 'files')}`;
  return `Image cache: ${size}, at most ${formatMegabytes(usage.maxBytes)}`;
}
