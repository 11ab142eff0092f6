// Where the keyboard focus goes when an action makes the focused control go away: never lost to
// the page (a keyboard user would have to start again from the top), but to the next sensible place.
import type { Page } from '@playwright/test';
import type { Step } from '../fixtures/fake-modelslab';
import { clickRow, dropText, jobRow as row } from '../support/window-steps';
import { expect, test } from './app-fixture';

test.use({ withStoredKey: true });

test.afterEach(async ({ app }) => {
  expect(app.cspViolations, 'the renderer runs under its CSP without violations').toEqual([]);
});

const ready: Step[] = [{ answer: 'success', images: [{ serve: 'headshot-a.png' }] }];
const failed: Step[] = [{ answer: 'failed' }];
const selectionBar = (page: Page) => page.getByRole('region', { name: 'Selected jobs' });
const queueBar = (page: Page) => page.getByRole('region', { name: 'Queue' });
const batch = (page: Page) => page.getByRole('region', { name: 'Batch' });
/** The window's toolbar, its title line. */
const toolbar = (page: Page) => page.getByRole('banner');

/** Focuses the control and presses Enter, as a keyboard user does. */
async function press(page: Page, control: ReturnType<Page['getByRole']>) {
  await control.focus();
  await page.keyboard.press('Enter');
}

test('the queue: Pause and Resume, Retry failed and the Clear list confirmation keep the focus where they were', async ({ app }) => {
  const { page } = app;
  app.setScenarios({ '9801': ready, '9802': failed });
  await app.open();
  await dropText(page, '9801 9802');
  await expect(row(page, '9802')).toHaveAttribute('data-state', 'failed');

  await press(page, toolbar(page).getByRole('button', { name: 'Pause' }));
  await expect(toolbar(page).getByRole('button', { name: 'Resume' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(toolbar(page).getByRole('button', { name: 'Pause' })).toBeFocused();

  // Retry failed, by the fetching bar, goes once nothing has failed; the focus stays in the batch's strip, and goes on from there.
  app.setScenarios({ '9802': ready });
  await press(page, batch(page).getByRole('button', { name: 'Retry failed (1)' }));
  await expect(row(page, '9802')).toHaveAttribute('data-state', 'ready');
  await expect(batch(page)).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('group', { name: 'Show jobs by status' }).getByRole('button', { name: /^All/ })).toBeFocused();

  // A confirmation takes the focus to its safe answer, and gives it back.
  await press(page, queueBar(page).getByRole('button', { name: 'Clear list…' }));
  await expect(queueBar(page).getByRole('button', { name: 'Keep them' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(queueBar(page).getByRole('button', { name: 'Clear list…' })).toBeFocused();
});

test('the selection bar: the Remove confirmation takes and gives back the focus; once the jobs are gone it stays in the bar', async ({ app }) => {
  const { page } = app;
  app.setScenarios({ '9811': ready, '9812': ready, '9813': ready });
  await app.open();
  await dropText(page, '9811 9812 9813');
  await expect(row(page, '9813')).toHaveAttribute('data-state', 'ready');
  await clickRow(page, '9811');
  await clickRow(page, '9812', ['Shift']);

  const bar = selectionBar(page);
  await press(page, bar.getByRole('button', { name: 'Remove (2)' }));
  await expect(bar.getByRole('button', { name: 'Keep them' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(bar.getByRole('button', { name: 'Remove (2)' })).toBeFocused();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Shift+Tab');
  await expect(bar.getByRole('button', { name: 'Remove them' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(row(page, '9811')).toHaveCount(0);
  await expect(bar).toBeFocused();
  await expect(bar.getByRole('status')).toHaveText('Removed 2 jobs from the list.');
  // And on from there to the whole list's actions, which took the selection's place.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Clear list…' })).toBeFocused();
});

test('the list: a row removed with its own button hands the focus to the row that takes its place; a row moved by the sort keeps it', async ({ app }) => {
  const { page } = app;
  app.setScenarios({ '9821': ready, '9822': ready, '9823': ready });
  await app.open();
  await dropText(page, '9821 9822 9823');
  await expect(row(page, '9823')).toHaveAttribute('data-state', 'ready');

  await press(page, page.getByRole('button', { name: 'Remove job 9822' }));
  await expect(row(page, '9822')).toHaveCount(0);
  await expect(row(page, '9823')).toBeFocused();
  // The last row gives it to the one before.
  await press(page, page.getByRole('button', { name: 'Remove job 9823' }));
  await expect(row(page, '9823')).toHaveCount(0);
  await expect(row(page, '9821')).toBeFocused();

  // Sorted by status, a job that changes state moves; its row keeps the focus.
  await app.core.handlers.pauseQueue(undefined);
  app.setScenarios({ '9824': failed, '9825': failed });
  await dropText(page, '9824 9825');
  await page.getByLabel('Sort by').selectOption({ label: 'Status' });
  await expect.poll(() => page.locator('tr.job-row').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.jobId))).toEqual(['9824', '9825', '9821']);
  const box = row(page, '9825');
  await box.focus();
  await app.core.handlers.resumeQueue(undefined);
  await expect(row(page, '9825')).toHaveAttribute('data-state', 'failed');
  await expect(row(page, '9824')).toHaveAttribute('data-state', 'failed');
  await expect.poll(() => page.locator('tr.job-row').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.jobId))).toEqual(['9821', '9824', '9825']);
  await expect(box).toBeFocused();
});

test('Shift+Down from a focused row, with nothing clicked before, selects that row and the next', async ({ app }) => {
  const { page } = app;
  app.setScenarios({ '9831': ready, '9832': ready, '9833': ready });
  await app.open();
  await dropText(page, '9831 9832 9833');
  await expect(row(page, '9833')).toHaveAttribute('data-state', 'ready');
  await row(page, '9831').focus();
  await page.keyboard.press('Shift+ArrowDown');
  await expect(row(page, '9832')).toBeFocused();
  await expect.poll(() => page.locator('tr.job-row[aria-selected="true"]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.jobId))).toEqual(['9831', '9832']);
});

test('the key: Replace opens the field with the focus in it; Cancel and Save give it back to Replace; Remove asks for a key in the same field', async ({ app }) => {
  const { page } = app;
  await app.open();
  // The key's line opens by keyboard too.
  await page.locator('details.key-menu summary').focus();
  await page.keyboard.press('Enter');
  await press(page, page.getByRole('button', { name: 'Replace' }));
  await expect(page.getByLabel('New ModelsLab API key')).toBeFocused();
  await press(page, page.getByRole('button', { name: 'Cancel' }));
  await expect(page.getByRole('button', { name: 'Replace' })).toBeFocused();

  await page.keyboard.press('Enter');
  await page.keyboard.type('abcd-a-new-key-0000');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('key-status')).toContainText('0000');
  await expect(page.getByRole('button', { name: 'Replace' })).toBeFocused();

  await press(page, page.getByRole('button', { name: 'Remove' }).first());
  await expect(page.getByLabel('Enter your ModelsLab API key to start')).toBeFocused();
});

test('the settings sheet: Close and Escape give the focus back to Settings; Escape closes it wherever the focus is', async ({ app }) => {
  const { page } = app;
  await app.open();
  const sheet = page.locator('details.settings');
  const summary = page.getByText('Settings', { exact: true });
  const isOpen = () => sheet.evaluate((details) => (details as HTMLDetailsElement).open);

  await summary.focus();
  await page.keyboard.press('Enter');
  await expect.poll(isOpen).toBe(true);
  await press(page, page.locator('.settings-sheet').getByRole('button', { name: 'Close' }));
  await expect.poll(isOpen).toBe(false);
  await expect(summary).toBeFocused();

  // Opened with the mouse, then a click beside it: Escape still closes it.
  await summary.click();
  await expect.poll(isOpen).toBe(true);
  await page.locator('h1').click();
  await page.keyboard.press('Escape');
  await expect.poll(isOpen).toBe(false);
});

test('a button its own action disables (Retry once nothing failed, Add once the field is empty) passes the focus on instead of dropping it', async ({ app }) => {
  const { page } = app;
  app.setScenarios({ '9841': failed, '9842': failed });
  await app.open();
  await dropText(page, '9841 9842');
  await expect(row(page, '9842')).toHaveAttribute('data-state', 'failed');
  await clickRow(page, '9841');
  await clickRow(page, '9842', ['Shift']);

  app.setScenarios({ '9841': ready, '9842': ready });
  const bar = selectionBar(page);
  await press(page, bar.getByRole('button', { name: 'Retry (2)' }));
  await expect(bar.getByRole('button', { name: 'Retry (0)' })).toBeDisabled();
  await expect(bar.getByRole('button', { name: 'Remove (2)' })).toBeFocused();

  await page.getByLabel('Add a job ID').fill('9843');
  await press(page, page.getByRole('button', { name: 'Add', exact: true }));
  await expect(row(page, '9843')).toHaveCount(1);
  await expect(page.getByLabel('Add a job ID')).toBeFocused();
});

test('when the last row shown goes, the focus goes to what replaces the list: "Show all jobs", or the empty list', async ({ app }) => {
  const { page } = app;
  app.setScenarios({ '9851': ready, '9852': failed });
  await app.open();
  await dropText(page, '9851 9852');
  await expect(row(page, '9852')).toHaveAttribute('data-state', 'failed');

  await page.getByRole('group', { name: 'Show jobs by status' }).getByRole('button', { name: /^Failed/ }).click();
  app.setScenarios({ '9852': ready });
  await press(page, page.getByRole('button', { name: 'Retry job 9852' }));
  await expect(page.getByRole('button', { name: 'Show all jobs' })).toBeFocused();
  await page.keyboard.press('Enter');

  await press(page, page.getByRole('button', { name: 'Remove job 9851' }));
  await press(page, page.getByRole('button', { name: 'Remove job 9852' }));
  await expect(page.getByRole('heading', { name: 'Drop job IDs here' })).toBeVisible();
  await expect(page.locator('.empty')).toBeFocused();
});
