// The jobs the person ticked, as a plain Set of IDs: like the job list, it stays outside reactive
// state (a selection of 100,000 IDs would be costly to proxy), and the window counts its changes.
import type { JobState, JobView } from '../../../preload/api-contract';

export type JobSelection = Set<string>;

/** How the "select all" box looks: ticked, empty, or in between. */
export type SelectAllState = 'none' | 'some' | 'all';

export function setSelected(selection: JobSelection, ids: Iterable<string>, selected: boolean): void {
  for (const id of ids) {
    if (selected) selection.add(id);
    else selection.delete(id);
  }
}

/** Drops IDs that left the list; says whether the selection changed. */
export function forgetRemoved(selection: JobSelection, removedIds: Iterable<string>): boolean {
  let changed = false;
  for (const id of removedIds) changed = selection.delete(id) || changed;
  return changed;
}

export function selectAllState(selection: JobSelection, total: number): SelectAllState {
  if (selection.size === 0 || total === 0) return 'none';
  return selection.size >= total ? 'all' : 'some';
}

/** The selected jobs in one state: what "Save selected" sends. */
export function selectedInState(selection: JobSelection, byId: ReadonlyMap<string, JobView>, state: JobState): string[] {
  return [...selection].filter((id) => byId.get(id)?.state === state);
}

export function countSelectedInState(selection: JobSelection, byId: ReadonlyMap<string, JobView>, state: JobState): number {
  let count = 0;
  for (const id of selection) if (byId.get(id)?.state === state) count += 1;
  return count;
}
