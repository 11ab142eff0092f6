import { readdir } from 'node:fs/promises';
import type { Step } from '../fixtures/fake-modelslab';
import { dropText, jobRow as row } from '../support/window-steps';
import { expect, test, type AppUnderTest } from './app-fixture';

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

/** Opens the window on the three jobs, with the two that have images ready. */
async function openWithReadyJobs(app: AppUnderTest) {
  app.setScenarios(scenarios);
  await app.open();
  await dropText(app.page, '9501 9502 9503');
  await expect(row(app.page, '9501')).toHaveAttribute('data-state', 'ready');
  await expect(row(app.page, '9503')).toHaveAttribute('data-state', 'ready');
}

test('thumbnails come from main; a click opens the job\'s images side by side, arrow keys move, Escape closes; saving reuses the bytes', async ({ app }) => {
  const { page } = app;
  await openWithReadyJobs(app);

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
  // The batch is over once the folder's record holds it and this saver has left the folder.
  await expect(page.getByTestId('save-outcome')).toHaveText('Saved 4 files from 2 jobs.');
  expect(app.modelsLab.imageRequests.length, 'nothing was downloaded again to save').toBe(downloads);
  expect((await readdir(app.saveDir)).filter((name) => !name.startsWith('headshot-fetcher-manifest')).sort()).toEqual(['9501-1.png', '9501-2.jpg', '9501-3.webp', '9503-1.jpg']);
});

/** Images that finished loading without a picture: what the browser draws as a broken icon. */
const brokenImages = (scope: import('@playwright/test').Locator) =>
  scope.locator('img').evaluateAll((images) => images.filter((image) => (image as HTMLImageElement).complete && (image as HTMLImageElement).naturalWidth === 0).length);

test('an image main cannot serve (its link expired) shows a calm placeholder in the row and in the preview, not a broken picture', async ({ app }) => {
  const { page } = app;
  app.setScenarios({ '9511': [{ answer: 'success', images: [{ expired: true }, { serve: 'headshot-a.png' }] }] });
  await app.open();
  await dropText(page, '9511');
  await expect(row(page, '9511')).toHaveAttribute('data-state', 'ready');

  // The picture that came is shown; the one that did not says so, and can still be opened.
  const missing = row(page, '9511').getByRole('button', { name: 'Preview image 1 of job 9511 (not available)' });
  await expect(missing).toBeVisible();
  await expect(row(page, '9511').getByRole('button', { name: 'Preview image 2 of job 9511', exact: true })).toBeVisible();
  await expect.poll(() => brokenImages(row(page, '9511'))).toBe(0);

  await missing.click();
  const preview = page.getByRole('dialog', { name: /Job 9511/ });
  await expect(preview.getByText('This image could not be loaded')).toBeVisible();
  await expect(preview.getByRole('img')).toHaveCount(1);
  await expect.poll(() => brokenImages(preview)).toBe(0);
});

test('in the preview the arrow keys go on working after moving to another job, and Ctrl/⌘-A leaves the list behind alone', async ({ app }) => {
  const { page } = app;
  await openWithReadyJobs(app);

  await row(page, '9501').getByRole('button', { name: 'Preview image 1 of job 9501' }).click();
  // A click on an image focuses it; moving on to the next job replaces the images, focus included.
  await page.getByRole('dialog').getByRole('button', { name: 'Image 3' }).click();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('dialog', { name: /Job 9503/ })).toContainText('image 1 of 1');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByRole('dialog', { name: /Job 9501/ })).toContainText('image 3 of 3');
  // The picture changes, not the focus: a screen reader hears where the keys went.
  await expect(page.getByRole('dialog').getByRole('status')).toHaveText('Job 9501, image 3 of 3');

  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.locator('tr.job-row[aria-selected="true"]')).toHaveCount(0);
});

test('closing the preview gives the focus to the thumbnail of the job it showed last', async ({ app }) => {
  const { page } = app;
  await openWithReadyJobs(app);

  await row(page, '9501').getByRole('button', { name: 'Preview image 2 of job 9501' }).click();
  await page.keyboard.press('Escape');
  await expect(row(page, '9501').getByRole('button', { name: 'Preview image 2 of job 9501' })).toBeFocused();

  await row(page, '9501').getByRole('button', { name: 'Preview image 1 of job 9501' }).click();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('dialog', { name: /Job 9503/ })).toBeVisible();
  await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
  await expect(row(page, '9503').getByRole('button', { name: 'Preview image 1 of job 9503' })).toBeFocused();
});

test('a previewed job that leaves the filter stays in the preview; a removed one says so, and closing focuses the row that took its place', async ({ app }) => {
  const { page } = app;
  app.setScenarios({ ...scenarios, '9504': [{ answer: 'success', images: [{ serve: 'headshot-c.webp' }] }] });
  await app.open();
  await dropText(page, '9501 9502 9503 9504');
  for (const id of ['9501', '9503', '9504']) await expect(row(page, id)).toHaveAttribute('data-state', 'ready');

  // Saving moves the job out of "Ready" while it is on screen: it is still the same job.
  await page.getByRole('group', { name: 'Show jobs by status' }).getByRole('button', { name: /^Ready/ }).click();
  await row(page, '9501').getByRole('button', { name: 'Preview image 1 of job 9501' }).click();
  const preview = page.getByRole('dialog', { name: /Job 9501/ });
  await expect(preview).toContainText('image 1 of 3 · Ready');
  await app.core.handlers.chooseSaveFolder(undefined);
  await app.core.handlers.saveJobs({ folder: app.saveDir, ids: ['9501'] });
  await expect(preview).toContainText('image 1 of 3 · Saved');
  await expect(preview.getByRole('img')).toHaveCount(3);
  await page.keyboard.press('Escape');
  await page.getByRole('group', { name: 'Show jobs by status' }).getByRole('button', { name: /^All/ }).click();

  await row(page, '9503').getByRole('button', { name: 'Preview image 1 of job 9503' }).click();
  await app.core.handlers.removeJobs({ ids: ['9503'] });
  await expect(page.getByRole('dialog')).toContainText('This job is no longer in the list.');
  await page.keyboard.press('Escape');
  await expect(row(page, '9504')).toBeFocused();
});

test('on a large screen a job\'s images all fit side by side; on a 1024×700 window the current one is shown whole', async ({ app }) => {
  const { page } = app;
  app.setScenarios({ '9521': [{ answer: 'success', images: ['headshot-a.png', 'headshot-b.jpg', 'headshot-c.webp', 'headshot-a.png'].map((serve) => ({ serve: serve as 'headshot-a.png' })) }] });
  await page.setViewportSize({ width: 1920, height: 1200 });
  await app.open();
  await dropText(page, '9521');
  await expect(row(page, '9521')).toHaveAttribute('data-state', 'ready');
  await row(page, '9521').getByRole('button', { name: 'Preview image 1 of job 9521' }).click();
  const preview = page.getByRole('dialog');
  await expect.poll(() => preview.getByRole('img').evaluateAll((images) => images.every((image) => (image as HTMLImageElement).naturalWidth > 0))).toBe(true);

  /** The images' boxes, and how much of each the dialog shows. */
  const shown = () =>
    preview.evaluate((dialog) => {
      const frame = dialog.querySelector('.preview-images')!.getBoundingClientRect();
      return [...dialog.querySelectorAll('img')].map((image) => {
        const box = image.getBoundingClientRect();
        return { width: Math.round(box.width), whole: box.left >= frame.left - 1 && box.right <= frame.right + 1 && box.bottom <= innerHeight };
      });
    });
  for (const image of await shown()) {
    expect(image.whole, 'every image is in view at once').toBe(true);
    expect(image.width, 'and still large').toBeGreaterThanOrEqual(300);
  }

  await page.setViewportSize({ width: 1024, height: 700 });
  await page.keyboard.press('End');
  await expect(preview).toContainText('image 4 of 4');
  await expect.poll(async () => (await shown())[3]!.whole).toBe(true);
  expect((await shown())[3]!.width).toBeGreaterThanOrEqual(250);
});
