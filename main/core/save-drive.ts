// The save trip, in one place for the app and the command line: ready jobs are taken from the queue,
// saved by the saver (at most so many downloads at once), and handed back to the queue as saved or
// not. Which jobs to save and when (a click, "save as they arrive", each job the CLI fetched) stays
// with the caller; how a job travels from ready to saved is decided here alone.
import { describeSaveFailures, type ImageOutcome, type JobSaveResult, type JobSaver, type JobToSave, type SaveTarget } from './job-saver';
import type { JobQueue } from './job-queue';
import { createLimiter } from './limiter';
import { jobsNeedingIdInNames, templateColumns } from '../../preload/shared/file-names';
import { headerKey, labelHeaders, labelValue, nameColumnOf } from '../../preload/shared/job-labels';

/** How one job's save ended. */
export interface JobSaveOutcome extends JobSaveResult {
  id: string;
  saved: boolean;
  /** Paths of the files written by this save (not those found already saved), for counting bytes. */
  newFiles: string[];
  /** Why the job is not saved, in one line; null when it is. */
  reason: string | null;
  /** The save was cut short by a stop, not by a fault of its own. */
  interrupted: boolean;
  /** Cut short by "Stop saving" in the window (not by quitting). */
  stopped?: boolean;
}

/** What a caller hears while a batch saves. Every member is optional. */
export interface SaveBatchListener {
  /** The jobs the batch really saves: ready, and not already being saved. */
  onStart?(jobs: readonly JobToSave[]): void;
  onBytes?(count: number): void;
  onImage?(outcome: ImageOutcome): void;
  onJobDone?(outcome: JobSaveOutcome): void;
}

export interface SaveDriveOptions {
  queue: Pick<JobQueue, 'readyJob' | 'markSaving' | 'markSaved' | 'markSaveFailed'> & Partial<Pick<JobQueue, 'labelledJobs'>>;
  saver: JobSaver;
  /** Jobs downloading at once, read at each start so a changed setting applies to the next job. */
  downloadConcurrency: () => number;
  /** Once aborted, jobs not yet started are not started, and those under way end as interrupted. */
  stopSignal?: AbortSignal;
}

const interruptedReason = 'interrupted';
/** Why a job stopped from the window is not saved: saving it again finishes it. */
const stoppedReason = 'saving was stopped. Save again to finish it.';

export function createSaveDrive({ queue, saver, downloadConcurrency, stopSignal }: SaveDriveOptions) {
  const limitDownloads = createLimiter(downloadConcurrency);
  /** Stops the batches under way now (Stop saving); a new one is made for the batches after. */
  let batchStop = new AbortController();
  /** Jobs being saved now, for the stop to count. */
  let saving = 0;

  async function saveOne(job: JobToSave, target: SaveTarget, listener: SaveBatchListener, stop: AbortSignal): Promise<JobSaveOutcome> {
    // Image outcomes come in image order; each image that did not fail has one path.
    const imageOutcomes: ImageOutcome[] = [];
    let result: JobSaveResult;
    try {
      result = await limitDownloads(() =>
        stopSignal?.aborted || stop.aborted
          ? Promise.resolve({ paths: [], savedFiles: 0, skippedFiles: 0, failures: [interruptedReason] })
          : saver.saveJob(job, target, {
              onBytes: (count) => listener.onBytes?.(count),
              onImage: (outcome) => {
                imageOutcomes.push(outcome);
                listener.onImage?.(outcome);
              },
              stop,
            }),
      );
    } catch (error) {
      result = { paths: [], savedFiles: 0, skippedFiles: 0, failures: [error instanceof Error ? error.message : String(error)] };
    }
    const placed = imageOutcomes.filter((outcome) => outcome !== 'failed');
    const newFiles = result.paths.filter((_, index) => placed[index] === 'saved');
    const saved = result.failures.length === 0;
    const stoppedHere = !saved && stop.aborted && stopSignal?.aborted !== true;
    const interrupted = !saved && (stopSignal?.aborted === true || stop.aborted);
    const reason = saved ? null : stoppedHere ? stoppedReason : interrupted ? interruptedReason : describeSaveFailures(result.failures);
    if (reason === null) queue.markSaved(job.id, result.paths);
    else queue.markSaveFailed(job.id, reason, result.paths);
    const outcome: JobSaveOutcome = { ...result, id: job.id, saved, newFiles, reason, interrupted, stopped: stoppedHere };
    listener.onJobDone?.(outcome);
    return outcome;
  }

  return {
    /**
     * Saves the named jobs into one folder as one batch. Jobs not ready, or already being saved by
     * another batch, are left out (and not in the result).
     */
    async saveJobs(ids: Iterable<string>, target: SaveTarget, listener: SaveBatchListener = {}): Promise<JobSaveOutcome[]> {
      const jobs: JobToSave[] = [];
      for (const id of ids) {
        const job = queue.readyJob(id);
        if (job && queue.markSaving(id)) jobs.push(job);
      }
      listener.onStart?.(jobs);
      if (jobs.length === 0) return [];
      if (jobs.some((job) => (job.labels?.length ?? 0) > 0)) {
        const listed = queue.labelledJobs?.() ?? jobs;
        // Names from a column: a job whose value an earlier job in the list has gets its ID added.
        if (templateColumns(target.fileNameTemplate).length > 0) {
          const needingId = jobsNeedingIdInNames(target.fileNameTemplate, target.saveLayout, listed);
          for (const job of jobs) if (needingId.has(job.id)) job.addIdToLabels = true;
        }
        // The manifest says who is who: the template's columns, the Name column, and the ones ticked; never the rest.
        const wanted = [...templateColumns(target.fileNameTemplate), nameColumnOf(listed, target.nameColumn) ?? '', ...(target.manifestColumns ?? [])].map(headerKey);
        const recorded = labelHeaders(listed).filter((header) => wanted.includes(headerKey(header)));
        for (const job of jobs) {
          const labels = Object.fromEntries(recorded.flatMap((header) => ((value) => (value === null ? [] : [[header, value]]))(labelValue(job.labels, header))));
          if (Object.keys(labels).length > 0) job.manifestLabels = labels;
        }
      }
      const release = saver.holdFolder(target.folder);
      const stop = batchStop.signal;
      saving += jobs.length;
      try {
        return await Promise.all(
          jobs.map((job) =>
            saveOne(job, target, listener, stop).finally(() => {
              saving -= 1;
            }),
          ),
        );
      } finally {
        await release();
      }
    },

    /**
     * Stops every batch under way, as quitting's "Stop now" does, but the app goes on: downloads
     * under way are cut and their temporary files removed (nothing half-written gets a final
     * name), jobs not started are not started, and each job stays ready, so saving again finishes
     * it. Returns how many jobs were being saved.
     */
    stop(): number {
      const stopped = saving;
      batchStop.abort();
      batchStop = new AbortController();
      return stopped;
    },
  };
}

export type SaveDrive = ReturnType<typeof createSaveDrive>;
