// The core as the child-process scripts start it: real keychain, fast timing, no window.
import { createAppCore } from '../../main/core/app-core';
import { createKeytarSecretStore } from '../../main/core/keychain';
import { fastTiming } from './core-harness';

export function startChildCore(userDataDir: string, endpointTemplate: string, keychainService: string, saveFolder: string | null = null) {
  return createAppCore({
    fetch: (url, init) => fetch(url, init),
    secretStore: createKeytarSecretStore(keychainService),
    userDataDir,
    defaultEndpointTemplate: endpointTemplate,
    chooseFolder: async () => saveFolder,
    revealInFileManager: () => undefined,
    confirmEndpointHost: async () => true,
    emit: () => undefined,
    timing: fastTiming,
    storeWriteDelayMs: 10,
    log: (message) => console.error(message),
  });
}
