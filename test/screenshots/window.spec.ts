// `npm run screenshots`: renders the window with realistic content into docs/screenshots/.
// Not a test suite: it asserts only what it needs to wait for.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { expect, test, validTestKey } from '../browser/held-fixture';
import type { ImageName, Step } from '../fixtures/fake-modelslab';
import { dropText, enterFirstKey, jobRow, templateFromNameColumn } from '../support/window-steps';

const shot = (name: string) => fileURLToPath(new URL(`../../docs/screenshots/${name}.png`, import.meta.url));
const names: ImageName[] = ['headshot-a.png', 'headshot-b.jpg', 'headshot-c.webp'];
const images = (n: number, offset = 0) => Array.from({ length: n }, (_, i) => ({ serve: names[(i + offset) % names.length]! }));
const ready = (n: number, offset = 0): Step[] => [{ answer: 'success', images: images(n, offset) }];

/** Waits until every thumbnail drawn has its picture, or is marked as held back. */
async function thumbnailsSettled(page: Page) {
  await expect
    .poll(() => page.locator('tr.job-row:not([data-state="saving"]) .thumbnail img').evaluateAll((all) => all.every((image) => (image as HTMLImageElement).complete && (image as HTMLImageElement).naturalWidth > 0)))
    .toBe(true);
}

test('first run, the empty list, a batch mid-way at three sizes in light and dark, the preview, settings', async ({ app, held }) => {
  test.setTimeout(120_000);
  const { page } = app;
  await page.setViewportSize({ width: 1280, height: 800 });
  const folder = join(app.saveDir, 'Pictures', 'Headshots');
  await mkdir(folder, { recursive: true });
  app.setFolderDialogAnswer(folder);

  await app.open();
  await expect(page.getByLabel('Enter your ModelsLab API key to start')).toBeFocused();
  await page.screenshot({ path: shot('first-run') });
  await enterFirstKey(page, validTestKey);
  await page.screenshot({ path: shot('empty-list') });

  // A first batch: ready, then saved; two of them hold their second image half-way, so they stay "saving".
  const first = ['12202801', '12202802', '12202803', '12202804', '12202805', '12202806', '12202807', '12202808'];
  app.setScenarios({
    ...Object.fromEntries(first.slice(0, 6).map((id, index) => [id, ready(1 + (index % 3), index)])),
    '12202807': [{ answer: 'success', images: [{ serve: 'headshot-a.png' }, { redirectTo: held.url('07', 'headshot-b.jpg') }] }],
    '12202808': [{ answer: 'success', images: [{ serve: 'headshot-c.webp' }, { redirectTo: held.url('08', 'headshot-a.png') }] }],
  });
  await dropText(page, first.join('\n'));
  for (const id of first) await expect(jobRow(page, id)).toHaveAttribute('data-state', 'ready');
  await page.getByRole('button', { name: 'Save all ready (8)' }).click();
  await expect(jobRow(page, '12202806')).toHaveAttribute('data-state', 'saved');
  await expect(jobRow(page, '12202808')).toHaveAttribute('data-state', 'saving');

  // Then more: ready, processing, fetching (no answer yet), failed, and a 20-digit ID.
  app.setScenarios({
    '12202809': ready(2),
    '12202810': ready(4, 1),
    '12202811': [{ answer: 'processing', eta: 540 }],
    '12202812': [{ answer: 'raw', status: 200, body: JSON.stringify({ status: 'error', message: 'Request not found: no job with this ID exists for your account. Check the ID, or the key it was made with.' }) }],
    '12202813': ready(1, 2),
    '12202814': [{ answer: 'processing', eta: 75 }],
    '12202815': [{ answer: 'hang' }],
    '98765432109876543210': ready(3),
    '12202816': [{ answer: 'raw', status: 503, body: '<html>Service Unavailable</html>', contentType: 'text/html' }],
    '12202817': ready(2, 1),
    '12202818': [{ answer: 'processing', eta: 300 }],
    '12202819': ready(1),
    '12202820': [{ answer: 'hang' }],
  });
  await dropText(page, '12202809 12202810 12202811 12202812 12202813 12202814 12202815 98765432109876543210 12202816 12202817 12202818 12202819 12202820');
  await expect(jobRow(page, '12202816')).toHaveAttribute('data-state', 'failed', { timeout: 20_000 });
  await expect(jobRow(page, '12202812')).toHaveAttribute('data-state', 'failed');
  await expect(jobRow(page, '12202819')).toHaveAttribute('data-state', 'ready');
  await expect(jobRow(page, '12202814')).toHaveAttribute('data-state', 'processing');
  await expect(jobRow(page, '12202815')).toHaveAttribute('data-state', 'fetching');
  await page.getByTestId('intake-summary').getByRole('button', { name: 'Dismiss' }).click();
  await jobRow(page, '12202810').locator('td.job-id').click();
  await jobRow(page, '12202813').locator('td.job-id').click({ modifiers: ['ControlOrMeta'] });
  await page.locator('.job-scroller').evaluate((scroller) => scroller.scrollTo(0, 0));

  for (const size of [
    { width: 800, height: 600 },
    { width: 1280, height: 800 },
    { width: 1920, height: 1080 },
  ]) {
    await page.setViewportSize(size);
    await thumbnailsSettled(page);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: shot(`mid-batch-${size.width}x${size.height}-${scheme}`) });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: shot('main-window') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: shot('main-window-dark') });
  await page.emulateMedia({ colorScheme: 'light' });

  // A failure's whole text, by keyboard; and a row's menu.
  await jobRow(page, '12202812').focus();
  await expect(page.getByTestId('full-detail')).toBeVisible();
  await page.screenshot({ path: shot('error-details') });
  await page.keyboard.press('Shift+F10');
  await expect(page.getByRole('menu')).toBeVisible();
  await page.screenshot({ path: shot('row-menu') });
  await page.keyboard.press('Escape');

  await jobRow(page, '12202810').getByRole('button', { name: 'Preview image 2 of job 12202810' }).click();
  const preview = page.getByRole('dialog');
  await expect.poll(() => preview.getByRole('img').evaluateAll((all) => all.every((image) => (image as HTMLImageElement).naturalWidth > 0))).toBe(true);
  await page.screenshot({ path: shot('preview') });
  await page.keyboard.press('Escape');

  await page.getByText('Settings', { exact: true }).click();
  await expect(page.getByTestId('file-name-check')).toBeVisible();
  await page.screenshot({ path: shot('settings') });
  held.releaseAll();
});

test('a spreadsheet of people: the Name column, and file names by column', async ({ app }) => {
  test.setTimeout(120_000);
  const { page } = app;
  await page.setViewportSize({ width: 1280, height: 800 });
  await app.open();
  await enterFirstKey(page, validTestKey);
  const people = [
    ['12203001', 'Ana Souza', 'Sales'],
    ['12203002', 'Kenji Watanabe', 'Engineering'],
    ['12203003', 'Fatima Al-Sayed', 'Finance'],
    ['12203004', "Liam O'Connor", 'Sales'],
    ['12203005', 'Priya Raman', 'Design'],
    ['12203006', 'Zoë Müller', 'Engineering'],
    ['12203007', 'Chen Wei', 'Support'],
    ['12203008', 'Amara Okafor', 'Legal'],
  ];
  app.setScenarios(Object.fromEntries(people.map(([id], index) => [id!, ready(1 + (index % 3), index)])));
  const table = ['Job ID,Name,Department,Email', ...people.map(([id, name, department]) => `${id},"${name}",${department},${name!.split(' ')[0]!.toLowerCase()}@example.com`)].join('\r\n');
  await page.locator('main.jobs').drop({ files: [{ name: 'team.csv', mimeType: 'text/csv', buffer: Buffer.from(table) }] });
  for (const [id] of people) await expect(jobRow(page, id!)).toHaveAttribute('data-state', 'ready');
  await page.getByTestId('intake-summary').getByRole('button', { name: 'Dismiss' }).click();
  await thumbnailsSettled(page);
  await page.screenshot({ path: shot('spreadsheet-names') });

  await templateFromNameColumn(page);
  await expect(page.getByTestId('file-name-check')).toContainText('Example: Ana Souza/1.');
  await page.screenshot({ path: shot('spreadsheet-template') });
});
