// ModelsLab out of reach, as the window shows it: one notice in plain words, a countdown to the next
// try that counts, and "Try now". The core runs on the test's clock; the page's Date is set to match.
import type { QueueStatus } from '../../preload/api-contract';
import { dropText, jobRow as row } from '../support/window-steps';
import { expect, test } from './app-fixture';

test.use({ withStoredKey: true, manualClock: true, coreTiming: { probeBaseMs: 12_000 } });

test.afterEach(async ({ app }) => {
  expect(app.cspViolations).toEqual([]);
  expect(app.outsideRequests).toEqual([]);
});

test('an outage shows one notice with a live countdown and "Try now"; no job fails', async ({ app }) => {
  const { page, modelsLab } = app;
  const clock = app.clock!;
  /** Lets the core send the job updates it gathered (they go out on its clock). */
  const sendUpdates = () => clock.advance(20);
  /** The job's state in the core, which the window shows once the updates are sent. */
  const coreState = async (id: string) => (await app.core.handlers.listJobs(undefined)).find((job) => job.id === id)?.state;
  app.setScenarios({ '8001': [{ answer: 'processing', eta: 1 }, { answer: 'success', images: [{ serve: 'headshot-a.png' }] }] });
  await app.open();
  await dropText(page, '8001');
  await expect.poll(() => coreState('8001')).toBe('processing');
  sendUpdates();
  await expect(row(page, '8001')).toHaveAttribute('data-state', 'processing');

  await modelsLab.goDown();
  clock.advance(1_100); // the poll falls due and finds the server gone
  const notice = page.getByTestId('queue-status');
  await expect(notice).toContainText("Can't reach ModelsLab (ECONNREFUSED). Check your connection; trying again in");
  await expect(notice).toHaveCount(1);

  // The page's clock set to the core's: the countdown shows the seconds to the planned probe, then counts down.
  const status = (await app.core.handlers.getQueueStatus(undefined)) as QueueStatus & { nextProbeAt: number };
  const seconds = Math.ceil((status.nextProbeAt - clock.now()) / 1000);
  expect(seconds).toBeGreaterThanOrEqual(11);
  expect(seconds).toBeLessThanOrEqual(14);
  await page.clock.setFixedTime(clock.now());
  await expect(notice).toContainText(`; trying again in ${seconds} s.`);
  await page.clock.setFixedTime(clock.now() + 3_000);
  await expect(notice).toContainText(`; trying again in ${seconds - 3} s.`);
  sendUpdates();
  await expect(row(page, '8001')).toHaveAttribute('data-state', 'processing');

  // Back before the planned probe: "Try now" does not wait for it.
  await modelsLab.comeBack();
  await page.getByRole('button', { name: 'Try now' }).click();
  await expect(notice).toBeHidden();
  await expect.poll(() => coreState('8001')).toBe('ready');
  sendUpdates();
  await expect(row(page, '8001')).toHaveAttribute('data-state', 'ready');
});

test('thumbnails that could not load during an outage are tried again once ModelsLab is back', async ({ app }) => {
  const { page, modelsLab } = app;
  const clock = app.clock!;
  const sendUpdates = () => clock.advance(20);
  const coreState = async (id: string) => (await app.core.handlers.listJobs(undefined)).find((job) => job.id === id)?.state;
  app.setScenarios({
    '8101': [{ answer: 'success', images: [{ serve: 'headshot-a.png' }] }],
    // Still processing: its next poll is what finds the server gone.
    '8102': [{ answer: 'processing', eta: 1 }, { answer: 'success', images: [{ serve: 'headshot-b.jpg' }] }],
  });
  await app.open();
  await dropText(page, '8101\n8102');
  await expect.poll(() => coreState('8101')).toBe('ready');
  await expect.poll(() => coreState('8102')).toBe('processing');

  // The server goes before the window has shown 8101's thumbnail: it cannot be loaded.
  await modelsLab.goDown();
  sendUpdates();
  await expect(page.getByRole('button', { name: 'Preview image 1 of job 8101 (not available)' })).toBeVisible();
  clock.advance(1_100);
  await expect(page.getByTestId('queue-status')).toContainText("Can't reach ModelsLab");

  await modelsLab.comeBack();
  await page.getByRole('button', { name: 'Try now' }).click();
  await expect(page.getByTestId('queue-status')).toBeHidden();
  const thumbnail = page.getByRole('button', { name: 'Preview image 1 of job 8101', exact: true });
  await expect(thumbnail).toBeVisible();
  await expect.poll(() => thumbnail.locator('img').evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth > 0)).toBe(true);
});
