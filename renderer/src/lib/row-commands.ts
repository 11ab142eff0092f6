// What a job's row offers by keyboard and in its menu: each command, its key, and when it applies.
import type { JobView } from '../../../preload/api-contract';
import { isCancellable } from './selection';

export type RowCommand = 'preview' | 'save' | 'retry' | 'cancel' | 'show-in-folder' | 'copy-id' | 'remove';

export interface RowCommandItem {
  id: RowCommand;
  label: string;
  /** The key that does it on a focused row, as written in the menu. */
  key: string | null;
}

/**
 * The selection a focused row belongs to, when it is one of several: Save, Retry, Cancel, Copy and Remove
 * then act on the selected jobs (each on those it applies to), and the menu says how many.
 */
export interface SelectedJobs {
  total: number;
  ready: number;
  failed: number;
  removable: number;
  /** Those still waiting or being fetched: what Cancel takes. */
  cancellable: number;
}

const jobsWord = (count: number) => (count === 1 ? '1 job' : `${count} jobs`);

/** The commands that apply to a job now, in the menu's order; with `selected`, to the selection it is part of. */
export function rowCommands(job: JobView, selected: SelectedJobs | null = null): RowCommandItem[] {
  const items: RowCommandItem[] = [];
  if (job.imageCount > 0) items.push({ id: 'preview', label: 'Preview images', key: 'Enter' });
  if (selected) {
    if (selected.ready > 0) items.push({ id: 'save', label: `Save ${jobsWord(selected.ready)}`, key: 'S' });
    if (selected.failed > 0) items.push({ id: 'retry', label: `Retry ${jobsWord(selected.failed)}`, key: 'R' });
  } else {
    if (job.state === 'ready') items.push({ id: 'save', label: 'Save', key: 'S' });
    if (job.state === 'failed') items.push({ id: 'retry', label: 'Retry', key: 'R' });
  }
  // With a selection, Cancel takes its jobs still waiting or being fetched, as the selection's toolbar does.
  if (selected) {
    if (selected.cancellable > 0) items.push({ id: 'cancel', label: `Cancel ${jobsWord(selected.cancellable)}`, key: null });
  } else if (isCancellable(job.state)) items.push({ id: 'cancel', label: 'Cancel', key: null });
  if (job.savedPaths.length > 0) items.push({ id: 'show-in-folder', label: 'Show in folder', key: null });
  items.push({ id: 'copy-id', label: selected ? `Copy ${selected.total} IDs` : 'Copy ID', key: null });
  if (selected) {
    if (selected.removable > 0) items.push({ id: 'remove', label: `Remove ${jobsWord(selected.removable)} from the list…`, key: 'Delete' });
  } else if (job.state !== 'saving') items.push({ id: 'remove', label: 'Remove from the list', key: 'Delete' });
  return items;
}

/** The command a key press on a focused row asks for, if it applies to the job; null otherwise. */
export function commandForKey(key: string, job: JobView, selected: SelectedJobs | null = null): RowCommand | null {
  const wanted: Record<string, RowCommand> = { Enter: 'preview', s: 'save', S: 'save', r: 'retry', R: 'retry', Delete: 'remove', Backspace: 'remove' };
  const command = wanted[key];
  return command !== undefined && rowCommands(job, selected).some((item) => item.id === command) ? command : null;
}
