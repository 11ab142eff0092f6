import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addSample, describeFetchOverview, fetchOverview, formatCount, formatTimeLeft, secondsLeft } from '../../renderer/src/lib/batch-overview';
import { retryVerdict } from '../../renderer/src/lib/job-list';
import { jobView } from '../support/job-views';

const counts = { queued: 200, fetching: 4, processing: 18, ready: 253, saving: 25, saved: 1100, failed: 400 };

test('the batch in one line: done of all, failed, to go, with thousands grouped', () => {
  const overview = fetchOverview(counts);
  assert.deepEqual(overview, { total: 2000, done: 1378, failed: 400, toGo: 222 });
  assert.equal(describeFetchOverview(overview), '1,378 of 2,000 done · 400 failed · 222 to go');
  assert.equal(describeFetchOverview(fetchOverview({ ...counts, queued: 0, fetching: 0, processing: 0, failed: 0 })), '1,378 of 1,378 done · none to go');
  assert.equal(formatCount(100000), '100,000');
});

test('time left follows the last minute’s rate, and says nothing until there is one', () => {
  let samples = addSample([], { at: 0, finished: 0 });
  assert.equal(secondsLeft(samples, 100, 0), null);
  samples = addSample(samples, { at: 10_000, finished: 20 });
  // 2 jobs a second: 100 to go take 50 s.
  assert.equal(secondsLeft(samples, 100, 10_000), 50);
  // A stall counts: 20 s later with nothing finished, the rate has halved.
  assert.equal(secondsLeft(samples, 100, 20_000), 100);
  // The same count again adds nothing; fewer is a new batch.
  assert.equal(addSample(samples, { at: 11_000, finished: 20 }).length, 2);
  assert.deepEqual(addSample(samples, { at: 12_000, finished: 3 }), [{ at: 12_000, finished: 3 }]);
  // Samples older than a minute fall out.
  samples = addSample(samples, { at: 65_000, finished: 40 });
  assert.deepEqual(samples.map((sample) => sample.at), [10_000, 65_000]);
  assert.equal(secondsLeft(samples, 0, 65_000), null);
});

test('time left in words', () => {
  assert.equal(formatTimeLeft(null), '');
  assert.equal(formatTimeLeft(12), 'less than a minute left');
  assert.equal(formatTimeLeft(170), 'about 3 min left');
  assert.equal(formatTimeLeft(3600), 'about 1 h left');
  assert.equal(formatTimeLeft(4800), 'about 1 h 20 min left');
});

test('a failure says whether a retry can help, as the core judged it', () => {
  assert.equal(retryVerdict(jobView('1', 'failed', { retryable: true })), 'Retry may help.');
  assert.equal(retryVerdict(jobView('1', 'failed', { retryable: false })), "Retrying won't help.");
  assert.equal(retryVerdict(jobView('1', 'ready')), null);
});
