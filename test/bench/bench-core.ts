// The app's core as the benches run it: no key (nothing is fetched), no dialogs, no log.
import { createAppCore, type AppCore } from '../../main/core/app-core';
import type { SecretStore } from '../../main/core/keychain';
import type { EventName, Events } from '../../preload/api-contract';

const noKey: SecretStore = { read: async () => null, write: async () => undefined, erase: async () => undefined };

export const coreForBench = (userDataDir: string, emit: <E extends EventName>(event: E, payload: Events[E]) => void = () => undefined): Promise<AppCore> =>
  createAppCore({
    fetch: (url, init) => fetch(url, init),
    secretStore: noKey,
    userDataDir,
    chooseFolder: async () => null,
    revealInFileManager: () => undefined,
    confirmEndpointHost: async () => false,
    emit,
    log: () => undefined,
  });
