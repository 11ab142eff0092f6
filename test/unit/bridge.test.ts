import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventChannel, requestChannel, requestNames } from '../../preload/api-contract';
import { createBridgeApi } from '../../preload/bridge';

test('the bridge exposes exactly the contract: one method per request and on()', async () => {
  const calls: Array<[string, unknown]> = [];
  const api = createBridgeApi({
    invoke: async (name, request) => {
      calls.push([name, request]);
      return { ok: true, value: null };
    },
    subscribe: () => () => undefined,
  });
  assert.deepEqual(Object.keys(api).sort(), [...requestNames, 'on'].sort());
  assert.ok(Object.isFrozen(api));
  await api.addJobs({ sources: [{ name: null, text: '1' }] });
  await api.getKeyStatus();
  assert.deepEqual(calls, [['addJobs', { sources: [{ name: null, text: '1' }] }], ['getKeyStatus', undefined]]);
});

test('events reach their listener until it unsubscribes; unknown events are refused', () => {
  const listeners = new Map<string, (payload: unknown) => void>();
  const api = createBridgeApi({
    invoke: async () => ({ ok: true, value: null }),
    subscribe: (name, listener) => {
      listeners.set(name, listener);
      return () => listeners.delete(name);
    },
  });
  const received: unknown[] = [];
  const unsubscribe = api.on('jobsRemoved', (ids) => received.push(ids));
  listeners.get('jobsRemoved')?.(['1']);
  unsubscribe();
  assert.equal(listeners.size, 0);
  assert.deepEqual(received, [['1']]);
  assert.throws(() => api.on('readFile' as 'jobsRemoved', () => undefined), /Unknown event/);
});

test('channel names are namespaced so no other ipc message can collide', () => {
  assert.equal(requestChannel('setKey'), 'headshots:request:setKey');
  assert.equal(eventChannel('jobsUpdated'), 'headshots:event:jobsUpdated');
});
