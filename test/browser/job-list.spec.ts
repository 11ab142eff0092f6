import { readdir } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import type { Step } from '../fixtures/fake-modelslab';
import { clickRow, dropText, enterFirstKey, jobRow as row, shownJobIds, tabTo } from '../support/window-steps';
import { expect, test, validTestKey } from './app-fixture';

test.afterEach(async ({ app }) => {
  expect(app.cspViolations, 'the renderer runs under its CSP without violations').toEqual([]);
  expect(app.outsideRequests, 'the renderer loads nothing from outside').toEqual([]);
});

const ready = (images = 1): Step[] => [{ answer: 'success', images: Array.from({ length: images }, () => ({ serve: 'headshot-a.png' as const })) }];
const failed: Step[] = [{ answer: 'failed' }];
const selectionBar = (page: Page) => page.getByRole('region', { name: 'Selected jobs' });
const filterButton = (page: Page, name: string) => page.getByRole('group', { name: 'Show jobs by status' }).getByRole('button', { name });
const selectedIds = (page: Page) => page.locator('tr.job-row[aria-selected="true"]').evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.jobId));

test.describe('with a key stored', () => {
  test.use({ withStoredKey: true });

  /** Drops the IDs and waits until each has reached the state its scenario ends in. */
  async function dropAndSettle(page: Page, ids: string[], states: Record<string, string>) {
    await dropText(page, ids.join('\n'));
    for (const [id, state] of Object.entries(states)) await expect(row(page, id)).toHaveAttribute('data-state', state);
  }

  test('filter by status, search by ID, and sort by each column either way', async ({ app }) => {
    const { page } = app;
    app.setScenarios({ '9105': failed, '9101': ready(2), '9110': ready(3), '9102': failed, '9104': [{ answer: 'processing', eta: 60 }], '9103': ready(1) });
    await app.open();
    await dropAndSettle(page, ['9105', '9101', '9110', '9102', '9104', '9103'], { '9105': 'failed', '9101': 'ready', '9110': 'ready', '9102': 'failed', '9104': 'processing', '9103': 'ready' });
    expect(await shownJobIds(page)).toEqual(['9105', '9101', '9110', '9102', '9104', '9103']);

    // Each state with jobs is offered with its count; the chosen one is pressed.
    await expect(filterButton(page, 'All 6')).toHaveAttribute('aria-pressed', 'true');
    await filterButton(page, 'Failed 2').click();
    await expect(filterButton(page, 'Failed 2')).toHaveAttribute('aria-pressed', 'true');
    await expect.poll(() => shownJobIds(page)).toEqual(['9105', '9102']);
    await filterButton(page, 'Ready 3').click();
    await expect.poll(() => shownJobIds(page)).toEqual(['9101', '9110', '9103']);
    await expect(page.getByRole('group', { name: 'Show jobs by status' }).getByRole('button', { name: /^Saved/ })).toHaveCount(0);

    // The search narrows the filter; a search that finds nothing offers the way back.
    const search = page.getByRole('searchbox', { name: 'Search job IDs' });
    await search.fill('01');
    await expect.poll(() => shownJobIds(page)).toEqual(['9101']);
    await search.fill('9999');
    await expect(page.getByText('No jobs match “9999”.')).toBeVisible();
    await page.getByRole('button', { name: 'Show all jobs' }).click();
    await expect(search).toHaveValue('');
    await expect(filterButton(page, 'All 6')).toHaveAttribute('aria-pressed', 'true');
    await expect.poll(() => shownJobIds(page)).toHaveLength(6);
    await search.fill('910');
    await expect.poll(() => shownJobIds(page)).toEqual(['9105', '9101', '9102', '9104', '9103']);
    await search.fill('');

    // Sorting from the toolbar, and from the column headers (which say how the table is sorted).
    const sortBy = page.getByLabel('Sort by');
    const descending = page.getByRole('button', { name: 'Descending' });
    await sortBy.selectOption({ label: 'Job ID' });
    await expect.poll(() => shownJobIds(page)).toEqual(['9101', '9102', '9103', '9104', '9105', '9110']);
    await descending.click();
    await expect(descending).toHaveAttribute('aria-pressed', 'true');
    await expect.poll(() => shownJobIds(page)).toEqual(['9110', '9105', '9104', '9103', '9102', '9101']);
    await expect(page.getByRole('columnheader', { name: 'Job ID' })).toHaveAttribute('aria-sort', 'descending');

    await page.getByRole('columnheader', { name: 'Status' }).getByRole('button').click();
    await expect(page.getByRole('columnheader', { name: 'Status' })).toHaveAttribute('aria-sort', 'ascending');
    await expect(page.getByRole('columnheader', { name: 'Job ID' })).not.toHaveAttribute('aria-sort');
    await expect(sortBy).toHaveValue('state');
    // Processing, then ready, then failed; each in the order added.
    await expect.poll(() => shownJobIds(page)).toEqual(['9104', '9101', '9110', '9103', '9105', '9102']);

    await page.getByRole('columnheader', { name: 'Images' }).getByRole('button').click();
    await page.getByRole('columnheader', { name: 'Images' }).getByRole('button').click();
    await expect(page.getByRole('columnheader', { name: 'Images' })).toHaveAttribute('aria-sort', 'descending');
    await expect.poll(() => shownJobIds(page)).toEqual(['9110', '9101', '9103', '9105', '9102', '9104']);

    await sortBy.selectOption({ label: 'Order added' });
    await descending.click();
    await expect.poll(() => shownJobIds(page)).toEqual(['9105', '9101', '9110', '9102', '9104', '9103']);
  });

  test('select with a click, Shift-click, Ctrl/⌘-click, the boxes, Ctrl/⌘-A and Escape', async ({ app }) => {
    const { page } = app;
    const ids = ['9201', '9202', '9203', '9204', '9205', '9206'];
    app.setScenarios(Object.fromEntries(ids.map((id, index) => [id, index < 4 ? ready() : failed])));
    await app.open();
    await dropAndSettle(page, ids, { '9201': 'ready', '9204': 'ready', '9205': 'failed', '9206': 'failed' });
    await expect(selectionBar(page)).toContainText('Click a row to select it');

    await clickRow(page, '9202');
    expect(await selectedIds(page)).toEqual(['9202']);
    await expect(page.getByRole('checkbox', { name: 'Select job 9202' })).toBeChecked();
    await expect(page.getByTestId('selected-count')).toHaveText('1 selected');

    // Shift-click: the range from the last clicked row, in the order shown.
    await clickRow(page, '9205', ['Shift']);
    await expect.poll(() => selectedIds(page)).toEqual(['9202', '9203', '9204', '9205']);
    await clickRow(page, '9201', ['Shift']);
    await expect.poll(() => selectedIds(page)).toEqual(['9201', '9202']);

    // Ctrl/⌘-click and the boxes add or remove one job and leave the others.
    await clickRow(page, '9206', ['ControlOrMeta']);
    await clickRow(page, '9201', ['ControlOrMeta']);
    await expect.poll(() => selectedIds(page)).toEqual(['9202', '9206']);
    await page.getByRole('checkbox', { name: 'Select job 9204' }).check();
    await page.getByRole('checkbox', { name: 'Select job 9202' }).uncheck();
    await expect.poll(() => selectedIds(page)).toEqual(['9204', '9206']);
    await expect(page.getByRole('checkbox', { name: 'Select job 9202' })).not.toBeChecked();
    // A plain click on a row starts over.
    await clickRow(page, '9203');
    await expect.poll(() => selectedIds(page)).toEqual(['9203']);

    // Ctrl/⌘-A selects every job shown; Escape clears.
    await page.keyboard.press('ControlOrMeta+A');
    await expect.poll(() => selectedIds(page)).toEqual(ids);
    await expect(page.getByRole('checkbox', { name: 'Select all jobs' })).toBeChecked();
    await expect(page.getByTestId('selected-count')).toHaveText('6 selected');
    await page.keyboard.press('Escape');
    await expect.poll(() => selectedIds(page)).toEqual([]);
    await expect(selectionBar(page)).toContainText('Click a row to select it');

    // With a filter, Ctrl/⌘-A takes only what is shown; in a text field it selects the text instead.
    await filterButton(page, 'Failed 2').click();
    await page.keyboard.press('ControlOrMeta+A');
    await expect(page.getByTestId('selected-count')).toHaveText('2 selected');
    const field = page.getByLabel('Add a job ID');
    await field.fill('92');
    await field.press('ControlOrMeta+A');
    await field.press('Escape');
    await expect(page.getByTestId('selected-count')).toHaveText('2 selected');
    await field.fill('');
    // The selection's actions take the filters' place in the list's toolbar (as in Photos or Gmail);
    // ✕ gives it back, and the filter chosen before still applies.
    await expect(page.getByRole('group', { name: 'Show jobs by status' })).toHaveCount(0);
    await expect(page.getByRole('searchbox', { name: 'Search job IDs' })).toHaveCount(0);
    await selectionBar(page).getByRole('button', { name: 'Clear selection' }).click();
    await expect(selectionBar(page)).toContainText('Click a row to select it');
    await expect(filterButton(page, 'Failed 2')).toHaveAttribute('aria-pressed', 'true');
    await filterButton(page, 'Ready 4').click();

    // Up and Down move between rows; Space selects; Shift extends the selection.
    await filterButton(page, 'All 6').click();
    await row(page, '9201').focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowDown');
    await expect(row(page, '9202')).toBeFocused();
    await page.keyboard.press('Shift+ArrowDown');
    await expect(row(page, '9203')).toBeFocused();
    await expect.poll(() => selectedIds(page)).toEqual(['9201', '9202', '9203']);
    await page.keyboard.press('End');
    await expect(row(page, '9206')).toBeFocused();
  });

  test('Cancel on the selection stops the selected jobs still waiting or being fetched, as their rows\' Cancel does; with none of those it is off and says why', async ({ app }) => {
    const { page } = app;
    app.setScenarios({ '9351': [{ answer: 'processing', eta: 600 }], '9352': [{ answer: 'hang' }], '9353': ready(), '9354': failed, '9355': ready() });
    await app.open();
    await dropAndSettle(page, ['9351', '9352', '9353', '9354'], { '9351': 'processing', '9352': 'fetching', '9353': 'ready', '9354': 'failed' });

    await row(page, '9351').focus();
    await page.keyboard.press('ControlOrMeta+A');
    const bar = selectionBar(page);
    const cancel = bar.getByRole('button', { name: /^Cancel \(/ });
    await expect(cancel).toHaveAccessibleName('Cancel (2)');
    await expect(cancel).toBeEnabled();
    await expect(cancel).toHaveAccessibleDescription('Stop fetching the selected jobs that are waiting or being fetched; Retry fetches them again.');
    // A selected row's menu offers the same, for the same jobs.
    await row(page, '9353').focus();
    await page.keyboard.press('Shift+F10');
    await expect(page.getByRole('menuitem', { name: /^Cancel/ })).toHaveAccessibleName('Cancel 2 jobs');
    await page.keyboard.press('Escape');
    await expect(page.getByRole('menu')).toHaveCount(0);
    await cancel.click();
    await expect(bar.getByRole('status')).toHaveText('Cancelled 2 jobs; Retry fetches them again.');
    // Each ends as its row's Cancel leaves it: failed, saying so, and ready for Retry; the others are untouched.
    for (const id of ['9351', '9352']) {
      await expect(row(page, id)).toHaveAttribute('data-state', 'failed');
      await expect(row(page, id).getByTestId('job-detail')).toContainText('Cancelled. Retry to fetch it again.');
    }
    await expect(row(page, '9353')).toHaveAttribute('data-state', 'ready');
    await expect(row(page, '9354')).toHaveAttribute('data-state', 'failed');
    await expect(bar.getByRole('button', { name: 'Retry (3)', exact: true })).toBeEnabled();

    // Nothing selected can be cancelled any more: the button stays, off, and says why.
    await expect(cancel).toHaveAccessibleName('Cancel (0)');
    await expect(cancel).toBeDisabled();
    await expect(cancel).toHaveAccessibleDescription('None of the selected jobs is waiting or being fetched: only those can be cancelled.');

    // A job still waiting in the queue (paused) is cancelled too.
    await page.keyboard.press('Escape');
    await page.getByRole('banner').getByRole('button', { name: 'Pause' }).click();
    await dropText(page, '9355');
    await expect(row(page, '9355')).toHaveAttribute('data-state', 'queued');
    await clickRow(page, '9355');
    await bar.getByRole('button', { name: 'Cancel (1)', exact: true }).click();
    await expect(row(page, '9355')).toHaveAttribute('data-state', 'failed');
    await expect(row(page, '9355').getByTestId('job-detail')).toContainText('Cancelled. Retry to fetch it again.');
  });

  test('act on the selection: retry the failed ones, copy the IDs, remove after confirming', async ({ app }) => {
    const { page } = app;
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    app.setScenarios({ '9301': ready(), '9302': failed, '9303': ready(), '9304': failed, '9305': ready() });
    await app.open();
    await dropAndSettle(page, ['9301', '9302', '9303', '9304', '9305'], { '9301': 'ready', '9302': 'failed', '9303': 'ready', '9304': 'failed', '9305': 'ready' });

    await clickRow(page, '9301');
    await clickRow(page, '9304', ['Shift']);
    const bar = selectionBar(page);
    await expect(bar.getByRole('button', { name: 'Save (2)', exact: true })).toBeEnabled();
    await expect(bar.getByRole('button', { name: 'Retry (2)', exact: true })).toBeEnabled();
    await expect(bar.getByRole('button', { name: 'Remove (4)', exact: true })).toBeEnabled();

    // Copy IDs: one per line, in the order shown.
    await bar.getByRole('button', { name: 'Copy IDs (4)' }).click();
    await expect(bar.getByRole('status')).toHaveText('Copied 4 IDs.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('9301\n9302\n9303\n9304');

    // Retry takes the failed ones only.
    app.setScenarios({ '9302': ready(), '9304': ready() });
    await bar.getByRole('button', { name: 'Retry (2)', exact: true }).click();
    await expect(bar.getByRole('status')).toHaveText('Fetching 2 jobs again.');
    await expect(row(page, '9302')).toHaveAttribute('data-state', 'ready');
    await expect(row(page, '9304')).toHaveAttribute('data-state', 'ready');
    await expect(bar.getByRole('button', { name: 'Retry (0)', exact: true })).toBeDisabled();
    await expect(bar.getByRole('button', { name: 'Save (4)', exact: true })).toBeEnabled();

    // Removing several asks first; keeping them changes nothing.
    await clickRow(page, '9302');
    await clickRow(page, '9305', ['ControlOrMeta']);
    await bar.getByRole('button', { name: 'Remove (2)', exact: true }).click();
    await bar.getByRole('button', { name: 'Keep them' }).click();
    await expect(row(page, '9302')).toHaveCount(1);
    await bar.getByRole('button', { name: 'Remove (2)', exact: true }).click();
    await bar.getByRole('button', { name: 'Remove them' }).click();
    await expect(row(page, '9302')).toHaveCount(0);
    await expect(row(page, '9305')).toHaveCount(0);
    await expect(page.getByTestId('fetch-overview')).toHaveText('3 of 3 done · none to go');
    // The removed jobs left the selection with the list.
    await expect(bar).toContainText('Click a row to select it');
    expect((await app.core.handlers.listJobs(undefined)).map((job) => job.id)).toEqual(['9301', '9303', '9304']);
  });

  test('Ctrl/⌘+V outside a text field adds the IDs on the clipboard; inside one it pastes into the field', async ({ app }) => {
    const { page } = app;
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    app.setScenarios({ '9401': ready(), '9402': ready(), '9403': ready() });
    await app.open();
    await page.evaluate(() => navigator.clipboard.writeText('9401\n9402, not-an-id'));
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('ControlOrMeta+V');
    await expect(page.getByTestId('intake-summary')).toContainText('Added 2 jobs · 1 not understood');
    await expect(row(page, '9402')).toHaveAttribute('data-state', 'ready');

    // From a row's box it works too: the box takes no text.
    await page.evaluate(() => navigator.clipboard.writeText('9403'));
    await row(page, '9401').focus();
    await page.keyboard.press('ControlOrMeta+V');
    await expect(page.getByTestId('intake-summary')).toContainText('Added 1 job');
    await expect(row(page, '9403')).toBeVisible();

    const search = page.getByRole('searchbox', { name: 'Search job IDs' });
    await search.focus();
    await page.keyboard.press('ControlOrMeta+V');
    await expect(search).toHaveValue('9403');
    await expect(page.getByTestId('fetch-overview')).toContainText('of 3 done');
  });

  test('dragging over any part of the window shows the drop overlay; several files dropped at once are all read', async ({ app }) => {
    const { page } = app;
    app.setScenarios({ '9501': ready(), '9502': ready(), '9503': ready() });
    await app.open();
    const overlay = page.getByTestId('drop-overlay');
    await expect(overlay).toHaveCount(0);
    const dataTransfer = await page.evaluateHandle(() => {
      const data = new DataTransfer();
      data.items.add(new File(['9501\n9502\n'], 'ids.txt', { type: 'text/plain' }));
      data.items.add(new File(['job_id,note\n9503,hello\n'], 'export.csv', { type: 'text/csv' }));
      return data;
    });
    // Over the header, far from the list: the whole window is the target.
    await page.locator('h1').dispatchEvent('dragenter', { dataTransfer });
    await expect(overlay).toBeVisible();
    await expect(overlay).toContainText('Drop to add job IDs');
    // Moving from one part of the window to another keeps it.
    await page.locator('footer').dispatchEvent('dragenter', { dataTransfer, clientX: 300, clientY: 600 });
    await page.locator('h1').dispatchEvent('dragleave', { dataTransfer, clientX: 300, clientY: 600 });
    await expect(overlay).toBeVisible();
    await page.locator('footer').dispatchEvent('dragover', { dataTransfer });
    await page.locator('footer').dispatchEvent('drop', { dataTransfer });
    await expect(overlay).toHaveCount(0);
    await expect(page.getByTestId('intake-summary')).toContainText('Added 3 jobs');
    for (const id of ['9501', '9502', '9503']) await expect(row(page, id)).toHaveAttribute('data-state', 'ready');

    // A drag that leaves the window without dropping takes the overlay with it.
    await page.locator('h1').dispatchEvent('dragenter', { dataTransfer });
    await expect(overlay).toBeVisible();
    await page.locator('h1').dispatchEvent('dragleave', { dataTransfer, clientX: 0, clientY: 0 });
    await expect(overlay).toHaveCount(0);
  });

  test('a storm of job events is applied a frame at a time, and the list keeps up', async ({ app }) => {
    const { page } = app;
    await app.core.handlers.pauseQueue(undefined);
    await app.open();
    await expect(page.getByTestId('key-status')).toBeVisible();
    // Main batches its events every 16 ms; here a thousand arrive between two frames.
    const applied = await page.evaluate(async () => {
      const dispatch = (window as unknown as { __headshotsDispatch(name: string, payload: unknown): void }).__headshotsDispatch;
      const view = (id: string, state: string) => ({ id, state, etaSeconds: null, message: null, retryable: false, imageCount: 0, outputsFirstSeenAt: null, savedPaths: [], nsfwFlagged: false, imageHosts: [] });
      for (let index = 0; index < 1_000; index += 1) dispatch('jobsUpdated', [view(String(8_800_000 + index), index % 2 ? 'ready' : 'queued')]);
      // Long enough for Svelte to have drawn a change made right away.
      await new Promise((resolve) => queueMicrotask(() => resolve(null)));
      const before = document.querySelectorAll('tr.job-row').length;
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      return { before, after: document.querySelector('[data-testid="fetch-overview"]')?.textContent?.replace(/\s+/g, ' ').trim() };
    });
    expect(applied.before, 'nothing is drawn before the frame').toBe(0);
    expect(applied.after).toBe('500 of 1,000 done · 500 to go');
  });
});

test('keyboard only: enter the key, add an ID, select it and save it', async ({ app }) => {
  const { page } = app;
  app.setScenarios({ '9601': ready(2), '9602': ready() });
  await app.open();

  const keyField = page.getByLabel('Enter your ModelsLab API key to start');
  await tabTo(page, keyField);
  await page.keyboard.type(validTestKey);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('key-status')).toBeVisible();

  await tabTo(page, page.getByLabel('Add a job ID'));
  await page.keyboard.type('9601');
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Add a job ID')).toHaveValue('');
  await page.keyboard.type('9602');
  await page.keyboard.press('Enter');
  await expect(row(page, '9601')).toHaveAttribute('data-state', 'ready');
  await expect(row(page, '9602')).toHaveAttribute('data-state', 'ready');

  // The list is one Tab stop: its first row.
  await tabTo(page, row(page, '9601'));
  await page.keyboard.press('Space');
  await expect(row(page, '9601')).toHaveAttribute('aria-selected', 'true');
  // Save with no folder chosen yet asks for one (the dialog answers with the test's folder).
  await tabTo(page, selectionBar(page).getByRole('button', { name: 'Save (1)', exact: true }));
  await page.keyboard.press('Enter');
  await expect(row(page, '9601')).toHaveAttribute('data-state', 'saved');
  await expect(row(page, '9602')).toHaveAttribute('data-state', 'ready');
  expect((await readdir(app.saveDir)).filter((name) => name.startsWith('9601-')).sort()).toEqual(['9601-1.png', '9601-2.png']);

  // The rest from the save bar, still by keyboard.
  await tabTo(page, page.getByRole('button', { name: 'Save all ready (1)' }));
  await page.keyboard.press('Enter');
  await expect(row(page, '9602')).toHaveAttribute('data-state', 'saved');
});

test('first run teaches where the key goes and how to add IDs', async ({ app }) => {
  const { page } = app;
  await app.open();
  const empty = page.locator('.empty');
  await expect(empty.getByRole('heading', { name: 'Drop job IDs here' })).toBeVisible();
  await expect(empty).toContainText('paste them anywhere with Ctrl+V');
  await expect(empty).toContainText('12202888');
  await expect(empty).toContainText('enter it in the box at the top first');
  await enterFirstKey(page, validTestKey);
  await expect(empty).toContainText('replace or remove it at the top right');
});
