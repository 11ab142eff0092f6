// The batch at a glance: how far fetching and saving have come, and every state in its own colour
// and shape.
import { jobStates } from '../../preload/api-contract';
import type { Step } from '../fixtures/fake-modelslab';
import { dropText, jobRow as row } from '../support/window-steps';
import { expect, test } from './app-fixture';

test.use({ withStoredKey: true });

test.afterEach(async ({ app }) => {
  expect(app.cspViolations, 'the renderer runs under its CSP without violations').toEqual([]);
});

const ready: Step[] = [{ answer: 'success', images: [{ serve: 'headshot-a.png' }] }];

test('mid-batch the header says done of all, failed and to go, with a bar; saving has its own', async ({ app }) => {
  const { page } = app;
  app.setScenarios({ '3001': ready, '3002': ready, '3003': [{ answer: 'failed' }], '3004': [{ answer: 'processing', eta: 600 }], '3005': [{ answer: 'processing', eta: 600 }] });
  await app.open();
  await expect(page.getByTestId('fetch-overview')).toHaveText('0 of 0 done · none to go');
  await dropText(page, '3001 3002 3003 3004 3005');
  await expect(row(page, '3005')).toHaveAttribute('data-state', 'processing');
  await expect(row(page, '3003')).toHaveAttribute('data-state', 'failed');
  await expect(row(page, '3002')).toHaveAttribute('data-state', 'ready');

  await expect(page.getByTestId('fetch-overview')).toHaveText('2 of 5 done · 1 failed · 2 to go');
  const fetchBar = page.getByRole('progressbar', { name: 'Fetch progress' });
  await expect(fetchBar).toHaveJSProperty('max', 5);
  await expect(fetchBar).toHaveJSProperty('value', 3);

  // Saving: before the first batch it says so; after, the outcome and a full bar.
  await expect(page.getByTestId('save-overview-part')).toContainText('Nothing saved yet');
  await page.getByRole('button', { name: 'Save all ready (2)' }).click();
  await expect(page.getByTestId('save-outcome')).toHaveText('Saved 2 files from 2 jobs.');
  await expect(page.getByRole('progressbar', { name: 'Save progress' })).toHaveJSProperty('value', 1);
  await expect(page.getByTestId('fetch-overview')).toHaveText('2 of 5 done · 1 failed · 2 to go');
});

test('every state has its own colour and its own icon, in light and dark', async ({ app }) => {
  const { page } = app;
  await app.open();
  // One badge per state, drawn as the list draws them.
  await page.evaluate(() => window.scrollTo(0, 0));
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const looks = await page.evaluate((states) => {
      const probe = document.createElement('div');
      document.body.append(probe);
      const result = states.map((state) => {
        const badge = document.createElement('span');
        badge.className = `state state-${state}`;
        probe.append(badge);
        return { state, colour: getComputedStyle(badge).color };
      });
      probe.remove();
      return result;
    }, [...jobStates]);
    const colours = new Set(looks.map((look) => look.colour));
    expect(colours.size, `${scheme}: ${JSON.stringify(looks)}`).toBe(jobStates.length);
  }
  await page.emulateMedia({ colorScheme: 'light' });

  // Each state's icon is its own shape: the list of jobs in every state shows seven different drawings.
  app.setScenarios({ '3101': ready, '3102': [{ answer: 'failed' }], '3103': [{ answer: 'processing', eta: 600 }] });
  await dropText(page, '3101 3102 3103');
  await expect(row(page, '3101')).toHaveAttribute('data-state', 'ready');
  await expect(row(page, '3102')).toHaveAttribute('data-state', 'failed');
  await expect(row(page, '3103')).toHaveAttribute('data-state', 'processing');
  const drawings = await page.locator('tr.job-row svg.state-icon').evaluateAll((icons) => new Set(icons.map((icon) => icon.innerHTML.replace(/<!--.*?-->/g, ''))).size);
  expect(drawings).toBe(3);
});
