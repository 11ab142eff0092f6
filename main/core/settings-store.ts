import { readFile, rename } from 'node:fs/promises';
import type { Settings } from '../../preload/api-contract';
import { writeFileAtomically } from './atomic-file';
import { AppError } from './app-error';
import { isSecureOrLocalUrl } from './url-policy';

const formatVersion = 1;
export const concurrencyRange = { min: 1, max: 32 } as const;

export function validateEndpointTemplate(value: unknown): string {
  if (typeof value !== 'string' || !value.includes('{id}')) {
    throw new AppError('invalid-settings', 'The endpoint must be a URL with {id} where the job ID goes.');
  }
  let url: URL;
  try {
    url = new URL(value.trim().replaceAll('{id}', '1'));
  } catch {
    throw new AppError('invalid-settings', `"${value}" is not a valid URL.`);
  }
  // The key travels in the request body: never send it in clear text off this machine.
  if (!isSecureOrLocalUrl(url)) {
    throw new AppError('invalid-settings', 'The endpoint must use https (plain http only for this machine).');
  }
  return value.trim();
}

export function validateConcurrency(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < concurrencyRange.min || value > concurrencyRange.max) {
    throw new AppError('invalid-settings', `Concurrency must be a whole number from ${concurrencyRange.min} to ${concurrencyRange.max}.`);
  }
  return value;
}

/** Checks a settings change that arrived as `unknown`; unknown fields are refused. */
export function validateSettingsPatch(patch: unknown): Partial<Settings> {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw new AppError('invalid-request', 'Settings must be an object.');
  }
  const result: Partial<Settings> = {};
  for (const [field, value] of Object.entries(patch)) {
    if (field === 'endpointTemplate') result.endpointTemplate = validateEndpointTemplate(value);
    else if (field === 'concurrency') result.concurrency = validateConcurrency(value);
    else throw new AppError('invalid-request', `Unknown setting "${field}".`);
  }
  return result;
}

export interface SettingsStoreOptions {
  filePath: string;
  defaults: Settings;
  /** Told when a stored file could not be used and was set aside. */
  onNotice?: (message: string) => void;
}

/** Settings kept as versioned JSON in the app's user-data folder, written atomically. */
export async function openSettingsStore({ filePath, defaults, onNotice }: SettingsStoreOptions) {
  let current: Settings = { ...defaults };

  async function setAside(why: string) {
    const asidePath = `${filePath}.unreadable-${Date.now()}`;
    await rename(filePath, asidePath).catch(() => undefined);
    onNotice?.(`Your settings could not be read (${why}); defaults are in use and the old file was kept as ${asidePath}.`);
  }

  try {
    const stored = JSON.parse(await readFile(filePath, 'utf8')) as { version?: unknown; settings?: unknown };
    if (stored.version !== formatVersion) {
      await setAside(`it is format ${String(stored.version)}, this version reads ${formatVersion}`);
    } else {
      current = { ...defaults, ...validateSettingsPatch(stored.settings) };
    }
  } catch (error) {
    const missing = typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
    if (!missing) await setAside(error instanceof Error ? error.message : String(error));
  }

  return {
    get: (): Settings => ({ ...current }),
    async update(patch: unknown): Promise<Settings> {
      const next = { ...current, ...validateSettingsPatch(patch) };
      await writeFileAtomically(filePath, JSON.stringify({ version: formatVersion, settings: next }, null, 2));
      current = next;
      return { ...current };
    },
  };
}

export type SettingsStore = Awaited<ReturnType<typeof openSettingsStore>>;
