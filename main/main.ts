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

// Overrides for tests and for people who run several profiles; documented in the README. A
// packaged app takes only the user-data folder: the endpoint and keychain ones are for development.
const environment = readAppEnvironment(process.env, app.isPackaged);
if (environment.userDataDir) app.setPath('userData', environment.userDataDir);

registerRendererScheme();

let mainWindow: BrowserWindow | null = null;

// The Help menu's actions. Set once the core has started; until then they do nothing.
let helpActions: { copyDiagnostics(): Promise<void>; checkForUpdates(): void } | null = null;
let updates: Awaited<ReturnType<typeof startUpdates>> | null = null;
/** Help › Show logs: opens the platform's log folder in the file manager. */
export function showLogs(): void {
  void shell.openPath(app.getPath('logs'));
}
/** Help › Copy diagnostics: versions, the endpoint host, jobs by state and the log's last lines, without the key. */
export function copyDiagnostics(): void {
  void helpActions?.copyDiagnostics();
}
/** Help › Check for updates…: asks now and says what it found, even "up to date". */
export function checkForUpdates(): void {
  helpActions?.checkForUpdates();
}

function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1100,
    height: 760,
    minWidth: 720,
    minHeight: 520,
    show: false,
    title: 'Headshot Fetcher',
    webPreferences: {
      preload: join(__dirname, '../preload/preload.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
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
    revealInFileManager(target) {
      if ('file' in target) shell.showItemInFolder(target.file);
      // openPath launches a file: checked again here, at the last moment, that it is a folder.
      else if (statSync(target.folder, { throwIfNoEntry: false })?.isDirectory()) void shell.openPath(target.folder);
    },
    notifyDesktop(title, body) {
      if (Notification.isSupported()) new Notification({ title, body }).show();
    },
    emit(event, payload) {
      if (event === 'saveProgress') showProgressOnTaskbar(payload as Events['saveProgress']);
      // Never offered during a save batch: a restart would cut it off.
      if (event === 'saveProgress') updates?.saveBatchActive((payload as Events['saveProgress']).active);
      if (mainWindow && !mainWindow.webContents.isDestroyed()) mainWindow.webContents.send(eventChannel(event), payload);
    },
  });

  helpActions = {
    async copyDiagnostics() {
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
    },
    checkForUpdates: () => void updates?.checkNow(),
  };
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

  mainWindow = createMainWindow();
  // Quiet: the person hears of it only when an update is ready to install.
  void updates.checkAtStart();
  app.on('activate', () => {
    mainWindow ??= createMainWindow();
  });
  // The job list is written before the app goes: quitting waits for that one write.
  let disposed = false;
  app.on('before-quit', (event) => {
    if (disposed) return;
    event.preventDefault();
    disposed = true;
    void core.dispose().finally(() => logFile.flush().finally(() => app.quit()));
  });
}

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
