import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '../support/core-harness';
import { jobRow as row } from '../support/window-steps';
import { expect, test } from './app-fixture';

test.use({ withStoredKey: true });

test.afterEach(async ({ app }) => {
  expect(app.cspViolations, 'the renderer runs under its CSP without violations').toEqual([]);
  expect(app.outsideRequests, 'the renderer loads nothing from outside').toEqual([]);
});

test('"Open IDs file…" beside the ID field adds the IDs of the chosen files and names the ones refused', async ({ app }) => {
  const { page } = app;
  const folder = await makeTempDir('headshot-fetcher-ids-');
  try {
    await writeFile(join(folder, 'ids.txt'), '4101\n4102\n');
    await writeFile(join(folder, 'empty.csv'), '');
    const ready = [{ answer: 'success' as const, images: [{ serve: 'headshot-a.png' as const }] }];
    app.setScenarios({ '4101': ready, '4102': ready });
    await app.open();
    await expect(page.getByTestId('key-status')).toBeVisible();

    // A cancelled dialog changes nothing.
    await page.getByRole('button', { name: 'Open IDs file…' }).click();
    await expect(page.getByTestId('intake-summary')).toBeEmpty();

    app.setIdsFilesDialogAnswer([join(folder, 'ids.txt'), join(folder, 'empty.csv')]);
    await page.getByRole('button', { name: 'Open IDs file…' }).click();
    await expect(page.getByTestId('intake-summary')).toContainText('Added 2 jobs');
    await expect(page.getByTestId('intake-summary')).toContainText('ids.txt: Added 2 jobs');
    await expect(page.getByTestId('intake-summary')).toContainText('empty.csv is empty.');
    for (const id of ['4101', '4102']) await expect(row(page, id)).toHaveAttribute('data-state', 'ready');
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});

test('menu commands reach the window: File › Open IDs File… opens the dialog, Settings… opens the settings', async ({ app }) => {
  const { page } = app;
  const folder = await makeTempDir('headshot-fetcher-ids-');
  try {
    await writeFile(join(folder, 'list.txt'), '4201');
    app.setScenarios({ '4201': [{ answer: 'success', images: [{ serve: 'headshot-a.png' }] }] });
    await app.open();
    await expect(page.getByTestId('key-status')).toBeVisible();

    app.setIdsFilesDialogAnswer([join(folder, 'list.txt')]);
    app.emit('menuCommand', 'open-ids-file');
    await expect(page.getByTestId('intake-summary')).toContainText('Added 1 job');
    await expect(row(page, '4201')).toBeVisible();

    await expect(page.getByRole('button', { name: 'Save settings' })).toBeHidden();
    app.emit('menuCommand', 'open-settings');
    await expect(page.getByRole('button', { name: 'Save settings' })).toBeVisible();
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});

test('IDs handed over by a second launch show what was added', async ({ app }) => {
  const { page } = app;
  app.setScenarios({ '4301': [{ answer: 'success', images: [{ serve: 'headshot-a.png' }] }] });
  await app.open();
  await expect(page.getByTestId('key-status')).toBeVisible();
  await app.core.handOver({ ids: ['4301'], files: [] });
  await expect(page.getByTestId('intake-summary')).toContainText('Added 1 job');
  await expect(row(page, '4301')).toBeVisible();
});

test('a file handed over by a second launch is named in the report, and its rows are scrolled into view', async ({ app }) => {
  const { page } = app;
  const folder = await makeTempDir('headshot-fetcher-ids-');
  try {
    await writeFile(join(folder, 'team-ids.csv'), 'job_id\n8499998\n8499999\n');
    await app.core.handlers.pauseQueue(undefined);
    await app.open();
    await app.core.handlers.addJobs({ sources: [{ name: null, text: Array.from({ length: 60 }, (_, index) => String(8_400_000 + index)).join('\n') }] });
    await expect(row(page, '8400000')).toBeVisible();

    await app.core.handOver({ ids: [], files: [join(folder, 'team-ids.csv')] });
    await expect(page.getByTestId('intake-summary')).toContainText('team-ids.csv: Added 2 jobs');
    await expect(page.getByTestId('intake-summary')).not.toContainText(folder);
    await expect(row(page, '8499998')).toBeInViewport({ ratio: 1 });
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});
