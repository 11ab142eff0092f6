// The queue with a hand-driven client, for orderings a real server cannot be made to produce.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobView } from '../../preload/api-contract';
import { systemClock } from '../../main/core/clock';
import { createJobQueue } from '../../main/core/job-queue';
import type { FetchOutcome, ModelsLabClient } from '../../main/core/modelslab-client';

interface PendingRequest {
  id: string;
  signal: AbortSignal;
  answer(outcome: FetchOutcome): void;
}

function handDrivenQueue() {
  const requests: PendingRequest[] = [];
  const client: ModelsLabClient = {
    fetchJob: (id, _key, signal) =>
      new Promise<FetchOutcome>((resolve) => {
        // An aborted request settles a little later, as one stalled in its body can.
        signal?.addEventListener('abort', () => setTimeout(() => resolve({ kind: 'network-error', message: 'aborted', failure: 'timeout' }), 5));
        requests.push({ id, signal: signal!, answer: resolve });
      }),
    probe: async () => ({ reachable: true }),
  };
  const views = new Map<string, JobView>();
  const queue = createJobQueue({
    client,
    clock: systemClock,
    concurrency: () => 4,
    pollDeadlineMs: () => 60_000,
    onJobChanged: (view) => views.set(view.id, view),
    onJobsRemoved: () => undefined,
    onStatusChanged: () => undefined,
  });
  queue.setApiKey('a-key-for-tests-1234');
  return { queue, requests, views };
}

const tick = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));

test('a cancel after a quick retry stops the new request, even while the old one is still settling', async () => {
  const { queue, requests, views } = handDrivenQueue();
  queue.add(['1']);
  assert.equal(requests.length, 1);
  queue.cancel(['1']);
  queue.retry(['1']);
  assert.equal(requests.length, 2, 'the retry sent a new request at once');
  await tick(); // the first, aborted request settles now
  queue.cancel(['1']);
  assert.equal(requests[1]!.signal.aborted, true, 'the second cancel reached the request in flight');
  requests[1]!.answer({ kind: 'success', outputUrls: ['https://x.test/1.png'], alternateUrls: [[]], nsfwDetected: false });
  await tick();
  assert.equal(views.get('1')?.state, 'failed');
  assert.match(views.get('1')?.message ?? '', /Cancelled/);
  queue.dispose();
});

test('an answer for a removed job changes nothing, and the job added again is asked once', async () => {
  const { queue, requests, views } = handDrivenQueue();
  queue.add(['7']);
  queue.remove(['7']);
  queue.add(['7']);
  await tick();
  assert.equal(requests.filter((request) => !request.signal.aborted).length, 1);
  requests[0]!.answer({ kind: 'success', outputUrls: ['https://x.test/old.png'], alternateUrls: [[]], nsfwDetected: false });
  await tick();
  assert.equal(views.get('7')?.state, 'fetching', 'the old answer was not applied to the new job');
  requests[1]!.answer({ kind: 'success', outputUrls: ['https://x.test/new.png'], alternateUrls: [[]], nsfwDetected: false });
  await tick();
  assert.equal(views.get('7')?.state, 'ready');
  queue.dispose();
});
