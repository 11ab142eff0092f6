// The app's core: it wires the engine's parts together and answers the window's requests (the
// handler table). The parts do the work; this file decides which part a request goes to.
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { EventName, Events, FileIntakeReport, IntakeSource, KeyStatus, RequestName, ResponseOf, SaveProgress, SaveSummary, Settings } from '../../preload/api-contract';
import { defaultFileNameTemplate } from '../../preload/shared/file-names';
import { defaultSaveLayout } from '../../preload/shared/save-layouts';
import { AppError } from './app-error';
import { systemClock, type Clock } from './clock';
import { extractJobIds, readIntake, type IntakeResult } from './id-intake';
import { createImageCache } from './image-cache';
import { createImageDownloader } from './image-download';
import { imageContentTypes, type ImageExtension } from './image-type';
import { createJobQueue, type QueueTiming } from './job-queue';
import { createJobSaver, type HostRetryTiming } from './job-saver';
import { openJobStore } from './job-store';
import { createJobUpdateBatcher } from './job-update-batcher';
import { createListReadings } from './list-readings';
import { KeychainUnavailableError, type SecretStore } from './keychain';
import { createLimiter } from './limiter';
import type { LogLevel } from './log-file';
import { createModelsLabClient, defaultEndpointTemplate, fetchUrlFor, isModelsLabEndpoint, redactKey, type FetchFunction } from './modelslab-client';
import { createNoticeBoard } from './notice-board';
import { expectIds, expectIdsOr, expectJobId, expectObject, expectSources, expectString, validateApiKey } from './request-payloads';
import { createSaveDrive } from './save-drive';
import { openSaveFolders } from './save-folders';
import { createSaveProgress } from './save-progress';
import { openSettingsStore, validateEndpointTemplate } from './settings-store';
import { createLinkPolicy } from './url-policy';
import { readIdsFiles } from '../desktop/ids-files';

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
  /**
   * Where the confirmed endpoint host is kept: the keychain, beside the key, so that a settings
   * file edited by hand (or another profile) cannot send the key elsewhere unasked. In memory when
   * not given (the bench).
   */
  endpointHostStore?: SecretStore;
  emit: <E extends EventName>(event: E, payload: Events[E]) => void;
  /** HEADSHOT_FETCHER_ENDPOINT, which only an app that is not packaged passes: the developer's own choice, sent to unasked. */
  defaultEndpointTemplate?: string;
  clock?: Clock;
  timing?: Partial<QueueTiming>;
  requestTimeoutMs?: number;
  imageTimeoutMs?: number;
  /** Largest image a download may bring (200 MB by default); a test sets it below a fixture's size. */
  maxImageBytes?: number;
  /** How long job updates are gathered before they are sent as one event. */
  eventBatchMs?: number;
  /** How long job-list changes are gathered before they are written. */
  storeWriteDelayMs?: number;
  /** Waits between tries of an image download that was cut off. */
  downloadRetryDelayMs?: number;
  /** Waits for an image host that does not answer while ModelsLab does (5 s growing to 5 min in all). */
  hostRetry?: Partial<HostRetryTiming>;
  imageCacheMaxBytes?: number;
  /** A batch that takes at least this long ends with a system notification. */
  longBatchMs?: number;
  /**
   * Where the core's log lines go, the key already removed: errors, and at 'info' the requests,
   * answers' statuses, job states and save batches (by job ID only). Errors to stderr when not given.
   */
  log?: (message: string, level?: LogLevel) => void;
  /** The native file dialog for files of job IDs ("Open IDs file…"); the chosen paths, or null when cancelled. */
  chooseIdsFiles?: () => Promise<string[] | null>;
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
  // Off: an answer's links may not lead into the person's own network unless they say so.
  allowPrivateNetworkLinks: false,
};
function memorySecretStore(): SecretStore {
  let secret: string | null = null;
  return { read: async () => secret, write: async (value) => void (secret = value), erase: async () => void (secret = null) };
}

export async function createAppCore(options: AppCoreOptions) {
  const clock = options.clock ?? systemClock;
  // Held in memory once read, so the keychain is asked once, not per request.
  let apiKey: string | null = null;
  const log = (message: string, level: LogLevel = 'error') => {
    const text = apiKey ? redactKey(message, apiKey) : message;
    if (options.log) options.log(text, level);
    else if (level === 'error') console.error(text);
  };
  /** Each request in the log by host and path (a query may carry a signed link's token), then its answer's status. */
  const loggedFetch =
    (what: string): FetchFunction =>
    async (url, init) => {
      const target = URL.canParse(url) ? ((parsed) => `${parsed.host}${parsed.pathname}`)(new URL(url)) : 'an unreadable address';
      log(`${what} request: ${init?.method ?? 'GET'} ${target}`, 'info');
      try {
        const response = await options.fetch(url, init);
        log(`${what} answer: ${response.status} from ${target}`, 'info');
        return response;
      } catch (error) {
        log(`${what} request to ${target} failed: ${error instanceof Error ? error.message : String(error)}`, 'info');
        throw error;
      }
    };
  /** The last state logged for each job, so the log has a line per change, not per update. */
  const loggedStates = new Map<string, string>();
  const notices = createNoticeBoard({ log, emit: (notice) => options.emit('notice', notice) });
  const notify = notices.notify;

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

  const listReadings = createListReadings({ clock, list: () => queue.list() });
  const jobUpdates = createJobUpdateBatcher({ clock, delayMs: options.eventBatchMs ?? 50, send: (views) => options.emit('jobsUpdated', views) });

  const store = openJobStore({
    filePath: join(options.userDataDir, 'jobs.json'),
    clock,
    writeDelayMs: options.storeWriteDelayMs,
    onNotice: notify,
    onWriteError: notify,
  });
  const endpointHosts = createEndpointHostCheck();
  const client = createModelsLabClient({
    fetch: loggedFetch('ModelsLab'),
    endpointTemplate: (signal) => endpointHosts.approvedEndpoint(signal),
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    now: clock.now,
  });
  const queue = createJobQueue({
    client,
    clock,
    concurrency: () => settings.get().concurrency,
    pollDeadlineMs: () => settings.get().pollDeadlineSeconds * 1000,
    timing: options.timing,
    onJobChanged(view) {
      const loggedState = loggedStates.get(view.id);
      if (loggedState !== view.state) {
        loggedStates.set(view.id, view.state);
        // A new job's "queued" is in the drop's one line: a drop of 100,000 IDs would otherwise fill the log alone.
        if (loggedState !== undefined || view.state !== 'queued') log(`Job ${view.id}: ${view.state}`, 'info');
      }
      if (view.state === 'ready' && view.message === null) saveWhenArrived(view.id);
      jobUpdates.add(view);
      store.changed(queue.snapshot);
    },
    onJobsRemoved(ids) {
      ids.forEach((id) => loggedStates.delete(id));
      log(`${ids.length} job(s) removed from the list`, 'info');
      // Updates still waiting go first, so a removed job is not brought back by a late update.
      jobUpdates.flush();
      options.emit('jobsRemoved', ids);
      store.changed(queue.snapshot);
    },
    onStatusChanged: (status) => options.emit('queueStatus', status),
  });
  // Ends the saver's waits (for ModelsLab, for an image host) and the downloads under way when the core is disposed.
  const stopSaves = new AbortController();
  const downloader = createImageDownloader({
    fetch: loggedFetch('Image'),
    requestTimeoutMs: options.imageTimeoutMs ?? 120_000,
    linkPolicy: createLinkPolicy({
      endpointTemplate: () => settings.get().endpointTemplate,
      allowPrivateNetwork: () => settings.get().allowPrivateNetworkLinks,
    }),
    maxImageBytes: options.maxImageBytes,
    stopSignal: stopSaves.signal,
  });
  const imageCache = createImageCache({ folder: join(options.userDataDir, 'image-cache'), maxBytes: options.imageCacheMaxBytes, downloader });
  const saver = createJobSaver({
    downloader,
    cache: imageCache,
    onNotice: notify,
    retryDelayMs: options.downloadRetryDelayMs,
    reachability: queue,
    hostRetry: options.hostRetry,
    clock,
    stopSignal: stopSaves.signal,
  });
  const saveDrive = createSaveDrive({ queue, saver, downloadConcurrency: () => settings.get().downloadConcurrency });
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

  /** A key given "for this session only": in this memory, never written, gone when the app quits. */
  let keyIsSessionOnly = false;
  const keyStatus = (): KeyStatus => ({
    isSet: apiKey !== null,
    lastFour: apiKey ? apiKey.slice(-4) : null,
    storedIn: apiKey === null ? null : keyIsSessionOnly ? 'session' : 'keychain',
  });

  async function changeKey(action: () => Promise<void>, nextKey: string | null, sessionOnly = false): Promise<KeyStatus> {
    await withKeychain(action);
    apiKey = nextKey;
    keyIsSessionOnly = nextKey !== null && sessionOnly;
    keyLoaded = true;
    queue.setApiKey(nextKey);
    return keyStatus();
  }

  /**
   * The key goes only to ModelsLab's own hosts, the developer's HEADSHOT_FETCHER_ENDPOINT, or the
   * host the person confirmed in main's native dialog (kept beside the key). Checked at the moment
   * of sending, so an endpoint that changed by any other path than Settings asks first; requests
   * wait meanwhile, and a "no" pauses the queue.
   */
  function createEndpointHostCheck() {
    const hostOf = (template: string) => new URL(fetchUrlFor(template, '1')).host;
    const environmentHost = endpointFromEnvironment === null ? null : hostOf(endpointFromEnvironment);
    const store = options.endpointHostStore ?? memorySecretStore();
    let confirmedHost: Promise<string | null> | null = null;
    /** The confirmed host once known, so that most requests leave without waiting for anything. */
    let knownConfirmedHost: string | null = null;
    let asking: { host: string; answer: Promise<boolean> } | null = null;
    let declinedHost: string | null = null;
    let wakeWaiting: Array<() => void> = [];

    const readConfirmed = () =>
      (confirmedHost ??= withKeychain(() => store.read()).then(
        (host) => (knownConfirmedHost = host),
        () => null,
      ));

    /** ModelsLab's own hosts and the developer's environment need no question, nor a keychain read. */
    const needsNoQuestion = (url: URL) => isModelsLabEndpoint(url) || url.host === environmentHost;

    async function isApproved(template: string): Promise<boolean> {
      const url = new URL(fetchUrlFor(template, '1'));
      return needsNoQuestion(url) || url.host === (await readConfirmed());
    }

    async function remember(host: string) {
      confirmedHost = Promise.resolve(host);
      knownConfirmedHost = host;
      await withKeychain(() => store.write(host));
    }

    function ask(host: string): Promise<boolean> {
      if (asking?.host === host) return asking.answer;
      const answer = options.confirmEndpointHost(host).then(async (yes) => {
        if (yes) await remember(host);
        else {
          declinedHost = host;
          queue.pause();
          notify(`Your API key was not sent to ${host}, the endpoint in the settings file. Fetching is paused: set an endpoint you trust in Settings, or resume to be asked again.`);
        }
        return yes;
      });
      asking = { host, answer: answer.finally(() => (asking = null)) };
      return asking.answer;
    }

    return {
      needsNoQuestion,
      isApproved,
      remember,
      /** Something changed (a resume, a new endpoint): requests held after a "no" look again. */
      reconsider() {
        declinedHost = null;
        const waiting = wakeWaiting;
        wakeWaiting = [];
        waiting.forEach((wake) => wake());
      },
      /** The endpoint to send to: at once when its host needs no question, else once the person said yes. */
      approvedEndpoint(signal?: AbortSignal): string | Promise<string> {
        const template = settings.get().endpointTemplate;
        const url = new URL(fetchUrlFor(template, '1'));
        if (needsNoQuestion(url) || url.host === knownConfirmedHost) return template;
        return this.waitForApproval(signal);
      },
      async waitForApproval(signal?: AbortSignal): Promise<string> {
        for (;;) {
          const template = settings.get().endpointTemplate;
          if (await isApproved(template)) return template;
          const host = hostOf(template);
          if (declinedHost !== host && (await ask(host).catch(() => false))) continue;
          await new Promise<void>((resolve, reject) => {
            if (signal?.aborted) return reject(signal.reason);
            signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
            wakeWaiting.push(resolve);
          });
        }
      },
    };
  }

  async function confirmEndpoint(request: unknown): Promise<void> {
    const change = expectObject(request, 'The settings');
    if (typeof change.endpointTemplate !== 'string') return;
    const next = validateEndpointTemplate(change.endpointTemplate);
    // No wait for ModelsLab's own hosts, so that changes sent together are applied in their order.
    if (endpointHosts.needsNoQuestion(new URL(fetchUrlFor(next, '1'))) || (await endpointHosts.isApproved(next))) return;
    const host = new URL(fetchUrlFor(next, '1')).host;
    if (!(await options.confirmEndpointHost(host))) {
      throw new AppError('endpoint-not-confirmed', `The endpoint was not changed: your key stays away from ${host}.`);
    }
    await endpointHosts.remember(host);
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

  /** Saves ready jobs into a chosen folder as one batch with the settings of this moment; the progress bar follows it. */
  async function saveBatch(jobIds: Iterable<string>, folder: string): Promise<SaveSummary> {
    const ids = [...jobIds];
    const { saveLayout, fileNameTemplate, conflictPolicy, nameColumn, manifestColumns } = settings.get();
    const target = { folder, saveLayout, fileNameTemplate, conflictPolicy, savedAt: new Date(clock.now()), nameColumn, manifestColumns };
    const summary: SaveSummary = { folder, savedJobs: 0, savedFiles: 0, skippedFiles: 0, failedJobs: 0 };
    // The folder stays out of the log: its path often holds the person's name.
    log(`Save batch started: ${ids.length} job(s)`, 'info');
    // The batch shows as done only once the folder's record holds it: the last job's end is told after the drive returns.
    let jobsLeft = 0;
    let lastJobSaved: boolean | null = null;
    let lastJobStopped = false;
    await saveDrive.saveJobs(ids, target, {
      onStart: (jobs) => {
        jobsLeft = jobs.length;
        saveProgress.jobsStarted(folder, jobs.map((job) => job.outputUrls.length));
      },
      onBytes: saveProgress.bytesWritten,
      onImage: saveProgress.imageDone,
      onJobDone(outcome) {
        if (outcome.saved) summary.savedJobs += 1;
        else summary.failedJobs += 1;
        summary.savedFiles += outcome.savedFiles;
        summary.skippedFiles += outcome.skippedFiles;
        jobsLeft -= 1;
        if (jobsLeft === 0) (lastJobSaved = outcome.saved), (lastJobStopped = outcome.stopped === true);
        else saveProgress.jobDone(outcome.saved, outcome.stopped === true);
      },
    });
    if (lastJobSaved !== null) saveProgress.jobDone(lastJobSaved, lastJobStopped);
    log(
      `Save batch finished: ${summary.savedJobs} job(s) saved, ${summary.failedJobs} not saved, ${summary.savedFiles} file(s) written, ${summary.skippedFiles} already there`,
      'info',
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
    const jobIds = queue.readyJobs({ notTriedYet: true }).flatMap((job) => (ids.has(job.id) ? [job.id] : []));
    if (jobIds.length > 0) void saveBatch(jobIds, folder);
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

  /** Adds what a drop or files held; labels go with their jobs (and stay out of the log: they are personal data). */
  function addExtracted(extracted: IntakeResult, addedIds?: (ids: readonly string[]) => void) {
    if (extracted.ids.length === 0 && extracted.rejectedCount === 0 && extracted.problems.length > 0) {
      throw new AppError('invalid-request', extracted.problems.join(' '));
    }
    const { added, alreadyListed, labelled } = queue.add(extracted.ids, extracted.labels);
    addedIds?.(added);
    log(`${added.length} job(s) added, ${alreadyListed} already listed, ${extracted.rejectedCount} not job IDs`, 'info');
    return {
      added: added.length,
      repeatedInDrop: extracted.repeated,
      alreadyListed,
      rejected: extracted.rejected,
      rejectedCount: extracted.rejectedCount,
      ...(labelled > 0 ? { labelled } : {}),
      ...(extracted.problems.length + extracted.notes.length > 0 ? { notes: [...extracted.problems, ...extracted.notes] } : {}),
    };
  }

  /** Reads files of job IDs main side, under a drop's limits, and adds their IDs (and any given as text). */
  async function addFromFiles(paths: readonly string[], extra: IntakeSource[] = []): Promise<FileIntakeReport> {
    const read = await readIdsFiles(paths);
    const sources = [...extra, ...read.sources].filter((source) => !('text' in source) || source.text.trim() !== '');
    // File names only (they are no personal data, but they stay out of the log all the same).
    const files = read.sources.flatMap((source) => (source.name === null ? [] : [source.name]));
    if (sources.length === 0) return { summary: null, problems: read.problems, ...(files.length > 0 ? { files } : {}) };
    let firstAdded: string | undefined;
    const summary = addExtracted(extractJobIds(sources), (ids) => (firstAdded = ids[0]));
    return { summary, problems: read.problems, ...(files.length > 0 ? { files } : {}), ...(firstAdded !== undefined ? { firstAdded } : {}) };
  }

  const handlers: RequestHandlers = {
    async getKeyStatus() {
      if (!keyLoaded) await loadKey();
      return keyStatus();
    },
    async setKey(request) {
      const keyRequest = expectObject(request, 'The key request');
      const key = validateApiKey(keyRequest.key);
      if (keyRequest.sessionOnly === true) return changeKey(async () => undefined, key, true);
      return changeKey(() => options.secretStore.write(key), key);
    },
    async clearKey() {
      // A session key was never written: forgetting it asks nothing of a keychain that may not work.
      return changeKey(keyIsSessionOnly ? async () => undefined : () => options.secretStore.erase(), null);
    },
    async addJobs(request) {
      return addExtracted(await readIntake(expectSources(expectObject(request, 'The drop').sources)));
    },
    async listJobs() {
      return queue.list();
    },
    async listJobPiece(request) {
      const { reading, from } = expectObject(request, 'The list request');
      if (!(reading === null || Number.isSafeInteger(reading)) || !Number.isSafeInteger(from) || (from as number) < 0) {
        throw new AppError('invalid-request', 'The list request must name a reading (or null) and a position.');
      }
      return listReadings.piece(reading as number | null, from as number);
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
    async stopSaving() {
      return { stopped: saveDrive.stop() };
    },
    async pauseQueue() {
      queue.pause();
      return queue.status();
    },
    async resumeQueue() {
      queue.resume();
      endpointHosts.reconsider();
      return queue.status();
    },
    async getQueueStatus() {
      return queue.status();
    },
    async retryConnectionNow() {
      queue.probeNow();
      return queue.status();
    },
    async listNotices() {
      return notices.list();
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
      endpointHosts.reconsider();
      // Turning it on saves what is ready now, then each job as it arrives.
      if (turnsOnAutoSave) queue.readyJobs({ notTriedYet: true }).forEach((job) => saveWhenArrived(job.id));
      return updated;
    },
    async listSaveFolders() {
      // Asked when the window loads and when the person opens the folder list: a folder gone since leaves it, with a word.
      if ((await saveFolders.forgetMissing()).length > 0) options.emit('saveFolders', saveFolders.list());
      return saveFolders.list();
    },
    async openIdsFiles() {
      const paths = (await options.chooseIdsFiles?.()) ?? null;
      if (paths === null || paths.length === 0) return { summary: null, problems: [] };
      return addFromFiles(paths);
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
      if ((await saveFolders.forgetMissing()).includes(folder)) {
        options.emit('saveFolders', saveFolders.list());
        throw new AppError('folder-missing', 'Nothing was saved: that folder is no longer there (deleted, moved or on a drive not connected). Choose a folder to save into.');
      }
      const ids = expectIdsOr(save.ids, 'all-ready');
      const wanted = ids === 'all-ready' ? null : new Set(ids);
      const jobs = queue.readyJobs().filter((job) => wanted === null || wanted.has(job.id));
      if (jobs.length === 0) {
        throw new AppError('nothing-to-save', wanted === null ? 'No job is ready to save yet.' : 'None of the selected jobs is ready to save.');
      }
      await useFolder(folder);
      return saveBatch(jobs.map((job) => job.id), folder);
    },
    async getSaveProgress() {
      return saveProgress.current();
    },
    async showInFolder(request) {
      const target = expectObject(request, 'The request');
      if ('folder' in target) {
        const folder = expectChosenFolder(target.folder);
        // Opening a path launches whatever is there: only a folder that is still a folder is opened.
        const info = await stat(folder).catch(() => null);
        if (!info?.isDirectory()) throw new AppError('not-found', `The folder ${folder} no longer exists. Choose a folder again.`);
        return options.revealInFileManager({ folder });
      }
      const id = expectJobId(target.jobId);
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
    /** Removes the key the core holds, in any form, from a text leaving the app (Copy diagnostics). */
    redactKey: (text: string) => (apiKey ? redactKey(text, apiKey) : text),
    /** Posts a notice for the window (one it lists when it loads, too). */
    notify: (message: string) => notify(message),
    /**
     * IDs and files from outside the window (a second launch's arguments, a file opened with the
     * app): added, and the report sent to the window as `handedOver`.
     */
    async handOver(handed: { ids: readonly string[]; files: readonly string[] }): Promise<FileIntakeReport> {
      const report = await addFromFiles(handed.files, handed.ids.length > 0 ? [{ name: null, text: handed.ids.join('\n') }] : []);
      if (report.summary !== null || report.problems.length > 0) options.emit('handedOver', report);
      return report;
    },
    /**
     * The file of a job's image n (from 1) for the window to show: downloaded once into the image
     * cache, where saving finds it later. Throws AppError 'not-found' for a job or image not listed.
     */
    async jobImage(jobId: string, n: number): Promise<{ path: string; contentType: string }> {
      const links = queue.imageLinksOf(jobId, n);
      if (links === null) throw new AppError('not-found', `Job ${jobId} has no image ${n}.`);
      const path = await limitPreviews(() => imageCache.fetch(jobId, n, links.url, `Image ${n} of job ${jobId}`, links.alternates));
      const extension = path.slice(path.lastIndexOf('.') + 1) as ImageExtension;
      return { path, contentType: imageContentTypes[extension] ?? 'application/octet-stream' };
    },
    /** Stops all work and writes the job list: before quitting. */
    async dispose() {
      jobUpdates.flush();
      stopSaves.abort();
      // Downloads under way are cut too, as Stop saving does: a quit does not wait for them.
      saveDrive.stop();
      queue.dispose();
      await store.flush();
    },
  };
}

export type AppCore = Awaited<ReturnType<typeof createAppCore>>;
