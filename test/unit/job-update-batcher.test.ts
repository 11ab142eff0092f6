import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createJobUpdateBatcher } from '../../main/core/job-update-batcher';
import { restOfBigBatchAfterMs } from '../../preload/shared/job-pieces';
import { createManualClock } from '../support/manual-clock';
import { jobView } from '../support/job-views';

const views = (count: number, from = 1_000_000) => Array.from({ length: count }, (_, index) => jobView(String(from + index), 'queued'));

function batcherOnManualClock() {
  const clock = createManualClock();
  const sent: string[][] = [];
  const batcher = createJobUpdateBatcher({ clock, delayMs: 50, send: (batch) => sent.push(batch.map((view) => view.id)) });
  return { clock, sent, batcher };
}

test('a big batch goes out as a screenful first, and the rest a moment later, in order', () => {
  const { clock, sent, batcher } = batcherOnManualClock();
  const added = views(25_000);
  added.forEach(batcher.add);
  clock.advance(50);
  assert.deepEqual(sent.map((batch) => batch.length), [200], 'the window gets the first rows alone, to draw them before the bulk');
  clock.advance(restOfBigBatchAfterMs);
  assert.deepEqual(sent.map((batch) => batch.length), [200, 10_000, 10_000, 4_800]);
  assert.deepEqual(sent.flat(), added.map((view) => view.id));
});

test('a change that comes while the rest of a batch waits is sent after it; so is a removal (flush)', () => {
  const { clock, sent, batcher } = batcherOnManualClock();
  views(5_000).forEach(batcher.add);
  clock.advance(50);
  // Job 1000000 changes before the rest of the batch is out: its new state must arrive last.
  batcher.add(jobView('1000000', 'ready'));
  batcher.add(jobView('1004999', 'ready'));
  // A removal flushes: the rest of the batch, then the new changes, all before the removal goes out.
  batcher.flush();
  assert.deepEqual(sent.map((batch) => batch.length), [200, 4_800, 2]);
  assert.deepEqual(sent.at(-1), ['1000000', '1004999']);
  clock.advance(1_000);
  assert.equal(sent.length, 3, 'nothing is sent twice');
});

test('a small batch goes out whole, at once', () => {
  const { clock, sent, batcher } = batcherOnManualClock();
  views(1_000).forEach(batcher.add);
  clock.advance(50);
  assert.deepEqual(sent.map((batch) => batch.length), [1_000]);
});
