import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { readImage, type Step } from '../fixtures/fake-modelslab';
import { makeTempDir } from '../support/core-harness';
import { dropText, jobRow as row } from '../support/window-steps';
import { imagesIn } from '../support/saved-files';
import { expect, test } from './held-fixture';

/** The app, and an image server whose downloads the test holds and lets go of. */
test.use({ withStoredKey: true });

test.afterEach(async ({ app }) => {
  expect(app.cspViolations, 'the renderer runs under its CSP without violations').toEqual([]);
  expect(app.outsideRequests, 'the renderer loads nothing from outside').toEqual([]);
});

/** The save line once a batch is over: the rows say saved a moment before its saver has left the folder. */
const batchOver = /Saved \d+ files? from \d+ jobs?\./;
const saveBar = (page: Page) => page.getByRole('region', { name: 'Save' });
const batch = (page: Page) => page.getByRole('region', { name: 'Batch' });
const selectionBar = (page: Page) => page.getByRole('region', { name: 'Selected jobs' });
const saveSelected = (page: Page, count: number) => selectionBar(page).getByRole('button', { name: `Save (${count})`, exact: true });
const ready = (...images: Array<'headshot-a.png' | 'headshot-b.jpg' | 'headshot-c.webp'>): Step[] => [
  { answer: 'success', images: images.map((serve) => ({ serve })) },
];

/** The folders the save bar offers, most recent first (the options show them shortened; their values are whole). */
const recentOffered = (page: Page) => page.getByTestId('save-folder').locator('option').evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));

/** Opens the settings, or closes them when open. */
async function toggleSettings(page: Page) {
  await page.getByText('Settings', { exact: true }).click();
}

test('choose a folder, save all ready into a subfolder per job with a custom name, then save one selected job', async ({ app, held }) => {
  const { page } = app;
  // 7001's second image is held half-way until the test lets it go, so the batch can be watched while it runs.
  app.setScenarios({
    '7001': [{ answer: 'success', images: [{ serve: 'headshot-a.png' }, { redirectTo: held.url('7001-2', 'headshot-b.jpg') }] }],
    '7002': ready('headshot-c.webp'),
    '7003': ready('headshot-a.png'),
    '7004': ready('headshot-b.jpg'),
  });
  await app.open();
  await dropText(page, '7001 7002');
  await expect(row(page, '7001')).toHaveAttribute('data-state', 'ready');
  await expect(row(page, '7002')).toHaveAttribute('data-state', 'ready');

  // Without a folder there is none to pick, and before a batch there is nothing to report.
  await expect(page.getByTestId('save-outcome')).toBeHidden();
  await expect(page.getByTestId('save-folder')).toBeDisabled();

  // A subfolder per job needs no {id} in the name; the example follows the fields as they are typed.
  await toggleSettings(page);
  await page.getByLabel('Save layout').selectOption({ label: 'A subfolder per job' });
  await page.getByLabel('File name', { exact: true }).fill('headshot-{n}.{ext}');
  // The example names a real job of the list.
  await expect(page.getByTestId('file-name-check')).toHaveText('Example: 7001/headshot-1.png');
  // Not the default ("Keep both"): an older file with the name is replaced, with no "(2)" copy beside it.
  await page.getByLabel('When a file with the name exists').selectOption({ label: 'Overwrite it' });
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Settings saved.')).toBeVisible();
  expect(await app.core.handlers.getSettings(undefined)).toMatchObject({ saveLayout: 'per-job', fileNameTemplate: 'headshot-{n}.{ext}', conflictPolicy: 'overwrite' });
  // Closed and opened again, the settings show the choice.
  await toggleSettings(page);
  await toggleSettings(page);
  await expect(page.getByLabel('When a file with the name exists')).toHaveValue('overwrite');
  await toggleSettings(page);
  await mkdir(join(app.saveDir, '7002'));
  await writeFile(join(app.saveDir, '7002', 'headshot-1.webp'), 'an older picture under the same name');

  // Save all ready with no folder yet asks for one first, then saves into it.
  await saveBar(page).getByRole('button', { name: 'Save all ready (2)' }).click();
  await expect(page.getByTestId('save-folder')).toHaveValue(app.saveDir);

  // The bar shows the batch while it runs: two images saved (9.7 KB and 0.3 KB), the third held half-way.
  const status = page.getByTestId('save-outcome');
  await expect(status).toContainText('Saving 2 of 3 files · 11 KB');
  await expect(batch(page).getByRole('progressbar', { name: 'Save progress' })).toHaveJSProperty('value', 2);
  expect(held.held(), 'the batch was still under way').toEqual(['7001-2']);
  held.release('7001-2');
  // Then what it did.
  await expect(status).toHaveText('Saved 3 files from 2 jobs.');
  await expect(batch(page).getByRole('status')).toHaveText('Saved 3 files from 2 jobs.');
  await expect(batch(page).getByRole('progressbar', { name: 'Save progress' })).toHaveJSProperty('value', 1);
  await expect(row(page, '7001')).toHaveAttribute('data-state', 'saved');
  await expect(row(page, '7001').getByTestId('saved-location')).toHaveAttribute('title', join(app.saveDir, '7001'));
  await expect(row(page, '7001')).toContainText('headshot-1.png, headshot-2.jpg');
  await expect(page.getByTestId('save-outcome')).toHaveText(batchOver);
  expect(await imagesIn(app.saveDir)).toEqual(['7001/headshot-1.png', '7001/headshot-2.jpg', '7002/headshot-1.webp']);
  expect(await readFile(join(app.saveDir, '7001', 'headshot-2.jpg'))).toEqual(readImage('headshot-b.jpg'));
  expect(await readFile(join(app.saveDir, '7002', 'headshot-1.webp')), 'the older file was overwritten').toEqual(readImage('headshot-c.webp'));

  // "Show in folder" for a job shows its first file; for the batch, the folder.
  await row(page, '7001').getByRole('button', { name: 'Show in folder: job 7001' }).click();
  await expect.poll(() => app.revealed).toEqual([{ file: join(app.saveDir, '7001', 'headshot-1.png') }]);
  await batch(page).getByRole('button', { name: 'Show in folder' }).click();
  await expect.poll(() => app.revealed.at(-1)).toEqual({ folder: app.saveDir });

  // Tick one ready job (and a saved one, which Save leaves alone) and save just that.
  await dropText(page, '7003 7004');
  await expect(row(page, '7004')).toHaveAttribute('data-state', 'ready');
  await expect(row(page, '7003')).toHaveAttribute('data-state', 'ready');
  await expect(selectionBar(page).getByRole('button', { name: /^Save/ })).toHaveCount(0);
  await page.getByRole('checkbox', { name: 'Select job 7004' }).check();
  await page.getByRole('checkbox', { name: 'Select job 7001' }).check();
  await expect(page.getByRole('checkbox', { name: 'Select all jobs' })).not.toBeChecked();
  expect(await page.getByRole('checkbox', { name: 'Select all jobs' }).evaluate((box: HTMLInputElement) => box.indeterminate)).toBe(true);
  await saveSelected(page, 1).click();
  await expect(row(page, '7004')).toHaveAttribute('data-state', 'saved');
  await expect(status).toHaveText('Saved 1 file from 1 job.');
  await expect(row(page, '7003')).toHaveAttribute('data-state', 'ready');
  expect(await imagesIn(app.saveDir)).toEqual(['7001/headshot-1.png', '7001/headshot-2.jpg', '7002/headshot-1.webp', '7004/headshot-1.jpg']);
  await expect(saveBar(page).getByRole('button', { name: 'Save all ready (1)' })).toBeEnabled();

  // The header box ticks every job, and unticks them all.
  await page.getByRole('checkbox', { name: 'Select all jobs' }).check();
  for (const id of ['7001', '7002', '7003', '7004']) await expect(page.getByRole('checkbox', { name: `Select job ${id}` })).toBeChecked();
  await expect(saveSelected(page, 1)).toBeEnabled();
  await page.getByRole('checkbox', { name: 'Select all jobs' }).uncheck();
  for (const id of ['7001', '7002', '7003', '7004']) await expect(page.getByRole('checkbox', { name: `Select job ${id}` })).not.toBeChecked();

  // A removed job leaves the selection with it.
  await page.getByRole('checkbox', { name: 'Select job 7003' }).check();
  await expect(saveSelected(page, 1)).toBeEnabled();
  await page.getByRole('button', { name: 'Remove job 7003' }).click();
  await expect(row(page, '7003')).toHaveCount(0);
  await expect(selectionBar(page).getByRole('button', { name: /^Save/ })).toHaveCount(0);
  await expect(page.getByRole('checkbox', { name: 'Select all jobs' })).not.toBeChecked();
});

test('recent folders: pick an earlier one from the list, and saving into it puts it first', async ({ app }) => {
  const { page } = app;
  const otherDir = await makeTempDir('headshot-fetcher-save-');
  try {
    app.setScenarios({ '7201': ready('headshot-a.png') });
    await app.open();
    await saveBar(page).getByRole('button', { name: 'Choose folder…' }).click();
    await expect(page.getByTestId('save-folder')).toHaveValue(app.saveDir);
    app.setFolderDialogAnswer(otherDir);
    await saveBar(page).getByRole('button', { name: 'Choose folder…' }).click();
    await expect(page.getByTestId('save-folder')).toHaveValue(otherDir);
    await expect.poll(() => recentOffered(page)).toEqual([otherDir, app.saveDir]);

    // A cancelled dialog changes nothing.
    app.setFolderDialogAnswer(null);
    await saveBar(page).getByRole('button', { name: 'Choose folder…' }).click();
    await expect(page.getByTestId('save-folder')).toHaveValue(otherDir);

    await dropText(page, '7201');
    await expect(row(page, '7201')).toHaveAttribute('data-state', 'ready');
    await page.getByTestId('save-folder').selectOption(app.saveDir);
    await saveBar(page).getByRole('button', { name: 'Save all ready (1)' }).click();
    await expect(row(page, '7201')).toHaveAttribute('data-state', 'saved');
    await expect(page.getByTestId('save-outcome')).toHaveText(batchOver);
    expect(await imagesIn(app.saveDir)).toEqual(['7201-1.png']);
    expect(await imagesIn(otherDir)).toEqual([]);
    await expect.poll(() => recentOffered(page)).toEqual([app.saveDir, otherDir]);
    await expect(page.getByTestId('save-folder')).toHaveValue(app.saveDir);
    expect((await app.core.handlers.listSaveFolders(undefined)).recent).toEqual([app.saveDir, otherDir]);
  } finally {
    await rm(otherDir, { recursive: true, force: true });
  }
});

test('save as they arrive: refused until a folder is chosen, then a job that becomes ready is saved by itself', async ({ app }) => {
  const { page } = app;
  app.setScenarios({ '7101': [{ answer: 'processing', eta: 1 }] });
  await app.open();
  const autoSave = page.getByRole('checkbox', { name: 'Save each job when ready' });

  await autoSave.click();
  await expect(saveBar(page).getByRole('alert')).toContainText('Choose a folder first');
  await expect(autoSave).not.toBeChecked();
  expect((await app.core.handlers.getSettings(undefined)).saveAsTheyArrive).toBe(false);

  await saveBar(page).getByRole('button', { name: 'Choose folder…' }).click();
  await autoSave.check();
  await expect(saveBar(page).getByRole('alert')).toHaveCount(0);
  await expect(saveBar(page)).toContainText('into ');
  await expect.poll(async () => (await app.core.handlers.getSettings(undefined)).saveAsTheyArrive).toBe(true);

  await dropText(page, '7101');
  await expect(row(page, '7101')).toHaveAttribute('data-state', 'processing');
  app.setScenarios({ '7101': ready('headshot-c.webp') });
  await expect(row(page, '7101')).toHaveAttribute('data-state', 'saved', { timeout: 10_000 });
  await expect(page.getByTestId('save-outcome')).toHaveText('Saved 1 file from 1 job.');
  expect(await imagesIn(app.saveDir)).toEqual(['7101-1.webp']);

  // Off again: it stays off after a reload.
  await autoSave.uncheck();
  await expect.poll(async () => (await app.core.handlers.getSettings(undefined)).saveAsTheyArrive).toBe(false);
  await page.reload();
  await expect(autoSave).not.toBeChecked();
  await expect(page.getByTestId('save-folder')).toHaveValue(app.saveDir);
});

test('an invalid file name template is explained under the field and not applied', async ({ app }) => {
  const { page } = app;
  await app.open();
  await toggleSettings(page);
  const template = page.getByLabel('File name', { exact: true });
  const check = page.getByTestId('file-name-check');
  await expect(template).toHaveValue('{id}-{n}.{ext}');
  await expect(check).toHaveText('Example: 12202888-1.png');
  await expect(page.getByText('{date} the day of saving')).toBeVisible();

  await template.fill('{id}-{nr}.{ext}');
  await expect(check).toContainText('Unknown token {nr}');
  await expect(template).toHaveAttribute('aria-invalid', 'true');
  await expect(template).toHaveAccessibleDescription(/Unknown token \{nr\}/);
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(template).toBeFocused();
  await expect(page.getByText('Settings saved.')).toHaveCount(0);
  expect((await app.core.handlers.getSettings(undefined)).fileNameTemplate).toBe('{id}-{n}.{ext}');

  // Whether {id} is needed depends on the layout.
  await template.fill('{n}.{ext}');
  await expect(check).toContainText('needs {id}');
  await page.getByLabel('Save layout').selectOption({ label: 'A subfolder per job' });
  await expect(check).toHaveText('Example: 12202888/1.png');
  await expect(template).toHaveAttribute('aria-invalid', 'false');
  await page.getByLabel('Save layout').selectOption({ label: 'A subfolder per day' });
  await expect(check).toContainText('needs {id}');

  // Nothing has been previewed, so the image cache is empty and there is nothing to clear.
  await expect(page.getByTestId('image-cache')).toHaveText(/^Image cache: empty, at most \d+ MB$/);
  await expect(page.getByRole('button', { name: 'Clear', exact: true })).toBeDisabled();
});

test.describe('recent folders that are gone', () => {
  test.use({
    userDataFiles: {
      'save-folders.json': JSON.stringify({ version: 1, content: { recent: ['/nonexistent/headshot-fetcher-test/Deleted', '/nonexistent/headshot-fetcher-test/Moved'] } }),
    },
  });

  test('leave the recent list at start, with a word', async ({ app }) => {
    const { page } = app;
    await app.open();
    await expect(page.getByTestId('notices')).toContainText('2 folders you saved into are no longer there');
    await expect(page.getByTestId('save-folder')).toBeDisabled();
    expect(await recentOffered(page)).toEqual(['']);
    expect((await app.core.handlers.listSaveFolders(undefined)).recent).toEqual([]);
  });
});

test('a recent folder that goes mid-session leaves the list with a word when the list is opened or saved into', async ({ app }) => {
  const { page } = app;
  const gone = await makeTempDir('headshot-fetcher-gone-');
  const alsoGone = await makeTempDir('headshot-fetcher-gone-');
  app.setScenarios({ '7801': [{ answer: 'success', images: [{ serve: 'headshot-a.png' }] }] });
  await app.open();
  for (const folder of [app.saveDir, gone, alsoGone]) {
    app.setFolderDialogAnswer(folder);
    await page.getByRole('button', { name: 'Choose folder…' }).click();
    await expect(page.getByTestId('save-folder')).toHaveValue(folder);
  }
  await dropText(page, '7801');
  await expect(row(page, '7801')).toHaveAttribute('data-state', 'ready');

  // Saving into a folder deleted since: nothing is written, the person is told, and the folder leaves the list.
  await rm(alsoGone, { recursive: true, force: true });
  await page.getByRole('button', { name: 'Save all ready (1)' }).click();
  await expect(saveBar(page).getByRole('alert')).toContainText('Nothing was saved: that folder is no longer there');
  await expect(page.getByTestId('notices')).toContainText('A folder you saved into is no longer there');
  await expect.poll(() => recentOffered(page)).toEqual([gone, app.saveDir]);
  await expect(row(page, '7801')).toHaveAttribute('data-state', 'ready');

  // Opening the folder list checks again.
  await rm(gone, { recursive: true, force: true });
  await page.getByTestId('save-folder').focus();
  await expect.poll(() => recentOffered(page)).toEqual([app.saveDir]);
  await expect(page.getByTestId('save-folder')).toHaveValue(app.saveDir);
  await page.getByRole('button', { name: 'Save all ready (1)' }).click();
  await expect(row(page, '7801')).toHaveAttribute('data-state', 'saved');
});
