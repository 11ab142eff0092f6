// Starts the real core against the fake ModelsLab, a temp user-data folder and the real keychain.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'node:test';
import type { EventName, Events, IntakeSummary, JobState, JobView, QueueStatus } from '../../preload/api-contract';
import { createAppCore, type AppCore, type AppCoreOptions } from '../../main/core/app-core';
import { createKeytarSecretStore, endpointHostAccount, type SecretStore } from '../../main/core/keychain';
import { startFakeModelsLab, type FakeModelsLab, type FakeModelsLabOptions } from '../fixtures/fake-modelslab';

export const validTestKey = 'test-key-6f1c2b9e4d7a3c5f8e0b1a2d3c4e5f6a';

/** Short waits so a test of polling and backoff takes milliseconds, not minutes. */
export const fastTiming = {
  pollFloorMs: 20,
  pollCapMs: 200,
  retryBaseMs: 10,
  retryCapMs: 50,
  maxRetries: 3,
  rateLimitDefaultMs: 100,
  maxEmptySuccesses: 2,
};

export async function makeTempDir(prefix = 'headshot-fetcher-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** A keychain entry of the real Secret Service under a service name no user has. */
export function testSecretStore(): SecretStore & { service: string } {
  const service = `Headshot Fetcher test ${randomUUID()}`;
  return Object.assign(createKeytarSecretStore(service), { service });
}

export interface CoreHarness {
  core: AppCore;
  server: FakeModelsLab;
  secretStore: SecretStore & { service: string };
  /** The keychain entry beside the key that holds the endpoint host the person confirmed. */
  endpointHostStore: SecretStore;
  userDataDir: string;
  saveDir: string;
  events: Array<{ event: EventName; payload: unknown }>;
  /**
   * Every request the core sent to ModelsLab's fetch endpoint, in order, recorded as it was sent
   * (the server's own record comes later): with the signal that can abort it, and how many events
   * had been emitted by then, so a test can tell what was sent after a given event.
   */
  fetchCalls: FetchCall[];
  /**
   * Holds the job's next requests before they reach the server (with the key they were sent with)
   * until the returned function is called: an answer that comes exactly when the test says.
   * A request aborted while held fails as an aborted fetch does.
   */
  holdFetches(jobId: string): () => void;
  /**
   * Every address the core asked to fetch, recorded before it is sent. Only this machine is ever
   * reached: a request to any other host fails here, unsent, as an unreachable host would.
   */
  requestedUrls: string[];
  logs: string[];
  /** What "Show in folder" asked the file manager to show. */
  revealed: Array<{ file: string } | { folder: string }>;
  desktopNotifications: Array<{ title: string; body: string }>;
  /** Adds the IDs in a text, as a paste would. */
  addText(text: string): Promise<IntakeSummary>;
  jobs(): Promise<JobView[]>;
  job(id: string): Promise<JobView | undefined>;
  waitForJob(id: string, state: JobState, timeoutMs?: number): Promise<JobView>;
  restartCore(): Promise<AppCore>;
  close(): Promise<void>;
}

export interface FetchCall {
  jobId: string;
  signal: AbortSignal | null;
  /** `events.length` when the request was sent. */
  afterEvents: number;
}

/** The job ID in a fetch-endpoint address, or null for any other request (an image download). */
function fetchedJobId(url: string): string | null {
  const match = /\/fetch\/([^/?]+)$/.exec(new URL(url).pathname);
  return match ? decodeURIComponent(match[1]!) : null;
}

export interface CoreHarnessOptions extends Partial<FakeModelsLabOptions> {
  withKey?: boolean;
  /** The user-data folder of an earlier run, to start from what it left. */
  userDataDir?: string;
  core?: Partial<AppCoreOptions>;
}

export async function waitUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; last seen: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
    last = await read();
  }
  return last;
}

export async function startCoreHarness(options: CoreHarnessOptions = {}): Promise<CoreHarness> {
  const server = await startFakeModelsLab({ validKey: validTestKey, ...options });
  const secretStore = testSecretStore();
  const endpointHostStore = createKeytarSecretStore(secretStore.service, endpointHostAccount);
  if (options.withKey !== false) await secretStore.write(validTestKey);
  const userDataDir = options.userDataDir ?? (await makeTempDir());
  const saveDir = await makeTempDir('headshot-fetcher-save-');
  const events: CoreHarness['events'] = [];
  const fetchCalls: FetchCall[] = [];
  const heldJobs = new Map<string, Promise<void>>();
  const whenReleased = (hold: Promise<void>, signal: AbortSignal | null | undefined) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      void hold.then(resolve);
    });
  const logs: string[] = [];
  const requestedUrls: string[] = [];
  const revealed: CoreHarness['revealed'] = [];
  const desktopNotifications: CoreHarness['desktopNotifications'] = [];

  const start = () =>
    createAppCore({
      fetch: async (url, init) => {
        requestedUrls.push(url);
        if (!['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname)) throw new TypeError('fetch failed', { cause: new Error('the tests send nothing off this machine') });
        const jobId = fetchedJobId(url);
        if (jobId !== null) fetchCalls.push({ jobId, signal: init?.signal ?? null, afterEvents: events.length });
        const hold = jobId === null ? undefined : heldJobs.get(jobId);
        if (hold) await whenReleased(hold, init?.signal);
        return fetch(url, init);
      },
      secretStore,
      endpointHostStore,
      userDataDir,
      defaultEndpointTemplate: server.endpointTemplate,
      chooseFolder: async () => saveDir,
      revealInFileManager: (target) => revealed.push(target),
      notifyDesktop: (title, body) => desktopNotifications.push({ title, body }),
      downloadRetryDelayMs: 10,
      confirmEndpointHost: async () => true,
      emit: <E extends EventName>(event: E, payload: Events[E]) => events.push({ event, payload }),
      timing: fastTiming,
      storeWriteDelayMs: 10,
      // Generous, so a slow answer on a busy machine is not fetched a second time and exact fetch
      // counts hold; a test of timeouts passes a short one through `core`.
      requestTimeoutMs: 10_000,
      imageTimeoutMs: 2_000,
      eventBatchMs: 5,
      log: (message) => logs.push(message),
      ...options.core,
    });

  let core = await start();
  const jobs = async () => {
    const result = await core.handlers.listJobs(undefined);
    return result;
  };
  const job = async (id: string) => (await jobs()).find((view) => view.id === id);

  const harness: CoreHarness = {
    get core() {
      return core;
    },
    server,
    secretStore,
    endpointHostStore,
    userDataDir,
    saveDir,
    events,
    fetchCalls,
    holdFetches(jobId) {
      let release = () => undefined as void;
      const hold = new Promise<void>((resolve) => (release = resolve));
      heldJobs.set(jobId, hold);
      return () => {
        if (heldJobs.get(jobId) === hold) heldJobs.delete(jobId);
        release();
      };
    },
    requestedUrls,
    logs,
    revealed,
    desktopNotifications,
    addText: (text) => core.handlers.addJobs({ sources: [{ name: null, text }] }),
    jobs,
    job,
    waitForJob: async (id, state, timeoutMs = 10_000) =>
      (await waitUntil(() => job(id), (view) => view?.state === state, timeoutMs, `job ${id} to be ${state}`))!,
    async restartCore() {
      await core.dispose();
      core = await start();
      return core;
    },
    async close() {
      await core.dispose();
      await server.close();
      await secretStore.erase().catch(() => undefined);
      await endpointHostStore.erase().catch(() => undefined);
      await rm(userDataDir, { recursive: true, force: true });
      await rm(saveDir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** For a test file: `const start = useCoreHarness();` then `const h = await start({...})` in each test; closed after it. */
export function useCoreHarness(): (options?: CoreHarnessOptions) => Promise<CoreHarness> {
  let current: CoreHarness | null = null;
  afterEach(async () => {
    await current?.close();
    current = null;
  });
  return async (options = {}) => {
    current = await startCoreHarness(options);
    return current;
  };
}

/** Offline statuses with a probe planned, as sent to the window: one more after each failed probe. */
export const plannedProbes = (h: CoreHarness) =>
  h.events.flatMap((e) => {
    const status = e.payload as QueueStatus;
    return e.event === 'queueStatus' && status.pausedBecause === 'offline' && typeof status.nextProbeAt === 'number' ? [status as QueueStatus & { nextProbeAt: number }] : [];
  });

/** Waits for the queue to be offline with a probe planned after the `seen` ones, and returns that status. */
export async function offlineWithProbePlanned(h: CoreHarness, seen = 0): Promise<QueueStatus & { nextProbeAt: number }> {
  const planned = await waitUntil(async () => plannedProbes(h), (list) => list.length > seen, 10_000, 'the queue to be offline with a probe planned');
  return planned.at(-1)!;
}
