import { conflictPolicies, type Settings } from '../../preload/api-contract';
import { saveLayouts } from '../../preload/shared/save-layouts';
import { AppError } from './app-error';
import { checkFileNameTemplate } from '../../preload/shared/file-names';
import { fetchUrlFor } from './modelslab-client';
import { isSecureOrLocalUrl } from './url-policy';
import { versionedFile } from './versioned-file';

export const settingRanges = {
  concurrency: { min: 1, max: 32 },
  downloadConcurrency: { min: 1, max: 16 },
  pollDeadlineSeconds: { min: 1, max: 7 * 24 * 3600 },
} as const;

const settingLabels: Record<keyof typeof settingRanges, string> = {
  concurrency: 'Requests at once',
  downloadConcurrency: 'Downloads at once',
  pollDeadlineSeconds: 'The processing time limit (in seconds)',
};

export function validateEndpointTemplate(value: unknown): string {
  if (typeof value !== 'string' || !value.includes('{id}')) {
    throw new AppError('invalid-settings', 'The endpoint must be a URL with {id} where the job ID goes.');
  }
  let url: URL;
  try {
    url = new URL(fetchUrlFor(value.trim(), '1'));
  } catch {
    throw new AppError('invalid-settings', `"${value}" is not a valid URL.`);
  }
  // The key travels in the request body: never send it in clear text off this machine.
  if (!isSecureOrLocalUrl(url)) {
    throw new AppError('invalid-settings', 'The endpoint must use https (plain http only for this machine).');
  }
  return value.trim();
}

function validateWholeNumber(field: keyof typeof settingRanges, value: unknown): number {
  const { min, max } = settingRanges[field];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new AppError('invalid-settings', `${settingLabels[field]} must be a whole number from ${min} to ${max}.`);
  }
  return value;
}


function validateChoice<T extends string>(value: unknown, choices: readonly T[], what: string): T {
  if (!choices.includes(value as T)) throw new AppError('invalid-settings', `${what} must be one of: ${choices.join(', ')}.`);
  return value as T;
}

/** Checks a settings change that arrived as `unknown`; unknown fields are refused. */
export function validateSettingsPatch(patch: unknown): Partial<Settings> {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw new AppError('invalid-request', 'Settings must be an object.');
  }
  const result: Partial<Settings> = {};
  for (const [field, value] of Object.entries(patch)) {
    if (field === 'endpointTemplate') result.endpointTemplate = validateEndpointTemplate(value);
    else if (Object.hasOwn(settingRanges, field)) result[field as keyof typeof settingRanges] = validateWholeNumber(field as keyof typeof settingRanges, value);
    else if (field === 'saveLayout') result.saveLayout = validateChoice(value, saveLayouts, 'The layout');
    else if (field === 'conflictPolicy') result.conflictPolicy = validateChoice(value, conflictPolicies, 'The choice for existing files');
    else if (field === 'fileNameTemplate') {
      if (typeof value !== 'string') throw new AppError('invalid-settings', 'The file name template must be text.');
      result.fileNameTemplate = value.trim();
    } else if (field === 'saveAsTheyArrive') {
      if (typeof value !== 'boolean') throw new AppError('invalid-settings', '"Save as they arrive" must be on or off.');
      result.saveAsTheyArrive = value;
    } else if (field === 'allowPrivateNetworkLinks') {
      if (typeof value !== 'boolean') throw new AppError('invalid-settings', '"Allow image links to my private network" must be on or off.');
      result.allowPrivateNetworkLinks = value;
    } else if (field === 'nameColumn') {
      if (value !== null && (typeof value !== 'string' || value.length > 1_000)) throw new AppError('invalid-settings', 'The Name column must be a column\'s header.');
      result.nameColumn = value;
    } else if (field === 'manifestColumns') {
      if (!Array.isArray(value) || value.length > 64 || !value.every((header) => typeof header === 'string' && header.length <= 1_000)) {
        throw new AppError('invalid-settings', 'The columns to record must be a list of column headers.');
      }
      result.manifestColumns = value as string[];
    } else throw new AppError('invalid-request', `Unknown setting "${field}".`);
  }
  return result;
}

/** The template is checked with the layout it will be used with, which the same change may set. */
function checkSaveNaming(settings: Settings): void {
  const problem = checkFileNameTemplate(settings.fileNameTemplate, settings.saveLayout);
  if (problem) throw new AppError('invalid-settings', problem);
}

export interface SettingsStoreOptions {
  filePath: string;
  defaults: Settings;
  /** Told when a stored file could not be used and was set aside. */
  onNotice: (message: string) => void;
}

/** Settings kept as versioned JSON in the app's user-data folder, written atomically. */
export async function openSettingsStore({ filePath, defaults, onNotice }: SettingsStoreOptions) {
  const file = versionedFile({ filePath, version: 1, what: 'settings', parse: validateSettingsPatch, onNotice });
  let current: Settings = { ...defaults, ...(await file.read()) };
  try {
    checkSaveNaming(current);
  } catch (error) {
    onNotice(`The stored file name template was not usable (${error instanceof Error ? error.message : String(error)}); the default is used.`);
    current = { ...current, fileNameTemplate: defaults.fileNameTemplate, saveLayout: defaults.saveLayout };
  }
  let updating: Promise<unknown> = Promise.resolve();

  return {
    get: (): Settings => ({ ...current }),
    /** Applies a change after any change under way, so two changes at once both land. */
    update(patch: unknown): Promise<Settings> {
      const change = validateSettingsPatch(patch);
      const applied = updating.catch(() => undefined).then(async () => {
        const next = { ...current, ...change };
        checkSaveNaming(next);
        await file.write(next);
        current = next;
        return { ...current };
      });
      updating = applied;
      return applied;
    },
  };
}

