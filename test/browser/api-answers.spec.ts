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

test('a rate limit shows a countdown to the moment X-RateLimit-Reset names, one second at a time', async ({ app }) => {
  const { page } = app;
  // A reset two minutes ahead on the real clock, which the core runs on; the page's clock is moved by hand.
  const resetAt = Math.ceil(Date.now() / 1000) * 1000 + 120_000;
  app.setScenarios({ '5201': [{ answer: 'rate-limit', via: 'reset-header', until: resetAt }, { answer: 'success', images: [{ serve: 'headshot-a.png' }] }] });
  await page.clock.install({ time: resetAt - 100_000 });
  await app.open();
  await addId(page, '5201');
  const banner = page.getByRole('status').getByTestId('queue-status');
  await expect(banner).toContainText('ModelsLab asked us to slow down ("Rate limit exceeded. Maximum 5 queued requests allowed.")');
  // Half a second more than whole seconds, so the few milliseconds between the answer and the hold never tip the count.
  await page.clock.pauseAt(resetAt - 45_500);
  await expect(banner).toContainText('Resuming in 46 s.');
  await page.clock.runFor(1_000);
  await expect(banner).toContainText('Resuming in 45 s.');
  await page.clock.runFor(3_000);
  await expect(banner).toContainText('Resuming in 42 s.');
});
