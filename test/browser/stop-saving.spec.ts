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
