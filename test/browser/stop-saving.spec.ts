// "Stop saving" in the window: the batch stops, nothing half-written keeps a final name, the jobs
// stay ready and say so, and saving again finishes them.
import { readdir } from 'node:fs/promises';
import { startHeldImageServer, type HeldImageServer } from '../support/held-images';
import { dropText, jobRow as row } from '../support/window-steps';
import { expect, test as appTest } from './app-fixture';

const test = appTest.extend<{ held: HeldImageServer }>({
  held: async ({}, use) => {
    const server = await startHeldImageServer();
    await use(server);
    await server.close();
  },
});

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
