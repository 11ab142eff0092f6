// What a drop or paste did, ranked: what looks like a mistyped ID first, as written; the report can
// be dismissed. Jobs added before a key say what they wait for.
import { dropText, enterFirstKey, jobRow as row } from '../support/window-steps';
import { expect, test, validTestKey } from './app-fixture';

test.afterEach(async ({ app }) => {
  expect(app.cspViolations, 'the renderer runs under its CSP without violations').toEqual([]);
});

test('jobs added before a key say they wait for it, and go on once it is entered', async ({ app }) => {
  const { page } = app;
  app.setScenarios({ '8101': [{ answer: 'success', images: [{ serve: 'headshot-a.png' }] }] });
  await app.open();
  await dropText(page, '8101');
  await expect(row(page, '8101')).toHaveAttribute('data-state', 'queued');
  await expect(row(page, '8101').getByTestId('job-detail')).toHaveText('Waiting for your API key: enter it at the top.');
  await enterFirstKey(page, validTestKey);
  await expect(row(page, '8101')).toHaveAttribute('data-state', 'ready');
  await expect(row(page, '8101').getByTestId('job-detail')).toHaveText('');
});

test.describe('with a key stored', () => {
  test.use({ withStoredKey: true });

  test('a messy paste names the near-misses first, as written, and the report can be dismissed', async ({ app }) => {
    const { page } = app;
    await app.core.handlers.pauseQueue(undefined);
    await app.open();
    const paste = ['12202888', 'Ada Lovelace, ada@example.com', 'Alan Turing, alan@example.com', 'Grace Hopper, grace@example.com', '1234567890123456789012345', '0123456'].join('\n');
    await dropText(page, paste);
    const report = page.getByTestId('intake-summary');
    await expect(report).toContainText('Added 1 job');
    await expect(report.getByTestId('near-misses')).toHaveText(
      '2 look like mistyped IDs: 1234567890123456789012345 (too long for a job ID (at most 20 digits)); 0123456 (job IDs do not start with 0)',
    );
    // A JSON number too large to hold is shown as it was written.
    await dropText(page, '{"id": 1234567890123456789012345}');
    await expect(report.getByTestId('near-misses')).toContainText('1234567890123456789012345 (too large to read exactly from JSON');
    await expect(report).not.toContainText('e+24');

    await report.getByRole('button', { name: 'Dismiss' }).click();
    await expect(report).toBeEmpty();
  });

  test('a dropped file is named in the report; a clean report fades by itself, one with problems stays', async ({ app }) => {
    const { page } = app;
    await page.clock.install();
    await app.core.handlers.pauseQueue(undefined);
    await app.open();
    const report = page.getByTestId('intake-summary');
    await page.locator('main.jobs').drop({ files: [{ name: 'ids.txt', mimeType: 'text/plain', buffer: Buffer.from('8201\n8202\n') }] });
    await expect(report).toContainText('ids.txt: Added 2 jobs');
    await page.clock.runFor(11_000);
    await expect(report).toContainText('Added 2 jobs');
    await page.clock.runFor(2_000);
    await expect(report).toBeEmpty();

    await dropText(page, '8203 oops');
    await expect(report).toContainText('1 not understood');
    await page.clock.runFor(30_000);
    await expect(report).toContainText('1 not understood');
  });

  test('jobs just added are scrolled into view, without taking the focus', async ({ app }) => {
    const { page } = app;
    await app.core.handlers.pauseQueue(undefined);
    await app.open();
    await app.core.handlers.addJobs({ sources: [{ name: null, text: Array.from({ length: 60 }, (_, index) => String(8_300_000 + index)).join('\n') }] });
    await expect(row(page, '8300000')).toBeVisible();
    await page.getByLabel('Add a job ID').fill('8399999');
    await page.getByLabel('Add a job ID').press('Enter');
    await expect(row(page, '8399999')).toBeInViewport({ ratio: 1 });
    await expect(page.getByLabel('Add a job ID')).toBeFocused();
  });
});
