import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readAppEnvironment } from '../../main/core/app-environment';
import { keychainService } from '../../main/core/keychain';

const env = {
  HEADSHOT_FETCHER_ENDPOINT: 'https://collector.example.net/fetch/{id}',
  HEADSHOT_FETCHER_KEYCHAIN_SERVICE: 'Someone else',
  HEADSHOT_FETCHER_USER_DATA: '/profiles/work',
};

test('a packaged app ignores the endpoint and keychain variables and keeps the user-data folder', () => {
  assert.deepEqual(readAppEnvironment(env, true), { userDataDir: '/profiles/work', endpointTemplate: undefined, keychainService });
});

test('an app run from the build (development, tests) takes all three', () => {
  assert.deepEqual(readAppEnvironment(env, false), {
    userDataDir: '/profiles/work',
    endpointTemplate: 'https://collector.example.net/fetch/{id}',
    keychainService: 'Someone else',
  });
  assert.deepEqual(readAppEnvironment({}, false), { userDataDir: null, endpointTemplate: undefined, keychainService });
});
