import type { JobLabels, JobState, JobView, QueuePauseReason, QueueStatus } from '../../preload/api-contract';
import { imageHostOf } from '../../preload/shared/temporary-image-hosts';
import { unreachable } from '../../preload/shared/unreachable';
import type { Clock } from './clock';
import { meansUnreachable } from './error-cause';
import type { FetchOutcome, ModelsLabClient, ProbeResult } from './modelslab-client';

export interface QueueTiming {
  /** Never poll a processing job sooner than this, whatever its eta. */
  pollFloorMs: number;
  /** Never wait longer than this between polls. */
  pollCapMs: number;
  retryBaseMs: number;
  retryCapMs: number;
  /** Tries after a network error, a 5xx or an unreadable answer before the job fails. */
  maxRetries: number;
  /** How long to hold all requests after a 429 that names no wait. */
  rateLimitDefaultMs: number;
  /** Times a `success` without any image link is fetched again before the job fails. */
  maxEmptySuccesses: number;
  /** The first wait between probes of an endpoint that cannot be reached; it doubles up to the cap. */
  probeBaseMs: number;
  probeCapMs: number;
  /** Requests timing out one after another, with no answer between, that make the queue check the endpoint. */
  timeoutsBeforeOffline: number;
}

export const defaultTiming: QueueTiming = {
  pollFloorMs: 2_000,
  pollCapMs: 60_000,
  retryBaseMs: 1_000,
  retryCapMs: 60_000,
  maxRetries: 5,
  rateLimitDefaultMs: 30_000,
  maxEmptySuccesses: 3,
  probeBaseMs: 1_000,
  probeCapMs: 30_000,
  timeoutsBeforeOffline: 3,
};

/** What is kept of a job across restarts. */
export interface StoredJob extends Pick<JobView, 'id' | 'state' | 'etaSeconds' | 'message' | 'retryable' | 'outputsFirstSeenAt' | 'savedPaths' | 'nsfwFlagged' | 'labels'> {
  outputUrls: string[];
  /**
   * Per image, other links to the same file (`proxy_links`, `future_links`), tried in order when its
   * own link fails. A job list written before these were kept has none.
   */
  alternateUrls: string[][];
  /** When the job was first fetched: the processing time limit counts from it. */
  firstFetchedAt: number | null;
}

interface Job extends StoredJob {
  retries: number;
  emptySuccesses: number;
  /** Waiting in the due line for a request; one place in the line at most. */
  isDue: boolean;
  inFlight: AbortController | null;
  cancelTimer: (() => void) | null;
}

/** The longest a 429 may hold the queue, whatever it asks for. */
const maxRateLimitHoldMs = 10 * 60_000;

export interface JobQueueOptions {
  client: ModelsLabClient;
  clock: Clock;
  concurrency: () => number;
  /** A job still processing this long after its first fetch fails, with retry offered. */
  pollDeadlineMs: () => number;
  timing?: Partial<QueueTiming>;
  random?: () => number;
  onJobChanged(view: JobView): void;
  onJobsRemoved(ids: string[]): void;
  onStatusChanged(status: QueueStatus): void;
}

export function toJobView(job: StoredJob): JobView {
  return {
    id: job.id,
    state: job.state,
    etaSeconds: job.state === 'processing' ? job.etaSeconds : null,
    message: job.message,
    retryable: job.state === 'failed' && job.retryable,
    imageCount: job.outputUrls.length,
    outputsFirstSeenAt: job.outputsFirstSeenAt,
    savedPaths: [...job.savedPaths],
    nsfwFlagged: job.nsfwFlagged,
    imageHosts: imageHostsOf(job.outputUrls),
    ...(job.labels !== undefined && job.labels.length > 0 ? { labels: job.labels } : {}),
  };
}

function imageHostsOf(urls: readonly string[]): string[] {
  return [...new Set(urls.flatMap((url) => imageHostOf(url) ?? []))];
}

export function toStoredJob({ id, state, etaSeconds, message, retryable, outputUrls, alternateUrls, outputsFirstSeenAt, savedPaths, firstFetchedAt, nsfwFlagged, labels }: StoredJob): StoredJob {
  return { id, state, etaSeconds, message, retryable, outputUrls, alternateUrls, outputsFirstSeenAt, savedPaths, firstFetchedAt, nsfwFlagged, ...(labels !== undefined && labels.length > 0 ? { labels } : {}) };
}

const pauseMessages: Record<Extract<QueuePauseReason, 'no-key' | 'user'>, string> = {
  'no-key': 'Enter your ModelsLab API key to start fetching.',
  user: 'Paused. Resume to go on fetching.',
};

/**
 * The job engine: one state machine per job (queued → fetching → processing → ready → saving → saved,
 * or failed), a concurrency limit for API calls, polling after the eta, backoff for faults, and a
 * pause for the whole queue when there is no usable key, ModelsLab asks us to slow down, it cannot
 * be reached (probed with backoff until it answers: an outage never spends a job's retries), or the
 * user says so.
 */
export function createJobQueue(options: JobQueueOptions) {
  const timing = { ...defaultTiming, ...options.timing };
  const random = options.random ?? Math.random;
  const { clock, client } = options;

  const jobs = new Map<string, Job>();
  // Jobs due for a request, oldest first; a head index keeps taking from the front O(1).
  let dueLine: Job[] = [];
  let dueHead = 0;
  let inFlightCount = 0;
  let apiKey: string | null = null;
  let pausedByUser = false;
  /** ModelsLab's words when it refused the current key; cleared by a new key. */
  let keyRejectedMessage: string | null = null;
  /** What ModelsLab said when it refused the account (402, 403); cleared when the user resumes, retries or enters a key. */
  let accountRefusal: AccountRefusal | null = null;
  /**
   * Counts the user's "go on" (resume, retry, a new key): a refusal to a request sent before the
   * last one is old news and does not pause the queue again.
   */
  let goAheads = 0;
  let rateLimitHoldUntil = 0;
  let rateLimitMessage = '';
  let cancelHoldTimer: (() => void) | null = null;
  /**
   * Whether the endpoint can be reached: 'checking' while a probe tells an outage from one request
   * gone wrong (no request goes out meanwhile), 'offline' until a probe or an answer gets through.
   */
  let reachability: 'ok' | 'checking' | 'offline' = 'ok';
  /** Why the endpoint could not be reached, as the last failed request or probe said. */
  let unreachableBecause = '';
  let probeAttempts = 0;
  let nextProbeAt: number | null = null;
  let cancelProbeTimer: (() => void) | null = null;
  let probeInFlight: AbortController | null = null;
  /** Jobs whose request failed while the queue checks the endpoint, with the reason: the check decides whose fault it was. */
  const suspects = new Map<Job, string>();
  /** Requests that timed out one after another, with no answer between. */
  let timeoutsInARow = 0;
  /** Told each time the endpoint's reachability is settled (ok or offline): downloads waiting to know. */
  const reachabilityWatchers = new Set<ReachabilityWatcher>();
  /** When the queue last stopped sending, so a pause does not count against the poll deadline. */
  let pausedSince: number | null = clock.now();
  let status: QueueStatus = currentStatus();

  function changed(job: Job) {
    options.onJobChanged(toJobView(job));
  }

  /** The status follows from what holds the queue, the most pressing first. */
  function currentStatus(): QueueStatus {
    if (apiKey === null) return { pausedBecause: 'no-key', message: pauseMessages['no-key'], holdUntil: null };
    if (keyRejectedMessage !== null) {
      return { pausedBecause: 'key-rejected', message: `ModelsLab rejected the API key ("${keyRejectedMessage}"). Enter a valid key to continue.`, holdUntil: null };
    }
    if (accountRefusal !== null) return { pausedBecause: 'account-refused', message: describeAccountRefusal(accountRefusal), holdUntil: null };
    if (pausedByUser) return { pausedBecause: 'user', message: pauseMessages.user, holdUntil: null };
    if (reachability === 'offline') {
      return { pausedBecause: 'offline', message: `Can't reach ModelsLab (${unreachableBecause}). Check your connection.`, holdUntil: null, nextProbeAt };
    }
    if (rateLimitHoldUntil > clock.now()) {
      // The window counts down to holdUntil, and the CLI says it; the words stay the same meanwhile.
      return { pausedBecause: 'rate-limited', message: `ModelsLab asked us to slow down ("${rateLimitMessage}").`, holdUntil: rateLimitHoldUntil };
    }
    return { pausedBecause: null, message: null, holdUntil: null };
  }

  function refreshStatus() {
    const next = currentStatus();
    if (next.pausedBecause !== null) pausedSince ??= clock.now();
    else if (pausedSince !== null) {
      // Time spent paused was not spent polling: move every job's poll clock forward by it.
      const pausedFor = clock.now() - pausedSince;
      pausedSince = null;
      for (const job of jobs.values()) if (job.firstFetchedAt !== null) job.firstFetchedAt += pausedFor;
    }
    const unchanged =
      next.pausedBecause === status.pausedBecause && next.message === status.message && next.holdUntil === status.holdUntil && next.nextProbeAt === status.nextProbeAt;
    if (unchanged) return;
    status = next;
    options.onStatusChanged(status);
  }

  function withJitter(delayMs: number): number {
    return Math.round(delayMs * (0.9 + random() * 0.2));
  }

  function makeDue(job: Job) {
    if (job.isDue) return;
    job.isDue = true;
    dueLine.push(job);
  }

  function dueAfter(job: Job, delayMs: number) {
    job.cancelTimer?.();
    job.cancelTimer = clock.schedule(() => {
      job.cancelTimer = null;
      if (jobs.get(job.id) !== job) return;
      makeDue(job);
      pump();
    }, delayMs);
  }

  function takeNextDue(): Job | null {
    while (dueHead < dueLine.length) {
      const job = dueLine[dueHead++]!;
      if (!job.isDue) continue;
      job.isDue = false;
      if (jobs.get(job.id) === job && !job.inFlight && (job.state === 'queued' || job.state === 'processing')) return job;
    }
    dueLine = [];
    dueHead = 0;
    return null;
  }

  function pump() {
    if (status.pausedBecause !== null || apiKey === null || reachability !== 'ok') return;
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
    const sentAfter = goAheads;
    let outcome: FetchOutcome;
    try {
      outcome = await client.fetchJob(job.id, key, controller.signal);
    } finally {
      inFlightCount -= 1;
      // A request aborted by cancel or retry may settle after its successor has started.
      if (job.inFlight === controller) job.inFlight = null;
    }
    // The job was removed, cancelled or reset while the request was out: its answer no longer counts.
    if (jobs.get(job.id) === job && !controller.signal.aborted) applyOutcome(job, outcome, key, sentAfter === goAheads);
    pump();
  }

  function fail(job: Job, message: string, retryable: boolean) {
    job.cancelTimer?.();
    job.cancelTimer = null;
    job.state = 'failed';
    job.message = message;
    job.retryable = retryable;
    job.etaSeconds = null;
    changed(job);
  }

  function retryOrFail(job: Job, reason: string) {
    job.retries += 1;
    if (job.retries > timing.maxRetries) {
      fail(job, `${reason}. Gave up after ${timing.maxRetries} retries.`, true);
      return;
    }
    const backoff = Math.min(timing.retryCapMs, timing.retryBaseMs * 2 ** (job.retries - 1));
    job.state = 'queued';
    job.message = `${reason}. Retrying (${job.retries} of ${timing.maxRetries})…`;
    changed(job);
    dueAfter(job, withJitter(backoff));
  }

  /** Back in line for the next request, without a penalty: the queue itself was held. */
  function waitInLine(job: Job) {
    if (job.state === 'fetching') job.state = 'queued';
    changed(job);
    makeDue(job);
  }

  /** Starts a probe of the endpoint now, unless one is out. */
  function probe() {
    if (probeInFlight) return;
    cancelProbeTimer?.();
    cancelProbeTimer = null;
    const controller = new AbortController();
    probeInFlight = controller;
    if (nextProbeAt !== null) {
      nextProbeAt = null;
      refreshStatus();
    }
    void client.probe(controller.signal).then((result) => {
      if (probeInFlight !== controller) return;
      probeInFlight = null;
      probeAnswered(result);
    });
  }

  function probeAnswered(result: ProbeResult) {
    if (result.reachable) return endOutage();
    unreachableBecause = causeOf(result.message);
    if (reachability === 'checking') {
      // An outage, not the jobs' fault: they wait for the endpoint without spending a retry.
      for (const job of suspects.keys()) if (jobs.get(job.id) === job) waitInLine(job);
      suspects.clear();
    }
    reachability = 'offline';
    reachabilitySettled();
    probeAttempts += 1;
    const delay = withJitter(Math.min(timing.probeCapMs, timing.probeBaseMs * 2 ** (probeAttempts - 1)));
    nextProbeAt = clock.now() + delay;
    cancelProbeTimer = clock.schedule(() => {
      cancelProbeTimer = null;
      probe();
    }, delay);
    refreshStatus();
  }

  /** The endpoint answered: requests go out again. */
  function endOutage() {
    if (reachability === 'ok') return;
    reachability = 'ok';
    probeAttempts = 0;
    nextProbeAt = null;
    cancelProbeTimer?.();
    cancelProbeTimer = null;
    probeInFlight?.abort();
    probeInFlight = null;
    // Reachable right after a job's request failed: that request's own fault, which costs the job a retry.
    for (const [job, reason] of suspects) if (jobs.get(job.id) === job) retryOrFail(job, reason);
    suspects.clear();
    refreshStatus();
    reachabilitySettled();
    pump();
  }

  function reachabilitySettled() {
    for (const watcher of [...reachabilityWatchers]) watcher.look();
  }

  /**
   * Settles once `settled` says so, looked at now and each time reachability is settled; rejects
   * when the signal aborts or the queue is disposed (no probe will go out any more).
   */
  function watchReachability<T>(settled: () => T | undefined, signal: AbortSignal | undefined): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const now = settled();
      if (now !== undefined) return resolve(now);
      if (signal?.aborted) return reject(signal.reason);
      const stop = () => {
        reachabilityWatchers.delete(watcher);
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        stop();
        reject(signal?.reason);
      };
      const watcher: ReachabilityWatcher = {
        look() {
          const value = settled();
          if (value === undefined) return;
          stop();
          resolve(value);
        },
        fail(reason) {
          stop();
          reject(reason);
        },
      };
      reachabilityWatchers.add(watcher);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** A request could not reach the endpoint: hold every request and find out whether it is down. */
  function suspectOutage(job: Job, reason: string) {
    if (reachability === 'offline') return waitInLine(job);
    suspects.set(job, reason);
    if (reachability === 'ok') {
      reachability = 'checking';
      unreachableBecause = causeOf(reason);
      probe();
    }
  }

  function applyOutcome(job: Job, outcome: FetchOutcome, keyUsed: string, sentSinceLastGoAhead: boolean) {
    if (outcome.kind !== 'network-error') {
      // Any answer at all shows the endpoint can be reached.
      timeoutsInARow = 0;
      endOutage();
    }
    if (outcome.kind !== 'unexpected' && outcome.kind !== 'network-error') job.retries = 0;
    if (outcome.kind !== 'success') job.emptySuccesses = 0;
    switch (outcome.kind) {
      case 'success': {
        if (outcome.outputUrls.length === 0) {
          job.emptySuccesses += 1;
          if (job.emptySuccesses > timing.maxEmptySuccesses) {
            fail(job, 'ModelsLab reports the job as done but gives no image links.', true);
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
        job.alternateUrls = outcome.alternateUrls;
        job.nsfwFlagged = outcome.nsfwDetected;
        job.outputsFirstSeenAt ??= clock.now();
        changed(job);
        return;
      }
      case 'processing': {
        const waited = clock.now() - (job.firstFetchedAt ?? clock.now());
        if (waited >= options.pollDeadlineMs()) {
          fail(job, `Still processing after ${formatDuration(waited)}. Retry to keep waiting.`, true);
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
        fail(job, outcome.message, false);
        return;
      case 'key-rejected':
        // Not this job's fault: it waits for a valid key with the rest of the queue. An answer to a
        // key the user has since replaced says nothing about the new one.
        waitInLine(job);
        if (keyUsed === apiKey) {
          keyRejectedMessage = outcome.message;
          refreshStatus();
        }
        return;
      case 'account-refused':
        // Like a rejected key: the job is not at fault and waits; the queue pauses once, with ModelsLab's words.
        waitInLine(job);
        if (keyUsed === apiKey && sentSinceLastGoAhead) {
          accountRefusal = { httpStatus: outcome.httpStatus, message: outcome.message };
          refreshStatus();
        }
        return;
      case 'rate-limited': {
        const holdMs = outcome.retryAfterSeconds !== null ? outcome.retryAfterSeconds * 1000 : timing.rateLimitDefaultMs;
        waitInLine(job);
        holdAllRequests(Math.min(maxRateLimitHoldMs, holdMs), outcome.message);
        return;
      }
      case 'unexpected':
        // What the server actually sent, cut short, is the detail that explains an odd answer.
        retryOrFail(job, outcome.rawExcerpt ? `${outcome.message}: ${outcome.rawExcerpt.slice(0, 120)}` : outcome.message);
        return;
      case 'network-error':
        if (outcome.failure === 'timeout') timeoutsInARow += 1;
        if (meansUnreachable(outcome.failure) || (outcome.failure === 'timeout' && timeoutsInARow >= timing.timeoutsBeforeOffline)) {
          suspectOutage(job, outcome.message);
        } else if (reachability === 'offline') {
          waitInLine(job);
        } else {
          retryOrFail(job, outcome.message);
        }
        return;
      default:
        unreachable(outcome);
    }
  }

  /** Holds every request until the later of the current hold and this one ends. */
  function holdAllRequests(holdMs: number, message: string) {
    const until = clock.now() + holdMs;
    rateLimitMessage = message;
    if (until > rateLimitHoldUntil) {
      rateLimitHoldUntil = until;
      cancelHoldTimer?.();
      cancelHoldTimer = clock.schedule(() => {
        // The timer ends the hold itself: a clock read a millisecond early must not keep it.
        cancelHoldTimer = null;
        rateLimitHoldUntil = 0;
        refreshStatus();
        pump();
      }, holdMs);
    }
    refreshStatus();
  }

  /** The user said to go on: a refused account is asked again. */
  function goAhead() {
    goAheads += 1;
    accountRefusal = null;
  }

  function newJob(stored: Partial<StoredJob> & { id: string }): Job {
    return {
      state: 'queued',
      etaSeconds: null,
      message: null,
      retryable: false,
      outputUrls: [],
      alternateUrls: [],
      nsfwFlagged: false,
      outputsFirstSeenAt: null,
      savedPaths: [],
      firstFetchedAt: null,
      ...stored,
      retries: 0,
      emptySuccesses: 0,
      isDue: false,
      inFlight: null,
      cancelTimer: null,
    };
  }

  function stopWork(job: Job) {
    suspects.delete(job);
    job.inFlight?.abort();
    job.inFlight = null;
    job.cancelTimer?.();
    job.cancelTimer = null;
    job.isDue = false;
  }

  /** Puts a job back at the end of the queue as if it had just been added. */
  function requeue(job: Job) {
    stopWork(job);
    Object.assign(job, { state: 'queued', message: null, retryable: false, retries: 0, emptySuccesses: 0, firstFetchedAt: null, etaSeconds: null });
    changed(job);
    makeDue(job);
  }

  function selected(ids: readonly string[] | 'all'): Job[] {
    if (ids === 'all') return [...jobs.values()];
    return ids.flatMap((id) => jobs.get(id) ?? []);
  }

  function remove(candidates: Job[]): string[] {
    const removed: string[] = [];
    for (const job of candidates) {
      if (job.state === 'saving') continue;
      stopWork(job);
      jobs.delete(job.id);
      removed.push(job.id);
    }
    if (removed.length > 0) options.onJobsRemoved(removed);
    return removed;
  }

  return {
    /**
     * Adds new IDs at the end of the queue; returns those added and how many were already listed.
     * Labels from a table go with their jobs: a job already listed takes the new ones (`labelled` counts them).
     */
    add(ids: readonly string[], labels?: ReadonlyMap<string, JobLabels>): { added: string[]; alreadyListed: number; labelled: number } {
      const added: string[] = [];
      let labelled = 0;
      for (const id of ids) {
        const listed = jobs.get(id);
        if (listed) {
          const rowLabels = labels?.get(id);
          if (rowLabels !== undefined && JSON.stringify(rowLabels) !== JSON.stringify(listed.labels ?? [])) {
            listed.labels = rowLabels;
            labelled += 1;
            changed(listed);
          }
          continue;
        }
        const rowLabels = labels?.get(id);
        const job = newJob(rowLabels === undefined ? { id } : { id, labels: rowLabels });
        jobs.set(id, job);
        added.push(id);
        changed(job);
        makeDue(job);
      }
      pump();
      return { added, alreadyListed: ids.length - added.length, labelled };
    },

    /**
     * Takes back jobs kept from an earlier run. Work that was under way starts again: a job caught
     * mid-fetch is queued, one caught mid-save is ready, a processing one is polled now.
     */
    restore(stored: readonly StoredJob[]) {
      for (const record of stored) {
        if (jobs.has(record.id)) continue;
        const state: JobState = record.state === 'fetching' ? 'queued' : record.state === 'saving' ? 'ready' : record.state;
        // The processing time limit counts from this start: time the app was closed is not the job's.
        const stillFetching = state === 'queued' || state === 'processing';
        const job = newJob({ ...record, state, firstFetchedAt: stillFetching ? null : record.firstFetchedAt });
        jobs.set(job.id, job);
        changed(job);
        if (state === 'queued' || state === 'processing') makeDue(job);
      }
      pump();
    },

    /** A usable key (or none): resumes a queue that was waiting for one. */
    setApiKey(key: string | null) {
      apiKey = key;
      keyRejectedMessage = null;
      goAhead();
      refreshStatus();
      pump();
    },

    pause() {
      pausedByUser = true;
      refreshStatus();
    },

    /** Also the way on after ModelsLab refused the account: the user has added credits or changed the plan. */
    resume() {
      pausedByUser = false;
      goAhead();
      refreshStatus();
      pump();
    },

    /**
     * Probes the endpoint at once: "Try now", a wake from sleep, the network coming or going. An
     * outage ends when it gets through; a failed probe starts one (or waits the shortest delay again).
     */
    probeNow() {
      if (reachability === 'ok') {
        reachability = 'checking';
        probe();
        return;
      }
      probeAttempts = 0;
      probe();
    },

    /**
     * Whether ModelsLab itself can be reached: asked by a download that got no answer from its
     * image host, to tell an outage (wait with the queue) from that host's own fault. Known at once
     * while the queue is offline; otherwise a probe finds out (one at a time, shared), and a probe
     * that fails pauses the queue as a failed request would.
     */
    checkReachable(signal?: AbortSignal): Promise<boolean> {
      if (reachability === 'ok') {
        reachability = 'checking';
        probe();
      }
      return watchReachability(() => (reachability === 'checking' ? undefined : reachability === 'ok'), signal);
    },

    /** Resolves once ModelsLab can be reached (at once when it can); the queue's own probes find out when. */
    whenReachable(signal?: AbortSignal): Promise<void> {
      return watchReachability(() => (reachability === 'ok' ? null : undefined), signal).then(() => undefined);
    },

    /** Fetches failed jobs again from the start; all of them, or the ones named. */
    retry(ids: readonly string[] | 'all'): number {
      const failed = selected(ids).filter((job) => job.state === 'failed');
      failed.forEach(requeue);
      // Retrying says "try again" as resuming does, so a queue paused by a refused account goes on too.
      if (accountRefusal !== null) {
        goAhead();
        refreshStatus();
      }
      pump();
      return failed.length;
    },

    /** Stops jobs that are still being fetched; they fail as cancelled, and can be retried. */
    cancel(ids: readonly string[]): number {
      const active = selected(ids).filter((job) => job.state === 'queued' || job.state === 'fetching' || job.state === 'processing');
      for (const job of active) {
        stopWork(job);
        fail(job, 'Cancelled. Retry to fetch it again.', true);
      }
      pump();
      return active.length;
    },

    /** Removes jobs from the list (not those being saved); returns the removed IDs. */
    remove: (ids: readonly string[] | 'all') => remove(selected(ids)),

    /** Removes the jobs whose images are saved. */
    clearSaved: () => remove([...jobs.values()].filter((job) => job.state === 'saved')),

    list(): JobView[] {
      return [...jobs.values()].map(toJobView);
    },

    snapshot(): StoredJob[] {
      return [...jobs.values()].map(toStoredJob);
    },

    status(): QueueStatus {
      return status;
    },

    /** Ready jobs with their image links, for the saver; `notTriedYet` leaves out those whose save failed. */
    readyJobs(options: { notTriedYet?: boolean } = {}): Array<{ id: string; outputUrls: string[]; alternateUrls: string[][] }> {
      return [...jobs.values()]
        .filter((job) => job.state === 'ready' && !(options.notTriedYet && job.message !== null))
        .map(({ id, outputUrls, alternateUrls }) => ({ id, outputUrls, alternateUrls }));
    },

    /** Image n (from 1) of a job in any state: its link and the second links to it, or null when there is no such image. */
    imageLinksOf(id: string, n: number): { url: string; alternates: readonly string[] } | null {
      const job = jobs.get(id);
      const url = job?.outputUrls[n - 1];
      return job && url !== undefined ? { url, alternates: job.alternateUrls[n - 1] ?? [] } : null;
    },

    /** One ready job with its image links, or null when it is not ready. */
    readyJob(id: string): { id: string; outputUrls: string[]; alternateUrls: string[][]; labels?: JobLabels } | null {
      const job = jobs.get(id);
      return job?.state === 'ready' ? { id: job.id, outputUrls: job.outputUrls, alternateUrls: job.alternateUrls, labels: job.labels } : null;
    },

    /** Every job's labels, in the list's order: which of two jobs with the same name came later. */
    labelledJobs(): Array<{ id: string; labels?: JobLabels }> {
      return [...jobs.values()].map(({ id, labels }) => ({ id, labels }));
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

    /**
     * A save that did not finish leaves the job ready, with the reason and what was saved, so
     * saving again can finish it.
     */
    markSaveFailed(id: string, reason: string, savedPaths: string[]) {
      const job = jobs.get(id);
      if (!job) return;
      job.state = 'ready';
      job.message = `Not saved: ${reason}`;
      job.savedPaths = savedPaths;
      changed(job);
    },

    dispose() {
      cancelHoldTimer?.();
      cancelProbeTimer?.();
      probeInFlight?.abort();
      probeInFlight = null;
      for (const job of jobs.values()) stopWork(job);
      // No probe goes out any more: whoever waits for ModelsLab would wait for ever.
      const stopped = new Error('The queue was stopped.');
      for (const watcher of [...reachabilityWatchers]) watcher.fail(stopped);
    },
  };
}

/** The short cause in a network message ("Could not reach ModelsLab (ECONNREFUSED)" → "ECONNREFUSED"). */
function causeOf(message: string): string {
  return /\(([^()]+)\)\s*$/.exec(message)?.[1] ?? message.replace(/^ModelsLab /, '');
}

interface ReachabilityWatcher {
  /** Reachability was settled: settle the wait if it was waiting for that. */
  look(): void;
  fail(reason: unknown): void;
}

interface AccountRefusal {
  httpStatus: 402 | 403;
  message: string | null;
}

/** What happened to the account, ModelsLab's own words, and what to do; the window and the CLI each add how to go on. */
export function describeAccountRefusal({ httpStatus, message }: AccountRefusal): string {
  const quoted = message ? ` ("${message}")` : '';
  return httpStatus === 402
    ? `ModelsLab says the account has no credits left${quoted}. Add credits to your ModelsLab account, then try again.`
    : `ModelsLab refused the request: the account's plan or the key's permissions do not allow it${quoted}. Check your plan and key on modelslab.com, then try again.`;
}

function formatDuration(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 2 * 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 3_600_000)} h`;
}


export type JobQueue = ReturnType<typeof createJobQueue>;
