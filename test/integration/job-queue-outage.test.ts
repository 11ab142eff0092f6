// An endpoint that cannot be reached pauses the queue as one: no job spends its retries or fails,
// probes go out with backoff on the test's clock, and the queue resumes when one gets through.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { QueueStatus } from '../../preload/api-contract';
import { type CoreHarness, fastTiming, offlineWithProbePlanned, useCoreHarness, waitUntil } from '../support/core-harness';
import { createManualClock, type ManualClock } from '../support/manual-clock';

const start = useCoreHarness();
const image = [{ serve: 'headshot-a.png' as const }];
const processingThenReady = [{ answer: 'processing' as const, eta: 1 }, { answer: 'success' as const, images: image }];
const queueStatus = (h: CoreHarness) => h.core.handlers.getQueueStatus(undefined);
const sentFor = (h: CoreHarness, id: string) => h.fetchCalls.filter((call) => call.jobId === id).length;

async function outageSetup(ids: string[]): Promise<{ h: CoreHarness; clock: ManualClock }> {
  const clock = createManualClock();
  const h = await start({
    scenarios: Object.fromEntries(ids.map((id) => [id, processingThenReady])),
    core: { clock, timing: { ...fastTiming, pollFloorMs: 2_000, pollCapMs: 2_000, probeBaseMs: 1_000, probeCapMs: 30_000 } },
  });
  await h.core.handlers.updateSettings({ pollDeadlineSeconds: 60 });
  await h.addText(ids.join(' '));
  for (const id of ids) await h.waitForJob(id, 'processing');
  return { h, clock };
}

test('an outage mid-batch pauses the queue, probes with growing waits up to 30 s, and no job fails', async () => {
  const ids = ['201', '202', '203', '204', '205', '206'];
  const { h, clock } = await outageSetup(ids);
  await h.server.goDown();
  clock.advance(2_000 * 1.1); // the polls fall due and find the server gone

  let status = await offlineWithProbePlanned(h);
  assert.match(status.message ?? '', /Can't reach ModelsLab \(ECONNREFUSED\)\. Check your connection\./);
  const requestsWhenOffline = h.fetchCalls.length;
  // The probes come 1, 2, 4, 8, 16 s apart, then every 30 s (each give or take the 10 % jitter);
  // 90 s offline in all, past the 60 s processing limit.
  const waits: number[] = [];
  let offlineFor = 0;
  while (offlineFor < 90_000) {
    const wait = status.nextProbeAt - clock.now();
    waits.push(wait);
    clock.advance(wait);
    offlineFor += wait;
    status = await offlineWithProbePlanned(h, waits.length);
  }
  const expected = [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000];
  waits.forEach((wait, index) => {
    const base = expected[Math.min(index, expected.length - 1)]!;
    assert.ok(wait >= base * 0.9 && wait <= base * 1.1, `probe ${index + 1} came ${wait} ms after the one before, not about ${base} ms (${waits.join(', ')})`);
  });
  assert.equal(h.fetchCalls.length, requestsWhenOffline, 'no job request goes out while the endpoint cannot be reached');
  for (const view of await h.jobs()) {
    assert.notEqual(view.state, 'failed', `${view.id}: ${view.message}`);
    assert.doesNotMatch(view.message ?? '', /Retrying/, 'an outage spends no retry');
  }

  await h.server.comeBack();
  clock.advance(status.nextProbeAt - clock.now());
  await waitUntil(() => queueStatus(h), (s) => s.pausedBecause === null, 10_000, 'the queue to resume by itself');
  for (const id of ids) {
    const view = await h.waitForJob(id, 'ready');
    assert.equal(view.message, null);
  }
  assert.ok(ids.every((id) => h.server.fetchCount(id) === 2), 'each job is asked once more after the outage, as its next poll');
});

test('"Try now" probes at once, and the queue resumes without waiting for the next probe', async () => {
  const { h, clock } = await outageSetup(['211']);
  await h.server.goDown();
  clock.advance(2_000 * 1.1);
  await offlineWithProbePlanned(h);
  // Still down: the probe goes out at once, fails, and the next is planned again from the shortest wait.
  assert.equal((await h.core.handlers.retryConnectionNow(undefined)).nextProbeAt, null, 'a probe is out');
  const status = await offlineWithProbePlanned(h, 1);
  assert.ok(status.nextProbeAt - clock.now() <= 1_100);
  await h.server.comeBack();
  await h.core.handlers.retryConnectionNow(undefined);
  await waitUntil(() => queueStatus(h), (s) => s.pausedBecause === null, 10_000, 'the queue to resume after "Try now"');
  await h.waitForJob('211', 'ready');
  assert.ok(clock.now() < status.nextProbeAt, 'resumed before the planned probe');
});

test('a user pause and an outage together: the pause shows, and resuming while still offline shows the outage', async () => {
  const { h, clock } = await outageSetup(['221']);
  await h.server.goDown();
  clock.advance(2_000 * 1.1);
  await offlineWithProbePlanned(h);
  assert.equal((await h.core.handlers.pauseQueue(undefined)).pausedBecause, 'user');
  assert.equal((await h.core.handlers.resumeQueue(undefined)).pausedBecause, 'offline');
  await h.server.comeBack();
  clock.advance(30_000 * 1.1);
  await h.waitForJob('221', 'ready');
});

test('a connection cut for one job while the endpoint answers is that job\'s fault: it retries and fails, the others go on', async () => {
  const h = await start({
    scenarios: { '231': [{ answer: 'reset' }], '232': [{ answer: 'success', images: image }] },
  });
  await h.addText('231 232');
  const failed = await h.waitForJob('231', 'failed');
  assert.match(failed.message ?? '', /Gave up after 3 retries/);
  assert.equal(sentFor(h, '231'), 4);
  await h.waitForJob('232', 'ready');
  assert.ok(h.events.every((e) => e.event !== 'queueStatus' || (e.payload as QueueStatus).pausedBecause !== 'offline'), 'the queue never showed itself offline');
});
