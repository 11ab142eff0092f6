import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SaveProgress } from '../../preload/api-contract';
import { createWorkTracker, quitChoiceOf, quitQuestion, quitStep, sleepBlockerStep } from '../../main/desktop/quit-and-sleep';

const progress = (active: boolean, filesDone = 3, filesTotal = 10): SaveProgress => ({
  active,
  folder: '/tmp/x',
  jobsTotal: 5,
  jobsSaved: 1,
  jobsFailed: 0,
  filesTotal,
  filesDone,
  filesSkipped: 0,
  bytesWritten: 0,
  startedAt: 1,
  finishedAt: null,
});

test('quitting with no save under way asks nothing', () => {
  assert.equal(quitQuestion(null), null);
  assert.equal(quitQuestion(progress(false)), null);
});

test('quitting while a batch saves asks: finish the batch, stop now, or cancel, with the files left', () => {
  const question = quitQuestion(progress(true, 3, 10));
  assert.ok(question);
  assert.deepEqual(question.buttons, ['Finish the batch, then quit', 'Stop now and quit', 'Cancel']);
  assert.match(question.detail, /3 of 10 files are saved; 7 are left/);
  assert.equal(question.buttons[question.cancelId], 'Cancel', 'Escape or closing the dialog cancels');
  assert.deepEqual(quitStep(quitChoiceOf(0)), { quit: 'after-batch' });
  assert.deepEqual(quitStep(quitChoiceOf(1)), { quit: 'now' });
  assert.deepEqual(quitStep(quitChoiceOf(2)), { quit: 'no' });
  assert.deepEqual(quitStep(quitChoiceOf(7)), { quit: 'no' });
});

test('sleep is held off while jobs are fetched or saved, and released when the queue is idle', () => {
  const work = createWorkTracker();
  assert.equal(work.hasWork(), false);
  work.jobsUpdated([{ id: '1', state: 'queued' }, { id: '2', state: 'ready' }]);
  assert.equal(work.hasWork(), true, 'a queued job is work while the queue runs');
  work.queueStatus({ pausedBecause: 'offline' });
  assert.equal(work.hasWork(), false, 'a paused queue does nothing that sleep would cut short');
  work.jobsUpdated([{ id: '1', state: 'fetching' }]);
  assert.equal(work.hasWork(), true);
  work.queueStatus({ pausedBecause: null });
  work.jobsUpdated([{ id: '1', state: 'ready' }]);
  assert.equal(work.hasWork(), false);
  work.saveProgress({ active: true });
  assert.equal(work.hasWork(), true, 'a save batch is work');
  work.saveProgress({ active: false });
  work.jobsUpdated([{ id: '3', state: 'processing' }]);
  assert.equal(work.hasWork(), true);
  work.jobsRemoved(['3']);
  assert.equal(work.hasWork(), false);

  assert.equal(sleepBlockerStep(true, false), 'start');
  assert.equal(sleepBlockerStep(true, true), null);
  assert.equal(sleepBlockerStep(false, true), 'stop');
  assert.equal(sleepBlockerStep(false, false), null);
});
