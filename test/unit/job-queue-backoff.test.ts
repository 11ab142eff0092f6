// The spacing of retries, on a clock the test moves by hand: exact delays, whatever the machine's load.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobView } from '../../preload/api-contract';
import { createJobQueue, type QueueTiming } from '../../main/core/job-queue';
import type { FetchOutcome, ModelsLabClient } from '../../main/core/modelslab-client';
import { createManualClock } from '../support/manual-clock';

const timing: Partial<QueueTiming> = { retryBaseMs: 1_000, retryCapMs: 5_000, maxRetries: 5 };
// A fault of this request alone (an unreachable endpoint pauses the whole queue instead: job-queue-outage).
const blip: FetchOutcome = { kind: 'network-error', message: 'Could not reach ModelsLab (CERT_HAS_EXPIRED)', failure: 'other' };

/** A queue whose requests the test answers, on a manual clock, with the jitter's random draw fixed. */
function queueOnManualClock(random: () => number) {
  const clock = createManualClock();
  const requests: Array<{ id: string; at: number; answer(outcome: FetchOutcome): void }> = [];
  const client: ModelsLabClient = {
    fetchJob: (id) => new Promise<FetchOutcome>((resolve) => requests.push({ id, at: clock.now(), answer: resolve })),
    probe: async () => ({ reachable: true }),
  };
  const views = new Map<string, JobView>();
  const queue = createJobQueue({
    client,
    clock,
    random,
    timing,
    concurrency: () => 4,
    pollDeadlineMs: () => 3_600_000,
    onJobChanged: (view) => views.set(view.id, view),
    onJobsRemoved: () => undefined,
    onStatusChanged: () => undefined,
  });
  queue.setApiKey('a-key-for-tests-1234');
  /** Answers the latest request and lets the queue take the answer in. */
  const answerLatest = async (outcome: FetchOutcome) => {
    requests.at(-1)!.answer(outcome);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { clock, queue, requests, views, answerLatest };
}

/**
 * Fails the job's request and returns how long the queue waited before the next one: the clock is
 * moved a millisecond at a time, so a retry sent early (or at once) is caught at the millisecond.
 */
async function waitBeforeRetry(setup: ReturnType<typeof queueOnManualClock>): Promise<number> {
  const { clock, requests, answerLatest } = setup;
  const sent = requests.length;
  await answerLatest(blip);
  assert.equal(requests.length, sent, 'no retry is sent the moment the fault comes in');
  const faultAt = clock.now();
  for (let waited = 0; waited <= 60_000; waited += 1) {
    if (requests.length > sent) return requests.at(-1)!.at - faultAt;
    clock.advance(1);
  }
  throw new Error('no retry within a minute');
}

test('retries wait the backoff delay, doubling each time up to the cap', async () => {
  // A draw of 0.5 puts the jitter in the middle: the delays are the plain backoff.
  const setup = queueOnManualClock(() => 0.5);
  setup.queue.add(['1']);
  assert.equal(setup.requests.length, 1);
  const waits: number[] = [];
  for (let fault = 1; fault <= 5; fault += 1) {
    waits.push(await waitBeforeRetry(setup));
    assert.match(setup.views.get('1')?.message ?? '', new RegExp(`Retrying \\(${fault} of 5\\)`));
  }
  assert.deepEqual(waits, [1_000, 2_000, 4_000, 5_000, 5_000]);
  // The sixth fault is one too many: the job fails and nothing more is scheduled.
  await setup.answerLatest(blip);
  assert.equal(setup.views.get('1')?.state, 'failed');
  assert.deepEqual(setup.clock.pendingDelays(), []);
  setup.queue.dispose();
});

test('the jitter keeps each delay within 10 % of the backoff, both ways', async () => {
  for (const [draw, expected] of [
    [0, [900, 1_800, 3_600]],
    [0.999_999, [1_100, 2_200, 4_400]],
  ] as const) {
    const setup = queueOnManualClock(() => draw);
    setup.queue.add(['2']);
    const waits = [await waitBeforeRetry(setup), await waitBeforeRetry(setup), await waitBeforeRetry(setup)];
    assert.deepEqual(waits, expected, `random() = ${draw}`);
    setup.queue.dispose();
  }
});

test('jobs that fail together are not retried in step: each draws its own jitter', async () => {
  const draws = [0, 0.999_999];
  const setup = queueOnManualClock(() => draws.shift() ?? 0.5);
  setup.queue.add(['3', '4']);
  assert.deepEqual(
    setup.requests.map((request) => request.id),
    ['3', '4'],
  );
  setup.requests[0]!.answer(blip);
  setup.requests[1]!.answer(blip);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(setup.clock.pendingDelays(), [900, 1_100]);
  setup.clock.advance(900);
  assert.deepEqual(setup.requests.slice(2).map((request) => request.id), ['3']);
  setup.clock.advance(200);
  assert.deepEqual(setup.requests.slice(2).map((request) => request.id), ['3', '4']);
  setup.queue.dispose();
});
