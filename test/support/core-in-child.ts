// Runs the core in a process of its own, so a test can kill it mid-batch like a crash would.
//   node --import tsx test/support/core-in-child.ts <user-data dir> <endpoint template> <keychain service> <IDs…>
import { createAppCore } from '../../main/core/app-core';
import { createKeytarSecretStore } from '../../main/core/keychain';
import { fastTiming } from './core-harness';

const [userDataDir, endpointTemplate, keychainService, ...ids] = process.argv.slice(2);
const core = await createAppCore({
  fetch: (url, init) => fetch(url, init),
  secretStore: createKeytarSecretStore(keychainService),
  userDataDir: userDataDir!,
  defaultEndpointTemplate: endpointTemplate,
  chooseFolder: async () => null,
  revealInFileManager: () => undefined,
  confirmEndpointHost: async () => true,
  emit: () => undefined,
  timing: fastTiming,
  storeWriteDelayMs: 10,
  log: (message) => console.error(message),
});
await core.handlers.addJobs({ sources: [{ name: null, text: ids.join('\n') }] });
console.log('started');
