// The window's side of the answers the API gives beyond the plain ones: a refused account, a
// rate limit's countdown, a job flagged as NSFW, and links that expire only on ModelsLab's own hosts.
import { jobRow as row } from '../support/window-steps';
import { expect, test } from './app-fixture';

test.use({ withStoredKey: true });

test.afterEach(async ({ app }) => {
  expect(app.cspViolations, 'the renderer runs under its CSP without violations').toEqual([]);
  expect(app.outsideRequests, 'the renderer loads nothing from outside').toEqual([]);
});

const addId = async (page: import('@playwright/test').Page, id: string) => {
  await page.getByLabel('Add a job ID').fill(id);
  await page.getByLabel('Add a job ID').press('Enter');
};

test('no credits pauses the queue with ModelsLab\'s message until "Try again"; no row fails', async ({ app }) => {
  const { page } = app;
  app.setScenarios({ '5101': [{ answer: 'no-credits' }], '5102': [{ answer: 'no-credits' }] });
  await app.open();
  await addId(page, '5101');
  await addId(page, '5102');
  const banner = page.getByRole('alert').getByTestId('queue-status');
  await expect(banner).toContainText('ModelsLab says the account has no credits left ("Insufficient credits. Please recharge your wallet to continue.")');
  await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible();
  for (const id of ['5101', '5102']) await expect(row(page, id)).toHaveAttribute('data-state', 'queued');

  app.setScenarios(Object.fromEntries(['5101', '5102'].map((id) => [id, [{ answer: 'success' as const, images: [{ serve: 'headshot-a.png' as const }] }]])));
  await banner.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByTestId('queue-status')).toHaveCount(0);
  for (const id of ['5101', '5102']) await expect(row(page, id)).toHaveAttribute('data-state', 'ready');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
});
