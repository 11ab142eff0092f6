// axe-core over the main views, light and dark: no violation of serious or critical impact.
import type { Page } from '@playwright/test';
import axe from 'axe-core';
import { clickRow, dropText, jobRow as row } from '../support/window-steps';
import { expect, test } from './app-fixture';

// axe is injected as a script, which the window's CSP (rightly) refuses: these tests only, and
// only the CSP, are relaxed. The other specs check that the page runs under it without violations.
test.use({ bypassCSP: true });

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

async function seriousViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axe.source });
  const violations = await page.evaluate(async () => {
    const results = await (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] });
    return results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? null,
      help: violation.help,
      targets: violation.nodes.slice(0, 5).map((node) => node.target.join(' ')),
    }));
  });
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

/** Checks the view in the light theme and the dark one. */
async function expectAccessible(page: Page, view: string) {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    expect(await seriousViolations(page), `${view}, ${colorScheme}`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

test('first run: the key form and the empty list', async ({ app }) => {
  await app.open();
  await expect(app.page.getByLabel('Enter your ModelsLab API key to start')).toBeVisible();
  await expectAccessible(app.page, 'first run');
});

test.describe('with a key stored', () => {
  test.use({ withStoredKey: true });

  test('the list mid-batch, a selection, a filter, the drop overlay and the settings', async ({ app }) => {
    const { page } = app;
    app.setScenarios({
      '9701': [{ answer: 'success', images: [{ serve: 'headshot-a.png' }, { serve: 'headshot-b.jpg' }] }],
      '9702': [{ answer: 'processing', eta: 120 }],
      '9703': [{ answer: 'failed' }],
      '9704': [{ answer: 'success', images: [{ serve: 'headshot-c.webp' }] }],
    });
    await app.open();
    await expect(page.getByTestId('key-status')).toBeVisible();
    await expectAccessible(page, 'empty list');

    await dropText(page, '9701 9702 9703 9704 oops');
    await expect(row(page, '9704')).toHaveAttribute('data-state', 'ready');
    await expect(row(page, '9703')).toHaveAttribute('data-state', 'failed');
    await page.getByRole('button', { name: 'Choose folder…' }).click();
    await page.getByRole('button', { name: 'Save all ready (2)' }).click();
    await expect(row(page, '9701')).toHaveAttribute('data-state', 'saved');
    await clickRow(page, '9702');
    await clickRow(page, '9703', ['Shift']);
    await expectAccessible(page, 'the list with a selection');

    // The selection's actions hold the toolbar until the selection is cleared.
    await page.keyboard.press('Escape');
    await page.getByRole('group', { name: 'Show jobs by status' }).getByRole('button', { name: 'Failed 1' }).click();
    await expectAccessible(page, 'filtered');
    await page.getByRole('searchbox', { name: 'Search job IDs' }).fill('0000');
    await expect(page.getByRole('button', { name: 'Show all jobs' })).toBeVisible();
    await expectAccessible(page, 'a search with no match');
    await page.getByRole('button', { name: 'Show all jobs' }).click();

    await page.locator('h1').dispatchEvent('dragenter', { dataTransfer: await page.evaluateHandle(() => new DataTransfer()) });
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.setData('text/plain', '1');
      document.body.dispatchEvent(new DragEvent('dragenter', { dataTransfer: data, bubbles: true }));
    });
    await expect(page.getByTestId('drop-overlay')).toBeVisible();
    await expectAccessible(page, 'the drop overlay');
    await page.evaluate(() => document.body.dispatchEvent(new DragEvent('dragleave', { bubbles: true })));

    await row(page, '9701').getByRole('button', { name: 'Preview image 2 of job 9701' }).click();
    await expect(page.getByRole('dialog')).toContainText('image 2 of 2');
    await expectAccessible(page, 'the preview');
    await page.keyboard.press('Escape');

    await page.getByText('Settings', { exact: true }).click();
    await expect(page.getByLabel('File name', { exact: true })).toBeVisible();
    await expectAccessible(page, 'settings');
  });
});

test.describe('without a keychain', () => {
  test.use({ keychainUnavailable: true });

  test('the key form that explains the missing keychain and offers this session only', async ({ app }) => {
    await app.open();
    await expect(app.page.getByTestId('keychain-problem')).toBeVisible();
    await expectAccessible(app.page, 'the key form without a keychain');
  });
});
