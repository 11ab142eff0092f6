// main.ts and its Electron glue, run under plain Node with a stand-in for the 'electron' module
// (the one part the project mocks): the composition, the IPC sender check, the app:// protocol,
// the window's security settings and the navigation policy.
import assert from 'node:assert/strict';
import { build } from 'esbuild';
import { existsSync, readdirSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { eventChannel, requestChannel, requestNames, type JobView, type QueueStatus, type Result } from '../../preload/api-contract';
import { contentSecurityPolicy } from '../../preload/shared/content-security-policy';
import { rendererEntryUrl } from '../../main/core/url-policy';
import { temporarySuffix } from '../../main/core/image-download';
import { readImage, startFakeModelsLab, type FakeModelsLab } from '../fixtures/fake-modelslab';
import type { FakeBrowserWindow, FakeElectronRecord, FakeMenuItem, FakeWebContents } from '../support/fake-electron';
import { makeTempDir, testSecretStore, validTestKey, waitUntil } from '../support/core-harness';
import { startHeldImageServer } from '../support/held-images';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bundlePath = join(root, 'dist', 'glue-test', 'main.cjs');
let electron: FakeElectronRecord;
let window: FakeBrowserWindow;
let modelsLab: FakeModelsLab;
let userDataDir: string;
let saveDir: string;
const secretStore = testSecretStore();

const trustedEvent = () => ({ sender: window.webContents, senderFrame: window.webContents.mainFrame });
async function invoke(name: string, request?: unknown, event: unknown = trustedEvent()): Promise<Result<unknown>> {
  const handler = electron.ipcHandlers.get(requestChannel(name as 'listJobs'));
  assert.ok(handler, `no ipcMain handler for ${name}`);
  return (await handler(event, request)) as Result<unknown>;
}

/** Every job update the window was sent, in order. */
const jobUpdates = () =>
  Promise.resolve(window.webContents.sent.filter((message) => message.channel === eventChannel('jobsUpdated')).flatMap((message) => message.payload as JobView[]));

before(async () => {
  assert.ok(existsSync(join(root, 'dist', 'preload', 'preload.js')), 'run `npm run build` first: this test loads the built renderer and preload');
  modelsLab = await startFakeModelsLab({ validKey: validTestKey, scenarios: { '7002': [{ answer: 'success', images: [{ serve: 'headshot-a.png' }] }] } });
  // Its image link redirects, which takes the app's own fetch through net.request.
  modelsLab.setScenario('7001', [{ answer: 'success', images: [{ redirectTo: modelsLab.imageUrl('7002', 0) }] }]);
  userDataDir = await makeTempDir();
  saveDir = await makeTempDir('headshot-fetcher-save-');
  await secretStore.write(validTestKey);
  // Last time the window was maximised on a second display that is gone now.
  await writeFile(join(userDataDir, 'window-state.json'), JSON.stringify({ bounds: { x: 2500, y: 200, width: 1200, height: 800 }, maximized: true }));
  process.env.HEADSHOT_FETCHER_USER_DATA = userDataDir;
  process.env.HEADSHOT_FETCHER_KEYCHAIN_SERVICE = secretStore.service;
  process.env.HEADSHOT_FETCHER_ENDPOINT = modelsLab.endpointTemplate;

  await build({
    entryPoints: [join(root, 'main', 'main.ts')],
    outfile: bundlePath,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    external: ['keytar'],
    alias: { electron: join(root, 'test', 'support', 'fake-electron.ts') },
    logLevel: 'warning',
  });
  createRequire(import.meta.url)(bundlePath);
  electron = (globalThis as { __fakeElectron?: FakeElectronRecord }).__fakeElectron!;
  electron.paths.logs = join(userDataDir, 'logs');
  electron.ready();
  await waitUntil(async () => electron.windows.length, (count) => count === 1, 5_000, 'the window');
  window = electron.windows[0]!;
  await waitUntil(async () => window.shown, Boolean, 5_000, 'the window to show');
});

after(async () => {
  for (const listener of electron?.appListeners.get('before-quit') ?? []) listener({ preventDefault: () => undefined });
  // Quitting waits for the job list to be written; give that write its moment.
  await new Promise((resolve) => setTimeout(resolve, 200));
  await modelsLab.close();
  await secretStore.erase().catch(() => undefined);
  await rm(userDataDir, { recursive: true, force: true });
  await rm(saveDir, { recursive: true, force: true });
  await rm(join(root, 'dist', 'glue-test'), { recursive: true, force: true });
  for (const name of ['HEADSHOT_FETCHER_USER_DATA', 'HEADSHOT_FETCHER_KEYCHAIN_SERVICE', 'HEADSHOT_FETCHER_ENDPOINT']) delete process.env[name];
});

test('the window is sandboxed, isolated, without Node, and loads the app:// entry with the bundled preload', () => {
  const preferences = window.options.webPreferences ?? {};
  assert.equal(preferences.contextIsolation, true);
  assert.equal(preferences.sandbox, true);
  assert.equal(preferences.nodeIntegration, false);
  assert.equal(preferences.webSecurity, true);
  assert.equal(preferences.preload, join(root, 'dist', 'preload', 'preload.js'));
  assert.ok(existsSync(preferences.preload as string));
  assert.equal(window.loadedUrl, rendererEntryUrl);
  assert.equal(electron.paths.userData, userDataDir);
  assert.deepEqual(electron.privilegedSchemes, [{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
});

test("the window carries the product's icon, from where the archive keeps it", () => {
  assert.equal(window.options.icon, join(root, 'build', 'icon.png'));
  assert.ok(existsSync(window.options.icon!));
});

test('every request in the contract has exactly one ipcMain handler', () => {
  assert.deepEqual([...electron.ipcHandlers.keys()].sort(), requestNames.map(requestChannel).sort());
});

test('requests from the window are answered; from another frame, page or window they are refused', async () => {
  assert.deepEqual(await invoke('getKeyStatus'), { ok: true, value: { isSet: true, lastFour: validTestKey.slice(-4), storedIn: 'keychain' } });
  const refused = { ok: false, error: { code: 'invalid-request', message: 'Request refused.' } };
  const otherContents = { sender: {} as FakeWebContents, senderFrame: window.webContents.mainFrame };
  const childFrame = { sender: window.webContents, senderFrame: { url: rendererEntryUrl } };
  const foreignPage = { sender: window.webContents, senderFrame: window.webContents.mainFrame };
  assert.deepEqual(await invoke('getKeyStatus', undefined, otherContents), refused);
  assert.deepEqual(await invoke('getKeyStatus', undefined, childFrame), refused);
  assert.deepEqual(await invoke('getKeyStatus', undefined, { sender: window.webContents, senderFrame: null }), refused);
  window.webContents.mainFrame.url = 'https://example.com/';
  try {
    assert.deepEqual(await invoke('getKeyStatus', undefined, foreignPage), refused);
  } finally {
    window.webContents.mainFrame.url = rendererEntryUrl;
  }
});

test('jobs added over IPC are fetched with the keychain key, their updates reach the window, and they save', async () => {
  assert.deepEqual(await invoke('addJobs', { sources: [{ name: null, text: '7001' }] }), {
    ok: true,
    value: { added: 1, repeatedInDrop: 0, alreadyListed: 0, rejected: [], rejectedCount: 0 },
  });
  await waitUntil(jobUpdates, (views) => views.some((view) => view.id === '7001' && view.state === 'ready'), 5_000, 'job 7001 to be ready');

  electron.openDialogAnswer = { canceled: false, filePaths: [saveDir] };
  assert.deepEqual(await invoke('chooseSaveFolder'), { ok: true, value: { folder: saveDir } });
  const saved = await invoke('saveJobs', { folder: saveDir, ids: 'all-ready' });
  assert.deepEqual(saved, { ok: true, value: { folder: saveDir, savedJobs: 1, savedFiles: 1, skippedFiles: 0, failedJobs: 0 } });
  assert.deepEqual(await readFile(join(saveDir, '7001-1.png')), readImage('headshot-a.png'));
  assert.equal(window.progressBar.at(-1), -1, 'the taskbar progress is cleared when the batch ends');

  assert.deepEqual(await invoke('showInFolder', { jobId: '7001' }), { ok: true, value: undefined });
  assert.deepEqual(await invoke('showInFolder', { folder: saveDir }), { ok: true, value: undefined });
  assert.deepEqual(electron.shown, [{ file: join(saveDir, '7001-1.png') }, { folder: saveDir }]);
  const refused = await invoke('showInFolder', { folder: '/etc' });
  assert.equal(refused.ok ? null : refused.error.code, 'folder-not-allowed');
  assert.ok(!JSON.stringify(window.webContents.sent).includes(validTestKey));
});

test('the taskbar shows how far a save batch has come while it runs, and is cleared when it ends', async (t) => {
  // The job's second image is held half-way, so the test looks while the batch is certain to run.
  const held = await startHeldImageServer();
  t.after(() => held.close());
  modelsLab.setScenario('7003', [{ answer: 'success', images: [{ serve: 'headshot-c.webp' }, { redirectTo: held.url('7003-2', 'headshot-b.jpg') }] }]);
  await invoke('addJobs', { sources: [{ name: null, text: '7003' }] });
  await waitUntil(jobUpdates, (views) => views.some((view) => view.id === '7003' && view.state === 'ready'), 5_000, 'job 7003 to be ready');
  electron.openDialogAnswer = { canceled: false, filePaths: [saveDir] };
  await invoke('chooseSaveFolder');

  const earlierValues = window.progressBar.length;
  const batchValues = () => window.progressBar.slice(earlierValues);
  const saving = invoke('saveJobs', { folder: saveDir, ids: ['7003'] });
  await waitUntil(async () => batchValues(), (values) => values.includes(0.5), 10_000, 'the taskbar to show one image of two saved');
  assert.deepEqual(held.held(), ['7003-2'], 'the batch was still under way');
  held.release('7003-2');
  assert.deepEqual(await saving, { ok: true, value: { folder: saveDir, savedJobs: 1, savedFiles: 2, skippedFiles: 0, failedJobs: 0 } });

  const values = batchValues();
  assert.equal(values.at(-1), -1, 'cleared when the batch ends');
  const during = values.slice(0, -1);
  assert.ok(during.every((value, i) => value >= 0 && value <= 1 && (i === 0 || value >= during[i - 1]!)), `the bar only moves forward: ${during.join(', ')}`);
});

test('app:// serves a job\'s images from main\'s cache, and nothing for jobs or images not listed', async () => {
  const serve = electron.protocolHandlers.get('app')!;
  const image = await serve(new Request('app://headshot-fetcher/job-images/7001/1'));
  assert.equal(image.status, 200);
  assert.equal(image.headers.get('content-type'), 'image/png');
  assert.deepEqual(Buffer.from(await image.arrayBuffer()), readImage('headshot-a.png'));
  for (const missing of ['app://headshot-fetcher/job-images/7001/2', 'app://headshot-fetcher/job-images/9999/1', 'app://headshot-fetcher/job-images/7001/0', 'app://other/job-images/7001/1']) {
    assert.equal((await serve(new Request(missing))).status, 404, missing);
  }
});

test('app:// serves the built renderer with the CSP, and nothing outside it', async () => {
  const serve = electron.protocolHandlers.get('app')!;
  const page = await serve(new Request(rendererEntryUrl));
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('content-security-policy'), contentSecurityPolicy);
  assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
  const html = await page.text();
  assert.equal(html, await readFile(join(root, 'dist', 'renderer', 'index.html'), 'utf8'));
  const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
  assert.ok(script);
  assert.equal((await serve(new Request(`app://headshot-fetcher/${script}`))).headers.get('content-type'), 'text/javascript; charset=utf-8');

  for (const outside of ['app://headshot-fetcher/../../package.json', 'app://headshot-fetcher/%2e%2e/%2e%2e/package.json', 'app://other-host/index.html', 'app://headshot-fetcher/missing.js']) {
    assert.equal((await serve(new Request(outside))).status, 404, outside);
  }
});

test('app:// paths that climb out with encoded slashes or backslashes reach the guard and are refused', async () => {
  const serve = electron.protocolHandlers.get('app')!;
  // The URL keeps these as they are (no dot segments to it), so the guard is what stands between them and the project's files.
  assert.equal(new URL('app://headshot-fetcher/..%2f..%2fpackage.json').pathname, '/..%2f..%2fpackage.json');
  assert.ok(existsSync(join(root, 'package.json')), 'the file the paths aim at is there to be served');
  for (const climbing of [
    'app://headshot-fetcher/..%2f..%2fpackage.json',
    'app://headshot-fetcher/assets/..%2f..%2f..%2fpackage.json',
    'app://headshot-fetcher/%2e%2e%2f%2e%2e%2fpackage.json',
    'app://headshot-fetcher/..%5c..%5cpackage.json',
    'app://headshot-fetcher/..%5C..%5Cpackage.json',
    'app://headshot-fetcher/index.html%00.png',
    'app://headshot-fetcher/%E0%A4%A',
  ]) {
    const answer = await serve(new Request(climbing));
    assert.equal(answer.status, 403, climbing);
    assert.doesNotMatch(await answer.text(), /"name"/, climbing);
  }
  // An encoded slash that stays inside is still a file of the renderer.
  assert.equal((await serve(new Request('app://headshot-fetcher/assets%2f..%2findex.html'))).status, 200);
});

test('navigation away, new windows and permission requests are denied', () => {
  const contents = window.webContents;
  const navigate = (event: string, url: string) => {
    let prevented = false;
    contents.emit(event, { url, preventDefault: () => (prevented = true) });
    return prevented;
  };
  assert.equal(navigate('will-navigate', 'https://example.com/'), true);
  assert.equal(navigate('will-navigate', 'file:///etc/passwd'), true);
  assert.equal(navigate('will-redirect', 'https://example.com/'), true);
  assert.equal(navigate('will-navigate', 'app://headshot-fetcher/index.html'), false);
  assert.equal(navigate('will-attach-webview', 'app://headshot-fetcher/index.html'), true);
  assert.deepEqual(contents.windowOpenHandler?.({ url: 'https://example.com/' }), { action: 'deny' });

  const request = (permission: string, requestingUrl: string) => {
    let granted: boolean | null = null;
    electron.permissionRequestHandler?.({}, permission, (allow: boolean) => (granted = allow), { requestingUrl });
    return granted;
  };
  assert.equal(request('media', rendererEntryUrl), false);
  assert.equal(request('clipboard-read', rendererEntryUrl), false);
  assert.equal(request('clipboard-sanitized-write', rendererEntryUrl), true, '"Copy IDs" may write to the clipboard');
  assert.equal(request('clipboard-sanitized-write', 'https://example.com/'), false);
  assert.equal(electron.permissionCheckHandler?.({}, 'clipboard-read', 'app://headshot-fetcher'), false);
  assert.equal(electron.permissionCheckHandler?.({}, 'clipboard-sanitized-write', 'app://headshot-fetcher'), true);
  assert.equal(electron.permissionCheckHandler?.({}, 'clipboard-sanitized-write', 'https://example.com'), false);
});

test('a wake from sleep probes ModelsLab at once: down, the window hears the queue is offline; back, that it runs', async () => {
  const statuses = () => window.webContents.sent.filter((message) => message.channel === eventChannel('queueStatus')).map((message) => message.payload as QueueStatus);
  await modelsLab.goDown();
  try {
    electron.powerMonitor.emit('resume');
    await waitUntil(async () => statuses().at(-1), (status) => status?.pausedBecause === 'offline', 10_000, 'the offline status');
    assert.match(statuses().at(-1)?.message ?? '', /Can't reach ModelsLab \((ECONNREFUSED|ECONNRESET)\)\. Check your connection\./);
  } finally {
    await modelsLab.comeBack();
  }
  electron.powerMonitor.emit('resume');
  await waitUntil(async () => statuses().at(-1), (status) => status?.pausedBecause === null, 10_000, 'the queue to run again');
});

test('Help › Show logs opens the log folder, and Copy diagnostics copies versions, the endpoint host, the jobs and the log', async () => {
  assert.equal((await invoke('addJobs', { sources: [{ name: null, text: '7002' }] })).ok, true);
  await waitUntil(jobUpdates, (views) => views.some((view) => view.id === '7002' && view.state === 'ready'), 10_000, 'job 7002 to be ready');
  menuItem('Show Logs').click?.();
  assert.deepEqual(electron.shown.at(-1), { folder: join(userDataDir, 'logs') });
  await waitUntil(async () => (existsSync(join(userDataDir, 'logs', 'headshot-fetcher.log')) ? await readFile(join(userDataDir, 'logs', 'headshot-fetcher.log'), 'utf8') : ''), (text) => text.includes('Job 7002: ready'), 5_000, 'the log file');
  menuItem('Copy Diagnostics').click?.();
  const copied = await waitUntil(async () => electron.clipboard, (text) => text !== null, 5_000, 'the clipboard');
  assert.match(copied!, /^Headshot Fetcher 0\.1\.0\nElectron /);
  assert.match(copied!, new RegExp(`\\nEndpoint host: ${new URL(modelsLab.origin).host.replaceAll('.', '\\.')}\\n`));
  assert.match(copied!, /ready [1-9]/);
  assert.match(copied!, /INFO  Job 7002: ready/);
  assert.ok(!copied!.includes(validTestKey));
});

test('Help › Check for updates in a run that is not installed says updates are off, and why', async () => {
  const boxesBefore = electron.messageBoxes.length;
  menuItem('Check for Updates…').click?.();
  await waitUntil(async () => electron.messageBoxes.length, (count) => count > boxesBefore, 5_000, 'a message box');
  assert.deepEqual(electron.messageBoxes.slice(boxesBefore).map((box) => box.message), ['Updates are checked only in an installed app, not in a development run.']);
});

/** The installed menu's item with this label, anywhere in it. */
function menuItem(label: string): FakeMenuItem {
  const walk = (items: FakeMenuItem[]): FakeMenuItem | undefined =>
    items.map((item) => (item.label === label ? item : item.submenu ? walk(item.submenu) : undefined)).find(Boolean);
  const found = walk(electron.applicationMenu ?? []);
  assert.ok(found, `no menu item "${label}"`);
  return found;
}
const sentOn = (event: 'menuCommand' | 'handedOver') => window.webContents.sent.filter((message) => message.channel === eventChannel(event)).map((message) => message.payload);

test('the application menu sends window actions through the contract and opens the API documentation in the browser', () => {
  assert.equal(menuItem('Open IDs File…').accelerator, 'CommandOrControl+O');
  assert.equal(menuItem('Save All Ready').accelerator, 'CommandOrControl+S');
  menuItem('Open IDs File…').click?.();
  menuItem('Save All Ready').click?.();
  menuItem('Settings…').click?.();
  assert.deepEqual(sentOn('menuCommand'), ['open-ids-file', 'save-all-ready', 'open-settings']);
  menuItem('ModelsLab API Documentation').click?.();
  assert.deepEqual(electron.openedExternally, ['https://docs.modelslab.com']);
  assert.equal(window.options.webPreferences?.devTools, true, 'a build run from the sources keeps the developer tools');
});

test('"Open IDs file…" reads the chosen files main side, under a drop\'s limits, and adds their IDs', async (t) => {
  const folder = await makeTempDir('headshot-fetcher-ids-');
  t.after(() => rm(folder, { recursive: true, force: true }));
  await writeFile(join(folder, 'ids.csv'), '8101\n8102\n');
  await writeFile(join(folder, 'photo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]));
  electron.openDialogAnswer = { canceled: false, filePaths: [join(folder, 'ids.csv'), join(folder, 'photo.png')] };
  const opened = await invoke('openIdsFiles');
  assert.deepEqual(opened, {
    ok: true,
    value: {
      summary: { added: 2, repeatedInDrop: 0, alreadyListed: 0, rejected: [], rejectedCount: 0 },
      problems: ['photo.png is not a text file or an Excel workbook; drop a .txt, .csv or .xlsx with job IDs.'],
      files: ['ids.csv'],
      firstAdded: '8101',
    },
  });
  electron.openDialogAnswer = { canceled: true, filePaths: [] };
  assert.deepEqual(await invoke('openIdsFiles'), { ok: true, value: { summary: null, problems: [] } });
});

test('a second launch hands its IDs and files to the running window; a file opened with the app is read as a drop', async (t) => {
  const folder = await makeTempDir('headshot-fetcher-ids-');
  t.after(() => rm(folder, { recursive: true, force: true }));
  await writeFile(join(folder, 'more.txt'), '8202 8203');
  await writeFile(join(folder, 'opened.json'), '["8301"]');
  electron.emitApp('second-instance', {}, ['/opt/electron', '.', '--some-switch', '8201', 'more.txt', 'missing.txt'], folder);
  await waitUntil(async () => sentOn('handedOver'), (reports) => reports.length === 1, 5_000, 'the hand-over');
  assert.deepEqual(sentOn('handedOver')[0], {
    summary: { added: 3, repeatedInDrop: 0, alreadyListed: 0, rejected: [], rejectedCount: 0 },
    problems: [],
    files: ['more.txt'],
    firstAdded: '8201',
  });
  electron.emitApp('open-file', { preventDefault: () => undefined }, join(folder, 'opened.json'));
  await waitUntil(async () => sentOn('handedOver'), (reports) => reports.length === 2, 5_000, 'the opened file');
  assert.deepEqual(sentOn('handedOver')[1], {
    summary: { added: 1, repeatedInDrop: 0, alreadyListed: 0, rejected: [], rejectedCount: 0 },
    problems: [],
    files: ['opened.json'],
    firstAdded: '8301',
  });
  const listed = await invoke('listJobs');
  assert.ok(listed.ok);
  for (const id of ['8201', '8202', '8203', '8301']) assert.ok((listed.value as JobView[]).some((view) => view.id === id), id);
});

test('the window comes back maximised on a display that is there, and remembers its place when it closes', async () => {
  assert.deepEqual(
    { x: window.options.x, y: window.options.y, width: window.options.width, height: window.options.height },
    { x: 360, y: 120, width: 1200, height: 800 },
    'centred on the remaining display',
  );
  assert.equal(window.maximized, true);
  window.emit('close');
  await waitUntil(
    async () => JSON.parse(await readFile(join(userDataDir, 'window-state.json'), 'utf8').catch(() => '{}')) as unknown,
    (state) => JSON.stringify(state) === JSON.stringify({ bounds: { x: 360, y: 120, width: 1200, height: 800 }, maximized: true }),
    5_000,
    'the window state to be written',
  );
});

/** Saves one job whose second image is held half-way; the batch runs until the test releases it. */
async function startHeldBatch(t: { after: (fn: () => unknown) => void }, id: string) {
  const held = await startHeldImageServer();
  t.after(() => held.close());
  modelsLab.setScenario(id, [{ answer: 'success', images: [{ serve: 'headshot-c.webp' }, { redirectTo: held.url(`${id}-2`, 'headshot-b.jpg') }] }]);
  await invoke('addJobs', { sources: [{ name: null, text: id }] });
  await waitUntil(jobUpdates, (views) => views.some((view) => view.id === id && view.state === 'ready'), 5_000, `job ${id} to be ready`);
  electron.openDialogAnswer = { canceled: false, filePaths: [saveDir] };
  await invoke('chooseSaveFolder');
  const saving = invoke('saveJobs', { folder: saveDir, ids: [id] });
  await waitUntil(async () => held.held(), (ids) => ids.includes(`${id}-2`), 10_000, 'the second image to be under way');
  return { held, saving };
}
const beforeQuit = () => {
  let prevented = false;
  for (const listener of electron.appListeners.get('before-quit') ?? []) listener({ preventDefault: () => (prevented = true) });
  return prevented;
};

test('system sleep is held off while a batch saves, and allowed again when the queue is idle', async (t) => {
  const { held, saving } = await startHeldBatch(t, '7005');
  assert.equal(electron.sleepBlocks.at(-1), 'start:prevent-app-suspension');
  held.release('7005-2');
  await saving;
  await waitUntil(async () => electron.sleepBlocks.at(-1), (last) => last === 'stop', 5_000, 'sleep to be allowed again');
});

test('a crashed window is reloaded with a notice it shows when it starts again; the job list is intact', async () => {
  const before = await invoke('listJobs');
  const reloadsBefore = window.webContents.reloads;
  window.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
  assert.equal(window.webContents.reloads, reloadsBefore + 1);
  const notices = await invoke('listNotices');
  assert.ok(notices.ok);
  assert.match(JSON.stringify(notices.value), /The window stopped: it crashed and was reloaded\. Your job list is as it was/);
  assert.deepEqual((await invoke('listJobs')), before);
  window.webContents.emit('render-process-gone', {}, { reason: 'clean-exit', exitCode: 0 });
  assert.equal(window.webContents.reloads, reloadsBefore + 1, 'a window that closed normally is not reloaded');
});

// Last: "Stop now" disposes the core.
test('quitting mid-batch asks; Cancel keeps saving, Stop now quits without leaving a half-written file under its name', async (t) => {
  const { held, saving } = await startHeldBatch(t, '7006');
  const boxesBefore = electron.messageBoxes.length;
  electron.messageBoxAnswer = 2;
  assert.equal(beforeQuit(), true, 'the quit waits for the answer');
  await waitUntil(async () => electron.messageBoxes.length, (count) => count === boxesBefore + 1, 5_000, 'the question');
  assert.deepEqual(electron.messageBoxes[boxesBefore]?.buttons, ['Finish the batch, then quit', 'Stop now and quit', 'Cancel']);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(electron.quits, 0, 'Cancel keeps the app');
  assert.deepEqual(held.held(), ['7006-2'], 'and the batch');

  electron.messageBoxAnswer = 1;
  beforeQuit();
  await waitUntil(async () => electron.quits, (quits) => quits === 1, 5_000, 'the app to quit');
  assert.equal(electron.messageBoxes.length, boxesBefore + 2);
  // The held download is dropped at once (not left to its two-minute timeout), and its part file with it.
  await waitUntil(async () => held.dropped, (names) => names.includes('7006-2'), 10_000, 'the download under way to be dropped');
  const saved = await saving;
  assert.ok(saved.ok);
  assert.deepEqual(saved.value, { folder: saveDir, savedJobs: 0, savedFiles: 1, skippedFiles: 0, failedJobs: 1 });
  assert.equal(existsSync(join(saveDir, '7006-2.jpg')), false, 'the file cut short has no final name');
  assert.deepEqual(readdirSync(saveDir).filter((name) => name.endsWith(temporarySuffix)), [], 'no part file is left');
});
