// What the app takes from its environment. HEADSHOT_FETCHER_ENDPOINT and
// HEADSHOT_FETCHER_KEYCHAIN_SERVICE are for development and tests: a packaged app ignores them, so
// that a variable set by someone else cannot send the key to another host or read another entry.
import { keychainService } from './keychain';

export interface AppEnvironment {
  /** HEADSHOT_FETCHER_USER_DATA: another user-data folder, for people who keep profiles. */
  userDataDir: string | null;
  /** The endpoint the developer chose; never set in a packaged app. */
  endpointTemplate: string | undefined;
  keychainService: string;
}

export function readAppEnvironment(env: Record<string, string | undefined>, isPackaged: boolean): AppEnvironment {
  return {
    userDataDir: env.HEADSHOT_FETCHER_USER_DATA || null,
    endpointTemplate: isPackaged ? undefined : env.HEADSHOT_FETCHER_ENDPOINT || undefined,
    keychainService: (!isPackaged && env.HEADSHOT_FETCHER_KEYCHAIN_SERVICE) || keychainService,
  };
}
