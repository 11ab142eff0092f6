// The list by keyboard: one Tab stop with the arrow keys inside (roving focus), a row's commands on
// its keys, and its menu on right-click, the Menu key or Shift+F10. Focus starts in the key field.
import { readdir } from 'node:fs/promises';
import type { Step } from '../fixtures/fake-modelslab';
import { dropText, jobRow as row } from '../support/window-steps';
import { expect, test } from './app-fixture';

test.afterEach(async ({ app }) => {
  expect(app.cspViolations, 'the renderer runs under its CSP without violations').toEqual([]);
});

const ready: Step[] = [{ answer: 'success', images: [{ serve: 'headshot-a.png' }, { serve: 'headshot-b.jpg' }] }];
const failed: Step[] = [{ answer: 'failed' }];

test('at first start the focus is in the key field', async ({ app }) => {
  await app.open();
  await expect(app.page.getByLabel('Enter your ModelsLab API key to start')).toBeFocused();
});

test.describe('with a key stored', () => {
  test.use({ withStoredKey: true });

  test('the list is one Tab stop; the arrows move inside it; Space selects', async ({ app }) => {
    const { page } = app;
    app.setScenarios({ '4101': ready, '4102': ready, '4103': failed, '4104': ready });
    await app.open();
    await dropText(page, '4101 4102 4103 4104');
    await expect(row(page, '4103')).toHaveAttribute('data-state', 'failed');
    await expect(row(page, '4104').getByRole('button', { name: 'Preview image 2 of job 4104' })).toBeVisible();

    // From the last control before the list, one Tab lands on a row and the next leaves the list,
    // though every row has thumbnails and buttons.
    await page.getByRole('button', { name: 'Clear list…' }).focus();
    await page.keyboard.press('Tab');
    await expect(row(page, '4101')).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(page.getByRole('button', { name: 'Choose folder…' })).toBeFocused();
    const tabStops = await page.locator('.job-scroller').evaluate((list) => [...list.querySelectorAll('button, input, [tabindex]')].filter((element) => (element as HTMLElement).tabIndex >= 0).length);
    expect(tabStops).toBe(1);

    // Back in, the list remembers its row; arrows, Home and End move; Space and Shift+arrows select.
    await page.keyboard.press('Shift+Tab');
    await expect(row(page, '4101')).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await expect(row(page, '4102')).toBeFocused();
    await page.keyboard.press('End');
    await expect(row(page, '4104')).toBeFocused();
    await page.keyboard.press('Home');
    await expect(row(page, '4101')).toBeFocused();
    await page.keyboard.press('Space');
    await page.keyboard.press('Shift+ArrowDown');
    await expect(row(page, '4102')).toBeFocused();
    await expect(page.getByTestId('selected-count')).toHaveText('2 selected');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('selected-count')).toHaveCount(0);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Shift+Tab');
    await expect(row(page, '4102')).toBeFocused();
  });

  test("a row's keys: Enter previews, R retries, S saves, Delete removes", async ({ app }) => {
    const { page } = app;
    app.setScenarios({ '4201': ready, '4202': failed, '4203': ready });
    await app.open();
    await dropText(page, '4201 4202 4203');
    await expect(row(page, '4202')).toHaveAttribute('data-state', 'failed');
    await expect(row(page, '4203')).toHaveAttribute('data-state', 'ready');

    await row(page, '4201').focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('dialog')).toContainText('image 1 of 2');
    await page.keyboard.press('Escape');
    await expect(row(page, '4201')).toBeFocused();

    // S saves this job (the folder dialog answers first, as no folder was chosen).
    await page.keyboard.press('s');
    await expect(row(page, '4201')).toHaveAttribute('data-state', 'saved');
    expect((await readdir(app.saveDir)).filter((name) => name.startsWith('4201-')).sort()).toEqual(['4201-1.png', '4201-2.jpg']);
    await expect(row(page, '4203')).toHaveAttribute('data-state', 'ready');

    // R retries a failed job; on a job that did not fail it does nothing.
    app.setScenarios({ '4202': ready });
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('r');
    await expect(row(page, '4202')).toHaveAttribute('data-state', 'ready');

    // Delete removes the row; the focus goes to the row that takes its place.
    await page.keyboard.press('Delete');
    await expect(row(page, '4202')).toHaveCount(0);
    await expect(row(page, '4203')).toBeFocused();
  });

  test('the row menu: Shift+F10 and right-click open it, arrows move in it, Escape gives the focus back', async ({ app }) => {
    const { page } = app;
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    app.setScenarios({ '4301': ready, '4302': failed });
    await app.open();
    await dropText(page, '4301 4302');
    await expect(row(page, '4302')).toHaveAttribute('data-state', 'failed');

    await row(page, '4302').focus();
    await page.keyboard.press('Shift+F10');
    const menu = page.getByRole('menu', { name: 'Job 4302' });
    await expect(menu).toBeVisible();
    await expect(menu.getByRole('menuitem')).toHaveText(['RetryR', 'Copy ID', 'Remove from the listDelete']);
    await expect(menu.getByRole('menuitem', { name: 'Retry' })).toHaveAttribute('aria-keyshortcuts', 'R');
    await expect(menu.getByRole('menuitem', { name: 'Retry' })).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await expect(menu.getByRole('menuitem', { name: 'Copy ID' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(menu).toHaveCount(0);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('4302');
    await expect(row(page, '4302')).toBeFocused();

    await page.keyboard.press('Shift+F10');
    await expect(menu).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(menu).toHaveCount(0);
    await expect(row(page, '4302')).toBeFocused();

    // Right-click: the menu at the pointer, for that row.
    await row(page, '4301').locator('td.job-id').click({ button: 'right' });
    const other = page.getByRole('menu', { name: 'Job 4301' });
    await expect(other.getByRole('menuitem', { name: 'Preview images' })).toBeFocused();
    await other.getByRole('menuitem', { name: 'Remove from the list' }).click();
    await expect(row(page, '4301')).toHaveCount(0);
  });

  test('on a row of a selection of several, the keys and the menu act on the selection and say how many', async ({ app }) => {
    const { page } = app;
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    app.setScenarios({ '4401': failed, '4402': failed, '4403': ready, '4404': ready, '4405': failed });
    await app.open();
    await dropText(page, '4401 4402 4403 4404 4405');
    await expect(row(page, '4405')).toHaveAttribute('data-state', 'failed');
    await expect(row(page, '4404')).toHaveAttribute('data-state', 'ready');

    // 4401 to 4404 selected: two failed, two ready; 4405 (failed) is not.
    await row(page, '4401').focus();
    await page.keyboard.press('Space');
    for (let step = 0; step < 3; step += 1) await page.keyboard.press('Shift+ArrowDown');
    await expect(page.getByTestId('selected-count')).toHaveText('4 selected');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await expect(row(page, '4402')).toBeFocused();

    // The menu names the selection and its counts.
    await page.keyboard.press('Shift+F10');
    const menu = page.getByRole('menu', { name: 'Job 4402 and 3 more selected' });
    await expect(menu.getByRole('menuitem')).toHaveText(['Save 2 jobsS', 'Retry 2 jobsR', 'Copy 4 IDs', 'Remove 4 jobs from the list…Delete']);
    await menu.getByRole('menuitem', { name: 'Copy 4 IDs' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('4401\n4402\n4403\n4404');

    // R retries both selected failed jobs, not the failed one outside the selection.
    app.setScenarios({ '4401': ready, '4402': ready, '4405': ready });
    await row(page, '4402').focus();
    await page.keyboard.press('r');
    await expect(row(page, '4401')).toHaveAttribute('data-state', 'ready');
    await expect(row(page, '4402')).toHaveAttribute('data-state', 'ready');
    await expect(row(page, '4405')).toHaveAttribute('data-state', 'failed');

    // S saves the four selected ready jobs (the folder dialog answers first), not 4405.
    await row(page, '4403').focus();
    await page.keyboard.press('s');
    for (const id of ['4401', '4402', '4403', '4404']) await expect(row(page, id)).toHaveAttribute('data-state', 'saved');
    await expect(row(page, '4405')).toHaveAttribute('data-state', 'failed');

    // Delete asks first, as the selection bar's Remove does; "Keep them" keeps them.
    await row(page, '4403').focus();
    await page.keyboard.press('Delete');
    const confirm = page.getByRole('group', { name: 'Confirm removing the selected jobs' });
    await expect(confirm).toContainText('Remove 4 jobs from the list?');
    await expect(confirm.getByRole('button', { name: 'Keep them' })).toBeFocused();
    await confirm.getByRole('button', { name: 'Remove them' }).click();
    for (const id of ['4401', '4402', '4403', '4404']) await expect(row(page, id)).toHaveCount(0);
    await expect(row(page, '4405')).toHaveCount(1);

    // A focused row outside the selection (or a selection of one) acts on itself alone.
    await row(page, '4405').focus();
    await page.keyboard.press('Shift+F10');
    await expect(page.getByRole('menu', { name: 'Job 4405' }).getByRole('menuitem')).toHaveText(['RetryR', 'Copy ID', 'Remove from the listDelete']);
  });
});
