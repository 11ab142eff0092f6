import { join, resolve } from 'node:path';
import type { EventName, Events, IntakeSource, JobView, KeyStatus, Notice, RequestName, ResponseOf, SaveProgress, SaveSummary, Settings } from '../../preload/api-contract';
import { AppError } from './app-error';
import { systemClock, type Clock } from './clock';
import { createLimiter } from './limiter';
import { defaultFileNameTemplate } from '../../preload/shared/file-names';
import { defaultSaveLayout } from '../../preload/shared/save-layouts';
import { createImageCache } from './image-cache';
import { createImageDownloader } from './image-download';
import { imageContentTypes, type ImageExtension } from './image-type';
import { createJobSaver, describeSaveFailures, type JobToSave } from './job-saver';
import { openSaveFolders } from './save-folders';
import { createSaveProgress } from './save-progress';
import { extractJobIds } from './id-intake';
import { createJobQueue, type QueueTiming } from './job-queue';
import { openJobStore } from './job-store';
import { KeychainUnavailableError, type SecretStore } from './keychain';
import { createModelsLabClient, defaultEndpointTemplate, fetchUrlFor, redactKey, type FetchFunction } from './modelslab-client';
import { openSettingsStore, validateEndpointTemplate } from './settings-store';

export interface AppCoreOptions {
  fetch: FetchFunction;
  secretStore: SecretStore;
  /** Where settings are kept: the app's user-data folder. */
  userDataDir: string;
  /** The native folder picker; the only way a folder becomes writable. */
  chooseFolder: () => Promise<string | null>;
  /** Shows a file or a folder in the system file manager. */
  revealInFileManager: (target: { file: string } | { folder: string }) => void;
  /** A system notification, for a long save batch that finished while the person looked elsewhere. */
  notifyDesktop?: (title: string, body: string) => void;
  /**
   * Asks the person, outside the window, whether the key may go to a new endpoint host: a page
   * that could change the endpoint silently could send the key anywhere.
   */
  confirmEndpointHost: (host: string) => Promise<boolean>;
  emit: <E extends EventName>(event: E, payload: Events[E]) => void;
  defaultEndpointTemplate?: string;
  clock?: Clock;
  timing?: Partial<QueueTiming>;
  requestTimeoutMs?: number;
  imageTimeoutMs?: number;
  /** How long job updates are gathered before they are sent as one event. */
  eventBatchMs?: number;
  /** How long job-list changes are gathered before they are written. */
  storeWriteDelayMs?: number;
  /** Waits between tries of an image download that was cut off. */
  downloadRetryDelayMs?: number;
  imageCacheMaxBytes?: number;
  /** A batch that takes at least this long ends with a system notification. */
  longBatchMs?: number;
  log?: (message: string) => void;
}

/** The handler table: the same functions back ipcMain in the app and the bridge in browser tests. */
export type RequestHandlers = { [N in RequestName]: (request: unknown) => Promise<ResponseOf<N>> };

export const defaultSettings: Omit<Settings, 'endpointTemplate'> = {
  // ModelsLab's plans allow 5 to 15 queued requests; 4 stays under the smallest.
  concurrency: 4,
  downloadConcurrency: 4,
  pollDeadlineSeconds: 30 * 60,
  saveLayout: defaultSaveLayout,
  fileNameTemplate: defaultFileNameTemplate,
  // Keeping both never loses a file; identical bytes are still never saved twice.
  conflictPolicy: 'rename',
  saveAsTheyArrive: false,
};
const keyLengthRange = { min: 8, max: 512 };
const maxNoticesKept = 20;
const maxViewsPerEvent = 10_000;
/** Hosts that may receive the key without asking: ModelsLab's own. */
const trustedEndpointHost = /(^|\.)modelslab\.com$/i;

function expectObject(request: unknown, what: string): Record<string, unknown> {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw new AppError('invalid-request', `${what} must be an object.`);
  }
  return request as Record<string, unknown>;
}

function expectIds(value: unknown): string[] {
  if (!Array.isArray(value) || value.length > 1_000_000 || !value.every((id) => typeof id === 'string')) {
    throw new AppError('invalid-request', 'The jobs must be a list of IDs.');
  }
  return value as string[];
}

/** A list of IDs, or the word that stands for all of them. */
function expectIdsOr<Whole extends string>(value: unknown, whole: Whole): string[] | Whole {
  return value === whole ? whole : expectIds(value);
}

function expectString(value: unknown, what: string, maxLength: number): string {
  if (typeof value !== 'string') throw new AppError('invalid-request', `${what} must be text.`);
  if (value.length > maxLength) throw new AppError('invalid-request', `${what} is too long.`);
  return value;
}

/** Pasted keys often carry spaces or a line break; anything else unusual is refused before it is stored. */
export function validateApiKey(value: unknown): string {
  const key = expectString(value, 'The API key', 10_000).trim();
  if (key.length < keyLengthRange.min || key.length > keyLengthRange.max || !/^[\x21-\x7e]+$/.test(key)) {
    throw new AppError(
      'invalid-key-format',
      'That does not look like a ModelsLab API key: paste the key from your ModelsLab dashboard (letters and digits, no spaces).',
    );
  }
  return key;
}

/** Text dropped or pasted at once; the window refuses larger files before reading them. */
export const maxIntakeTextLength = 64 * 1024 * 1024;

function expectSources(value: unknown): IntakeSource[] {
  if (!Array.isArray(value) || value.length > 1_000) throw new AppError('invalid-request', 'The drop must be a list of texts.');
  let total = 0;
  return value.map((item) => {
    const source = expectObject(item, 'A dropped item');
    const name = source.name === null ? null : expectString(source.name, 'A file name', 1_000);
    const text = expectString(source.text, 'The dropped text', maxIntakeTextLength);
    total += text.length;
    if (total > maxIntakeTextLength) throw new AppError('invalid-request', 'The drop is too large: drop fewer or smaller files at once.');
    return { name, text };
  });
}

export async function createAppCore(options: AppCoreOptions) {
  const clock = options.clock ?? systemClock;
  // Held in memory once read, so the keychain is asked once, not per request.
  let apiKey: string | null = null;
  const log = (message: string) => (options.log ?? console.error)(apiKey ? redactKey(message, apiKey) : message);
  const notices: Notice[] = [];
  /** Something the person should know that no request asked for: shown as a banner. */
  function notify(message: string) {
    log(message);
    const notice = { id: (notices.at(-1)?.id ?? 0) + 1, message };
    notices.push(notice);
    if (notices.length > maxNoticesKept) notices.shift();
    options.emit('notice', notice);
  }

  let endpointFromEnvironment: string | null = null;
  try {
    endpointFromEnvironment = options.defaultEndpointTemplate ? validateEndpointTemplate(options.defaultEndpointTemplate) : null;
  } catch (error) {
    notify(`HEADSHOT_FETCHER_ENDPOINT was ignored: ${error instanceof Error ? error.message : String(error)}`);
  }
  const settings = await openSettingsStore({
    filePath: join(options.userDataDir, 'settings.json'),
    defaults: { endpointTemplate: endpointFromEnvironment ?? defaultEndpointTemplate, ...defaultSettings },
    onNotice: notify,
  });

  // Job updates are gathered and sent together, so a burst of changes is one message, not thousands.
  const pendingViews = new Map<string, JobView>();
  let cancelFlush: (() => void) | null = null;
  function flushJobUpdates() {
    cancelFlush?.();
    cancelFlush = null;
    if (pendingViews.size === 0) return;
    const views = [...pendingViews.values()];
    pendingViews.clear();
    // In messages of at most 10,000 jobs: a 100,000-job drop is then ten small messages the
    // window can take a frame at a time, not one of 14 MB that blocks both sides while it is copied.
    for (let start = 0; start < views.length; start += maxViewsPerEvent) options.emit('jobsUpdated', views.slice(start, start + maxViewsPerEvent));
  }

  const store = openJobStore({
    filePath: join(options.userDataDir, 'jobs.json'),
    clock,
    writeDelayMs: options.storeWriteDelayMs,
    onNotice: notify,
    onWriteError: notify,
  });
  const client = createModelsLabClient({
    fetch: options.fetch,
    endpointTemplate: () => settings.get().endpointTemplate,
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
  });
  const queue = createJobQueue({
    client,
    clock,
    concurrency: () => settings.get().concurrency,
    pollDeadlineMs: () => settings.get().pollDeadlineSeconds * 1000,
    timing: options.timing,
    onJobChanged(view) {
      if (view.state === 'ready' && view.message === null) saveWhenArrived(view.id);
      pendingViews.set(view.id, view);
      cancelFlush ??= clock.schedule(flushJobUpdates, options.eventBatchMs ?? 50);
      store.changed(queue.snapshot);
    },
    onJobsRemoved(ids) {
      // Updates still waiting go first, so a removed job is not brought back by a late update.
      flushJobUpdates();
      options.emit('jobsRemoved', ids);
      store.changed(queue.snapshot);
    },
    onStatusChanged: (status) => options.emit('queueStatus', status),
  });
  const downloader = createImageDownloader({ fetch: options.fetch, requestTimeoutMs: options.imageTimeoutMs ?? 120_000 });
  const imageCache = createImageCache({ folder: join(options.userDataDir, 'image-cache'), maxBytes: options.imageCacheMaxBytes, downloader });
  const saver = createJobSaver({ downloader, cache: imageCache, onNotice: notify, retryDelayMs: options.downloadRetryDelayMs });
  const limitDownloads = createLimiter(() => settings.get().downloadConcurrency);
  // Previews take their own small share of the network, so scrolling never holds up a save.
  const limitPreviews = createLimiter(() => 4);
  const saveFolders = await openSaveFolders(join(options.userDataDir, 'save-folders.json'), notify);
  const saveProgress = createSaveProgress({
    clock,
    onChange: (progress) => options.emit('saveProgress', progress),
    onBatchFinished: notifyLongBatch,
  });
  /** Jobs that became ready while "save as they arrive" is on, gathered into one batch. */
  const arrivedJobs = new Set<string>();
  let cancelArrivedSave: (() => void) | null = null;

  /** Keychain faults reach the window as a code it can act on. */
  async function withKeychain<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof KeychainUnavailableError) throw new AppError('keychain-unavailable', error.message);
      throw error;
    }
  }

  let keyLoaded = false;
  async function loadKey(): Promise<void> {
    apiKey = await withKeychain(() => options.secretStore.read());
    keyLoaded = true;
    queue.setApiKey(apiKey);
  }
  queue.restore(await store.load());
  await loadKey().catch((error: unknown) => log(`Could not read the key at start: ${String(error)}`));

  const keyStatus = (): KeyStatus => ({ isSet: apiKey !== null, lastFour: apiKey ? apiKey.slice(-4) : null });

  async function changeKey(action: () => Promise<void>, nextKey: string | null): Promise<KeyStatus> {
    await withKeychain(action);
    apiKey = nextKey;
    keyLoaded = true;
    queue.setApiKey(nextKey);
    return keyStatus();
  }

  async function confirmEndpoint(request: unknown): Promise<void> {
    const change = expectObject(request, 'The settings');
    if (typeof change.endpointTemplate !== 'string') return;
    const next = new URL(fetchUrlFor(validateEndpointTemplate(change.endpointTemplate), '1'));
    const current = new URL(fetchUrlFor(settings.get().endpointTemplate, '1'));
    if (next.host === current.host || trustedEndpointHost.test(next.hostname)) return;
    if (!(await options.confirmEndpointHost(next.host))) {
      throw new AppError('endpoint-not-confirmed', `The endpoint was not changed: your key stays away from ${next.host}.`);
    }
  }

  function notifyLongBatch(progress: SaveProgress) {
    if (progress.startedAt === null || progress.finishedAt === null) return;
    if (progress.finishedAt - progress.startedAt < (options.longBatchMs ?? 10_000)) return;
    const failed = progress.jobsFailed > 0 ? ` ${progress.jobsFailed} could not be saved.` : '';
    options.notifyDesktop?.(
      progress.jobsFailed > 0 ? 'Saving finished with problems' : 'Headshots saved',
      `${progress.filesDone} of ${progress.filesTotal} images are in ${progress.folder}.${failed}`,
    );
  }

  async function saveOneJob(job: JobToSave, settingsNow: Settings, folder: string, savedAt: Date) {
    try {
      const result = await limitDownloads(() =>
        saver.saveJob(job, { folder, savedAt, ...settingsNow }, { onBytes: saveProgress.bytesWritten, onImage: saveProgress.imageDone }),
      );
      if (result.failures.length === 0) queue.markSaved(job.id, result.paths);
      else queue.markSaveFailed(job.id, describeSaveFailures(result.failures), result.paths);
      return result;
    } catch (error) {
      queue.markSaveFailed(job.id, error instanceof Error ? error.message : String(error), []);
      return null;
    }
  }

  /** Saves jobs into a chosen folder as one batch with the settings of this moment. */
  async function saveBatch(candidates: JobToSave[], folder: string): Promise<SaveSummary> {
    const jobs = candidates.filter((job) => queue.markSaving(job.id));
    const settingsNow = settings.get();
    const savedAt = new Date(clock.now());
    saveProgress.jobsStarted(folder, jobs.map((job) => job.outputUrls.length));
    const summary: SaveSummary = { folder, savedJobs: 0, savedFiles: 0, skippedFiles: 0, failedJobs: 0 };
    await Promise.all(
      jobs.map(async (job) => {
        const result = await saveOneJob(job, settingsNow, folder, savedAt);
        const saved = result !== null && result.failures.length === 0;
        if (saved) summary.savedJobs += 1;
        else summary.failedJobs += 1;
        summary.savedFiles += result?.savedFiles ?? 0;
        summary.skippedFiles += result?.skippedFiles ?? 0;
        saveProgress.jobDone(saved);
      }),
    );
    return summary;
  }

  function saveWhenArrived(id: string) {
    if (!settings.get().saveAsTheyArrive) return;
    arrivedJobs.add(id);
    // Jobs that become ready together are saved as one batch, after the update that made them ready.
    cancelArrivedSave ??= clock.schedule(saveArrivedJobs, 0);
  }

  function saveArrivedJobs() {
    cancelArrivedSave = null;
    const folder = saveFolders.current();
    const ids = new Set(arrivedJobs);
    arrivedJobs.clear();
    if (!settings.get().saveAsTheyArrive || folder === null) return;
    const jobs = queue.readyJobs({ notTriedYet: true }).filter((job) => ids.has(job.id));
    if (jobs.length > 0) void saveBatch(jobs, folder);
  }

  function expectChosenFolder(value: unknown): string {
    const folder = resolve(expectString(value, 'The folder', 4096));
    if (!saveFolders.isChosen(folder)) {
      throw new AppError('folder-not-allowed', 'Choose the folder with "Choose folder…" before saving into it.');
    }
    return folder;
  }

  async function useFolder(folder: string) {
    await saveFolders.use(folder);
    options.emit('saveFolders', saveFolders.list());
  }

  const handlers: RequestHandlers = {
    async getKeyStatus() {
      if (!keyLoaded) await loadKey();
      return keyStatus();
    },
    async setKey(request) {
      const key = validateApiKey(expectObject(request, 'The key request').key);
      return changeKey(() => options.secretStore.write(key), key);
    },
    async clearKey() {
      return changeKey(() => options.secretStore.erase(), null);
    },
    async addJobs(request) {
      const extracted = extractJobIds(expectSources(expectObject(request, 'The drop').sources));
      const { added, alreadyListed } = queue.add(extracted.ids);
      return {
        added: added.length,
        repeatedInDrop: extracted.repeated,
        alreadyListed,
        rejected: extracted.rejected,
        rejectedCount: extracted.rejectedCount,
      };
    },
    async listJobs() {
      return queue.list();
    },
    async retryJobs(request) {
      const ids = expectIdsOr(expectObject(request, 'The retry request').ids, 'all-failed');
      return { retried: queue.retry(ids === 'all-failed' ? 'all' : ids) };
    },
    async cancelJobs(request) {
      return { cancelled: queue.cancel(expectIds(expectObject(request, 'The cancel request').ids)) };
    },
    async removeJobs(request) {
      const ids = expectIdsOr(expectObject(request, 'The remove request').ids, 'all');
      return { removed: queue.remove(ids === 'all' ? 'all' : ids).length };
    },
    async clearSavedJobs() {
      return { removed: queue.clearSaved().length };
    },
    async pauseQueue() {
      queue.pause();
      return queue.status();
    },
    async resumeQueue() {
      queue.resume();
      return queue.status();
    },
    async getQueueStatus() {
      return queue.status();
    },
    async listNotices() {
      return [...notices];
    },
    async getSettings() {
      return settings.get();
    },
    async updateSettings(request) {
      await confirmEndpoint(request);
      const turnsOnAutoSave = expectObject(request, 'The settings').saveAsTheyArrive === true && !settings.get().saveAsTheyArrive;
      if (turnsOnAutoSave && saveFolders.current() === null) {
        throw new AppError('folder-not-allowed', 'Choose a folder first: the jobs will be saved into it as they arrive.');
      }
      const updated = await settings.update(request);
      // Turning it on saves what is ready now, then each job as it arrives.
      if (turnsOnAutoSave) queue.readyJobs({ notTriedYet: true }).forEach((job) => saveWhenArrived(job.id));
      return updated;
    },
    async listSaveFolders() {
      return saveFolders.list();
    },
    async chooseSaveFolder() {
      const folder = await options.chooseFolder();
      if (folder === null) return { folder: null };
      const chosen = resolve(folder);
      await useFolder(chosen);
      return { folder: chosen };
    },
    async saveJobs(request) {
      const save = expectObject(request, 'The save request');
      const folder = expectChosenFolder(save.folder);
      const ids = expectIdsOr(save.ids, 'all-ready');
      const wanted = ids === 'all-ready' ? null : new Set(ids);
      const jobs = queue.readyJobs().filter((job) => wanted === null || wanted.has(job.id));
      if (jobs.length === 0) {
        throw new AppError('nothing-to-save', wanted === null ? 'No job is ready to save yet.' : 'None of the selected jobs is ready to save.');
      }
      await useFolder(folder);
      return saveBatch(jobs, folder);
    },
    async getSaveProgress() {
      return saveProgress.current();
    },
    async showInFolder(request) {
      const target = expectObject(request, 'The request');
      if ('folder' in target) return options.revealInFileManager({ folder: expectChosenFolder(target.folder) });
      const id = expectString(target.jobId, 'The job', 64);
      const file = queue.list().find((job) => job.id === id)?.savedPaths[0];
      if (!file) throw new AppError('not-found', `Job ${id} has no saved images to show.`);
      options.revealInFileManager({ file });
    },
    async getImageCacheUsage() {
      return imageCache.usage();
    },
    async clearImageCache() {
      return imageCache.clear();
    },
  };

  return {
    handlers,
    log,
    /**
     * The file of a job's image n (from 1) for the window to show: downloaded once into the image
     * cache, where saving finds it later. Throws AppError 'not-found' for a job or image not listed.
     */
    async jobImage(jobId: string, n: number): Promise<{ path: string; contentType: string }> {
      const url = queue.outputUrlsOf(jobId)?.[n - 1];
      if (url === undefined) throw new AppError('not-found', `Job ${jobId} has no image ${n}.`);
      const path = await limitPreviews(() => imageCache.fetch(jobId, n, url, `Image ${n} of job ${jobId}`));
      const extension = path.slice(path.lastIndexOf('.') + 1) as ImageExtension;
      return { path, contentType: imageContentTypes[extension] ?? 'application/octet-stream' };
    },
    /** Stops all work and writes the job list: before quitting. */
    async dispose() {
      flushJobUpdates();
      queue.dispose();
      await store.flush();
    },
  };
}

export type AppCore = Awaited<ReturnType<typeof createAppCore>>;
