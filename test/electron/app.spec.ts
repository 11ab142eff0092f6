// The real app in Electron: the same flow as the browser suite, through the real preload, IPC,
// app:// protocol and security policy. Runs where the Electron binary is installed.
import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test';
import { spawn } from 'node:child_process';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { requestNames } from '../../preload/api-contract';
import { rendererEntryUrl } from '../../main/core/url-policy';
import { startFakeModelsLab, type FakeModelsLab } from '../fixtures/fake-modelslab';
import { makeTempDir, testSecretStore, validTestKey } from '../support/core-harness';
import { startHeldImageServer } from '../support/held-images';
import { electronBinary } from '../support/electron-binary.mjs';
import { chooseFolderAndSave, dropText, enterFirstKey, jobRow } from '../support/window-steps';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

const executablePath = electronBinary();

test.skip(executablePath === null, 'the Electron binary is not installed here (npm was run with ELECTRON_SKIP_BINARY_DOWNLOAD=1)');

let modelsLab: FakeModelsLab;
let app: ElectronApplication;
let userDataDir: string;
let saveDir: string;
const secretStore = testSecretStore();

test.beforeEach(async () => {
  modelsLab = await startFakeModelsLab({
    validKey: validTestKey,
    scenarios: {
      '6001': [{ answer: 'processing', eta: 1 }, { answer: 'success', images: [{ serve: 'headshot-a.png' }, { serve: 'headshot-b.jpg' }] }],
      '6002': [{ answer: 'failed' }],
    },
  });
  userDataDir = await makeTempDir();
  saveDir = await makeTempDir('headshot-fetcher-save-');
  app = await electron.launch({
    executablePath: executablePath!,
    // Chromium refuses its sandbox to root, as in CI containers.
    args: [projectRoot, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
    env: {
      ...process.env,
      HEADSHOT_FETCHER_USER_DATA: userDataDir,
      HEADSHOT_FETCHER_KEYCHAIN_SERVICE: secretStore.service,
      HEADSHOT_FETCHER_ENDPOINT: modelsLab.endpointTemplate,
    },
  });
  // The native folder dialog is the one thing stubbed: it answers with the test's folder.
  await app.evaluate(({ dialog }, folder) => {
    dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [folder] })) as typeof dialog.showOpenDialog;
  }, saveDir);
});

test.afterEach(async () => {
  await app?.close();
  await modelsLab?.close();
  await secretStore.erase().catch(() => undefined);
  await rm(userDataDir, { recursive: true, force: true });
  await rm(saveDir, { recursive: true, force: true });
});

test('the real app: enter the key, drop IDs, watch them resolve, save, find the files', async () => {
  const page = await app.firstWindow();
  await enterFirstKey(page, validTestKey);
  expect(await secretStore.read()).toBe(validTestKey);

  await dropText(page, '6001 6002');
  await expect(jobRow(page, '6002')).toContainText('Failed, Try Again');
  await expect(jobRow(page, '6001')).toHaveAttribute('data-state', 'ready', { timeout: 15_000 });

  await chooseFolderAndSave(page, saveDir, 1);
  await expect(page.getByTestId('save-outcome')).toHaveText('Saved 2 files from 1 job.');
  const images = (await readdir(saveDir)).filter((name) => !name.startsWith('headshot-fetcher-manifest'));
  expect(images.sort()).toEqual(['6001-1.png', '6001-2.jpg']);
});

test('the window has no Node, only the contract API, and cannot navigate away', async () => {
  const page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
  const exposed = await page.evaluate(() => ({
    hasRequire: typeof (globalThis as { require?: unknown }).require !== 'undefined',
    hasProcess: typeof (globalThis as { process?: unknown }).process !== 'undefined',
    api: Object.keys((window as unknown as { headshots: object }).headshots).sort(),
  }));
  expect(exposed).toEqual({ hasRequire: false, hasProcess: false, api: [...requestNames, 'on'].sort() });

  await page.evaluate(() => {
    window.location.href = 'https://example.com/';
  });
  await page.waitForTimeout(500);
  expect(page.url()).toBe(rendererEntryUrl);
  expect(await page.evaluate(() => window.open('https://example.com/'))).toBeNull();
});

test('the menu: File › Open IDs File… reaches the window, which adds the file\'s IDs', async () => {
  const page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
  const idsFile = `${saveDir}/ids.txt`;
  await writeFile(idsFile, '6001\n');
  await app.evaluate(({ dialog }, file) => {
    dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [file] })) as typeof dialog.showOpenDialog;
  }, idsFile);
  const labels = await app.evaluate(({ Menu }) => {
    const walk = (items: Electron.MenuItem[]): string[] => items.flatMap((item) => [item.label, ...(item.submenu ? walk(item.submenu.items) : [])]);
    return walk(Menu.getApplicationMenu()?.items ?? []);
  });
  expect(labels).toEqual(expect.arrayContaining(['Open IDs File…', 'Choose Folder…', 'Save All Ready', 'ModelsLab API Documentation']));
  await app.evaluate(({ Menu, BrowserWindow }) => {
    const item = Menu.getApplicationMenu()?.items.flatMap((top) => top.submenu?.items ?? []).find((entry) => entry.label === 'Open IDs File…');
    item?.click(undefined, BrowserWindow.getAllWindows()[0], undefined as unknown as Electron.WebContents);
  });
  await expect(page.getByTestId('intake-summary')).toContainText('Added 1 job');
});

test('a second launch hands its job IDs to the running window', async () => {
  const page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
  const second = spawn(executablePath!, [projectRoot, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), '6002'], {
    env: { ...process.env, HEADSHOT_FETCHER_USER_DATA: userDataDir, HEADSHOT_FETCHER_KEYCHAIN_SERVICE: secretStore.service, HEADSHOT_FETCHER_ENDPOINT: modelsLab.endpointTemplate },
    stdio: 'ignore',
  });
  // The second instance finds the first holding the lock, hands over and quits.
  await new Promise((resolve) => second.on('exit', resolve));
  await expect(jobRow(page, '6002')).toBeVisible();
  await expect(page.getByTestId('intake-summary')).toContainText('Added 1 job');
});

test('quitting mid-batch asks; Cancel keeps the batch, Stop now quits and leaves no half-written file under its name', async () => {
  const held = await startHeldImageServer();
  try {
    modelsLab.setScenario('6003', [{ answer: 'success', images: [{ serve: 'headshot-c.webp' }, { redirectTo: held.url('6003-2', 'headshot-b.jpg') }] }]);
    const page = await app.firstWindow();
    await enterFirstKey(page, validTestKey);
    await dropText(page, '6003');
    await expect(jobRow(page, '6003')).toHaveAttribute('data-state', 'ready', { timeout: 15_000 });
    await chooseFolderAndSave(page, saveDir, 1);
    await expect.poll(() => held.held()).toEqual(['6003-2']);

    // The question is the native message box: it answers Cancel (button 2), and records what it asked.
    await app.evaluate(({ dialog }) => {
      const asked: string[][] = [];
      (globalThis as { askedOnQuit?: string[][] }).askedOnQuit = asked;
      dialog.showMessageBox = (async (...args: unknown[]) => {
        asked.push((args.at(-1) as { buttons: string[] }).buttons);
        return { response: 2, checkboxChecked: false };
      }) as typeof dialog.showMessageBox;
    });
    await app.evaluate(({ app: electronApp }) => electronApp.quit());
    await expect.poll(() => app.evaluate(() => (globalThis as { askedOnQuit?: string[][] }).askedOnQuit)).toEqual([['Finish the batch, then quit', 'Stop now and quit', 'Cancel']]);
    await expect(jobRow(page, '6003')).toHaveAttribute('data-state', 'saving');
    expect(held.held()).toEqual(['6003-2']);

    await app.evaluate(({ dialog }) => {
      dialog.showMessageBox = (async () => ({ response: 1, checkboxChecked: false })) as typeof dialog.showMessageBox;
    });
    const closed = new Promise<void>((resolve) => app.once('close', () => resolve()));
    await app.evaluate(({ app: electronApp }) => electronApp.quit());
    await closed;
    expect((await readdir(saveDir)).filter((name) => name.startsWith('6003-2'))).toEqual([]);
  } finally {
    await held.close();
  }
});
