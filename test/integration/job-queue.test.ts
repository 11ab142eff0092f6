import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { QueueStatus } from '../../preload/api-contract';
import { type CoreHarness, useCoreHarness, validTestKey, waitUntil } from '../support/core-harness';

const start = useCoreHarness();

const add = (h: CoreHarness, text: string) => h.addText(text);
const statusEvents = (h: CoreHarness) => h.events.filter((e) => e.event === 'queueStatus').map((e) => e.payload as QueueStatus);

test('a job with one and a job with several images become ready with their image counts', async () => {
  const h = await start({
    scenarios: {
      '11': [{ answer: 'success', images: [{ serve: 'headshot-a.png' }] }],
      '12': [{ answer: 'success', images: [{ serve: 'headshot-a.png' }, { serve: 'headshot-b.jpg' }, { serve: 'headshot-c.webp' }] }],
    },
  });
  const summary = await add(h, '11\n12');
  assert.deepEqual(summary, { added: 2, repeatedInDrop: 0, alreadyListed: 0, rejected: [], rejectedCount: 0 });
  assert.equal((await h.waitForJob('11', 'ready')).imageCount, 1);
  assert.equal((await h.waitForJob('12', 'ready')).imageCount, 3);
});

test('a processing job is polled again after its eta and turns ready', async () => {
  const h = await start({
    scenarios: { '21': [{ answer: 'processing', eta: 0.05 }, { answer: 'processing', shape: 'lean' }, { answer: 'success', images: [{ serve: 'headshot-a.png' }] }] },
  });
  await add(h, '21');
  const seen = await waitUntil(() => h.job('21'), (view) => view?.state === 'processing', 2_000, 'processing');
  assert.equal(seen?.etaSeconds, 0.05);
  await h.waitForJob('21', 'ready');
  assert.equal(h.server.fetchCount('21'), 3);
  const statesShown = async () =>
    h.events
      .filter((e) => e.event === 'jobsUpdated')
      .flatMap((e) => e.payload as Array<{ id: string; state: string }>)
      .filter((view) => view.id === '21')
      .map((view) => view.state);
  const states = await waitUntil(statesShown, (seen) => seen.at(-1) === 'ready', 1_000, 'the ready event');
  // Updates within one batch are merged, so the window may never see 'queued'; it does see these.
  assert.deepEqual([...new Set(states)].slice(-2), ['processing', 'ready']);
});

test('a job still processing at the poll deadline fails with the offer to retry', async () => {
  const h = await start({
    scenarios: { '22': [{ answer: 'processing', eta: 0.01 }] },
    core: { timing: { pollFloorMs: 10, pollCapMs: 20 } },
  });
  await h.core.handlers.updateSettings({ pollDeadlineSeconds: 1 });
  await add(h, '22');
  const failed = await h.waitForJob('22', 'failed');
  assert.match(failed.message ?? '', /Still processing after 1 s\. Retry to keep waiting\./);
  assert.equal(failed.retryable, true);
  h.server.setScenario('22', [{ answer: 'success', images: [{ serve: 'headshot-a.png' }] }]);
  assert.deepEqual(await h.core.handlers.retryJobs({ ids: 'all-failed' }), { retried: 1 });
  await h.waitForJob('22', 'ready');
});

test('failed and error answers fail the job with the API message; an unknown ID says so', async () => {
  const h = await start({ scenarios: { '31': [{ answer: 'failed' }], '32': [{ answer: 'error' }], '33': [{ answer: 'error', shape: 'validation-object' }] } });
  await add(h, '31 32 33 34');
  assert.equal((await h.waitForJob('31', 'failed')).message, 'Failed, Try Again');
  assert.equal((await h.waitForJob('32', 'failed')).message, 'Error message');
  assert.equal((await h.waitForJob('33', 'failed')).message, 'prompt: The prompt field is required.');
  assert.match((await h.waitForJob('34', 'failed')).message ?? '', /Request not found/);
  assert.equal(h.server.fetchCount('31'), 1, 'a failed job is not fetched again');
});

test('an invalid key pauses the whole queue with one message, and a new key resumes it', async () => {
  const ids = ['41', '42', '43', '44', '45'];
  const h = await start({
    withKey: false,
    invalidKeyStatus: 401,
    scenarios: Object.fromEntries(ids.map((id) => [id, [{ answer: 'success' as const, images: [{ serve: 'headshot-a.png' as const }] }]])),
  });
  assert.equal((await h.core.handlers.getQueueStatus(undefined)).pausedBecause, 'no-key');
  await add(h, ids.join(' '));
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(h.server.fetches.length, 0, 'nothing is fetched without a key');

  await h.core.handlers.setKey({ key: 'not-the-right-key-123' });
  const paused = await waitUntil(() => h.core.handlers.getQueueStatus(undefined), (s) => s.pausedBecause === 'key-rejected', 2_000, 'pause');
  assert.match(paused.message ?? '', /rejected the API key.*Enter a valid key/);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const rejectedCalls = h.server.fetches.length;
  assert.ok(rejectedCalls <= 4, `at most one round of requests is spent on a bad key, saw ${rejectedCalls}`);
  assert.ok((await h.jobs()).every((view) => view.state === 'queued'), 'no job fails because of the key');
  assert.equal(statusEvents(h).filter((s) => s.pausedBecause === 'key-rejected').length, 1, 'one message, not one per job');

  await h.core.handlers.setKey({ key: validTestKey });
  for (const id of ids) await h.waitForJob(id, 'ready');
});

test('never more requests in flight than the concurrency setting', async () => {
  const ids = Array.from({ length: 12 }, (_, i) => String(500 + i));
  const h = await start({
    scenarios: Object.fromEntries(ids.map((id) => [id, [{ answer: 'success' as const, delayMs: 30, images: [{ serve: 'headshot-a.png' as const }] }]])),
  });
  await h.core.handlers.updateSettings({ concurrency: 3 });
  await add(h, ids.join(','));
  for (const id of ids) await h.waitForJob(id, 'ready');
  assert.equal(h.server.peakConcurrentFetches, 3);
});

test('a 429 holds every request for Retry-After, then the queue goes on', async () => {
  const h = await start({
    scenarios: {
      '61': [{ answer: 'rate-limit', via: 'header', retryAfter: 0.2 }, { answer: 'success', images: [{ serve: 'headshot-a.png' }] }],
      '62': [{ answer: 'rate-limit', via: 'none' }, { answer: 'success', images: [{ serve: 'headshot-a.png' }] }],
    },
  });
  await h.core.handlers.updateSettings({ concurrency: 1 });
  const started = Date.now();
  await add(h, '61');
  await waitUntil(() => h.core.handlers.getQueueStatus(undefined), (s) => s.pausedBecause === 'rate-limited', 2_000, 'hold');
  await h.waitForJob('61', 'ready');
  assert.ok(Date.now() - started >= 180, 'waited for Retry-After');
  const firstAt = h.server.fetches.filter((f) => f.id === '61').map((f) => f.at);
  assert.ok(firstAt[1]! - firstAt[0]! >= 180);

  await add(h, '62');
  await h.waitForJob('62', 'ready');
  const secondAt = h.server.fetches.filter((f) => f.id === '62').map((f) => f.at);
  assert.ok(secondAt[1]! - secondAt[0]! >= 90, 'a 429 without a wait uses the default hold');
  assert.equal((await h.core.handlers.getQueueStatus(undefined)).pausedBecause, null);
});

test('5xx pages, resets, invalid JSON and hangs are retried with backoff, then fail with the reason', async () => {
  const image = [{ serve: 'headshot-a.png' as const }];
  const h = await start({
    scenarios: {
      '71': [{ answer: 'raw', status: 502, body: '<html>Bad Gateway</html>' }, { answer: 'reset' }, { answer: 'success', images: image }],
      '72': [{ answer: 'raw', status: 200, body: 'not json', contentType: 'application/json' }, { answer: 'success', images: image }],
      '73': [{ answer: 'hang' }, { answer: 'success', images: image }],
      '74': [{ answer: 'raw', status: 500, body: '' }],
    },
  });
  await add(h, '71 72 73 74');
  await h.waitForJob('71', 'ready');
  await h.waitForJob('72', 'ready');
  await h.waitForJob('73', 'ready');
  const failed = await h.waitForJob('74', 'failed');
  assert.match(failed.message ?? '', /server error \(HTTP 500\).*Gave up after 3 retries/);
  assert.equal(failed.retryable, true);
  assert.equal(h.server.fetchCount('74'), 4);
});

test('a success without any link is asked again a few times before the job fails', async () => {
  const h = await start({ scenarios: { '81': [{ answer: 'success-without-links' }], '82': [{ answer: 'success-without-links' }, { answer: 'success', images: [{ serve: 'headshot-a.png' }] }] } });
  await add(h, '81 82');
  assert.match((await h.waitForJob('81', 'failed')).message ?? '', /no image links/);
  assert.equal(h.server.fetchCount('81'), 3);
  await h.waitForJob('82', 'ready');
});

test('adding the same IDs again reports them as duplicates; clearing empties the list', async () => {
  const h = await start({ scenarios: { '91': [{ answer: 'failed' }] } });
  await add(h, '91');
  assert.deepEqual(await add(h, '91 91 92 abc'), {
    added: 1,
    repeatedInDrop: 1,
    alreadyListed: 1,
    rejected: [{ token: 'abc', reason: 'not a job ID: IDs are numbers like 12202888' }],
    rejectedCount: 1,
  });
  assert.deepEqual(await h.core.handlers.removeJobs({ ids: 'all' }), { removed: 2 });
  assert.deepEqual(await h.jobs(), []);
  assert.ok(h.events.some((e) => e.event === 'jobsRemoved'));
});

const oneImage = [{ serve: 'headshot-a.png' as const }];
const ready = { answer: 'success' as const, images: oneImage };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('a 429 holds every job, not only the one that met it', async () => {
  const ids = ['101', '102', '103', '104', '105', '106'];
  const h = await start({
    scenarios: {
      '101': [{ answer: 'rate-limit', via: 'body', retryAfter: 0.3 }, ready],
      ...Object.fromEntries(ids.slice(1).map((id) => [id, [{ ...ready, delayMs: 20 }]])),
    },
  });
  await h.core.handlers.updateSettings({ concurrency: 2 });
  await add(h, ids.join(' '));
  await waitUntil(() => h.core.handlers.getQueueStatus(undefined), (s) => s.pausedBecause === 'rate-limited', 2_000, 'hold');
  const heldAt = Date.now();
  for (const id of ids) await h.waitForJob(id, 'ready');
  const sentDuringHold = h.server.fetches.filter((f) => f.at > heldAt + 20 && f.at < heldAt + 250);
  assert.deepEqual(sentDuringHold, [], 'no request while held');
});

test('a user pause outlasts a rate-limit hold that ends during it', async () => {
  const h = await start({ scenarios: { '111': [{ answer: 'rate-limit', via: 'header', retryAfter: 0.1, delayMs: 100 }, ready] } });
  await add(h, '111');
  await h.waitForJob('111', 'fetching');
  await h.core.handlers.pauseQueue(undefined);
  await sleep(400);
  assert.equal((await h.core.handlers.getQueueStatus(undefined)).pausedBecause, 'user');
  assert.equal(h.server.fetchCount('111'), 1, 'nothing is sent while paused, even after the hold ended');
  await h.core.handlers.resumeQueue(undefined);
  await h.waitForJob('111', 'ready');
});

test('a rejection of a key the user has since replaced does not pause the queue', async () => {
  const h = await start({ withKey: false, scenarios: { '121': [{ ...ready, delayMs: 150 }] } });
  await h.core.handlers.setKey({ key: 'an-old-revoked-key-1234' });
  await add(h, '121');
  await h.waitForJob('121', 'fetching');
  await h.core.handlers.setKey({ key: validTestKey });
  await h.waitForJob('121', 'ready');
  assert.ok(statusEvents(h).every((s) => s.pausedBecause !== 'key-rejected'));
});

test('pause stops new requests; resume goes on where it stopped', async () => {
  const h = await start({ scenarios: { '131': [ready], '132': [ready] } });
  await h.core.handlers.pauseQueue(undefined);
  await add(h, '131 132');
  await sleep(100);
  assert.equal(h.server.fetches.length, 0);
  assert.deepEqual(await h.core.handlers.getQueueStatus(undefined), { pausedBecause: 'user', message: 'Paused. Resume to go on fetching.' });
  await h.core.handlers.resumeQueue(undefined);
  await h.waitForJob('131', 'ready');
  await h.waitForJob('132', 'ready');
});

test('a cancelled job stops being fetched, fails as cancelled and can be retried', async () => {
  const h = await start({ scenarios: { '141': [{ answer: 'processing', eta: 0.05 }] } });
  await add(h, '141');
  await h.waitForJob('141', 'processing');
  assert.deepEqual(await h.core.handlers.cancelJobs({ ids: ['141'] }), { cancelled: 1 });
  const cancelled = await h.waitForJob('141', 'failed');
  assert.equal(cancelled.retryable, true);
  assert.match(cancelled.message ?? '', /Cancelled/);
  const fetchesAtCancel = h.server.fetchCount('141');
  await sleep(200);
  assert.equal(h.server.fetchCount('141'), fetchesAtCancel, 'no poll after cancelling');
  h.server.setScenario('141', [ready]);
  assert.deepEqual(await h.core.handlers.retryJobs({ ids: ['141'] }), { retried: 1 });
  await h.waitForJob('141', 'ready');
});

test('a job removed mid-request and added again is fetched once per turn, never twice at once', async () => {
  const h = await start({ scenarios: { '151': [{ answer: 'processing', eta: 0.3, delayMs: 80 }] } });
  await add(h, '151');
  await h.waitForJob('151', 'fetching');
  await h.core.handlers.removeJobs({ ids: ['151'] });
  await add(h, '151');
  await h.waitForJob('151', 'processing');
  const before = h.server.fetchCount('151');
  await sleep(150);
  assert.equal(h.server.fetchCount('151'), before, 'the processing job waits for its eta instead of being fetched again at once');
  assert.ok(h.server.peakConcurrentFetches <= 2);
});

test('good answers between faults reset the retry count, so a long job survives many blips', async () => {
  const processing = { answer: 'processing' as const, eta: 0.01 };
  const reset = { answer: 'reset' as const };
  const h = await start({ scenarios: { '161': [reset, processing, reset, processing, reset, processing, reset, processing, reset, ready] } });
  await add(h, '161');
  await h.waitForJob('161', 'ready');
});

test('time spent paused does not count against the processing time limit', async () => {
  const h = await start({ scenarios: { '171': [{ answer: 'processing', eta: 0.05 }] } });
  await h.core.handlers.updateSettings({ pollDeadlineSeconds: 1 });
  await add(h, '171');
  await h.waitForJob('171', 'processing');
  await h.core.handlers.pauseQueue(undefined);
  await sleep(1_200);
  h.server.setScenario('171', [{ answer: 'processing', eta: 0.05 }, ready]);
  await h.core.handlers.resumeQueue(undefined);
  await h.waitForJob('171', 'ready');
});

test('clear saved removes only saved jobs', async () => {
  const h = await start({ scenarios: { '181': [ready], '182': [{ answer: 'failed' }] } });
  await add(h, '181 182');
  await h.waitForJob('181', 'ready');
  await h.waitForJob('182', 'failed');
  const { folder } = await h.core.handlers.chooseSaveFolder(undefined);
  await h.core.handlers.saveJobs({ folder: folder!, ids: 'all-ready' });
  assert.deepEqual(await h.core.handlers.clearSavedJobs(undefined), { removed: 1 });
  assert.deepEqual((await h.jobs()).map((job) => job.id), ['182']);
});
