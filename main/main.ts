// The composition root: Electron glue only. All logic lives in ./core and runs under plain Node too.
import { app, BrowserWindow, clipboard, dialog, Notification, powerMonitor, session, shell } from 'electron';
import { statSync } from 'node:fs';
import { arch, release } from 'node:os';
import { join } from 'node:path';
import { eventChannel, type Events } from '../preload/api-contract';
import { createAppCore } from './core/app-core';
import { readAppEnvironment } from './core/app-environment';
import { buildDiagnostics } from './core/diagnostics';
import { createKeytarSecretStore, endpointHostAccount } from './core/keychain';
import { createLogFile } from './core/log-file';
import { isRendererUrl, rendererEntryUrl } from './core/url-policy';
import { electronFetch } from './electron/electron-fetch';
import { bindRequestHandlers } from './electron/ipc-binding';
import { registerRendererScheme, serveRenderer } from './electron/renderer-protocol';
import { applySecurityPolicy } from './electron/security-policy';
import { startUpdates } from './electron/updates';
import { installAppMenu } from './electron/app-menu';
import { parseHandOver, programArgumentCount } from './desktop/hand-over';
import { windowSizeLimits, type WindowPlacement } from './desktop/window-state';
import { rememberWindowState, restoreWindowPlacement } from './electron/window-state';
import { createLifetimeGuard } from './electron/lifetime';
import { recoverWindowTrouble } from './electron/window-recovery';

// Overrides for tests and for people who run several profiles; documented in the README. A
// packaged app takes only the user-data folder: the endpoint and keychain ones are for development.
const environment = readAppEnvironment(process.env, app.isPackaged);
if (environment.userDataDir) app.setPath('userData', environment.userDataDir);

registerRendererScheme();

let mainWindow: BrowserWindow | null = null;
/** Where the window's troubles are told: the core's notices, once it exists. */
let postNotice: (message: string) => void = () => undefined;
// Files opened with the app (macOS `open-file`) before it is ready are read once the core is.
let handOverFiles: (files: string[]) => void = (files) => pendingOpenedFiles.push(...files);
const pendingOpenedFiles: string[] = [];
app.on('open-file', (event, path) => {
  event.preventDefault();
  handOverFiles([path]);
});

const windowSize = windowSizeLimits;
let windowPlacement: WindowPlacement = { bounds: { width: windowSize.width, height: windowSize.height }, maximized: false };

let updates: Awaited<ReturnType<typeof startUpdates>> | null = null;

function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    ...windowPlacement.bounds,
    minWidth: windowSize.minWidth,
    minHeight: windowSize.minHeight,
    show: false,
    title: 'Headshot Fetcher',
    // Linux shows this one; Windows and macOS take the executable's. It ships in the archive (electron-builder.yml).
    icon: join(__dirname, '../../build/icon.png'),
    webPreferences: {
      preload: join(__dirname, '../preload/preload.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
      devTools: !app.isPackaged,
    },
  });
  window.once('ready-to-show', () => {
    if (windowPlacement.maximized) window.maximize();
    window.show();
  });
  rememberWindowState(window, app.getPath('userData'), (message) => console.error(message));
  recoverWindowTrouble(window, (message) => postNotice(message), (message) => console.error(message));
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  void window.loadURL(rendererEntryUrl);
  return window;
}

/** The save batch's progress on the taskbar button or dock icon; cleared when it ends. */
function showProgressOnTaskbar(progress: Events['saveProgress']) {
  if (!mainWindow) return;
  mainWindow.setProgressBar(progress.active && progress.filesTotal > 0 ? progress.filesDone / progress.filesTotal : -1, {
    mode: progress.jobsFailed > 0 ? 'error' : 'normal',
  });
}

async function start(): Promise<void> {
  applySecurityPolicy(session.defaultSession);
  const logFile = createLogFile({
    folder: app.getPath('logs'),
    onWriteFailure: (error) => console.error(`The log file cannot be written, so nothing more is logged there: ${String(error)}`),
  });
  const lifetime = createLifetimeGuard((message) => logFile.write('info', message));

  const core = await createAppCore({
    fetch: electronFetch,
    secretStore: createKeytarSecretStore(environment.keychainService),
    endpointHostStore: createKeytarSecretStore(environment.keychainService, endpointHostAccount),
    userDataDir: app.getPath('userData'),
    log(message, level = 'error') {
      logFile.write(level, message);
      if (level === 'error') console.error(message);
    },
    defaultEndpointTemplate: environment.endpointTemplate,
    async chooseFolder() {
      const options: Electron.OpenDialogOptions = {
        title: 'Choose where to save the headshots',
        properties: ['openDirectory', 'createDirectory'],
      };
      const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async confirmEndpointHost(host) {
      const options: Electron.MessageBoxOptions = {
        type: 'warning',
        title: 'Change the endpoint?',
        message: `Send your ModelsLab API key to ${host}?`,
        detail: 'Every fetch sends your API key to this endpoint. Use only an endpoint you trust.',
        buttons: ['Keep the current endpoint', `Use ${host}`],
        defaultId: 0,
        cancelId: 0,
      };
      const { response } = mainWindow ? await dialog.showMessageBox(mainWindow, options) : await dialog.showMessageBox(options);
      return response === 1;
    },
    async chooseIdsFiles() {
      const options: Electron.OpenDialogOptions = {
        title: 'Open files with job IDs',
        properties: ['openFile', 'multiSelections'],
        filters: [
          { name: 'Job ID lists', extensions: ['txt', 'csv', 'tsv', 'json', 'jsonl'] },
          { name: 'All files', extensions: ['*'] },
        ],
      };
      const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : result.filePaths;
    },
    revealInFileManager(target) {
      if ('file' in target) shell.showItemInFolder(target.file);
      // openPath launches a file: checked again here, at the last moment, that it is a folder.
      else if (statSync(target.folder, { throwIfNoEntry: false })?.isDirectory()) void shell.openPath(target.folder);
    },
    notifyDesktop(title, body) {
      if (!Notification.isSupported()) return;
      const notification = new Notification({ title, body });
      // A click brings the window forward, on the batch that finished.
      notification.on('click', bringWindowForward);
      notification.show();
    },
    emit(event, payload) {
      lifetime.observe(event, payload);
      if (event === 'saveProgress') showProgressOnTaskbar(payload as Events['saveProgress']);
      // Never offered during a save batch: a restart would cut it off.
      if (event === 'saveProgress') updates?.saveBatchActive((payload as Events['saveProgress']).active);
      if (mainWindow && !mainWindow.webContents.isDestroyed()) mainWindow.webContents.send(eventChannel(event), payload);
    },
  });

  /** Help › Copy diagnostics: versions, the endpoint host, jobs by state and the log's last lines, without the key. */
  async function copyDiagnostics() {
    const [settings, jobs, logTail] = await Promise.all([core.handlers.getSettings(undefined), core.handlers.listJobs(undefined), logFile.tail(60)]);
    clipboard.writeText(
      buildDiagnostics({
        appVersion: app.getVersion(),
        versions: process.versions,
        os: `${process.platform} ${release()} (${arch()})`,
        endpointTemplate: settings.endpointTemplate,
        jobs,
        logTail,
        redactKey: core.redactKey,
      }),
    );
    core.notify('Diagnostics copied to the clipboard: versions, the endpoint host, jobs by state and the last lines of the log. Your API key is not in them.');
  }
  updates = await startUpdates({ window: () => mainWindow, log: (message) => core.log(message, 'info') });

  serveRenderer(join(__dirname, '../renderer'), core.jobImage);
  bindRequestHandlers(
    core.handlers,
    (event) =>
      mainWindow !== null &&
      event.sender === mainWindow.webContents &&
      event.senderFrame !== null &&
      event.senderFrame === mainWindow.webContents.mainFrame &&
      isRendererUrl(event.senderFrame.url),
    core.log,
  );

  // Back from sleep the network may have changed under the queue: ModelsLab is probed now, not at the
  // next planned probe. (The window forwards its own online and offline events the same way.)
  powerMonitor.on('resume', () => void core.handlers.retryConnectionNow(undefined));

  installAppMenu(
    { platform: process.platform, isPackaged: app.isPackaged, appName: app.name },
    {
      sendToWindow(command) {
        if (mainWindow && !mainWindow.webContents.isDestroyed()) mainWindow.webContents.send(eventChannel('menuCommand'), command);
      },
      openExternal: (url) => void shell.openExternal(url),
      showLogs: () => void shell.openPath(app.getPath('logs')),
      copyDiagnostics: () => void copyDiagnostics(),
      // Asks now and says what it found, even "up to date".
      checkForUpdates: () => void updates?.checkNow(),
    },
  );
  const argumentsToSkip = programArgumentCount(app.isPackaged, process.defaultApp === true);
  handOverFiles = (files) => void core.handOver({ ids: [], files });
  app.on('second-instance', (_event, argv, workingDirectory) => void core.handOver(parseHandOver(argv, { workingDirectory, skip: argumentsToSkip })));

  windowPlacement = await restoreWindowPlacement(app.getPath('userData'), windowSize);
  mainWindow = createMainWindow();
  // Quiet: the person hears of it only when an update is ready to install.
  void updates.checkAtStart();
  // The first launch's own arguments, and files opened with the app before it was ready, once the window can show what they did.
  const firstHandOver = parseHandOver(process.argv, { workingDirectory: process.cwd(), skip: argumentsToSkip });
  firstHandOver.files.push(...pendingOpenedFiles.splice(0));
  if (firstHandOver.ids.length > 0 || firstHandOver.files.length > 0) {
    mainWindow.webContents.once('did-finish-load', () => void core.handOver(firstHandOver));
  }
  app.on('activate', () => {
    mainWindow ??= createMainWindow();
  });
  postNotice = core.notify;
  // While a batch saves, quitting asks first (finish it, stop now, or cancel). The job list and the
  // log are written before the app goes: quitting waits for those writes.
  lifetime.observe('jobsUpdated', await core.handlers.listJobs(undefined));
  lifetime.observe('queueStatus', await core.handlers.getQueueStatus(undefined));
  let disposed = false;
  let asking = false;
  app.on('before-quit', (event) => {
    if (disposed) return;
    event.preventDefault();
    if (asking) return;
    asking = true;
    void core.handlers
      .getSaveProgress(undefined)
      .then((progress) => lifetime.mayQuit(progress, mainWindow))
      .catch(() => true)
      .then((quit) => {
        asking = false;
        if (!quit) return;
        disposed = true;
        lifetime.release();
        void core.dispose().finally(() => logFile.flush().finally(() => app.quit()));
      });
  });
}

function bringWindowForward() {
  if (!mainWindow) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

// Windows ties notifications to the app through this ID (electron-builder's appId).
if (process.platform === 'win32') app.setAppUserModelId('com.headshotfetcher.app');

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.whenReady().then(start).catch((error: unknown) => {
    dialog.showErrorBox('Headshot Fetcher could not start', error instanceof Error ? error.message : String(error));
    app.exit(1);
  });
}
