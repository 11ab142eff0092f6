// Runs keytar against the real Secret Service (a private GNOME Keyring on Linux, the login
// keychain on macOS, the Credential Vault on Windows) under service names no user has.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { createKeytarSecretStore } from '../../main/core/keychain';
import { testSecretStore } from '../support/core-harness';

test('a key is written, read back, replaced and erased in the system keychain', async () => {
  const store = testSecretStore();
  try {
    assert.equal(await store.read(), null);
    await store.write('first-key-0123456789');
    assert.equal(await store.read(), 'first-key-0123456789');
    await store.write('second-key-ÄÖÜ-0123456789');
    assert.equal(await store.read(), 'second-key-ÄÖÜ-0123456789');
    await store.erase();
    assert.equal(await store.read(), null);
    await store.erase();
  } finally {
    await store.erase().catch(() => undefined);
  }
});

test('entries of different services do not see each other', async () => {
  const one = testSecretStore();
  const other = testSecretStore();
  try {
    await one.write('key-of-one-0123456789');
    assert.equal(await other.read(), null);
    const sameService = createKeytarSecretStore(one.service);
    assert.equal(await sameService.read(), 'key-of-one-0123456789');
  } finally {
    await one.erase().catch(() => undefined);
  }
});

test(
  'a keychain that is not there is reported as unavailable, with what to do',
  { skip: process.platform !== 'linux' && 'only on Linux can a test take the Secret Service away' },
  () => {
    // libsecret keeps its bus connection per process, so the missing bus is tried in a child.
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', `
        import { createKeytarSecretStore } from './main/core/keychain.ts';
        try { await createKeytarSecretStore('Headshot Fetcher test absent').read(); console.log('read worked'); }
        catch (error) { console.log(error.name + ': ' + error.message); }`],
      { env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/headshot-fetcher-bus' }, encoding: 'utf8', timeout: 30_000 },
    );
    assert.match(child.stdout, /KeychainUnavailableError: The system keychain is not available.*Secret Service/, child.stderr);
  },
);
