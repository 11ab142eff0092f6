import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFrameQueue } from '../../renderer/src/lib/frame-queue';
import { applyJobEvents, chunkJobUpdate, createJobList, jobEventWeight, type JobEvent } from '../../renderer/src/lib/job-list';
import { jobView } from '../support/job-views';
import { countedArray, cpuMillisecondsOf, readBudget } from '../support/work-budget';

const view = jobView;

/** A stand-in for requestAnimationFrame: frames come when the test says. */
function manualFrames() {
  const waiting: Array<() => void> = [];
  return {
    schedule: (run: () => void) => void waiting.push(run),
    scheduled: () => waiting.length,
    nextFrame: () => waiting.splice(0).forEach((run) => run()),
  };
}

test('whatever arrives between two frames is handed over once, in order, at the next frame', () => {
  const frames = manualFrames();
  const delivered: number[][] = [];
  const queue = createFrameQueue<number>(frames.schedule, (items) => delivered.push(items));
  for (let item = 1; item <= 1_000; item += 1) queue.push(item);
  assert.equal(frames.scheduled(), 1, 'one frame asked for, however many items');
  assert.equal(delivered.length, 0);
  frames.nextFrame();
  assert.equal(delivered.length, 1);
  assert.equal(delivered[0]!.length, 1_000);
  assert.deepEqual(delivered[0]!.slice(0, 3), [1, 2, 3]);

  frames.nextFrame();
  assert.equal(delivered.length, 1, 'a frame with nothing new delivers nothing');
  queue.push(1_001);
  frames.nextFrame();
  assert.deepEqual(delivered[1], [1_001]);
});

test('flush hands over what waits at once, and the frame then has nothing to do', () => {
  const frames = manualFrames();
  const delivered: string[][] = [];
  const queue = createFrameQueue<string>(frames.schedule, (items) => delivered.push(items));
  queue.push('a');
  queue.flush();
  assert.deepEqual(delivered, [['a']]);
  frames.nextFrame();
  assert.equal(delivered.length, 1);
  queue.push('b');
  assert.equal(frames.scheduled(), 1, 'after a flush the next push asks for a frame again');
});

test('a frame of job events is applied in order, with removals in a row merged', () => {
  const list = createJobList();
  const events: JobEvent[] = [
    { kind: 'updated', views: [view('1', 'queued'), view('2', 'queued'), view('3', 'queued')] },
    { kind: 'updated', views: [view('2', 'ready')] },
    { kind: 'removed', ids: ['1'] },
    { kind: 'removed', ids: ['3'] },
    // Added again after its removal: it comes back at the end.
    { kind: 'updated', views: [view('1', 'fetching')] },
  ];
  assert.deepEqual(applyJobEvents(list, events), { membershipChanged: true, removedIds: ['1', '3'], headersChanged: false });
  assert.deepEqual(list.order, ['2', '1']);
  assert.equal(list.byId.get('2')?.state, 'ready');
  assert.equal(list.byId.get('1')?.state, 'fetching');

  assert.deepEqual(applyJobEvents(list, [{ kind: 'updated', views: [view('2', 'saving')] }]), { membershipChanged: false, removedIds: [], headersChanged: false }, 'a change of state alone leaves membership');
});

test('removing 250,000 jobs in one frame neither overflows the stack nor does more than linear work', () => {
  const jobCount = 250_000;
  const list = createJobList();
  const ids = Array.from({ length: jobCount }, (_, index) => String(1_000_000 + index));
  applyJobEvents(list, [{ kind: 'updated', views: ids.map((id) => view(id, 'queued')) }]);
  // Each ID is read a few times at most (from the event, from the list's order): a removal that
  // searches the order for every ID reads it over and over and spends the budget at once.
  const budget = readBudget(5 * jobCount, 'removing jobs');
  list.order = countedArray(list.order, budget);
  const events: JobEvent[] = [
    { kind: 'removed', ids: countedArray(ids.slice(0, jobCount / 2), budget) },
    { kind: 'removed', ids: countedArray(ids.slice(jobCount / 2), budget) },
  ];
  // So many IDs passed as arguments at once (push(...ids)) overflow the stack.
  const { result: effect, cpuMs } = cpuMillisecondsOf(() => applyJobEvents(list, events));
  // Work on the code's own arrays is not counted above; its processor time is: some 200 ms when
  // linear, more than a minute when quadratic.
  assert.ok(cpuMs < 10_000, `removing took ${cpuMs.toFixed(0)} ms of processor time`);
  assert.equal(effect.removedIds.length, jobCount);
  assert.deepEqual(effect.removedIds.slice(0, 2), ids.slice(0, 2));
  assert.deepEqual(list.order, []);
  assert.equal(list.byId.size, 0);
});

test('with a budget, a frame takes as much as fits and the rest follows at the next frames, in order', () => {
  const frames = manualFrames();
  const delivered: number[][] = [];
  const queue = createFrameQueue<number>(frames.schedule, (items) => delivered.push(items), { weigh: (item) => item, maxWeightPerFrame: 10 });
  [4, 5, 3, 20, 1].forEach((item) => queue.push(item));
  frames.nextFrame();
  assert.deepEqual(delivered, [[4, 5]]);
  frames.nextFrame();
  assert.deepEqual(delivered.at(-1), [3], 'an item that would pass the budget waits');
  frames.nextFrame();
  assert.deepEqual(delivered.at(-1), [20], 'an item bigger than the budget goes alone');
  frames.nextFrame();
  assert.deepEqual(delivered.at(-1), [1]);
  assert.equal(frames.scheduled(), 0);
  queue.push(7);
  queue.push(8);
  queue.flush();
  assert.deepEqual(delivered.at(-1), [7, 8], 'flush hands over everything at once');
});

test('the first frame of a burst takes a screenful, the next ones the full budget, and a quiet frame starts over', () => {
  const frames = manualFrames();
  const delivered: number[][] = [];
  const queue = createFrameQueue<number>(frames.schedule, (items) => delivered.push(items), { weigh: (item) => item, maxWeightPerFrame: 10_000, maxWeightAfterQuiet: 1_000 });
  // Main leads a big batch with a screenful (200 jobs), then sends the rest in events of 10,000 and less.
  [200, 9_800, 10_000].forEach((item) => queue.push(item));
  frames.nextFrame();
  assert.deepEqual(delivered, [[200]], 'the screenful is drawn alone, not held back by the bulk behind it');
  frames.nextFrame();
  assert.deepEqual(delivered.at(-1), [9_800]);
  frames.nextFrame();
  assert.deepEqual(delivered.at(-1), [10_000]);
  assert.equal(frames.scheduled(), 0);
  // Quiet since: the next burst starts small again.
  [500, 500, 500].forEach((item) => queue.push(item));
  frames.nextFrame();
  assert.deepEqual(delivered.at(-1), [500, 500]);
  frames.nextFrame();
  assert.deepEqual(delivered.at(-1), [500]);
});

test('a 100,000-job update is applied as a screenful, then pieces of 10,000, keeping the order', () => {
  const views = Array.from({ length: 100_000 }, (_, index) => view(String(index + 1), 'queued'));
  const pieces = chunkJobUpdate(views);
  assert.deepEqual(pieces.map(jobEventWeight), [200, ...Array<number>(9).fill(10_000), 9_800]);
  const list = createJobList();
  applyJobEvents(list, pieces);
  assert.deepEqual(list.order.slice(0, 3), ['1', '2', '3']);
  assert.equal(list.order.length, 100_000);
  assert.deepEqual(chunkJobUpdate(views.slice(0, 5)), [{ kind: 'updated', views: views.slice(0, 5) }]);
});
