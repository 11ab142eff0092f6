// Starts the real core against the fake ModelsLab, a temp user-data folder and the real keychain.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'node:test';
import type { EventName, Events, IntakeSummary, JobState, JobView } from '../../preload/api-contract';
import { createAppCore, type AppCore, type AppCoreOptions } from '../../main/core/app-core';
import { createKeytarSecretStore, type SecretStore } from '../../main/core/keychain';
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
  userDataDir: string;
  saveDir: string;
  events: Array<{ event: EventName; payload: unknown }>;
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
  if (options.withKey !== false) await secretStore.write(validTestKey);
  const userDataDir = options.userDataDir ?? (await makeTempDir());
  const saveDir = await makeTempDir('headshot-fetcher-save-');
  const events: CoreHarness['events'] = [];
  const logs: string[] = [];
  const revealed: CoreHarness['revealed'] = [];
  const desktopNotifications: CoreHarness['desktopNotifications'] = [];

  const start = () =>
    createAppCore({
      fetch: (url, init) => fetch(url, init),
      secretStore,
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
      requestTimeoutMs: 500,
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
    userDataDir,
    saveDir,
    events,
    logs,
    revealed,
    desktopNotifications,
    addText: (text) => core.handlers.addJobs({ sources: [{ name: null, text }] }),
    jobs,
    job,
    waitForJob: async (id, state, timeoutMs = 5_000) =>
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
