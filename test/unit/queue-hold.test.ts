import assert from 'node:assert/strict';
import { test } from 'node:test';
import { queueStatusText, secondsLeft } from '../../renderer/src/lib/queue-hold';

test('a hold counts down in whole seconds, never showing 0 while it still holds', () => {
  assert.equal(secondsLeft(10_000, 0), 10);
  assert.equal(secondsLeft(10_000, 500), 10);
  assert.equal(secondsLeft(10_000, 1_000), 9);
  assert.equal(secondsLeft(10_000, 9_999), 1);
  assert.equal(secondsLeft(10_000, 12_000), 1);
});

test('the queue\'s message gets the seconds left only when it goes on by itself at a known time', () => {
  const held = { pausedBecause: 'rate-limited' as const, message: 'ModelsLab asked us to slow down ("Too many").', holdUntil: 30_000 };
  assert.equal(queueStatusText(held, 5_000), 'ModelsLab asked us to slow down ("Too many"). Resuming in 25 s.');
  assert.equal(queueStatusText(held, 6_000), 'ModelsLab asked us to slow down ("Too many"). Resuming in 24 s.');
  assert.equal(queueStatusText({ pausedBecause: 'user', message: 'Paused.', holdUntil: null }, 5_000), 'Paused.');
});
