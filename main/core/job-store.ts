import { jobStates, type JobState } from '../../preload/api-contract';
import type { Clock } from './clock';
import { isValidJobId } from '../../preload/shared/job-ids';
import type { StoredJob } from './job-queue';
import { versionedFile } from './versioned-file';


const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');
const isNumberOrNull = (value: unknown): value is number | null => value === null || (typeof value === 'number' && Number.isFinite(value));

const isListOfStringLists = (value: unknown): value is string[][] => Array.isArray(value) && value.every(isStringList);

/** A record as written, before fields added later are filled in. */
type WrittenJob = Omit<StoredJob, 'alternateUrls' | 'nsfwFlagged' | 'labels'> & Partial<Pick<StoredJob, 'alternateUrls' | 'nsfwFlagged' | 'labels'>>;

function isStoredJob(value: unknown): value is WrittenJob {
  if (typeof value !== 'object' || value === null) return false;
  const job = value as Record<string, unknown>;
  return (
    typeof job.id === 'string' &&
    isValidJobId(job.id) &&
    jobStates.includes(job.state as JobState) &&
    isNumberOrNull(job.etaSeconds) &&
    (job.message === null || typeof job.message === 'string') &&
    typeof job.retryable === 'boolean' &&
    isStringList(job.outputUrls) &&
    // Added later: a list written before has none, which means no second links.
    (job.alternateUrls === undefined || isListOfStringLists(job.alternateUrls)) &&
    (job.nsfwFlagged === undefined || typeof job.nsfwFlagged === 'boolean') &&
    // Added later: the row's other cells, as [header, value] pairs.
    (job.labels === undefined || (Array.isArray(job.labels) && job.labels.every((pair) => isStringList(pair) && pair.length === 2))) &&
    isNumberOrNull(job.outputsFirstSeenAt) &&
    isStringList(job.savedPaths) &&
    isNumberOrNull(job.firstFetchedAt)
  );
}

function parseJobList(content: unknown): StoredJob[] {
  if (!Array.isArray(content)) throw new Error('it holds no job list');
  const jobs = content.filter(isStoredJob);
  // One damaged record is a sign the file is not ours to trust: keep it aside, whole.
  if (jobs.length !== content.length) throw new Error(`${content.length - jobs.length} of its ${content.length} jobs are damaged`);
  return jobs.map((job) => ({ ...job, alternateUrls: job.alternateUrls ?? [], nsfwFlagged: job.nsfwFlagged ?? false }));
}

/** However slow the disk, changes are written at least this often. */
const maxWriteDelayMs = 5_000;

export interface JobStoreOptions {
  filePath: string;
  clock: Clock;
  /** Changes within this time are written together. */
  writeDelayMs?: number;
  onNotice: (message: string) => void;
  onWriteError: (message: string) => void;
}

/**
 * The job list on disk, so that it survives quitting and a crash: versioned JSON in the app's
 * user-data folder, written atomically a moment after it changes.
 */
export function openJobStore({ filePath, clock, writeDelayMs = 500, onNotice, onWriteError }: JobStoreOptions) {
  const file = versionedFile({ filePath, version: 1, what: 'job list', parse: parseJobList, onNotice });
  let snapshot: (() => StoredJob[]) | null = null;
  let cancelPending: (() => void) | null = null;
  let lastWriteMs = 0;

  function writeNow(): Promise<void> {
    cancelPending?.();
    cancelPending = null;
    if (!snapshot) return Promise.resolve();
    const startedAt = clock.now();
    return file
      .write(snapshot())
      .catch((error: unknown) => {
        onWriteError(`The job list could not be saved (${error instanceof Error ? error.message : String(error)}).`);
      })
      .finally(() => (lastWriteMs = clock.now() - startedAt));
  }

  return {
    load: async (): Promise<StoredJob[]> => (await file.read()) ?? [],

    /** Asks for a write soon; `currentJobs` is read when the write happens, not now. */
    changed(currentJobs: () => StoredJob[]) {
      snapshot = currentJobs;
      // A long list takes long to write: write it less often, so saving never crowds out the work.
      cancelPending ??= clock.schedule(() => void writeNow(), Math.min(maxWriteDelayMs, Math.max(writeDelayMs, lastWriteMs * 10)));
    },

    /** Writes what is pending at once: before quitting. */
    flush: writeNow,
  };
}

