import type { SaveProgress } from '../../../preload/api-contract';
import { api, valueOrThrow } from '../lib/api';
import { currentFolder, moveToFront } from '../lib/save-folders';
import { laterProgress } from '../lib/save-progress';

/** Where saving goes and how the batch under way is doing. */
class SavingStore {
  /** Most recent first; the first is where "save as they arrive" saves. */
  recentFolders = $state<string[]>([]);
  /** The folder picked in the save bar; main moves it to the front only when something is saved into it. */
  picked = $state<string | null>(null);
  /** Where saving goes: the folder picked, else the most recent. */
  folder = $derived(currentFolder(this.recentFolders, this.picked));
  progress = $state<SaveProgress | null>(null);

  /** Takes a report that may be older than the one shown (events and answers can cross). */
  mergeProgress = (incoming: SaveProgress): void => {
    this.progress = laterProgress(this.progress, incoming);
  };

  /** Asks main for the recent folders again (the list is being opened): one gone since leaves it, with a notice from main. */
  refreshFolders = async (): Promise<void> => {
    this.recentFolders = (await valueOrThrow(api.listSaveFolders())).recent;
  };

  pick = (folder: string): void => {
    this.picked = folder;
  };

  /** The native folder dialog; the folder chosen, or null when cancelled. */
  chooseFolder = async (): Promise<string | null> => {
    const chosen = await valueOrThrow(api.chooseSaveFolder());
    if (chosen.folder === null) return null;
    this.picked = chosen.folder;
    // Main sends the new list too; this keeps the list right until it arrives.
    this.recentFolders = moveToFront(this.recentFolders, chosen.folder);
    return chosen.folder;
  };

  /** Saves into the current folder, asking for one first when there is none; false when the person cancelled. */
  save = async (ids: string[] | 'all-ready'): Promise<boolean> => {
    const folder = this.folder ?? (await this.chooseFolder());
    if (folder === null) return false;
    await valueOrThrow(api.saveJobs({ folder, ids }));
    // The final progress event may still be on its way; the bar must not wait for it.
    this.mergeProgress(await valueOrThrow(api.getSaveProgress()));
    return true;
  };

  showFolder = (folder: string) => valueOrThrow(api.showInFolder({ folder }));

  /** "Stop saving": the batches under way stop; their jobs stay ready, and saving again finishes them. */
  stop = async (): Promise<void> => {
    await valueOrThrow(api.stopSaving());
    this.mergeProgress(await valueOrThrow(api.getSaveProgress()));
  };
}

export const saving = new SavingStore();
