import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobView } from '../../preload/api-contract';
import { countSelectedInState, forgetRemoved, selectAllState, selectedInState, setSelected } from '../../renderer/src/lib/selection';

const view = (id: string, state: JobView['state']): JobView => ({
  id,
  state,
  etaSeconds: null,
  message: null,
  retryable: false,
  imageCount: 1,
  outputsFirstSeenAt: null,
  savedPaths: [],
});

test('ticking and unticking jobs, one or many at once', () => {
  const selection = new Set<string>();
  setSelected(selection, ['1', '2', '3'], true);
  setSelected(selection, ['2'], false);
  setSelected(selection, ['1'], true);
  assert.deepEqual([...selection], ['1', '3']);
});

test('the select-all box is empty, in between or ticked', () => {
  const selection = new Set<string>();
  assert.equal(selectAllState(selection, 3), 'none');
  setSelected(selection, ['1'], true);
  assert.equal(selectAllState(selection, 3), 'some');
  setSelected(selection, ['2', '3'], true);
  assert.equal(selectAllState(selection, 3), 'all');
  assert.equal(selectAllState(selection, 0), 'none', 'an empty list has nothing to tick');
});

test('removed jobs leave the selection, and only a real change counts', () => {
  const selection = new Set(['1', '2', '3']);
  assert.equal(forgetRemoved(selection, ['2', '9']), true);
  assert.deepEqual([...selection], ['1', '3']);
  assert.equal(forgetRemoved(selection, ['9']), false);
  assert.equal(selectAllState(selection, 2), 'all');
});

test('"Save selected" takes the ticked jobs that are ready, and counts them', () => {
  const byId = new Map([view('1', 'ready'), view('2', 'processing'), view('3', 'ready'), view('4', 'saved')].map((job) => [job.id, job]));
  const selection = new Set(['1', '2', '4', 'gone']);
  assert.deepEqual(selectedInState(selection, byId, 'ready'), ['1']);
  assert.equal(countSelectedInState(selection, byId, 'ready'), 1);
  setSelected(selection, ['3'], true);
  assert.deepEqual(selectedInState(selection, byId, 'ready').sort(), ['1', '3']);
  assert.equal(countSelectedInState(selection, byId, 'ready'), 2);
  assert.deepEqual(selectedInState(new Set(), byId, 'ready'), []);
});
