import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readImage } from '../fixtures/fake-modelslab';
import { chooseFolderAndSave, dropText, enterFirstKey, jobRow as row, openKeyMenu } from '../support/window-steps';
import { expect, test, validTestKey } from './app-fixture';

test.afterEach(async ({ app }) => {
  expect(app.cspViolations, 'the renderer runs under its CSP without violations').toEqual([]);
  expect(app.outsideRequests, 'the renderer loads nothing from outside').toEqual([]);
});

test('first run: enter the key, drop IDs, watch them resolve, save, find the files', async ({ app }) => {
  const { page } = app;
  app.setScenarios({
    '2001': [{ answer: 'processing', eta: 30 }],
    '2002': [{ answer: 'success', images: [{ serve: 'headshot-c.webp' }] }],
    '2003': [{ answer: 'failed' }],
  });
  await app.open();

  // The first start asks for the key; a key that cannot be one is refused with a reason.
  const keyField = page.getByLabel('Enter your ModelsLab API key to start');
  await expect(keyField).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Drop job IDs here' })).toBeVisible();
  await keyField.fill('too short');
  await page.getByRole('button', { name: 'Save key' }).click();
  await expect(page.getByRole('region', { name: 'ModelsLab API key' }).getByRole('alert')).toContainText('does not look like a ModelsLab API key');
  await enterFirstKey(page, validTestKey);
  expect(await page.content()).not.toContain(validTestKey);
  expect(await app.secretStore.read()).toBe(validTestKey);

  // Drop text onto the window.
  await dropText(page, '2001\n2002, 2003 2001 not-an-id');
  await expect(page.getByTestId('intake-summary')).toContainText('Added 3 jobs · 1 repeat skipped · 1 not understood');
  await page.getByText('Show what was not understood').click();
  await expect(page.getByTestId('intake-summary')).toContainText('not-an-id: not a job ID');

  await expect(row(page, '2001').getByText('Processing')).toBeVisible();
  await expect(row(page, '2001')).toContainText('about 30 s left');
  // The job finishes on ModelsLab's side; the next poll finds it.
  app.setScenarios({ '2001': [{ answer: 'success', images: [{ serve: 'headshot-a.png' }, { serve: 'headshot-b.jpg' }] }] });
  await expect(row(page, '2002')).toHaveAttribute('data-state', 'ready');
  await expect(row(page, '2003')).toHaveAttribute('data-state', 'failed');
  await expect(row(page, '2003')).toContainText('Failed, Try Again');
  await expect(row(page, '2001')).toHaveAttribute('data-state', 'ready', { timeout: 5_000 });
  await expect(row(page, '2001').getByTestId('image-count')).toHaveText('2');

  // Choose the folder (the dialog is stubbed) and save everything ready.
  await chooseFolderAndSave(page, app.saveDir, 2);
  await expect(page.getByTestId('save-outcome')).toHaveText('Saved 3 files from 2 jobs.');
  await expect(row(page, '2001')).toHaveAttribute('data-state', 'saved');
  await expect(row(page, '2001')).toContainText('2001-1.png, 2001-2.jpg');
  await expect(row(page, '2001').getByTestId('saved-location')).toHaveAttribute('title', app.saveDir);

  expect((await readdir(app.saveDir)).sort()).toEqual([
    '2001-1.png',
    '2001-2.jpg',
    '2002-1.webp',
    'headshot-fetcher-manifest.csv',
    'headshot-fetcher-manifest.json',
  ]);
  expect(await readFile(join(app.saveDir, '2001-2.jpg'))).toEqual(readImage('headshot-b.jpg'));
  await expect(page.getByRole('button', { name: 'Save all ready (0)' })).toBeDisabled();
});

test.describe('with a key already stored', () => {
  test.use({ withStoredKey: true });

  test('dropped files, a paste and a typed ID each become rows; bad files are named', async ({ app }) => {
    const { page } = app;
    const ready = [{ answer: 'success' as const, images: [{ serve: 'headshot-a.png' as const }] }];
    app.setScenarios({ '3001': ready, '3002': ready, '3003': ready, '3004': ready, '3005': ready });
    await app.open();
    await expect(page.getByTestId('key-status')).toBeVisible();

    await page.locator('main.jobs').drop({
      files: [
        { name: 'ids.txt', mimeType: 'text/plain', buffer: Buffer.from('3001\n3002\n') },
        { name: 'photo.png', mimeType: 'image/png', buffer: readImage('headshot-a.png') },
        { name: 'empty.csv', mimeType: 'text/csv', buffer: Buffer.alloc(0) },
      ],
    });
    await expect(page.getByTestId('intake-summary')).toContainText('Added 2 jobs');
    await expect(page.getByTestId('intake-summary')).toContainText('photo.png is not a text file');
    await expect(page.getByTestId('intake-summary')).toContainText('empty.csv is empty.');

    // Ctrl/Cmd+V anywhere outside a field adds what the clipboard holds.
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.setData('text/plain', '3003\t3004');
      document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    });
    await expect(page.getByTestId('intake-summary')).toContainText('Added 2 jobs');

    await page.getByLabel('Add a job ID').fill('3005');
    await page.getByLabel('Add a job ID').press('Enter');
    await expect(page.getByTestId('intake-summary')).toContainText('Added 1 job');
    await expect(page.getByLabel('Add a job ID')).toHaveValue('');

    for (const id of ['3001', '3002', '3003', '3004', '3005']) await expect(row(page, id)).toHaveAttribute('data-state', 'ready');
    await expect(page.getByTestId('fetch-overview')).toHaveText('5 of 5 done · none to go');
  });

  test('a rejected key pauses the queue with one message until a new key is entered', async ({ app }) => {
    const { page } = app;
    app.setScenarios({ '4001': [{ answer: 'success', images: [{ serve: 'headshot-a.png' }] }] });
    await app.core.handlers.setKey({ key: 'an-old-revoked-key-12345' });
    await app.open();

    await page.getByLabel('Add a job ID').fill('4001');
    await page.getByLabel('Add a job ID').press('Enter');
    await expect(page.getByTestId('queue-status')).toContainText('ModelsLab rejected the API key');
    await expect(row(page, '4001')).toHaveAttribute('data-state', 'queued');

    // The banner offers the way out: a field for the new key, with the focus in it.
    await page.getByTestId('queue-status').getByRole('button', { name: 'Replace key' }).click();
    await expect(page.getByLabel('New ModelsLab API key')).toBeFocused();
    await page.getByLabel('New ModelsLab API key').fill(validTestKey);
    await page.getByRole('button', { name: 'Save key' }).click();
    await expect(page.getByTestId('queue-status')).toHaveCount(0);
    await expect(row(page, '4001')).toHaveAttribute('data-state', 'ready');
  });

  test('the key can be removed, and the window asks for one again', async ({ app }) => {
    const { page } = app;
    await app.open();
    await openKeyMenu(page);
    await page.getByRole('button', { name: 'Remove' }).click();
    await expect(page.getByLabel('Enter your ModelsLab API key to start')).toBeVisible();
    expect(await app.secretStore.read()).toBeNull();
  });

  test('a changed endpoint is checked, saved and used for the next fetch', async ({ app }) => {
    const { page } = app;
    app.setScenarios({ '5001': [{ answer: 'success', images: [{ serve: 'headshot-a.png' }] }] });
    await app.open();
    await page.getByText('Settings', { exact: true }).click();
    const endpoint = page.getByLabel(/Fetch endpoint/);
    await expect(endpoint).toHaveValue(app.modelsLab.endpointTemplate);

    await endpoint.fill('http://example.com/fetch/{id}');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('group').getByRole('alert')).toContainText('must use https');

    // Point it at a path the fake server does not know: the next fetch shows that it was used.
    await endpoint.fill(`${app.modelsLab.origin}/api/v6/images/fetch/{id}`);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByText('Settings saved.')).toBeVisible();
    await page.getByLabel('Add a job ID').fill('5001');
    await page.getByLabel('Add a job ID').press('Enter');
    await expect(row(page, '5001')).toHaveAttribute('data-state', 'failed');
    await expect(row(page, '5001')).toContainText('does not know this job ID (HTTP 404)');
    expect(app.modelsLab.fetchCount('5001')).toBe(0);
  });

  test('"Allow image links to my private network" is off by default, and saved when turned on', async ({ app }) => {
    const { page } = app;
    await app.open();
    await page.getByText('Settings', { exact: true }).click();
    const allow = page.getByLabel('Allow image links to my private network');
    await expect(allow).not.toBeChecked();
    await expect(allow).toHaveAccessibleDescription(/refused/);
    await allow.check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByText('Settings saved.')).toBeVisible();
    expect((await app.core.handlers.getSettings(undefined)).allowPrivateNetworkLinks).toBe(true);
  });
});

test.describe('queue controls', () => {
  test.use({ withStoredKey: true });

  test('pause and resume, cancel and retry a job, remove one, and clear the list after confirming', async ({ app }) => {
    const { page } = app;
    app.setScenarios({
      '8001': [{ answer: 'processing', eta: 30 }],
      '8002': [{ answer: 'success', images: [{ serve: 'headshot-a.png' }] }],
      '8003': [{ answer: 'success', images: [{ serve: 'headshot-a.png' }] }],
    });
    await app.open();
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect(page.getByTestId('queue-status')).toHaveText('Paused. Resume to go on fetching.');
    await dropText(page, '8001 8002 8003');
    await expect(row(page, '8002')).toHaveAttribute('data-state', 'queued');
    expect(app.modelsLab.fetches).toHaveLength(0);
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect(row(page, '8002')).toHaveAttribute('data-state', 'ready');

    await expect(row(page, '8001')).toHaveAttribute('data-state', 'processing');
    await page.getByRole('button', { name: 'Cancel job 8001' }).click();
    await expect(row(page, '8001')).toHaveAttribute('data-state', 'failed');
    await expect(row(page, '8001')).toContainText('Cancelled');
    app.setScenarios({ '8001': [{ answer: 'success', images: [{ serve: 'headshot-b.jpg' }] }] });
    await page.getByRole('button', { name: 'Retry job 8001' }).click();
    await expect(row(page, '8001')).toHaveAttribute('data-state', 'ready');

    await page.getByRole('button', { name: 'Remove job 8003' }).click();
    await expect(row(page, '8003')).toHaveCount(0);
    await expect(page.getByTestId('fetch-overview')).toHaveText('2 of 2 done · none to go');

    await page.getByRole('button', { name: 'Clear list…' }).click();
    await page.getByRole('button', { name: 'Keep them' }).click();
    await expect(page.getByTestId('fetch-overview')).toContainText('of 2 done');
    await page.getByRole('button', { name: 'Clear list…' }).click();
    await page.getByRole('button', { name: 'Remove all' }).click();
    await expect(page.getByRole('heading', { name: 'Drop job IDs here' })).toBeVisible();
  });

  test('jobs added before the window opened are shown at start', async ({ app }) => {
    const { page } = app;
    app.setScenarios({ '8101': [{ answer: 'success', images: [{ serve: 'headshot-a.png' }] }] });
    await app.core.handlers.addJobs({ sources: [{ name: 'earlier.csv', text: 'job_id,note\n8101,from yesterday' }] });
    await app.open();
    await expect(row(page, '8101')).toHaveAttribute('data-state', 'ready');
  });
});

test.describe('a job list that cannot be read', () => {
  test.use({ withStoredKey: true, userDataFiles: { 'jobs.json': '{"version": 1, "content": [{"id": "81' } });

  test('is reported in the window, kept aside, and the banner can be dismissed', async ({ app }) => {
    const { page } = app;
    await app.open();
    const notice = page.getByTestId('notices').getByText(/Your job list could not be read \(it is not valid JSON.*\)\. The file was kept as .*jobs\.json\.unreadable-\d+\./);
    await expect(notice).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Drop job IDs here' })).toBeVisible();
    await page.getByTestId('notices').getByRole('button', { name: 'Dismiss' }).click();
    await expect(notice).toHaveCount(0);
  });
});

test.describe('a very large drop', () => {
  test.use({ withStoredKey: true });

  test('100,000 IDs are accepted, only the rows in view are drawn, and scrolling reaches any of them', async ({ app }) => {
    // 100,000 jobs cross the Playwright binding in ten 1.4 MB messages: minutes on a machine loaded
    // many times over. The limits only stop a hang; the speed is measured by `npm run bench`.
    test.setTimeout(300_000);
    const { page } = app;
    await app.core.handlers.pauseQueue(undefined); // nothing to fetch: the fake server knows none of these
    await app.open();
    const ids = Array.from({ length: 100_000 }, (_, index) => String(5_000_000 + index));
    await page.locator('main.jobs').drop({ files: [{ name: 'export.txt', mimeType: 'text/plain', buffer: Buffer.from(ids.join('\n')) }] });
    await expect(page.getByTestId('intake-summary')).toContainText('Added 100000 jobs', { timeout: 120_000 });
    await expect(page.getByTestId('fetch-overview')).toContainText('of 100,000 done', { timeout: 120_000 });
    expect(await page.locator('tr.job-row').count()).toBeLessThan(100);

    await page.locator('.job-scroller').evaluate((element) => (element.scrollTop = 32 * 73_000));
    await expect(row(page, '5073000')).toBeVisible();
    await page.locator('.job-scroller').evaluate((element) => (element.scrollTop = element.scrollHeight));
    await expect(row(page, '5099999')).toBeVisible();
  });
});
