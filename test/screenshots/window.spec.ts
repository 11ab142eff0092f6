// `npm run screenshots`: renders the window with realistic content into docs/screenshots/.
// Not a test suite: it asserts only what it needs to wait for.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, validTestKey } from '../browser/app-fixture';
import type { ImageName } from '../fixtures/fake-modelslab';
import { dropText, enterFirstKey, jobRow } from '../support/window-steps';

const shot = (name: string) => fileURLToPath(new URL(`../../docs/screenshots/${name}.png`, import.meta.url));

test('first run, the empty list, a mixed batch, the preview, settings, dark', async ({ app }) => {
  const { page } = app;
  const names: ImageName[] = ['headshot-a.png', 'headshot-b.jpg', 'headshot-c.webp'];
  const image = (n: number) => Array.from({ length: n }, (_, i) => ({ serve: names[i % names.length]! }));
  app.setScenarios({
    '12202888': [{ answer: 'success', images: image(2) }],
    '12202889': [{ answer: 'success', images: image(4) }],
    '12202890': [{ answer: 'success', images: image(1) }],
    '12202891': [{ answer: 'processing', eta: 600 }],
    '12202892': [{ answer: 'processing', eta: 45 }],
    '12202893': [{ answer: 'failed' }],
    '12202894': [{ answer: 'success', images: image(2) }],
    '12202897': [{ answer: 'success', images: image(3) }],
    '12202898': [{ answer: 'success', images: image(1) }],
  });
  // A folder named as people name theirs, so the window shows a believable path.
  const folder = join(app.saveDir, 'Pictures', 'Headshots');
  await mkdir(folder, { recursive: true });
  app.setFolderDialogAnswer(folder);

  await app.open();
  await expect(page.getByLabel('Enter your ModelsLab API key to start')).toBeVisible();
  await page.screenshot({ path: shot('first-run') });

  await enterFirstKey(page, validTestKey);
  await page.screenshot({ path: shot('empty-list') });

  await dropText(page, '12202888\n12202889\n12202890\n12202891\n12202892\n12202893\n12202894\nhello');
  await expect(jobRow(page, '12202894')).toHaveAttribute('data-state', 'ready');
  await page.getByRole('button', { name: 'Choose folder…' }).click();
  await page.getByRole('button', { name: 'Save all ready (4)' }).click();
  await expect(jobRow(page, '12202888')).toHaveAttribute('data-state', 'saved');
  await expect(page.getByTestId('save-outcome')).toContainText('Saved');
  await dropText(page, '12202895 12202896 12202897 12202898');
  await expect(jobRow(page, '12202895')).toHaveAttribute('data-state', 'failed');
  await expect(jobRow(page, '12202898')).toHaveAttribute('data-state', 'ready');
  await jobRow(page, '12202897').click();
  await jobRow(page, '12202898').click({ modifiers: ['Shift'] });
  // Back to the top of the list, so the picture starts with the first job.
  await page.locator('.job-scroller').evaluate((scroller) => scroller.scrollTo(0, 0));
  await expect.poll(() => page.locator('.thumbnail img').evaluateAll((images) => images.every((image) => (image as HTMLImageElement).naturalWidth > 0))).toBe(true);
  await page.screenshot({ path: shot('main-window') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: shot('main-window-dark') });
  await page.emulateMedia({ colorScheme: 'light' });

  await jobRow(page, '12202889').getByRole('button', { name: 'Preview image 2 of job 12202889' }).click();
  const preview = page.getByRole('dialog');
  await expect.poll(() => preview.getByRole('img').evaluateAll((images) => images.every((image) => (image as HTMLImageElement).naturalWidth > 0))).toBe(true);
  await page.screenshot({ path: shot('preview') });
  await page.keyboard.press('Escape');

  await page.getByText('Settings', { exact: true }).click();
  await expect(page.getByTestId('file-name-check')).toBeVisible();
  await page.screenshot({ path: shot('settings') });
});
