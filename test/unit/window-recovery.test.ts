import assert from 'node:assert/strict';
import { test } from 'node:test';
import { maxReloads, recoveryFor, reloadWindowMs } from '../../main/desktop/window-recovery';

test('a crashed or frozen window is reloaded with a notice that the job list is as it was', () => {
  assert.deepEqual(recoveryFor({ kind: 'gone', reason: 'crashed' }, [], 1_000), {
    action: 'reload',
    notice: 'The window stopped: it crashed and was reloaded. Your job list is as it was; saving and fetching went on.',
  });
  assert.deepEqual(recoveryFor({ kind: 'gone', reason: 'oom' }, [], 1_000), {
    action: 'reload',
    notice: 'The window stopped: it ran out of memory and was reloaded. Your job list is as it was; saving and fetching went on.',
  });
  assert.deepEqual(recoveryFor({ kind: 'unresponsive' }, [], 1_000), {
    action: 'reload',
    notice: 'The window stopped responding and was reloaded. Your job list is as it was; saving and fetching went on.',
  });
});

test('a window that closes normally is left alone', () => {
  assert.deepEqual(recoveryFor({ kind: 'gone', reason: 'clean-exit' }, [], 1_000), { action: 'none' });
});

test('a window that keeps failing is not reloaded in a loop; reloads long ago do not count', () => {
  const now = 100_000;
  const recent = Array.from({ length: maxReloads }, (_, i) => now - 1_000 * (i + 1));
  const gaveUp = recoveryFor({ kind: 'gone', reason: 'crashed' }, recent, now);
  assert.equal(gaveUp.action, 'give-up');
  assert.match(gaveUp.action === 'give-up' ? gaveUp.message : '', /3 times within a minute.*Quit Headshot Fetcher and open it again/);
  const old = recent.map((at) => at - reloadWindowMs);
  assert.equal(recoveryFor({ kind: 'gone', reason: 'crashed' }, old, now).action, 'reload');
});
