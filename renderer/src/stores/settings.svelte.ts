import type { ImageCacheUsage, KeyStatus, Settings } from '../../../preload/api-contract';
import { api, valueOrThrow } from '../lib/api';

/** The settings main keeps, and what the window may know of the key (never the key itself). */
class SettingsStore {
  /** Null until main has answered. */
  current = $state<Settings | null>(null);
  key = $state<KeyStatus | null>(null);
  /** Counts the asks to open the settings sheet from outside it (the menu's Settings…). */
  openRequests = $state(0);

  /** Sends a change; main answers with the settings it keeps, which the window then shows. Throws a refusal. */
  update = async (patch: Partial<Settings>): Promise<Settings> => {
    const next = await valueOrThrow(api.updateSettings(patch));
    this.current = next;
    return next;
  };

  setKey = async (key: string): Promise<void> => {
    this.key = await valueOrThrow(api.setKey({ key }));
  };

  clearKey = async (): Promise<void> => {
    this.key = await valueOrThrow(api.clearKey());
  };

  imageCacheUsage = (): Promise<ImageCacheUsage> => valueOrThrow(api.getImageCacheUsage());
  clearImageCache = (): Promise<ImageCacheUsage> => valueOrThrow(api.clearImageCache());
}

export const settings = new SettingsStore();
