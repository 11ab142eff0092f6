import { readdir } from 'node:fs/promises';
import type { Step } from '../fixtures/fake-modelslab';
import { dropText, jobRow as row } from '../support/window-steps';
import { expect, test } from './app-fixture';

test.use({ withStoredKey: true });

test.afterEach(async ({ app }) => {
  expect(app.cspViolations, 'the renderer runs under its CSP without violations').toEqual([]);
  expect(app.outsideRequests, 'the page never loads an image from ModelsLab itself').toEqual([]);
});

const scenarios: Record<string, Step[]> = {
  '9501': [{ answer: 'success', images: [{ serve: 'headshot-a.png' }, { serve: 'headshot-b.jpg' }, { serve: 'headshot-c.webp' }] }],
  '9502': [{ answer: 'processing', eta: 60 }],
  '9503': [{ answer: 'success', images: [{ serve: 'headshot-b.jpg' }] }],
};

test('thumbnails come from main; a click opens the job\'s images side by side, arrow keys move, Escape closes; saving reuses the bytes', async ({ app }) => {
  const { page } = app;
  app.setScenarios(scenarios);
  await app.open();
  await dropText(page, '9501 9502 9503');
  await expect(row(page, '9501')).toHaveAttribute('data-state', 'ready');
  await expect(row(page, '9503')).toHaveAttribute('data-state', 'ready');

  // Each thumbnail is a real, decoded picture served on the page's own origin.
  const thumbnails = row(page, '9501').locator('.thumbnail img');
  await expect(thumbnails).toHaveCount(3);
  await expect.poll(() => thumbnails.evaluateAll((images) => images.map((image) => (image as HTMLImageElement).naturalWidth > 0))).toEqual([true, true, true]);
  await expect(row(page, '9502').locator('.thumbnail')).toHaveCount(0);

  await row(page, '9501').getByRole('button', { name: 'Preview image 2 of job 9501' }).click();
  const preview = page.getByRole('dialog', { name: /Job 9501/ });
  await expect(preview).toBeVisible();
  await expect(preview.getByRole('img')).toHaveCount(3);
  await expect(preview).toContainText('image 2 of 3');
  await expect(preview.getByRole('button', { name: 'Image 2' })).toHaveAttribute('aria-current', 'true');

  await page.keyboard.press('ArrowRight');
  await expect(preview).toContainText('image 3 of 3');
  await page.keyboard.press('ArrowRight');
  // Past the last image the next job with images follows; the processing one is passed over.
  await expect(page.getByRole('dialog', { name: /Job 9503/ })).toContainText('image 1 of 1');
  await page.keyboard.press('ArrowUp');
  await expect(page.getByRole('dialog', { name: /Job 9501/ })).toContainText('image 1 of 3');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);

  // Main downloaded each image once for the thumbnails; saving copies them from its cache.
  const downloads = app.modelsLab.imageRequests.length;
  expect(downloads).toBe(4);
  await page.getByRole('button', { name: 'Choose folder…' }).click();
  await page.getByRole('button', { name: 'Save all ready (2)' }).click();
  await expect(row(page, '9501')).toHaveAttribute('data-state', 'saved');
  await expect(row(page, '9503')).toHaveAttribute('data-state', 'saved');
  expect(app.modelsLab.imageRequests.length, 'nothing was downloaded again to save').toBe(downloads);
  expect((await readdir(app.saveDir)).filter((name) => !name.startsWith('headshot-fetcher-manifest')).sort()).toEqual(['9501-1.png', '9501-2.jpg', '9501-3.webp', '9503-1.jpg']);
});
