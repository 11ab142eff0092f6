import type { ImageCacheUsage, KeyStatus, Settings } from '../../../preload/api-contract';
import { api, RequestError, valueOrThrow } from '../lib/api';

/** The settings main keeps, and what the window may know of the key (never the key itself). */
class SettingsStore {
  /** Null until main has answered. */
  current = $state<Settings | null>(null);
  key = $state<KeyStatus | null>(null);
  /** Why the keychain could not keep the key (main's words), once it said so: the key form then offers this session only. */
  keychainProblem = $state<string | null>(null);

  /** Remembers a keychain that cannot work; other errors pass untouched. */
  noteKeychainError = (error: unknown): void => {
    if (error instanceof RequestError && error.code === 'keychain-unavailable') this.keychainProblem = error.message;
  };
  /** Counts the asks to open the settings sheet from outside it (the menu's Settings…). */
  openRequests = $state(0);
  /** Counts the asks to enter a new key from outside the key's menu (a rejected key's banner). */
  keyEditRequests = $state(0);

  /** Sends a change; main answers with the settings it keeps, which the window then shows. Throws a refusal. */
  update = async (patch: Partial<Settings>): Promise<Settings> => {
    const next = await valueOrThrow(api.updateSettings(patch));
    this.current = next;
    return next;
  };

  /** Stores the key in the keychain, or with `sessionOnly` keeps it in main's memory until the app quits. */
  setKey = async (key: string, sessionOnly = false): Promise<void> => {
    try {
      this.key = await valueOrThrow(api.setKey(sessionOnly ? { key, sessionOnly } : { key }));
    } catch (error) {
      this.noteKeychainError(error);
      throw error;
    }
  };

  clearKey = async (): Promise<void> => {
    this.key = await valueOrThrow(api.clearKey());
  };

  imageCacheUsage = (): Promise<ImageCacheUsage> => valueOrThrow(api.getImageCacheUsage());
  clearImageCache = (): Promise<ImageCacheUsage> => valueOrThrow(api.clearImageCache());
}

export const settings = new SettingsStore();
