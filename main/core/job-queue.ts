import type { JobState, JobView, QueueStatus } from '../../preload/api-contract';
import type { Clock } from './clock';
import type { FetchOutcome, ModelsLabClient } from './modelslab-client';

export interface QueueTiming {
  /** Never poll a processing job sooner than this, whatever its eta. */
  pollFloorMs: number;
  /** Never wait longer than this between polls. */
  pollCapMs: number;
  /** A job still processing this long after it was first fetched fails, with retry offered. */
  pollDeadlineMs: number;
  retryBaseMs: number;
  retryCapMs: number;
  /** Tries after a network error, a 5xx or an unreadable answer before the job fails. */
  maxRetries: number;
  /** How long to hold all requests after a 429 that names no wait. */
  rateLimitDefaultMs: number;
  /** Times a `success` without any image link is fetched again before the job fails. */
  maxEmptySuccesses: number;
}

export const defaultTiming: QueueTiming = {
  pollFloorMs: 2_000,
  pollCapMs: 60_000,
  pollDeadlineMs: 30 * 60_000,
  retryBaseMs: 1_000,
  retryCapMs: 60_000,
  maxRetries: 5,
  rateLimitDefaultMs: 30_000,
  maxEmptySuccesses: 3,
};

interface Job {
  id: string;
  state: JobState;
  etaSeconds: number | null;
  message: string | null;
  outputUrls: string[];
  savedPaths: string[];
  firstFetchedAt: number | null;
  retries: number;
  emptySuccesses: number;
  inFlight: AbortController | null;
  cancelTimer: (() => void) | null;
}

export interface JobQueueOptions {
  client: ModelsLabClient;
  clock: Clock;
  concurrency: () => number;
  timing?: Partial<QueueTiming>;
  random?: () => number;
  onJobChanged(view: JobView): void;
  onStatusChanged(status: QueueStatus): void;
}

export function toJobView(job: Job): JobView {
  return {
    id: job.id,
    state: job.state,
    etaSeconds: job.state === 'processing' ? job.etaSeconds : null,
    message: job.message,
    imageCount: job.outputUrls.length,
    savedPaths: [...job.savedPaths],
  };
}

/**
 * The job engine: one state machine per job (queued → fetching → processing → ready → saving → saved,
 * or failed), a concurrency limit for API calls, polling after the eta, backoff for faults, and a
 * pause for the whole queue when there is no usable key or ModelsLab asks us to slow down.
 */
export function createJobQueue(options: JobQueueOptions) {
  const timing = { ...defaultTiming, ...options.timing };
  const random = options.random ?? Math.random;
  const { clock, client } = options;

  const jobs = new Map<string, Job>();
  // IDs due for a request, oldest first; a head index keeps taking from the front O(1).
  let dueIds: string[] = [];
  let dueHead = 0;
  let inFlightCount = 0;
  let apiKey: string | null = null;
  let status: QueueStatus = { pausedBecause: 'no-key', message: 'Enter your ModelsLab API key to start fetching.' };
  let cancelCooldownTimer: (() => void) | null = null;

  function changed(job: Job) {
    options.onJobChanged(toJobView(job));
  }

  function setStatus(next: QueueStatus) {
    if (next.pausedBecause === status.pausedBecause && next.message === status.message) return;
    status = next;
    options.onStatusChanged(status);
  }

  function withJitter(delayMs: number): number {
    return Math.round(delayMs * (0.9 + random() * 0.2));
  }

  function makeDue(job: Job) {
    dueIds.push(job.id);
    pump();
  }

  function dueAfter(job: Job, delayMs: number) {
    job.cancelTimer?.();
    job.cancelTimer = clock.schedule(() => {
      job.cancelTimer = null;
      if (jobs.get(job.id) === job) makeDue(job);
    }, delayMs);
  }

  function takeNextDue(): Job | null {
    while (dueHead < dueIds.length) {
      const id = dueIds[dueHead++]!;
      const job = jobs.get(id);
      if (job && !job.inFlight && (job.state === 'queued' || job.state === 'processing')) return job;
    }
    dueIds = [];
    dueHead = 0;
    return null;
  }

  function pump() {
    if (status.pausedBecause !== null || apiKey === null) return;
    while (inFlightCount < Math.max(1, options.concurrency())) {
      const job = takeNextDue();
      if (!job) return;
      void fetchOnce(job, apiKey);
    }
  }

  async function fetchOnce(job: Job, key: string) {
    const controller = new AbortController();
    job.inFlight = controller;
    inFlightCount += 1;
    job.firstFetchedAt ??= clock.now();
    if (job.state === 'queued') {
      job.state = 'fetching';
      changed(job);
    }
    let outcome: FetchOutcome;
    try {
      outcome = await client.fetchJob(job.id, key, controller.signal);
    } finally {
      inFlightCount -= 1;
      job.inFlight = null;
    }
    // The job was removed or reset while the request was out: its answer no longer matters.
    if (jobs.get(job.id) !== job || controller.signal.aborted) {
      pump();
      return;
    }
    applyOutcome(job, outcome);
    pump();
  }

  function retryOrFail(job: Job, reason: string) {
    job.retries += 1;
    if (job.retries > timing.maxRetries) {
      job.state = 'failed';
      job.message = `${reason}. Gave up after ${timing.maxRetries} retries; use Retry failed to try again.`;
      changed(job);
      return;
    }
    const backoff = Math.min(timing.retryCapMs, timing.retryBaseMs * 2 ** (job.retries - 1));
    job.state = 'queued';
    job.message = `${reason}. Retrying (${job.retries} of ${timing.maxRetries})…`;
    changed(job);
    dueAfter(job, withJitter(backoff));
  }

  function applyOutcome(job: Job, outcome: FetchOutcome) {
    switch (outcome.kind) {
      case 'success': {
        if (outcome.outputUrls.length === 0) {
          job.emptySuccesses += 1;
          if (job.emptySuccesses > timing.maxEmptySuccesses) {
            job.state = 'failed';
            job.message = 'ModelsLab reports the job as done but gives no image links.';
            changed(job);
          } else {
            job.state = 'queued';
            job.message = 'Done, but no image links yet. Asking again…';
            changed(job);
            dueAfter(job, withJitter(timing.pollFloorMs));
          }
          return;
        }
        job.state = 'ready';
        job.etaSeconds = null;
        job.message = null;
        job.outputUrls = outcome.outputUrls;
        changed(job);
        return;
      }
      case 'processing': {
        const waited = clock.now() - (job.firstFetchedAt ?? clock.now());
        if (waited >= timing.pollDeadlineMs) {
          job.state = 'failed';
          job.message = `Still processing after ${Math.round(waited / 60_000)} min. Use Retry failed to keep waiting.`;
          changed(job);
          return;
        }
        job.state = 'processing';
        job.etaSeconds = outcome.etaSeconds;
        job.message = null;
        changed(job);
        const etaMs = (outcome.etaSeconds ?? 0) * 1000;
        dueAfter(job, withJitter(Math.min(timing.pollCapMs, Math.max(timing.pollFloorMs, etaMs))));
        return;
      }
      case 'failed':
        job.state = 'failed';
        job.message = outcome.message;
        changed(job);
        return;
      case 'key-rejected':
        // Not this job's fault: it waits for a new key with the rest of the queue.
        job.state = 'queued';
        changed(job);
        dueIds.push(job.id);
        setStatus({
          pausedBecause: 'key-rejected',
          message: `ModelsLab rejected the API key ("${outcome.message}"). Enter a valid key to continue.`,
        });
        return;
      case 'rate-limited': {
        const holdMs = outcome.retryAfterSeconds !== null ? outcome.retryAfterSeconds * 1000 : timing.rateLimitDefaultMs;
        job.state = job.state === 'fetching' ? 'queued' : job.state;
        changed(job);
        dueIds.push(job.id);
        holdAllRequests(holdMs, outcome.message);
        return;
      }
      case 'unexpected':
      case 'network-error':
        retryOrFail(job, outcome.message);
        return;
    }
  }

  function holdAllRequests(holdMs: number, message: string) {
    cancelCooldownTimer?.();
    setStatus({
      pausedBecause: 'rate-limited',
      message: `ModelsLab asked us to slow down ("${message}"). Resuming in ${Math.ceil(holdMs / 1000)} s.`,
    });
    cancelCooldownTimer = clock.schedule(() => {
      cancelCooldownTimer = null;
      if (status.pausedBecause === 'rate-limited') setStatus({ pausedBecause: null, message: null });
      pump();
    }, holdMs);
  }

  function newJob(id: string): Job {
    return {
      id,
      state: 'queued',
      etaSeconds: null,
      message: null,
      outputUrls: [],
      savedPaths: [],
      firstFetchedAt: null,
      retries: 0,
      emptySuccesses: 0,
      inFlight: null,
      cancelTimer: null,
    };
  }

  function forget(job: Job) {
    job.inFlight?.abort();
    job.cancelTimer?.();
    jobs.delete(job.id);
  }

  return {
    /** Adds new IDs at the end of the queue; returns how many were already in the list. */
    add(ids: readonly string[]): { added: string[]; alreadyListed: number } {
      const added: string[] = [];
      for (const id of ids) {
        if (jobs.has(id)) continue;
        const job = newJob(id);
        jobs.set(id, job);
        added.push(id);
        changed(job);
        dueIds.push(id);
      }
      pump();
      return { added, alreadyListed: ids.length - added.length };
    },

    /** A usable key (or none): resumes a queue that was waiting for one. */
    setApiKey(key: string | null) {
      apiKey = key;
      if (key === null) {
        setStatus({ pausedBecause: 'no-key', message: 'Enter your ModelsLab API key to start fetching.' });
      } else if (status.pausedBecause === 'no-key' || status.pausedBecause === 'key-rejected') {
        setStatus({ pausedBecause: null, message: null });
      }
      pump();
    },

    retryFailed(): number {
      let retried = 0;
      for (const job of jobs.values()) {
        if (job.state !== 'failed') continue;
        Object.assign(job, { state: 'queued', message: null, retries: 0, emptySuccesses: 0, firstFetchedAt: null });
        changed(job);
        dueIds.push(job.id);
        retried += 1;
      }
      pump();
      return retried;
    },

    /** Removes every job that is not being saved; returns the removed IDs. */
    clear(): string[] {
      const removed: string[] = [];
      for (const job of [...jobs.values()]) {
        if (job.state === 'saving') continue;
        forget(job);
        removed.push(job.id);
      }
      return removed;
    },

    list(): JobView[] {
      return [...jobs.values()].map(toJobView);
    },

    status(): QueueStatus {
      return status;
    },

    /** Ready jobs with their image links, for the saver. */
    readyJobs(): Array<{ id: string; outputUrls: string[] }> {
      return [...jobs.values()].filter((job) => job.state === 'ready').map(({ id, outputUrls }) => ({ id, outputUrls }));
    },

    markSaving(id: string) {
      const job = jobs.get(id);
      if (!job || job.state !== 'ready') return false;
      job.state = 'saving';
      job.message = null;
      changed(job);
      return true;
    },

    markSaved(id: string, paths: string[]) {
      const job = jobs.get(id);
      if (!job) return;
      job.state = 'saved';
      job.savedPaths = paths;
      changed(job);
    },

    /** A save that did not finish leaves the job ready, with the reason, so saving again can finish it. */
    markSaveFailed(id: string, reason: string) {
      const job = jobs.get(id);
      if (!job) return;
      job.state = 'ready';
      job.message = `Not saved: ${reason}`;
      changed(job);
    },

    dispose() {
      cancelCooldownTimer?.();
      for (const job of [...jobs.values()]) forget(job);
    },
  };
}

export type JobQueue = ReturnType<typeof createJobQueue>;
