import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { SaveFolders } from '../../preload/api-contract';
import { versionedFile } from './versioned-file';

const maxRecentFolders = 8;

function parseStored(content: unknown): SaveFolders {
  const recent = (content as { recent?: unknown } | null)?.recent;
  if (!Array.isArray(recent) || !recent.every((folder) => typeof folder === 'string')) throw new Error('its folder list is not a list of paths');
  return { recent: recent.slice(0, maxRecentFolders) };
}

/**
 * The folders the person chose with the native dialog, most recent first. They are the only
 * folders main writes into: a path the window names is checked against this list, never trusted.
 */
export async function openSaveFolders(filePath: string, onNotice: (message: string) => void) {
  const file = versionedFile({ filePath, version: 1, what: 'list of recent folders', parse: parseStored, onNotice });
  let recent = (await file.read())?.recent ?? [];

  /** A folder deleted or moved since leaves the list, with a word: offering it would only fail. Returns the ones that left. */
  async function forgetMissing(): Promise<string[]> {
    const missing: string[] = [];
    for (const folder of recent) {
      const isFolder = await stat(folder).then((found) => found.isDirectory(), () => false);
      if (!isFolder) missing.push(folder);
    }
    if (missing.length > 0) {
      recent = recent.filter((folder) => !missing.includes(folder));
      await file.write({ recent });
      // Counted, not named: notices are logged, and the log holds no folder paths.
      onNotice(
        missing.length === 1
          ? 'A folder you saved into is no longer there (deleted, moved or on a drive not connected), so it left the list of recent folders. Choose a folder to save into.'
          : `${missing.length} folders you saved into are no longer there (deleted, moved or on a drive not connected), so they left the list of recent folders. Choose a folder to save into.`,
      );
    }
    return missing;
  }
  // At start, and again whenever the person opens the list or saves (a folder can go mid-session).
  await forgetMissing();

  return {
    forgetMissing,
    list: (): SaveFolders => ({ recent: [...recent] }),
    /** The folder "save as they arrive" saves into. */
    current: (): string | null => recent[0] ?? null,
    isChosen: (folder: string) => recent.includes(resolve(folder)),
    /** Puts a folder first; only for one the dialog returned or one already on the list. */
    async use(folder: string): Promise<void> {
      const chosen = resolve(folder);
      if (recent[0] === chosen) return;
      recent = [chosen, ...recent.filter((other) => other !== chosen)].slice(0, maxRecentFolders);
      await file.write({ recent });
    },
  };
}

export type SaveFolderList = Awaited<ReturnType<typeof openSaveFolders>>;
