// A run-wide stop given to every download of a 100,000-job run: each download's signal follows it
// while the download runs, and the stop keeps nothing of the download once it has ended.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { linkedSignal } from '../../main/core/linked-signal';

test('the linked signal aborts with the first source that does, and at once when one already has', () => {
  const runStop = new AbortController();
  const batchStop = new AbortController();
  const linked = linkedSignal([runStop.signal, batchStop.signal]);
  assert.equal(linked.signal.aborted, false);
  batchStop.abort(new Error('Stop saving'));
  assert.equal(linked.signal.aborted, true);
  assert.equal((linked.signal.reason as Error).message, 'Stop saving');
  runStop.abort(new Error('later'));
  assert.equal((linked.signal.reason as Error).message, 'Stop saving', 'the first reason stays');

  const already = linkedSignal([new AbortController().signal, AbortSignal.abort('gone')]);
  assert.equal(already.signal.aborted, true);
  assert.equal(already.signal.reason, 'gone');
});

test('once unlinked, a source no longer aborts the signal', () => {
  const runStop = new AbortController();
  const linked = linkedSignal([runStop.signal]);
  linked.unlink();
  runStop.abort();
  assert.equal(linked.signal.aborted, false);
});

test('a long-lived stop linked to 50,000 signals, each unlinked, holds none of them', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const runStop = new AbortController();
  const batchStop = new AbortController();
  const link = (count: number) => {
    for (let index = 0; index < count; index += 1) linkedSignal([runStop.signal, batchStop.signal]).unlink();
  };
  link(1_000); // warm-up: the code's own allocations
  gc();
  const before = getHeapStatistics().used_heap_size;
  link(50_000);
  gc();
  const grown = getHeapStatistics().used_heap_size - before;
  // AbortSignal.any keeps about 100 bytes per signal in each source (10 MB here); a listener never removed, more.
  assert.ok(grown < 1_000_000, `the heap grew by ${(grown / 1e6).toFixed(1)} MB`);
  assert.equal(runStop.signal.aborted, false);
});
