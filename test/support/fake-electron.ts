// A stand-in for the 'electron' module, for running main.ts under plain Node where the Electron
// binary cannot run. It implements only what the glue calls, and records it, so a test can play
// the part of Electron: send IPC, request app:// pages, fire navigation events.
import { EventEmitter } from 'node:events';
import { request as httpRequest, type ClientRequest } from 'node:http';

type Listener = (...args: unknown[]) => unknown;

export interface FakeWebContents extends EventEmitter {
  sent: Array<{ channel: string; payload: unknown }>;
  mainFrame: { url: string };
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null;
  send(channel: string, payload: unknown): void;
  isDestroyed(): boolean;
  /** webContents.reload calls. */
  reloads: number;
  reload(): void;
  forcefullyCrashRenderer(): void;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void;
}

function createWebContents(): FakeWebContents {
  const contents = new EventEmitter() as FakeWebContents;
  contents.sent = [];
  contents.mainFrame = { url: '' };
  contents.windowOpenHandler = null;
  contents.send = (channel, payload) => void contents.sent.push({ channel, payload });
  contents.isDestroyed = () => false;
  contents.reloads = 0;
  contents.reload = () => void (contents.reloads += 1);
  contents.forcefullyCrashRenderer = () => void contents.emit('render-process-gone', {}, { reason: 'killed', exitCode: 9 });
  contents.setWindowOpenHandler = (handler) => void (contents.windowOpenHandler = handler);
  return contents;
}

export interface FakeElectronRecord {
  paths: Record<string, string>;
  appListeners: Map<string, Listener[]>;
  privilegedSchemes: unknown[];
  protocolHandlers: Map<string, (request: Request) => Promise<Response>>;
  ipcHandlers: Map<string, (event: unknown, request: unknown) => unknown>;
  windows: FakeBrowserWindow[];
  permissionRequestHandler: Listener | null;
  permissionCheckHandler: Listener | null;
  openDialogAnswer: { canceled: boolean; filePaths: string[] };
  errorBoxes: string[];
  /** shell.showItemInFolder and shell.openPath calls. */
  shown: Array<{ file: string } | { folder: string }>;
  notifications: Array<{ title: string; body: string }>;
  /** What the app last put on the clipboard. */
  clipboard: string | null;
  /** The notifications shown, to click. */
  shownNotifications: Notification[];
  /** How often a window was brought forward (show and focus). */
  focused: number;
  /** Electron's powerMonitor: a test emits 'resume' as a wake from sleep would. */
  powerMonitor: EventEmitter;
  /** The template of the menu the app installed with Menu.setApplicationMenu (click functions kept, so a test can choose an item). */
  applicationMenu: FakeMenuItem[] | null;
  /** shell.openExternal calls. */
  openedExternally: string[];
  /** powerSaveBlocker calls, in order: 'start:<type>' and 'stop'. */
  sleepBlocks: string[];
  /** What dialog.showMessageBox answers (the button index; null: its default button), and the messages it showed. */
  messageBoxAnswer: number | null;
  messageBoxes: Array<{ message: string; buttons: string[] }>;
  /** app.quit calls. */
  quits: number;
  /** The displays screen reports, the primary one first. */
  displays: Array<{ id: number; workArea: { x: number; y: number; width: number; height: number } }>;
  /** Emits an app event as Electron would ('second-instance', 'open-file', …). */
  emitApp: (event: string, ...args: unknown[]) => void;
  /** Runs the app's start-up, as Electron does once it is ready. */
  ready: () => void;
  readyCalled: boolean;
}

let markReady: () => void = () => undefined;
const readiness = new Promise<void>((resolve) => (markReady = resolve));
export const record: FakeElectronRecord = {
  paths: {},
  appListeners: new Map(),
  privilegedSchemes: [],
  protocolHandlers: new Map(),
  ipcHandlers: new Map(),
  windows: [],
  permissionRequestHandler: null,
  permissionCheckHandler: null,
  openDialogAnswer: { canceled: true, filePaths: [] },
  errorBoxes: [],
  shown: [],
  notifications: [],
  clipboard: null,
  shownNotifications: [],
  focused: 0,
  powerMonitor: new EventEmitter(),
  applicationMenu: null,
  openedExternally: [],
  sleepBlocks: [],
  messageBoxAnswer: null,
  messageBoxes: [],
  quits: 0,
  displays: [{ id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1040 } }],
  emitApp: (event, ...args) => emitApp(event, ...args),
  ready: () => {
    record.readyCalled = true;
    markReady();
  },
  readyCalled: false,
};
// As when run as `electron .`: the command line is the executable, the app's folder, then the arguments.
Object.assign(process, { defaultApp: true });
(globalThis as { __fakeElectron?: FakeElectronRecord }).__fakeElectron = record;

function emitApp(event: string, ...args: unknown[]) {
  for (const listener of record.appListeners.get(event) ?? []) listener(...args);
}

export const app = {
  /** Not packaged, as when run from the build: the development overrides apply. */
  isPackaged: false,
  getVersion: () => '0.1.0',
  name: 'Headshot Fetcher',
  setPath: (name: string, path: string) => void (record.paths[name] = path),
  getPath: (name: string) => record.paths[name] ?? `/nonexistent/${name}`,
  requestSingleInstanceLock: () => true,
  whenReady: () => readiness,
  on(event: string, listener: Listener) {
    record.appListeners.set(event, [...(record.appListeners.get(event) ?? []), listener]);
    return app;
  },
  quit: () => void (record.quits += 1),
  exit: (code?: number) => {
    throw new Error(`app.exit(${code}) was called`);
  },
};

export class FakeBrowserWindow extends EventEmitter {
  readonly webContents = createWebContents();
  loadedUrl: string | null = null;
  shown = false;
  /** Every setProgressBar value, as the taskbar would have shown it. */
  progressBar: number[] = [];
  constructor(readonly options: { webPreferences?: Record<string, unknown>; icon?: string; x?: number; y?: number; width?: number; height?: number }) {
    super();
    record.windows.push(this);
    emitApp('web-contents-created', {}, this.webContents);
  }
  loadURL(url: string) {
    this.loadedUrl = url;
    this.webContents.mainFrame.url = url;
    setImmediate(() => this.emit('ready-to-show'));
    return Promise.resolve();
  }
  show() {
    this.shown = true;
  }
  setProgressBar(progress: number) {
    this.progressBar.push(progress);
  }
  maximized = false;
  maximize() {
    this.maximized = true;
  }
  isMaximized = () => this.maximized;
  /** The bounds it was created with, as the window's normal (not maximised) bounds. */
  getNormalBounds() {
    const { x = 0, y = 0, width = 800, height = 600 } = this.options as { x?: number; y?: number; width?: number; height?: number };
    return { x, y, width, height };
  }
  isMinimized = () => false;
  restore = () => undefined;
  focus = () => void (record.focused += 1);
  isDestroyed = () => false;
}
export { FakeBrowserWindow as BrowserWindow };

export const dialog = {
  showOpenDialog: async () => record.openDialogAnswer,
  showMessageBox: async (...args: unknown[]) => {
    const options = args.at(-1) as { message: string; buttons?: string[]; defaultId?: number };
    record.messageBoxes.push({ message: options.message, buttons: options.buttons ?? [] });
    return { response: record.messageBoxAnswer ?? options.defaultId ?? 0, checkboxChecked: false };
  },
  showErrorBox: (title: string, content: string) => void record.errorBoxes.push(`${title}: ${content}`),
};

export interface FakeMenuItem {
  label?: string;
  role?: string;
  type?: string;
  accelerator?: string;
  click?: () => void;
  submenu?: FakeMenuItem[];
}

export const Menu = {
  buildFromTemplate: (template: FakeMenuItem[]) => ({ template }),
  setApplicationMenu: (menu: { template: FakeMenuItem[] } | null) => void (record.applicationMenu = menu?.template ?? null),
};

export const shell = {
  openExternal: async (url: string) => void record.openedExternally.push(url),
  showItemInFolder: (file: string) => void record.shown.push({ file }),
  openPath: async (folder: string) => {
    record.shown.push({ folder });
    return '';
  },
};

export const clipboard = {
  writeText: (text: string) => void (record.clipboard = text),
};

export class Notification extends EventEmitter {
  static isSupported = () => true;
  constructor(private readonly options: { title: string; body: string }) {
    super();
  }
  show() {
    record.notifications.push(this.options);
    record.shownNotifications.push(this);
  }
}

export const ipcMain = {
  handle: (channel: string, handler: (event: unknown, request: unknown) => unknown) => {
    if (record.ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    record.ipcHandlers.set(channel, handler);
  },
};

export const protocol = {
  registerSchemesAsPrivileged: (schemes: unknown[]) => {
    if (record.readyCalled) throw new Error('registerSchemesAsPrivileged must be called before the app is ready');
    record.privilegedSchemes.push(...schemes);
  },
  handle: (scheme: string, handler: (request: Request) => Promise<Response>) => void record.protocolHandlers.set(scheme, handler),
};

export const session = {
  defaultSession: {
    setPermissionRequestHandler: (handler: Listener) => void (record.permissionRequestHandler = handler),
    setPermissionCheckHandler: (handler: Listener) => void (record.permissionCheckHandler = handler),
  },
};

/** net.request as Electron documents it, over Node's http: in 'manual' mode a 3xx is a 'redirect' event. */
function netRequest(options: { url: string; method?: string; redirect?: 'follow' | 'error' | 'manual' }) {
  const request = new EventEmitter() as EventEmitter & { end(): void; abort(): void };
  let outgoing: ClientRequest | null = null;
  request.abort = () => outgoing?.destroy();
  request.end = () => {
    outgoing = httpRequest(options.url, { method: options.method ?? 'GET' }, (response) => {
      const location = response.headers.location;
      if (options.redirect === 'manual' && response.statusCode! >= 300 && response.statusCode! < 400 && location) {
        response.resume();
        request.emit('redirect', response.statusCode, options.method ?? 'GET', new URL(location, options.url).href, response.headers);
        return;
      }
      request.emit('response', response);
    });
    outgoing.on('error', (error) => request.emit('error', error));
    outgoing.end();
  };
  return request;
}

export const powerMonitor = record.powerMonitor;

let nextBlockerId = 1;
const startedBlockers = new Set<number>();
export const powerSaveBlocker = {
  start(type: string) {
    record.sleepBlocks.push(`start:${type}`);
    startedBlockers.add(nextBlockerId);
    return nextBlockerId++;
  },
  stop(id: number) {
    if (!startedBlockers.delete(id)) throw new Error(`powerSaveBlocker.stop(${id}): not started`);
    record.sleepBlocks.push('stop');
  },
  isStarted: (id: number) => startedBlockers.has(id),
};

export const screen = {
  getPrimaryDisplay: () => record.displays[0]!,
  getAllDisplays: () => record.displays,
};

export const net = {
  fetch: (url: string, init?: RequestInit) => fetch(url, init),
  request: netRequest,
};

export default { app, BrowserWindow: FakeBrowserWindow, clipboard, dialog, ipcMain, Menu, powerSaveBlocker, screen, Notification, powerMonitor, protocol, session, net, shell };
