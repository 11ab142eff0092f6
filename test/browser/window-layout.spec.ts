// The window at every size it allows: the list is the one part that scrolls and shows at least 8
// rows at the smallest size (800×540 of content, a menu bar above) even with a notice, nothing in
// the bars is cut or wraps, and the bars keep their height as the numbers in them change.
import type { Page } from '@playwright/test';
import { windowChromeHeight, windowSizeLimits } from '../../main/desktop/window-state';
import type { Step } from '../fixtures/fake-modelslab';
import { jobView } from '../support/job-views';
import { jobRow as row } from '../support/window-steps';
import { expect, test } from './app-fixture';

/** The page's size in the smallest window the app allows, under a menu bar. */
const smallest = { width: windowSizeLimits.minWidth, height: windowSizeLimits.minHeight - windowChromeHeight };

test.use({ withStoredKey: true, viewport: smallest });

test('the smallest window leaves the page 800×540', () => {
  expect(smallest).toEqual({ width: 800, height: 540 });
});

test.afterEach(async ({ app }) => {
  expect(app.cspViolations, 'the renderer runs under its CSP without violations').toEqual([]);
});

const ready: Step[] = [{ answer: 'success', images: [{ serve: 'headshot-a.png' }, { serve: 'headshot-b.jpg' }] }];
const longId = '98765432109876543210';
const longMessage =
  'ModelsLab answered with an error: the request could not be processed because the model behind this endpoint was retired on 1 December; use the flux_headshot v2 endpoint instead and fetch the job again from there.';

/** Adds IDs as a drop would, without the drop's report (the test wants one notice only). */
async function addIds(app: { core: { handlers: { addJobs: (request: { sources: Array<{ name: null; text: string }> }) => Promise<unknown> } } }, ids: string[]) {
  await app.core.handlers.addJobs({ sources: [{ name: null, text: ids.join('\n') }] });
}

/** Rows whose whole height shows in the list, below its sticky header. */
function wholeRowsShown(page: Page): Promise<number> {
  return page.locator('.job-scroller').evaluate((scroller) => {
    const view = scroller.getBoundingClientRect();
    const header = scroller.querySelector('thead')!.getBoundingClientRect();
    return [...scroller.querySelectorAll('tr.job-row')].filter((tr) => {
      const box = tr.getBoundingClientRect();
      return box.top >= header.bottom - 0.5 && box.bottom <= view.bottom + 0.5;
    }).length;
  });
}

/** The page itself does not scroll, either way. */
function pageScrolls(page: Page) {
  return page.evaluate(() => {
    const root = document.scrollingElement!;
    return { vertical: root.scrollHeight > root.clientHeight, horizontal: root.scrollWidth > root.clientWidth };
  });
}

/** Controls and words in the bars that are cut (their content wider than their box) or reach out of the window. */
function cutInBars(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const bars = ['header.top', '.messages', 'section.batch', '.list-toolbar', '.selection-bar', 'footer.bottom', '.job-table thead'];
    const cut: string[] = [];
    for (const selector of bars) {
      for (const element of document.querySelectorAll<HTMLElement>(`${selector} :is(button, select, label, summary, th, [data-testid])`)) {
        if (element.getClientRects().length === 0 || element.closest('.visually-hidden, [hidden]')) continue;
        // A select shows its chosen option shortened on purpose; the hint after the list's actions may fade out.
        if (element.matches('select, .selection-hint, [data-testid="save-outcome"]')) continue;
        const box = element.getBoundingClientRect();
        const text = (element.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
        if (element.scrollWidth > element.clientWidth + 1 && getComputedStyle(element).overflow !== 'visible') cut.push(`${selector}: "${text}" is cut`);
        if (box.right > innerWidth + 0.5 || box.left < -0.5) cut.push(`${selector}: "${text}" leaves the window`);
      }
    }
    return cut;
  });
}

test('at 800×540 with a notice showing, the page never scrolls, the list does, and at least 8 rows show whole', async ({ app }) => {
  const { page } = app;
  const ids = Array.from({ length: 40 }, (_, index) => String(12202800 + index));
  app.setScenarios(Object.fromEntries(ids.map((id) => [id, ready])));
  await app.open();
  await addIds(app, ids);
  await expect(row(page, '12202800')).toHaveAttribute('data-state', 'ready');
  app.emit('notice', { id: 7, message: 'The job list could not be read; it was kept aside and a new one started.' });
  await expect(page.getByTestId('notices')).toContainText('could not be read');

  expect(await pageScrolls(page)).toEqual({ vertical: false, horizontal: false });
  expect(await wholeRowsShown(page)).toBeGreaterThanOrEqual(8);
  // The list is what scrolls.
  expect(await page.locator('.job-scroller').evaluate((scroller) => scroller.scrollHeight > scroller.clientHeight)).toBe(true);
  expect(await cutInBars(page)).toEqual([]);

  // A selection swaps the list's action line for the selection's actions: still one line, nothing cut.
  await page.keyboard.press('ControlOrMeta+A');
  await expect(page.getByTestId('selected-count')).toHaveText('40 selected');
  expect(await cutInBars(page)).toEqual([]);
  expect(await wholeRowsShown(page)).toBeGreaterThanOrEqual(8);

  // Taller and wider windows give the room to the list.
  for (const size of [{ width: 1280, height: 800 }, { width: 1920, height: 1080 }]) {
    await page.setViewportSize(size);
    expect(await pageScrolls(page), `${size.width}×${size.height}`).toEqual({ vertical: false, horizontal: false });
    expect(await cutInBars(page), `${size.width}×${size.height}`).toEqual([]);
  }
});

test('with names from a spreadsheet, the smallest window still shows a 20-digit ID whole, the names, and 8 rows', async ({ app }) => {
  const { page } = app;
  const ids = [longId, ...Array.from({ length: 30 }, (_, index) => String(12202900 + index))];
  app.setScenarios(Object.fromEntries(ids.map((id) => [id, ready])));
  await app.open();
  const table = ['Job ID,Full Name,Email', ...ids.map((id, index) => `${id},Person Number ${index + 1},person${index + 1}@example.com`)].join('\n');
  await app.core.handlers.addJobs({ sources: [{ name: 'team.csv', text: table }] });
  await expect(row(page, longId)).toHaveAttribute('data-state', 'ready');
  app.emit('notice', { id: 8, message: 'The job list could not be read; it was kept aside and a new one started.' });
  await expect(page.getByTestId('notices')).toContainText('could not be read');

  await expect(row(page, longId).getByTestId('job-name')).toHaveText('Person Number 1');
  const idCell = row(page, longId).locator('td.job-id');
  expect(await idCell.evaluate((cell) => cell.scrollWidth <= cell.clientWidth), 'the 20-digit ID is not cut').toBe(true);
  expect(await pageScrolls(page)).toEqual({ vertical: false, horizontal: false });
  expect(await wholeRowsShown(page)).toBeGreaterThanOrEqual(8);
  expect(await cutInBars(page)).toEqual([]);
  // The names and the details share the room the other columns leave, each with space for words.
  for (const cell of ['td.detail', 'td.name']) {
    expect(await row(page, longId).locator(cell).evaluate((element) => element.getBoundingClientRect().width), cell).toBeGreaterThanOrEqual(90);
  }
});

test('the bars keep their height while the counts grow from one digit to four', async ({ app }) => {
  const { page } = app;
  app.setScenarios({ '1001': ready, '1002': [{ answer: 'failed' }] });
  await app.open();
  await addIds(app, ['1001', '1002']);
  await expect(row(page, '1002')).toHaveAttribute('data-state', 'failed');
  const heights = () =>
    page.evaluate(() =>
      Object.fromEntries(
        ['header.top', 'section.batch', '.list-toolbar', '.selection-bar', 'footer.bottom'].map((selector) => [selector, document.querySelector(selector)!.getBoundingClientRect().height]),
      ),
    );
  const before = await heights();
  const listTop = await page.locator('.job-scroller').evaluate((scroller) => scroller.getBoundingClientRect().top);

  // 3,000 more jobs, as main would send them: queued, ready, saved and failed ones, counts of four digits in every bar.
  const states = ['queued', 'ready', 'saved', 'failed'] as const;
  app.emit(
    'jobsUpdated',
    Array.from({ length: 3000 }, (_, index) => jobView(String(5_000_000 + index), states[index % 4]!, { retryable: true })),
  );
  await expect(page.getByTestId('fetch-overview')).toHaveText('1,501 of 3,002 done · 751 failed · 750 to go');
  await expect(page.getByRole('button', { name: 'Retry failed (751)' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Clear saved (750)' })).toBeVisible();
  app.emit('jobsUpdated', Array.from({ length: 1000 }, (_, index) => jobView(String(6_000_000 + index), 'failed', { retryable: false })));
  await expect(page.getByRole('button', { name: 'Retry failed (1,751)' })).toBeVisible();
  expect(await heights()).toEqual(before);
  expect(await page.locator('.job-scroller').evaluate((scroller) => scroller.getBoundingClientRect().top)).toBe(listTop);
  expect(await cutInBars(page)).toEqual([]);

  // The widest the bars get: every job selected, four-digit counts on each of the selection's buttons.
  await row(page, '1001').focus();
  await page.keyboard.press('Control+A');
  await expect(page.getByTestId('selected-count')).toHaveText('4,002 selected');
  expect(await heights()).toEqual(before);
  expect(await page.locator('.job-scroller').evaluate((scroller) => scroller.getBoundingClientRect().top)).toBe(listTop);
});

test('a 20-digit ID shows whole in its column, at the smallest size and the largest', async ({ app }) => {
  const { page } = app;
  app.setScenarios({ [longId]: ready });
  await app.open();
  await addIds(app, [longId, '12202888']);
  const cell = row(page, longId).locator('td.job-id');
  await expect(cell).toHaveText(longId);
  for (const size of [smallest, { width: 1920, height: 1080 }]) {
    await page.setViewportSize(size);
    const fit = await cell.evaluate((td) => ({ scroll: td.scrollWidth, client: td.clientWidth }));
    expect(fit.scroll, `${size.width}×${size.height}`).toBeLessThanOrEqual(fit.client);
  }
});

test('an error shows two lines, says whether a retry can help, and shows whole when its row gets the focus by keyboard', async ({ app }) => {
  const { page } = app;
  app.setScenarios({
    '2001': [{ answer: 'raw', status: 200, body: JSON.stringify({ status: 'error', message: longMessage }) }],
    '2002': [{ answer: 'raw', status: 503, body: '<html>Service Unavailable</html>', contentType: 'text/html' }],
  });
  await app.open();
  await addIds(app, ['2001', '2002']);
  await expect(row(page, '2001')).toHaveAttribute('data-state', 'failed');
  await expect(row(page, '2002')).toHaveAttribute('data-state', 'failed');

  await expect(row(page, '2001').getByTestId('job-detail')).toContainText("Retrying won't help.");
  await expect(row(page, '2002').getByTestId('job-detail')).toContainText('Retry may help.');
  // Two lines of it show in the row; the rest is cut there.
  const lines = await row(page, '2001').getByTestId('job-detail').evaluate((detail) => ({ height: detail.clientHeight, lineHeight: parseFloat(getComputedStyle(detail).lineHeight), cut: detail.scrollHeight > detail.clientHeight }));
  expect(lines.height).toBe(2 * lines.lineHeight);
  expect(lines.cut).toBe(true);
  await expect(page.getByTestId('full-detail')).toHaveCount(0);

  // By keyboard: into the list, on to the row; the whole text shows, uncut, and is the row's description.
  await row(page, '2002').focus();
  await page.keyboard.press('ArrowUp');
  await expect(row(page, '2001')).toBeFocused();
  const full = page.getByTestId('full-detail');
  await expect(full).toBeVisible();
  await expect(full).toHaveText(`Retrying won't help. ${longMessage}`);
  expect(await full.evaluate((box) => box.scrollHeight <= box.clientHeight && box.getBoundingClientRect().bottom <= innerHeight)).toBe(true);
  await expect(row(page, '2001')).toHaveAccessibleDescription(`Retrying won't help. ${longMessage}`);
  await page.keyboard.press('Escape');
  await expect(full).toHaveCount(0);

  // A click on the details shows it too.
  await row(page, '2001').getByTestId('job-detail').click();
  await expect(full).toHaveText(`Retrying won't help. ${longMessage}`);
});

test('mid-batch, with a selection and a notice at 800×540, one toolbar sits above the list: the list starts higher and shows more rows', async ({ app }) => {
  const { page } = app;
  const ids = Array.from({ length: 40 }, (_, index) => String(12203000 + index));
  app.setScenarios(Object.fromEntries(ids.map((id) => [id, ready])));
  await app.open();
  await addIds(app, ids);
  await expect(row(page, ids[0]!)).toHaveAttribute('data-state', 'ready');
  // Mid-batch, as main would tell it: jobs in every state, a save batch under way.
  const states = ['queued', 'fetching', 'processing', 'saving', 'saved', 'failed'] as const;
  app.emit('jobsUpdated', states.map((state, index) => jobView(String(12203100 + index), state, { retryable: true })));
  app.emit('saveProgress', { active: true, folder: null, jobsTotal: 4, jobsSaved: 1, jobsFailed: 0, filesTotal: 8, filesDone: 3, filesSkipped: 0, bytesWritten: 61_000, startedAt: Date.now(), finishedAt: null });
  await expect(page.getByRole('region', { name: 'Batch' }).getByRole('button', { name: 'Stop saving' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Retry failed (1)' })).toBeVisible();
  await row(page, ids[0]!).locator('td.job-id').click();
  await row(page, ids[1]!).locator('td.job-id').click({ modifiers: ['Shift'] });
  await expect(page.getByTestId('selected-count')).toHaveText('2 selected');
  app.emit('notice', { id: 9, message: 'The job list could not be read; it was kept aside and a new one started.' });
  await expect(page.getByTestId('notices')).toContainText('could not be read');

  // With four lines above the list (title, batch, the list's filters, then the selection's actions)
  // the list began 199 px down and showed 8 rows here; one toolbar gives the list a row more.
  const listTop = await page.locator('.job-scroller').evaluate((scroller) => scroller.getBoundingClientRect().top);
  expect(listTop).toBeLessThanOrEqual(175);
  expect(await wholeRowsShown(page)).toBeGreaterThanOrEqual(9);
  expect(await pageScrolls(page)).toEqual({ vertical: false, horizontal: false });
  expect(await cutInBars(page)).toEqual([]);
});
