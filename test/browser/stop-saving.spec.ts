// "Stop saving" in the window: the batch stops, nothing half-written keeps a final name, the jobs
// stay ready and say so, and saving again finishes them.
import { readdir } from 'node:fs/promises';
import { dropText, jobRow as row } from '../support/window-steps';
import { expect, test } from './held-fixture';

test.use({ withStoredKey: true });

test.afterEach(async ({ app }) => {
  expect(app.cspViolations, 'the renderer runs under its CSP without violations').toEqual([]);
});

const images = (folder: string) => readdir(folder).then((names) => names.filter((name) => !name.startsWith('headshot-fetcher-manifest')).sort());

test('Stop saving stops the batch; saving again finishes it', async ({ app, held }) => {
  const { page } = app;
  app.setScenarios({ '7501': [{ answer: 'success', images: [{ serve: 'headshot-a.png' }, { redirectTo: held.url('7501-2', 'headshot-b.jpg') }] }] });
  await app.open();
  await dropText(page, '7501');
  await expect(row(page, '7501')).toHaveAttribute('data-state', 'ready');
  await page.getByRole('button', { name: 'Save all ready (1)' }).click();
  await expect(row(page, '7501')).toHaveAttribute('data-state', 'saving');
  await expect.poll(() => held.held()).toEqual(['7501-2']);

  const batch = page.getByRole('region', { name: 'Batch' });
  await batch.getByRole('button', { name: 'Stop saving' }).click();
  await expect(row(page, '7501')).toHaveAttribute('data-state', 'ready');
  await expect(row(page, '7501').getByTestId('job-detail')).toHaveText('Not saved: saving was stopped. Save again to finish it.');
  await expect(batch.getByRole('button', { name: 'Stop saving' })).toHaveCount(0);
  expect(await images(app.saveDir)).toEqual(['7501-1.png']);

  held.release('7501-2');
  await page.getByRole('button', { name: 'Save all ready (1)' }).click();
  await expect(row(page, '7501')).toHaveAttribute('data-state', 'saved');
  // The batch is over once its saver has left the folder, a moment after the row says saved.
  await expect(page.getByTestId('save-outcome')).toHaveText(/Saved \d+ files? from \d+ jobs?/);
  expect(await images(app.saveDir)).toEqual(['7501-1.png', '7501-2.jpg']);
});

test('after Stop saving the batch line says it was stopped, how far it got, and how to finish', async ({ app, held }) => {
  const { page } = app;
  app.setScenarios({
    '7601': [{ answer: 'success', images: [{ serve: 'headshot-a.png' }] }],
    '7602': [{ answer: 'success', images: [{ redirectTo: held.url('7602-1', 'headshot-a.png') }] }],
    '7603': [{ answer: 'success', images: [{ redirectTo: held.url('7603-1', 'headshot-b.jpg') }] }],
  });
  await app.open();
  await dropText(page, '7601 7602 7603');
  for (const id of ['7601', '7602', '7603']) await expect(row(page, id)).toHaveAttribute('data-state', 'ready');
  await page.getByRole('button', { name: 'Save all ready (3)' }).click();
  await expect(row(page, '7601')).toHaveAttribute('data-state', 'saved');
  await expect.poll(() => held.held().sort()).toEqual(['7602-1', '7603-1']);

  const batch = page.getByRole('region', { name: 'Batch' });
  await batch.getByRole('button', { name: 'Stop saving' }).click();
  await expect(row(page, '7603')).toHaveAttribute('data-state', 'ready');
  await expect(batch.getByTestId('save-outcome')).toHaveText('Stopped: 1 of 3 jobs saved; save again to finish the rest.');
  await expect(batch.getByTestId('save-overview-part')).toContainText('Stopped');
  await expect(batch.getByTestId('save-overview-part')).not.toContainText('could not be saved');

  // Saving again finishes the rest, and the line is an ordinary outcome again.
  held.release('7602-1');
  held.release('7603-1');
  await page.getByRole('button', { name: 'Save all ready (2)' }).click();
  await expect(row(page, '7603')).toHaveAttribute('data-state', 'saved');
  await expect(batch.getByTestId('save-outcome')).toHaveText('Saved 2 files from 2 jobs.');
});

test('Save all ready stays usable while the batch it started saves, and says what it waits for', async ({ app, held }) => {
  const { page } = app;
  app.setScenarios({
    '7701': [{ answer: 'success', images: [{ redirectTo: held.url('7701-1', 'headshot-a.png') }] }],
    '7702': [{ answer: 'success', images: [{ serve: 'headshot-b.jpg' }] }],
  });
  await app.open();
  await dropText(page, '7701');
  await expect(row(page, '7701')).toHaveAttribute('data-state', 'ready');
  const saveAll = page.getByRole('region', { name: 'Save' }).getByRole('button', { name: /^Save all ready/ });
  await saveAll.click();
  await expect.poll(() => held.held()).toEqual(['7701-1']);

  // Nothing ready while 7701 saves: the button is disabled and its title says why.
  await expect(saveAll).toBeDisabled();
  await expect(saveAll).toHaveAttribute('title', /the ready jobs are being saved/);

  // A job that gets ready meanwhile: the button is not dimmed and saves it, while 7701 is still held.
  await dropText(page, '7702');
  await expect(row(page, '7702')).toHaveAttribute('data-state', 'ready');
  await expect(saveAll).toHaveText('Save all ready (1)');
  await expect(saveAll).toBeEnabled();
  await expect(saveAll).not.toHaveAttribute('aria-disabled', 'true');
  expect(await saveAll.evaluate((button) => getComputedStyle(button).opacity)).toBe('1');
  await saveAll.click();
  await expect(row(page, '7702')).toHaveAttribute('data-state', 'saved');
  await expect(row(page, '7701')).toHaveAttribute('data-state', 'saving');

  held.release('7701-1');
  await expect(row(page, '7701')).toHaveAttribute('data-state', 'saved');
});
