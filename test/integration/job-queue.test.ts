import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { QueueStatus } from '../../preload/api-contract';
import type { Step } from '../fixtures/fake-modelslab';
import { type CoreHarness, fastTiming, useCoreHarness, validTestKey, waitUntil } from '../support/core-harness';
import { createManualClock } from '../support/manual-clock';

const start = useCoreHarness();

const add = (h: CoreHarness, text: string) => h.addText(text);
const statusEvents = (h: CoreHarness) => h.events.filter((e) => e.event === 'queueStatus').map((e) => e.payload as QueueStatus);
/** Requests the core has sent for a job, counted as they leave (the server counts them as they arrive). */
const sentFor = (h: CoreHarness, id: string) => h.fetchCalls.filter((call) => call.jobId === id).length;
const stateOf = async (h: CoreHarness, id: string) => (await h.job(id))?.state;
/** Waits until no request is out: every answer has come in and been acted on. */
const settled = (h: CoreHarness) => waitUntil(() => h.jobs(), (views) => views.every((view) => view.state !== 'fetching'), 10_000, 'no job fetching');
const queueStatus = (h: CoreHarness) => h.core.handlers.getQueueStatus(undefined);

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

test('a success whose output is one link, or whose links are in output_url, is ready with its images', async () => {
  const h = await start({
    scenarios: {
      '13': [{ answer: 'success', shape: 'string-output', images: [{ serve: 'headshot-a.png' }] }],
      '14': [{ answer: 'success', shape: 'output-url', images: [{ serve: 'headshot-b.jpg' }] }],
      '15': [{ answer: 'success', shape: 'output-url', images: [{ serve: 'headshot-b.jpg' }, { serve: 'headshot-c.webp' }] }],
    },
  });
  await add(h, '13 14 15');
  assert.equal((await h.waitForJob('13', 'ready')).imageCount, 1, 'output as one string');
  assert.equal((await h.waitForJob('14', 'ready')).imageCount, 1, 'output_url as one string');
  assert.equal((await h.waitForJob('15', 'ready')).imageCount, 2, 'output_url as a list');
  assert.equal(h.server.fetchCount('13') + h.server.fetchCount('14') + h.server.fetchCount('15'), 3, 'each answer was taken the first time');
  // The links lead to the images: the preview of each is the server's picture.
  assert.ok((await h.core.jobImage('13', 1)).path.endsWith('.png'));
  assert.ok((await h.core.jobImage('15', 2)).path.endsWith('.webp'));
});

test('a processing job is polled again after its eta and turns ready', async () => {
  const clock = createManualClock();
  const h = await start({
    scenarios: { '21': [{ answer: 'processing', eta: 12 }, { answer: 'processing', shape: 'lean' }, { answer: 'success', images: [{ serve: 'headshot-a.png' }] }] },
    core: { clock, timing: { ...fastTiming, pollFloorMs: 2_000, pollCapMs: 60_000 } },
  });
  await add(h, '21');
  assert.equal((await h.waitForJob('21', 'processing')).etaSeconds, 12);
  // Polled after the eta (12 s, give or take the 10 % jitter), not before.
  clock.advance(10_799);
  assert.equal(sentFor(h, '21'), 1, 'not polled before the eta');
  clock.advance(2_401);
  assert.equal(sentFor(h, '21'), 2, 'polled once the eta has passed');
  // The second answer names no eta: the next poll waits the floor.
  const polled = await waitUntil(() => h.job('21'), (view) => view?.etaSeconds === null, 10_000, 'the answer to the second poll');
  assert.equal(polled?.state, 'processing');
  clock.advance(1_799);
  assert.equal(sentFor(h, '21'), 2, 'not polled before the floor');
  clock.advance(401);
  await h.waitForJob('21', 'ready');
  assert.equal(h.server.fetchCount('21'), 3);
  clock.advance(fastTiming.pollFloorMs); // sends the gathered job updates
  const statesShown = async () =>
    h.events
      .filter((e) => e.event === 'jobsUpdated')
      .flatMap((e) => e.payload as Array<{ id: string; state: string }>)
      .filter((view) => view.id === '21')
      .map((view) => view.state);
  const states = await waitUntil(statesShown, (seen) => seen.at(-1) === 'ready', 10_000, 'the ready event');
  // Updates within one batch are merged, so the window may never see 'queued'; it does see these.
  assert.deepEqual([...new Set(states)].slice(-2), ['processing', 'ready']);
});

test('a job still processing at the poll deadline fails with the offer to retry', async () => {
  const clock = createManualClock();
  // Each answer names another eta (all shorter than the poll floor), so the test sees when it is in.
  const etas = [0.1, 0.2, 0.3, 0.4];
  const h = await start({
    scenarios: { '22': etas.map((eta) => ({ answer: 'processing' as const, eta })) },
    core: { clock, timing: { ...fastTiming, pollFloorMs: 400, pollCapMs: 400 } },
  });
  await h.core.handlers.updateSettings({ pollDeadlineSeconds: 1 });
  await add(h, '22');
  await h.waitForJob('22', 'processing');
  // Polls come every 400 ms (give or take 10 %); the first one after the deadline fails the job.
  for (const eta of etas.slice(1)) {
    clock.advance(440);
    const view = await waitUntil(() => h.job('22'), (job) => job?.etaSeconds === eta || job?.state === 'failed', 10_000, `the answer with eta ${eta}`);
    if (view?.state === 'failed') break;
  }
  assert.equal(h.server.fetchCount('22'), 4, 'the first fetch, then polls at about 0.4, 0.8 and 1.2 s');
  const failed = (await h.job('22'))!;
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
  assert.equal(h.fetchCalls.length, 0, 'nothing is fetched without a key');

  await h.core.handlers.setKey({ key: 'not-the-right-key-123' });
  const paused = await waitUntil(() => queueStatus(h), (s) => s.pausedBecause === 'key-rejected', 10_000, 'pause');
  assert.match(paused.message ?? '', /rejected the API key.*Enter a valid key/);
  await settled(h);
  // The four sent at once (the concurrency) all come back rejected; none is sent after that.
  assert.equal(h.fetchCalls.length, 4, 'one round of requests is spent on a bad key, no more');
  assert.ok((await h.jobs()).every((view) => view.state === 'queued'), 'no job fails because of the key');
  assert.equal(statusEvents(h).filter((s) => s.pausedBecause === 'key-rejected').length, 1, 'one message, not one per job');

  await h.core.handlers.setKey({ key: validTestKey });
  for (const id of ids) await h.waitForJob(id, 'ready');
});

test('no credits (402) pauses the whole queue once with ModelsLab\'s message; no job fails, and Resume goes on', async () => {
  const ids = ['81', '82', '83', '84', '85', '86'];
  const ready = [{ answer: 'success' as const, images: [{ serve: 'headshot-a.png' as const }] }];
  const h = await start({ scenarios: Object.fromEntries(ids.map((id) => [id, [{ answer: 'no-credits' as const }]])) });
  await add(h, ids.join(' '));
  const paused = await waitUntil(() => queueStatus(h), (s) => s.pausedBecause === 'account-refused', 10_000, 'pause');
  assert.equal(
    paused.message,
    'ModelsLab says the account has no credits left ("Insufficient credits. Please recharge your wallet to continue."). Add credits to your ModelsLab account, then try again.',
  );
  await settled(h);
  assert.equal(h.fetchCalls.length, 4, 'one round of requests (the concurrency), no more');
  assert.ok((await h.jobs()).every((view) => view.state === 'queued'), 'no job fails because of the account');
  assert.equal(statusEvents(h).filter((s) => s.pausedBecause === 'account-refused').length, 1, 'one message, not one per job');

  for (const id of ids) h.server.setScenario(id, ready);
  assert.equal((await h.core.handlers.resumeQueue(undefined)).pausedBecause, null);
  for (const id of ids) await h.waitForJob(id, 'ready');
});

test('a refusal to a request sent before the user said to go on does not pause the queue again', async () => {
  const ready = { answer: 'success' as const, images: [{ serve: 'headshot-a.png' as const }] };
  // Each job is refused once, then served.
  const h = await start({ scenarios: { '181': [{ answer: 'no-credits' }, ready], '182': [{ answer: 'no-credits' }, ready] } });
  const releaseLate = h.holdFetches('182');
  await add(h, '181 182');
  await waitUntil(async () => sentFor(h, '182'), (sent) => sent === 1, 10_000, 'the request of 182 to be sent');
  await waitUntil(() => queueStatus(h), (s) => s.pausedBecause === 'account-refused', 10_000, 'the pause for 181');
  // The user adds credits and presses Try again; only then does the answer to 182's earlier request come in.
  assert.equal((await h.core.handlers.resumeQueue(undefined)).pausedBecause, null);
  releaseLate();
  await h.waitForJob('181', 'ready');
  await h.waitForJob('182', 'ready');
  assert.equal(h.server.fetchCount('182'), 2, 'the late refusal was answered, and 182 asked again');
  assert.equal(statusEvents(h).filter((s) => s.pausedBecause === 'account-refused').length, 1, 'the late refusal did not pause the queue again');
  assert.equal((await queueStatus(h)).pausedBecause, null);
});

test('a plan or permission refusal (403) pauses the queue the same way, and retrying goes on', async () => {
  const h = await start({ scenarios: { '87': [{ answer: 'forbidden' }], '88': [{ answer: 'forbidden', html: true }] } });
  await h.core.handlers.updateSettings({ concurrency: 1 });
  await add(h, '87 88');
  const paused = await waitUntil(() => queueStatus(h), (s) => s.pausedBecause === 'account-refused', 10_000, 'pause');
  assert.match(paused.message ?? '', /plan or the key's permissions do not allow it \("Your plan does not include this API\."\)\. Check your plan and key/);
  await settled(h);
  assert.equal(h.fetchCalls.length, 1);
  h.server.setScenario('87', [{ answer: 'success', images: [{ serve: 'headshot-a.png' }] }]);
  // Nothing failed, so "retry" retries no job, but it is the user saying to go on. Job 88 is next
  // in line: a gateway's 403 without JSON pauses the queue again, worded without a quote.
  assert.deepEqual(await h.core.handlers.retryJobs({ ids: 'all-failed' }), { retried: 0 });
  await waitUntil(async () => h.fetchCalls.length, (sent) => sent === 2, 10_000, 'the next request');
  const again = await waitUntil(() => queueStatus(h), (s) => s.pausedBecause === 'account-refused' && s.message !== paused.message, 10_000, 'the second pause');
  assert.match(again.message ?? '', /do not allow it\. Check your plan/);
  await settled(h);
  assert.equal(h.fetchCalls.length, 2);
  h.server.setScenario('88', [{ answer: 'success', images: [{ serve: 'headshot-b.jpg' }] }]);
  await h.core.handlers.resumeQueue(undefined);
  await h.waitForJob('87', 'ready');
  await h.waitForJob('88', 'ready');
});

test('a job ModelsLab flagged as NSFW shows the flag, which survives a restart', async () => {
  const image = [{ serve: 'headshot-a.png' as const }];
  const h = await start({
    scenarios: { '91': [{ answer: 'success', images: image, nsfw: true }], '92': [{ answer: 'success', images: image, nsfw: [1] }], '93': [{ answer: 'success', images: image, nsfw: false }] },
  });
  await add(h, '91 92 93');
  assert.equal((await h.waitForJob('91', 'ready')).nsfwFlagged, true);
  assert.equal((await h.waitForJob('92', 'ready')).nsfwFlagged, true, 'a list of flags');
  assert.equal((await h.waitForJob('93', 'ready')).nsfwFlagged, false);
  await h.restartCore();
  assert.deepEqual((await h.jobs()).map((view) => [view.id, view.nsfwFlagged]), [['91', true], ['92', true], ['93', false]]);
  assert.deepEqual((await h.job('91'))?.imageHosts, ['127.0.0.1'], 'the window learns where the links point, not the links');
});

test('never more requests in flight than the concurrency setting', async () => {
  const ids = Array.from({ length: 12 }, (_, i) => String(500 + i));
  const h = await start({
    scenarios: Object.fromEntries(ids.map((id) => [id, [{ answer: 'success' as const, images: [{ serve: 'headshot-a.png' as const }] }]])),
  });
  await h.core.handlers.updateSettings({ concurrency: 3 });
  // Every request is held on its way out, so "in flight" is decided by the test, not by timing.
  const releases = new Map(ids.map((id) => [id, h.holdFetches(id)]));
  await add(h, ids.join(','));
  await waitUntil(async () => h.fetchCalls.length, (sent) => sent >= 3, 10_000, 'the first requests');
  assert.deepEqual(h.fetchCalls.map((call) => call.jobId), ids.slice(0, 3), 'three sent at once, in the order added');
  releases.get(ids[0]!)!();
  await h.waitForJob(ids[0]!, 'ready');
  await waitUntil(async () => h.fetchCalls.length, (sent) => sent >= 4, 10_000, 'the next request');
  assert.equal(h.fetchCalls.length, 4, 'one answer lets exactly one more request go');
  for (const release of releases.values()) release();
  for (const id of ids) await h.waitForJob(id, 'ready');
  assert.equal(h.fetchCalls.length, ids.length, 'each job asked once');
  assert.ok(h.server.peakConcurrentFetches <= 3);
});

test('a 429 holds every request for Retry-After, then the queue goes on', async () => {
  const clock = createManualClock();
  const h = await start({
    scenarios: {
      '61': [{ answer: 'rate-limit', via: 'header', retryAfter: 20 }, { answer: 'success', images: [{ serve: 'headshot-a.png' }] }],
      '62': [{ answer: 'rate-limit', via: 'none' }, { answer: 'success', images: [{ serve: 'headshot-a.png' }] }],
    },
    core: { clock, timing: { ...fastTiming, rateLimitDefaultMs: 30_000 } },
  });
  await h.core.handlers.updateSettings({ concurrency: 1 });
  await add(h, '61');
  await waitUntil(() => queueStatus(h), (s) => s.pausedBecause === 'rate-limited', 10_000, 'hold');
  await settled(h);
  clock.advance(19_999);
  assert.equal(sentFor(h, '61'), 1, 'not asked again before Retry-After');
  assert.equal((await queueStatus(h)).pausedBecause, 'rate-limited');
  clock.advance(1);
  assert.equal(sentFor(h, '61'), 2, 'asked again once Retry-After has passed');
  await h.waitForJob('61', 'ready');

  await add(h, '62');
  await waitUntil(() => queueStatus(h), (s) => s.pausedBecause === 'rate-limited', 10_000, 'hold');
  await settled(h);
  clock.advance(29_999);
  assert.equal(sentFor(h, '62'), 1, 'a 429 without a wait holds for the default');
  clock.advance(1);
  await h.waitForJob('62', 'ready');
  assert.equal((await queueStatus(h)).pausedBecause, null);
});

test('a 429 holds for the wait named in the body, Retry-After (seconds or a date) or X-RateLimit-Reset, and the status says until when', async () => {
  const clock = createManualClock();
  const ready = { answer: 'success' as const, images: [{ serve: 'headshot-a.png' as const }] };
  const h = await start({ core: { clock, timing: { ...fastTiming, rateLimitDefaultMs: 5_000 } } });
  await h.core.handlers.updateSettings({ concurrency: 1 });
  const forms: Array<[string, (now: number) => Step, number]> = [
    ['66', () => ({ answer: 'rate-limit', via: 'body', retryAfter: 15 }), 15_000],
    ['67', () => ({ answer: 'rate-limit', via: 'header', retryAfter: 20 }), 20_000],
    ['68', (now) => ({ answer: 'rate-limit', via: 'header-date', until: now + 25_000 }), 25_000],
    ['69', (now) => ({ answer: 'rate-limit', via: 'reset-header', until: now + 40_000 }), 40_000],
  ];
  for (const [id, limit, waitMs] of forms) {
    const answeredAt = clock.now();
    h.server.setScenario(id, [limit(answeredAt), ready]);
    await add(h, id);
    const held = await waitUntil(() => queueStatus(h), (s) => s.pausedBecause === 'rate-limited', 10_000, `the hold for ${id}`);
    assert.equal(held.holdUntil, answeredAt + waitMs, `job ${id}: the status names the end of the hold`);
    await settled(h);
    clock.advance(waitMs - 1);
    assert.equal(sentFor(h, id), 1, `job ${id}: not asked again before the wait is over`);
    clock.advance(1);
    assert.equal(sentFor(h, id), 2, `job ${id}: asked again once it is over`);
    await h.waitForJob(id, 'ready');
    assert.deepEqual(await queueStatus(h), { pausedBecause: null, message: null, holdUntil: null });
  }
});

test('5xx pages, resets and invalid JSON are retried after a growing backoff, then fail with the reason', async () => {
  const image = [{ serve: 'headshot-a.png' as const }];
  const clock = createManualClock();
  const h = await start({
    scenarios: {
      '71': [{ answer: 'raw', status: 502, body: '<html>Bad Gateway</html>' }, { answer: 'reset' }, { answer: 'success', images: image }],
      '72': [{ answer: 'raw', status: 200, body: 'not json', contentType: 'application/json' }, { answer: 'success', images: image }],
      '74': [{ answer: 'raw', status: 500, body: '' }],
    },
    core: { clock, timing: { ...fastTiming, retryBaseMs: 1_000, retryCapMs: 60_000 } },
  });
  const ids = ['71', '72', '74'];
  const sent = () => ids.map((id) => sentFor(h, id));
  /** Each fault waits 1 s, 2 s, then 4 s, give or take the 10 % jitter: not a request sooner, all of them by then. */
  const expectRetryAfter = async (backoffMs: number, retrying: string[]) => {
    await settled(h);
    for (const id of retrying) assert.equal(await stateOf(h, id), 'queued', `job ${id} waits before its retry`);
    const before = sent();
    clock.advance(backoffMs * 0.9 - 1);
    assert.deepEqual(sent(), before, `no retry before ${backoffMs * 0.9} ms`);
    clock.advance(backoffMs * 0.2 + 1);
    assert.deepEqual(
      sent(),
      ids.map((id, index) => before[index]! + (retrying.includes(id) ? 1 : 0)),
      `each retried by ${backoffMs * 1.1} ms`,
    );
  };

  await add(h, ids.join(' '));
  assert.deepEqual(sent(), [1, 1, 1]);
  await expectRetryAfter(1_000, ['71', '72', '74']);
  await expectRetryAfter(2_000, ['71', '74']);
  assert.equal(await stateOf(h, '72'), 'ready');
  await expectRetryAfter(4_000, ['74']);
  await h.waitForJob('71', 'ready');
  const failed = await h.waitForJob('74', 'failed');
  assert.match(failed.message ?? '', /server error \(HTTP 500\).*Gave up after 3 retries/);
  assert.equal(failed.retryable, true);
  assert.equal(h.server.fetchCount('74'), 4);
  clock.advance(600_000);
  assert.equal(sentFor(h, '74'), 4, 'a job that gave up is not asked again');
});

test('a request that hangs is given up at the timeout and retried', async () => {
  const clock = createManualClock();
  const h = await start({
    scenarios: { '73': [{ answer: 'hang' }, { answer: 'success', images: [{ serve: 'headshot-a.png' }] }] },
    // Short on purpose: the hang never answers, so only this wait decides when the request is given up.
    core: { clock, requestTimeoutMs: 1_000, timing: { ...fastTiming, retryBaseMs: 1_000, retryCapMs: 1_000 } },
  });
  await add(h, '73');
  const waiting = await waitUntil(() => h.job('73'), (view) => view?.state === 'queued', 10_000, 'the timeout');
  assert.match(waiting?.message ?? '', /ModelsLab did not answer within 1 s\. Retrying \(1 of 3\)/);
  assert.equal(h.fetchCalls[0]?.signal?.aborted, true, 'the hung request was given up');
  // A busy machine may time out the retry too; each later try is another second away.
  for (let tries = 0; (await stateOf(h, '73')) !== 'ready'; tries += 1) {
    assert.ok(tries < 3, 'ready within three retries');
    clock.advance(1_100);
    await waitUntil(() => h.job('73'), (view) => view?.state === 'ready' || view?.state === 'queued', 10_000, 'an answer');
  }
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

test('a 429 holds every job, not only the one that met it', async () => {
  const ids = ['101', '102', '103', '104', '105', '106'];
  const clock = createManualClock();
  const h = await start({
    scenarios: {
      '101': [{ answer: 'rate-limit', via: 'body', retryAfter: 30 }, ready],
      ...Object.fromEntries(ids.slice(1).map((id) => [id, [ready]])),
    },
    core: { clock },
  });
  await h.core.handlers.updateSettings({ concurrency: 2 });
  // 102 is still out when the 429 for 101 comes in; its answer then frees a place in the queue.
  const release102 = h.holdFetches('102');
  await add(h, ids.join(' '));
  assert.deepEqual(h.fetchCalls.map((call) => call.jobId), ['101', '102']);
  await waitUntil(() => queueStatus(h), (s) => s.pausedBecause === 'rate-limited', 10_000, 'hold');
  const holdEvent = h.events.findIndex((e) => e.event === 'queueStatus' && (e.payload as QueueStatus).pausedBecause === 'rate-limited');
  release102();
  await h.waitForJob('102', 'ready');
  const sentWhileHeld = () => h.fetchCalls.filter((call) => call.afterEvents > holdEvent).map((call) => call.jobId);
  assert.deepEqual(sentWhileHeld(), [], 'the freed place is not used while held');
  for (const id of ids.slice(2)) assert.equal(await stateOf(h, id), 'queued', `job ${id} waits`);
  clock.advance(29_999);
  assert.deepEqual(sentWhileHeld(), [], 'no request until the hold ends');
  clock.advance(1);
  assert.equal(sentWhileHeld().length, 2, 'the queue goes on, as many at once as the concurrency allows');
  for (const id of ids) await h.waitForJob(id, 'ready');
});

test('a user pause outlasts a rate-limit hold that ends during it', async () => {
  const clock = createManualClock();
  const h = await start({ scenarios: { '111': [{ answer: 'rate-limit', via: 'header', retryAfter: 1 }, ready] }, core: { clock } });
  const release = h.holdFetches('111');
  await add(h, '111');
  await h.core.handlers.pauseQueue(undefined);
  release(); // the 429 comes while paused
  await h.waitForJob('111', 'queued');
  assert.equal((await queueStatus(h)).pausedBecause, 'user');
  clock.advance(1_000); // the hold ends
  assert.equal((await queueStatus(h)).pausedBecause, 'user');
  assert.equal(sentFor(h, '111'), 1, 'nothing is sent while paused, even after the hold ended');
  assert.equal(await stateOf(h, '111'), 'queued');
  await h.core.handlers.resumeQueue(undefined);
  await h.waitForJob('111', 'ready');
});

test('a rejection of a key the user has since replaced does not pause the queue', async () => {
  const h = await start({ withKey: false, scenarios: { '121': [ready] } });
  await h.core.handlers.setKey({ key: 'an-old-revoked-key-1234' });
  const release = h.holdFetches('121');
  await add(h, '121');
  assert.equal(await stateOf(h, '121'), 'fetching');
  await h.core.handlers.setKey({ key: validTestKey });
  release(); // the old key's rejection comes after the new key is in
  await h.waitForJob('121', 'ready');
  assert.equal(h.server.fetches[0]?.keyWasValid, false, 'the first request did carry the old key');
  assert.ok(statusEvents(h).every((s) => s.pausedBecause !== 'key-rejected'));
});

test('pause stops new requests; resume goes on where it stopped', async () => {
  const clock = createManualClock();
  const h = await start({ scenarios: { '131': [ready], '132': [ready] }, core: { clock } });
  await h.core.handlers.pauseQueue(undefined);
  await add(h, '131 132');
  clock.advance(600_000);
  assert.equal(h.fetchCalls.length, 0);
  assert.deepEqual(await h.core.handlers.getQueueStatus(undefined), { pausedBecause: 'user', message: 'Paused. Resume to go on fetching.', holdUntil: null });
  await h.core.handlers.resumeQueue(undefined);
  await h.waitForJob('131', 'ready');
  await h.waitForJob('132', 'ready');
});

test('a cancelled job stops being fetched, fails as cancelled and can be retried', async () => {
  const clock = createManualClock();
  const h = await start({ scenarios: { '141': [{ answer: 'processing', eta: 0.05 }] }, core: { clock } });
  await add(h, '141');
  await h.waitForJob('141', 'processing');
  assert.deepEqual(await h.core.handlers.cancelJobs({ ids: ['141'] }), { cancelled: 1 });
  const cancelled = await h.waitForJob('141', 'failed');
  assert.equal(cancelled.retryable, true);
  assert.match(cancelled.message ?? '', /Cancelled/);
  clock.advance(600_000); // long past the eta and any poll
  assert.equal(sentFor(h, '141'), 1, 'no poll after cancelling');
  h.server.setScenario('141', [ready]);
  assert.deepEqual(await h.core.handlers.retryJobs({ ids: ['141'] }), { retried: 1 });
  await h.waitForJob('141', 'ready');
});

test('removing a job aborts its request; added again, it is fetched once, then polled after its eta', async () => {
  const clock = createManualClock();
  const h = await start({
    scenarios: { '151': [{ answer: 'hang' }, { answer: 'processing', eta: 30 }, ready] },
    core: { clock, timing: { ...fastTiming, pollCapMs: 60_000 } },
  });
  await add(h, '151');
  // The request reached the server, which holds it: it is still out when the job is removed.
  await waitUntil(() => Promise.resolve(h.server.fetchCount('151')), (count) => count === 1, 10_000, 'the request to arrive');
  assert.equal(h.fetchCalls[0]?.signal?.aborted, false);
  await h.core.handlers.removeJobs({ ids: ['151'] });
  assert.equal(h.fetchCalls[0]?.signal?.aborted, true, 'removing the job aborted its request');

  await add(h, '151');
  assert.equal(sentFor(h, '151'), 2, 'added again, it is sent once');
  await h.waitForJob('151', 'processing');
  clock.advance(26_999);
  assert.equal(sentFor(h, '151'), 2, 'the processing job waits for its eta instead of being fetched again at once');
  clock.advance(6_001);
  await h.waitForJob('151', 'ready');
  assert.equal(h.server.fetchCount('151'), 3);
});

test('good answers between faults reset the retry count, so a long job survives many blips', async () => {
  const processing = { answer: 'processing' as const, eta: 0.01 };
  const reset = { answer: 'reset' as const };
  const h = await start({ scenarios: { '161': [reset, processing, reset, processing, reset, processing, reset, processing, reset, ready] } });
  await add(h, '161');
  await h.waitForJob('161', 'ready');
});

test('time spent paused does not count against the processing time limit', async () => {
  const clock = createManualClock();
  const h = await start({ scenarios: { '171': [{ answer: 'processing', eta: 0.05 }] }, core: { clock } });
  await h.core.handlers.updateSettings({ pollDeadlineSeconds: 1 });
  await add(h, '171');
  await h.waitForJob('171', 'processing');
  await h.core.handlers.pauseQueue(undefined);
  clock.advance(1_200); // paused past the limit
  // The next answer names another eta, so the test sees when it has been taken in.
  h.server.setScenario('171', [{ answer: 'processing', eta: 7 }, ready]);
  await h.core.handlers.resumeQueue(undefined);
  const polled = await waitUntil(() => h.job('171'), (view) => view?.etaSeconds === 7 || view?.state === 'failed', 10_000, 'the poll after resuming');
  assert.equal(polled?.state, 'processing', polled?.message ?? '');
  clock.advance(fastTiming.pollCapMs * 1.1);
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
