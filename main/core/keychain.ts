// The only module that touches the API key at rest: it lives in the OS keychain, nowhere else.

export interface SecretStore {
  read(): Promise<string | null>;
  write(secret: string): Promise<void>;
  erase(): Promise<void>;
}

export const keychainService = 'Headshot Fetcher';
export const keychainAccount = 'ModelsLab API key';
/** Beside the key: the endpoint host the person confirmed for it, checked before each request. */
export const endpointHostAccount = 'Confirmed endpoint host';

export class KeychainUnavailableError extends Error {
  override name = 'KeychainUnavailableError';
}

interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

async function loadKeytar(): Promise<Keytar> {
  // Loaded on first use, so a machine without a keychain still starts and says why.
  const module = (await import('keytar')) as Keytar & { default?: Keytar };
  return module.default ?? module;
}

/** The error every keychain call gives where keytar cannot work (no Secret Service, no keytar build). */
export function keychainUnavailable(error: unknown): KeychainUnavailableError {
  const detail = error instanceof Error ? error.message : String(error);
  return new KeychainUnavailableError(
    `The system keychain is not available (${detail}), so the key cannot be stored. On Linux, install and start GNOME Keyring, or KWallet with its Secret Service, then restart Headshot Fetcher; or use the key for this session only.`,
  );
}

/** The OS keychain through keytar: macOS Keychain, Windows Credential Vault, Linux Secret Service. */
export function createKeytarSecretStore(service = keychainService, account = keychainAccount): SecretStore {
  async function withKeytar<T>(action: (keytar: Keytar) => Promise<T>): Promise<T> {
    try {
      return await action(await loadKeytar());
    } catch (error) {
      throw keychainUnavailable(error);
    }
  }
  return {
    read: () => withKeytar((keytar) => keytar.getPassword(service, account)),
    write: (secret) => withKeytar((keytar) => keytar.setPassword(service, account, secret)),
    erase: () => withKeytar(async (keytar) => void (await keytar.deletePassword(service, account))),
  };
}
