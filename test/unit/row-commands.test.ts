import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commandForKey, rowCommands } from '../../renderer/src/lib/row-commands';
import { jobView } from '../support/job-views';

const labels = (items: ReturnType<typeof rowCommands>) => items.map((item) => item.label);

test('a row alone offers its own commands', () => {
  assert.deepEqual(labels(rowCommands(jobView('4101', 'failed'))), ['Retry', 'Copy ID', 'Remove from the list']);
  assert.equal(commandForKey('r', jobView('4101', 'ready')), null, 'R on a job that did not fail does nothing');
});

test('a row of a selection of several acts on the selection and says how many', () => {
  const selected = { total: 5, ready: 2, failed: 3, removable: 4, cancellable: 0 };
  assert.deepEqual(labels(rowCommands(jobView('4101', 'ready'), selected)), ['Save 2 jobs', 'Retry 3 jobs', 'Copy 5 IDs', 'Remove 4 jobs from the list…']);
  assert.deepEqual(labels(rowCommands(jobView('4101', 'failed'), { total: 2, ready: 1, failed: 0, removable: 1, cancellable: 0 })), ['Save 1 job', 'Copy 2 IDs', 'Remove 1 job from the list…']);
  // R retries the selection's failed jobs even from a row that did not fail; with none failed it does nothing.
  assert.equal(commandForKey('r', jobView('4101', 'ready'), selected), 'retry');
  assert.equal(commandForKey('r', jobView('4101', 'failed'), { ...selected, failed: 0 }), null);
  assert.equal(commandForKey('Delete', jobView('4101', 'saving'), selected), 'remove');
});

test("a row's Cancel: its own job alone, the selection's waiting ones when it is one of several", () => {
  assert.deepEqual(labels(rowCommands(jobView('4101', 'processing'))), ['Cancel', 'Copy ID', 'Remove from the list']);
  const selected = { total: 4, ready: 1, failed: 0, removable: 4, cancellable: 3 };
  assert.deepEqual(labels(rowCommands(jobView('4101', 'ready'), selected)), ['Save 1 job', 'Cancel 3 jobs', 'Copy 4 IDs', 'Remove 4 jobs from the list…']);
  assert.deepEqual(labels(rowCommands(jobView('4101', 'ready'), { ...selected, cancellable: 0 })), ['Save 1 job', 'Copy 4 IDs', 'Remove 4 jobs from the list…']);
});
