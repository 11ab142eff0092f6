// Playwright fixtures for the browser suite: the built renderer in Chromium, its window.headshots
// backed by the real core (the same handler table ipcMain is bound to), the fake ModelsLab, the
// real keychain and temp folders. Only the Electron glue (ipc, dialog, shell, notifications) is
// replaced: the dialog answers with the test's save folder, and "show in folder" and desktop
// notifications are recorded for the test to check.
import { test as base, type Page } from '@playwright/test';
import { build } from 'esbuild';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventName, Events } from '../../preload/api-contract';
import { jobImagePathPattern } from '../../preload/shared/job-image-path';
import { createAppCore, type AppCore } from '../../main/core/app-core';
import type { QueueTiming } from '../../main/core/job-queue';
import { keychainUnavailable, type SecretStore } from '../../main/core/keychain';
import { dispatchRequest } from '../../main/core/request-dispatch';
import { startFakeModelsLab, type FakeModelsLab, type Step } from '../fixtures/fake-modelslab';
import { makeTempDir, testSecretStore, validTestKey } from '../support/core-harness';
import { createManualClock, type ManualClock } from '../support/manual-clock';

const rendererDir = fileURLToPath(new URL('../../dist/renderer', import.meta.url));
const contentTypes: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

let bridgeScript: Promise<string> | null = null;
function harnessBridgeScript(): Promise<string> {
  bridgeScript ??= build({
    entryPoints: [fileURLToPath(new URL('./harness-preload.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
  }).then((result) => result.outputFiles[0]!.text);
  return bridgeScript;
}

/** Serves dist/renderer over http: Chromium will not run module scripts from file://. */
async function serveRenderer(): Promise<Server> {
  const server = createServer((request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const filePath = join(rendererDir, normalize(pathname === '/' ? '/index.html' : pathname));
    if (!filePath.startsWith(rendererDir + sep)) return void response.writeHead(404).end();
    readFile(filePath).then(
      (body) => response.writeHead(200, { 'content-type': contentTypes[extname(filePath)] ?? 'application/octet-stream' }).end(body),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

export interface AppUnderTest {
  page: Page;
  modelsLab: FakeModelsLab;
  core: AppCore;
  secretStore: SecretStore;
  saveDir: string;
  /** Console messages about the Content Security Policy: the renderer must cause none. */
  cspViolations: string[];
  /** Requests the page made anywhere but its own origin: there must be none. */
  outsideRequests: string[];
  /** What "Show in folder" asked the file manager to show, in order. */
  revealed: Array<{ file: string } | { folder: string }>;
  desktopNotifications: Array<{ title: string; body: string }>;
  /** The core's clock when the test asked for a manual one (`manualClock`), else null. */
  clock: ManualClock | null;
  setScenarios(scenarios: Record<string, Step[]>): void;
  /** What the folder dialog answers from now on (saveDir at first); null is a cancelled dialog. */
  setFolderDialogAnswer(folder: string | null): void;
  /** What the "Open IDs file…" dialog answers from now on (null at first: cancelled). */
  setIdsFilesDialogAnswer(paths: string[] | null): void;
  /** Sends an event to the window as main would (a menu command, say). */
  emit<E extends EventName>(event: E, payload: Events[E]): void;
  open(): Promise<void>;
}

export const test = base.extend<
  { app: AppUnderTest; withStoredKey: boolean; keychainUnavailable: boolean; userDataFiles: Record<string, string>; manualClock: boolean; coreTiming: Partial<QueueTiming> },
  { rendererOrigin: string }
>({
  withStoredKey: [false, { option: true }],
  /** The core's keychain fails as keytar does without a Secret Service (the test's own store stays usable). */
  keychainUnavailable: [false, { option: true }],
  /** Files the user-data folder holds before the core starts, as an earlier run would leave them. */
  userDataFiles: [{}, { option: true }],
  /** The core runs on a clock the test moves (job updates too are sent only when it moves). */
  manualClock: [false, { option: true }],
  /** Queue timing over the suite's short defaults. */
  coreTiming: [{}, { option: true }],
  rendererOrigin: [
    async ({}, use) => {
      const server = await serveRenderer();
      await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      await new Promise((resolve) => server.close(resolve));
    },
    { scope: 'worker' },
  ],
  app: async ({ page, rendererOrigin, withStoredKey, keychainUnavailable: noKeychain, userDataFiles, manualClock, coreTiming }, use) => {
    const clock = manualClock ? createManualClock(Date.now()) : null;
    const modelsLab = await startFakeModelsLab({ validKey: validTestKey });
    const secretStore = testSecretStore();
    if (withStoredKey) await secretStore.write(validTestKey);
    const userDataDir = await makeTempDir();
    for (const [name, content] of Object.entries(userDataFiles)) await writeFile(join(userDataDir, name), content);
    const saveDir = await makeTempDir('headshot-fetcher-save-');

    // Events go to the page in order, as webContents.send would deliver them.
    let delivery = Promise.resolve();
    const emit = <E extends EventName>(event: E, payload: Events[E]) => {
      delivery = delivery.then(() =>
        page
          .evaluate(([name, data]) => (window as unknown as { __headshotsDispatch?: (n: string, d: unknown) => void }).__headshotsDispatch?.(name, data), [event, payload] as const)
          .then(() => undefined, () => undefined),
      );
    };
    let dialogAnswer: string | null = saveDir;
    let idsFilesAnswer: string[] | null = null;
    const revealed: AppUnderTest['revealed'] = [];
    const desktopNotifications: AppUnderTest['desktopNotifications'] = [];
    const failing = () => Promise.reject(keychainUnavailable(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')));
    const core = await createAppCore({
      fetch: (url, init) => fetch(url, init),
      secretStore: noKeychain ? { read: failing, write: failing, erase: failing } : secretStore,
      userDataDir,
      defaultEndpointTemplate: modelsLab.endpointTemplate,
      chooseFolder: async () => dialogAnswer,
      chooseIdsFiles: async () => idsFilesAnswer,
      confirmEndpointHost: async () => true,
      revealInFileManager: (target: { file: string } | { folder: string }) => void revealed.push(target),
      notifyDesktop: (title: string, body: string) => void desktopNotifications.push({ title, body }),
      emit,
      timing: { pollFloorMs: 100, pollCapMs: 1_000, retryBaseMs: 50, retryCapMs: 200, maxRetries: 2, rateLimitDefaultMs: 500, ...coreTiming },
      ...(clock ? { clock } : {}),
      requestTimeoutMs: 2_000,
      eventBatchMs: 16,
      log: (message, level) => level !== 'info' && console.log(`[core] ${message}`),
    });

    // Job images come from main's cache on the page's own origin, as app:// serves them in the app.
    await page.route(`${rendererOrigin}/job-images/**`, async (route) => {
      const match = jobImagePathPattern.exec(new URL(route.request().url()).pathname);
      try {
        if (!match) throw new Error('not an image path');
        const image = await core.jobImage(match[1]!, Number(match[2]));
        await route.fulfill({ status: 200, contentType: image.contentType, body: await readFile(image.path) });
      } catch {
        await route.fulfill({ status: 404, contentType: 'text/plain', body: 'Not found' });
      }
    });
    await page.exposeBinding('__headshotsInvoke', (_source, name: unknown, request: unknown) =>
      dispatchRequest(core.handlers, name, request, (message) => console.log(`[core] ${message}`)),
    );
    await page.addInitScript({ content: await harnessBridgeScript() });
    const cspViolations: string[] = [];
    const outsideRequests: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
    });
    page.on('request', (request) => {
      if (!request.url().startsWith(rendererOrigin)) outsideRequests.push(request.url());
    });
    // An error the window throws and nobody catches (an effect that runs itself without end, say)
    // fails the test that saw it, even when the screen still looked right.
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    await use({
      page,
      modelsLab,
      core,
      secretStore,
      saveDir,
      cspViolations,
      outsideRequests,
      revealed,
      desktopNotifications,
      clock,
      setScenarios: (scenarios) => Object.entries(scenarios).forEach(([id, steps]) => modelsLab.setScenario(id, steps)),
      setFolderDialogAnswer: (folder) => (dialogAnswer = folder),
      setIdsFilesDialogAnswer: (paths) => (idsFilesAnswer = paths),
      emit,
      open: async () => {
        await page.goto(`${rendererOrigin}/index.html`);
      },
    });

    await core.dispose();
    await delivery;
    await modelsLab.close();
    await secretStore.erase().catch(() => undefined);
    await rm(userDataDir, { recursive: true, force: true });
    await rm(saveDir, { recursive: true, force: true });
    if (pageErrors.length > 0) throw new Error(`The window threw ${pageErrors.length} uncaught error(s): ${[...new Set(pageErrors)].join('; ')}`);
  },
});

export { expect } from '@playwright/test';
export { validTestKey };
