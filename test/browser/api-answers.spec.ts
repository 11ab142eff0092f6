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

test('a job ModelsLab flagged as NSFW says so in its row', async ({ app }) => {
  const { page } = app;
  const image = [{ serve: 'headshot-a.png' as const }];
  app.setScenarios({ '5301': [{ answer: 'success', images: image, nsfw: true }], '5302': [{ answer: 'success', images: image }] });
  await app.open();
  await addId(page, '5301');
  await addId(page, '5302');
  for (const id of ['5301', '5302']) await expect(row(page, id)).toHaveAttribute('data-state', 'ready');
  await expect(row(page, '5301').locator('td.detail')).toHaveText('Flagged as NSFW by ModelsLab; images may be blank.');
  await expect(row(page, '5302').locator('td.detail')).toHaveText('');
});

test.describe('links found more than a day ago', () => {
  const foundAt = Date.now() - 30 * 3_600_000;
  const readyJob = (id: string, link: string) => ({
    id,
    state: 'ready',
    etaSeconds: null,
    message: null,
    retryable: false,
    outputUrls: [link],
    alternateUrls: [[]],
    nsfwFlagged: false,
    outputsFirstSeenAt: foundAt,
    savedPaths: [],
    firstFetchedAt: foundAt,
  });
  test.use({
    userDataFiles: {
      'jobs.json': JSON.stringify({
        version: 1,
        content: [
          readyJob('5401', 'https://pub-3626123a908346a7a8be8d9295f44e26.r2.dev/temp/5401-0.png'),
          readyJob('5402', 'https://cdn.modelslab.com/generations/5402-0.png'),
          readyJob('5403', 'https://acme-headshots.s3.eu-west-1.amazonaws.com/generations/5403-0.png'),
        ],
      }),
    },
  });

  test('warn of expiry only on ModelsLab\'s temporary hosts, never for a customer\'s own bucket', async ({ app }) => {
    const { page } = app;
    // The thumbnails are not the point here: none of these hosts is reached.
    await page.route('**/job-images/**', (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'Not found' }));
    await app.open();
    for (const id of ['5401', '5402']) {
      await expect(row(page, id).locator('td.detail')).toContainText('the links have probably expired. Save now.');
      await expect(row(page, id).locator('td.detail')).toHaveClass(/warning/);
    }
    await expect(row(page, '5403')).toHaveAttribute('data-state', 'ready');
    await expect(row(page, '5403').locator('td.detail')).toHaveText('');
    await expect(row(page, '5403').locator('td.detail')).not.toHaveClass(/warning/);
  });
});
