import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobView } from '../../preload/api-contract';
import {
  countSelection,
  forgetRemoved,
  isCancellable,
  keepSelectedWhere,
  selectByGesture,
  selectedCancellable,
  selectedInOrder,
  selectedInState,
  selectOnly,
  selectShownState,
  setSelected,
} from '../../renderer/src/lib/selection';
import { rowAction } from '../../renderer/src/lib/job-list';
import { jobView } from '../support/job-views';

const view = (id: string, state: JobView['state']) => jobView(id, state, { imageCount: 1 });

test('ticking and unticking jobs, one or many at once', () => {
  const selection = new Set<string>();
  setSelected(selection, ['1', '2', '3'], true);
  setSelected(selection, ['2'], false);
  setSelected(selection, ['1'], true);
  assert.deepEqual([...selection], ['1', '3']);
});

test('removed jobs leave the selection, and only a real change counts', () => {
  const selection = new Set(['1', '2', '3']);
  assert.equal(forgetRemoved(selection, ['2', '9']), true);
  assert.deepEqual([...selection], ['1', '3']);
  assert.equal(forgetRemoved(selection, ['9']), false);
});

test('Save takes the selected jobs that are ready', () => {
  const byId = new Map([view('1', 'ready'), view('2', 'processing'), view('3', 'ready'), view('4', 'saved')].map((job) => [job.id, job]));
  const selection = new Set(['1', '2', '4', 'gone']);
  assert.deepEqual(selectedInState(selection, byId, 'ready'), ['1']);
  setSelected(selection, ['3'], true);
  assert.deepEqual(selectedInState(selection, byId, 'ready').sort(), ['1', '3']);
  assert.deepEqual(selectedInState(new Set(), byId, 'ready'), []);
});

const shown = ['1', '2', '3', '4', '5', '6'];
const plain = { range: false, toggle: false };
const toggle = { range: false, toggle: true };
const range = { range: true, toggle: false };
const sorted = (selection: Set<string>) => [...selection].sort();

test('a plain click selects only that job and makes it the anchor', () => {
  const selection = new Set(['1', '5']);
  assert.equal(selectByGesture(selection, shown, null, '3', plain), '3');
  assert.deepEqual(sorted(selection), ['3']);
  assert.equal(selectByGesture(selection, shown, '3', '3', plain), '3', 'clicking the only selected job keeps it selected');
  assert.deepEqual(sorted(selection), ['3']);
});

test('Ctrl/⌘-click (and the row box) adds or removes one job and leaves the others', () => {
  const selection = new Set(['1']);
  assert.equal(selectByGesture(selection, shown, '1', '4', toggle), '4');
  assert.deepEqual(sorted(selection), ['1', '4']);
  selectByGesture(selection, shown, '4', '1', toggle);
  assert.deepEqual(sorted(selection), ['4']);
});

test('Shift-click selects the range from the anchor in the order shown, either way, and keeps the anchor', () => {
  const selection = new Set<string>();
  let anchor = selectByGesture(selection, shown, null, '2', plain);
  anchor = selectByGesture(selection, shown, anchor, '5', range);
  assert.equal(anchor, '2');
  assert.deepEqual(sorted(selection), ['2', '3', '4', '5']);
  // A second Shift-click redraws the range from the same anchor, now upwards.
  anchor = selectByGesture(selection, shown, anchor, '1', range);
  assert.deepEqual(sorted(selection), ['1', '2']);
  // The order shown is what counts, not the IDs.
  const reversed = [...shown].reverse();
  selectByGesture(selection, reversed, '5', '3', range);
  assert.deepEqual(sorted(selection), ['3', '4', '5']);
});

test('Ctrl/⌘-Shift-click adds a range to what is selected; without an anchor a Shift-click selects just that job', () => {
  const selection = new Set(['6']);
  selectByGesture(selection, shown, '1', '2', { range: true, toggle: true });
  assert.deepEqual(sorted(selection), ['1', '2', '6']);
  const fresh = new Set(['4']);
  assert.equal(selectByGesture(fresh, shown, null, '2', range), '2');
  assert.deepEqual(sorted(fresh), ['2']);
  assert.equal(selectByGesture(fresh, shown, 'gone', '3', range), '3', 'an anchor no longer shown is replaced');
  assert.deepEqual(sorted(fresh), ['3']);
});

test('Shift+Arrow with no anchor starts the range at the row the focus moves from, and keeps it as the anchor', () => {
  const selection = new Set<string>();
  assert.equal(selectByGesture(selection, shown, null, '3', { range: true, toggle: false, from: '2' }), '2');
  assert.deepEqual(sorted(selection), ['2', '3']);
  assert.equal(selectByGesture(selection, shown, '2', '4', { range: true, toggle: false, from: '3' }), '2', 'an anchor shown wins');
  assert.deepEqual(sorted(selection), ['2', '3', '4']);
  assert.equal(selectByGesture(selection, shown, 'gone', '5', { range: true, toggle: false, from: '4' }), '4', 'an anchor no longer shown gives way');
  assert.deepEqual(sorted(selection), ['4', '5']);
});

test('select all shown replaces the selection; a filter change keeps only what it shows', () => {
  const selection = new Set(['9']);
  selectOnly(selection, ['1', '2']);
  assert.deepEqual(sorted(selection), ['1', '2']);
  assert.equal(keepSelectedWhere(selection, (id) => id !== '2'), true);
  assert.deepEqual(sorted(selection), ['1']);
  assert.equal(keepSelectedWhere(selection, () => true), false);
});

test('the header box follows the jobs shown', () => {
  assert.equal(selectShownState(0, 0, 5), 'none');
  assert.equal(selectShownState(2, 2, 5), 'some');
  assert.equal(selectShownState(5, 5, 5), 'all');
  assert.equal(selectShownState(3, 1, 1), 'all', 'every job shown is selected, though more are selected out of sight');
  assert.equal(selectShownState(2, 0, 0), 'none', 'nothing shown: nothing to tick');
});

test('the selection bar counts what each action would take, in one pass', () => {
  const byId = new Map(
    [view('1', 'ready'), view('2', 'failed'), view('3', 'saving'), view('4', 'failed'), view('5', 'saved')].map((job) => [job.id, job]),
  );
  const selection = new Set(['1', '2', '3', '4', 'gone']);
  assert.deepEqual(countSelection(selection, byId, (job) => job.state !== 'failed'), { total: 4, ready: 1, failed: 2, removable: 3, cancellable: 0, shown: 2 });
  assert.deepEqual(countSelection(new Set(), byId), { total: 0, ready: 0, failed: 0, removable: 0, cancellable: 0, shown: 0 });
});

test("Cancel takes the selected jobs still waiting or being fetched, as a row's Cancel does", () => {
  const byId = new Map(
    [view('1', 'queued'), view('2', 'fetching'), view('3', 'processing'), view('4', 'ready'), view('5', 'saving'), view('6', 'saved'), view('7', 'failed')].map((job) => [job.id, job]),
  );
  const every = new Set(['1', '2', '3', '4', '5', '6', '7', 'gone']);
  assert.equal(countSelection(every, byId).cancellable, 3);
  assert.deepEqual(selectedCancellable(every, byId).sort(), ['1', '2', '3']);
  assert.deepEqual(selectedCancellable(new Set(['4', '6', '7']), byId), []);
  for (const job of byId.values()) assert.equal(isCancellable(job.state), rowAction(job) === 'cancel', job.state);
});

test('copied IDs come in the order shown, then those selected out of sight', () => {
  const selection = new Set(['5', '2', '9', '1']);
  assert.deepEqual(selectedInOrder(selection, ['5', '4', '2'], ['1', '2', '4', '5', '9']), ['5', '2', '1', '9']);
  assert.deepEqual(selectedInOrder(new Set(['2']), ['1', '2'], ['1', '2']), ['2']);
});
