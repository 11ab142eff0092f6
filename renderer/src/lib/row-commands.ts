// What a job's row offers by keyboard and in its menu: each command, its key, and when it applies.
import type { JobView } from '../../../preload/api-contract';

export type RowCommand = 'preview' | 'save' | 'retry' | 'cancel' | 'show-in-folder' | 'copy-id' | 'remove';

export interface RowCommandItem {
  id: RowCommand;
  label: string;
  /** The key that does it on a focused row, as written in the menu. */
  key: string | null;
}

/** The commands that apply to a job now, in the menu's order. */
export function rowCommands(job: JobView): RowCommandItem[] {
  const items: RowCommandItem[] = [];
  if (job.imageCount > 0) items.push({ id: 'preview', label: 'Preview images', key: 'Enter' });
  if (job.state === 'ready') items.push({ id: 'save', label: 'Save', key: 'S' });
  if (job.state === 'failed') items.push({ id: 'retry', label: 'Retry', key: 'R' });
  if (job.state === 'queued' || job.state === 'fetching' || job.state === 'processing') items.push({ id: 'cancel', label: 'Cancel', key: null });
  if (job.savedPaths.length > 0) items.push({ id: 'show-in-folder', label: 'Show in folder', key: null });
  items.push({ id: 'copy-id', label: 'Copy ID', key: null });
  if (job.state !== 'saving') items.push({ id: 'remove', label: 'Remove from the list', key: 'Delete' });
  return items;
}

/** The command a key press on a focused row asks for, if it applies to the job; null otherwise. */
export function commandForKey(key: string, job: JobView): RowCommand | null {
  const wanted: Record<string, RowCommand> = { Enter: 'preview', s: 'save', S: 'save', r: 'retry', R: 'retry', Delete: 'remove', Backspace: 'remove' };
  const command = wanted[key];
  return command !== undefined && rowCommands(job).some((item) => item.id === command) ? command : null;
}
