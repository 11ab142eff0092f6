// The jobs the person selected, as a plain Set of IDs: like the job list, it stays outside reactive
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

/** The selected jobs in one state: what Save (ready) and Retry (failed) send. */
export function selectedInState(selection: JobSelection, byId: ReadonlyMap<string, JobView>, state: JobState): string[] {
  return [...selection].filter((id) => byId.get(id)?.state === state);
}

/** The selected jobs that can still be cancelled: what Cancel sends. */
export function selectedCancellable(selection: JobSelection, byId: ReadonlyMap<string, JobView>): string[] {
  return [...selection].filter((id) => {
    const view = byId.get(id);
    return view !== undefined && isCancellable(view.state);
  });
}

/** How a row or its box was clicked: Shift extends a range, Ctrl (⌘ on a Mac) toggles one job. */
export interface SelectionGesture {
  range: boolean;
  toggle: boolean;
  /** Where a keyboard range starts when there is no anchor yet: the row the focus moves from. */
  from?: string;
}

/**
 * Applies a click on a row (or its box) the way file managers do: a plain click selects only that
 * job, Ctrl/⌘ toggles it, Shift selects the jobs between the anchor and it in the order shown
 * (adding to the selection with Ctrl/⌘ too). Returns the new anchor, the job a later Shift-click
 * extends from.
 */
export function selectByGesture(
  selection: JobSelection,
  visible: readonly string[],
  anchor: string | null,
  id: string,
  gesture: SelectionGesture,
): string {
  if (gesture.range) {
    const to = visible.indexOf(id);
    // Shift+Down from a row nobody clicked yet starts the range at that row, as file managers do.
    const start = anchor !== null && visible.includes(anchor) ? anchor : (gesture.from ?? null);
    const startIndex = start === null ? -1 : visible.indexOf(start);
    const from = startIndex >= 0 ? startIndex : to;
    if (!gesture.toggle) selection.clear();
    if (to < 0) return anchor ?? id;
    setSelected(selection, visible.slice(Math.min(from, to), Math.max(from, to) + 1), true);
    // The anchor stays put, so the next Shift-click redraws the range from the same job.
    return startIndex >= 0 ? start! : id;
  }
  if (gesture.toggle) {
    setSelected(selection, [id], !selection.has(id));
  } else {
    selection.clear();
    selection.add(id);
  }
  return id;
}

/** Ctrl/⌘-A: exactly the jobs shown, so what is hidden by a filter is never acted on by surprise. */
export function selectOnly(selection: JobSelection, ids: Iterable<string>): void {
  selection.clear();
  setSelected(selection, ids, true);
}

/** Keeps the selected jobs that pass a test (those still shown after the filter changed); says whether any left. */
export function keepSelectedWhere(selection: JobSelection, keep: (id: string) => boolean): boolean {
  let changed = false;
  for (const id of selection) {
    if (!keep(id)) {
      selection.delete(id);
      changed = true;
    }
  }
  return changed;
}

/** How the "select all shown" box looks, from the number shown and how many of them are selected. */
export function selectShownState(selectedCount: number, selectedShownCount: number, shownCount: number): SelectAllState {
  if (selectedCount === 0 || shownCount === 0) return 'none';
  return selectedShownCount >= shownCount ? 'all' : 'some';
}

/** The states a job can be cancelled in (it is still waiting or being fetched): a row's Cancel and the selection's. */
export function isCancellable(state: JobState): boolean {
  return state === 'queued' || state === 'fetching' || state === 'processing';
}

/** What the selection toolbar offers, counted in one pass over the selection (not the list). */
export interface SelectionCounts {
  total: number;
  /** Ready jobs: what Save takes. */
  ready: number;
  /** Failed jobs: what Retry takes. */
  failed: number;
  /** Every job but those being saved: what Remove takes. */
  removable: number;
  /** Jobs still waiting or being fetched (queued, fetching, processing): what Cancel takes, as a row's Cancel does. */
  cancellable: number;
  /** Those the list shows now (the rest are hidden by the filter or search). */
  shown: number;
}

export function countSelection(selection: JobSelection, byId: ReadonlyMap<string, JobView>, isShown: (view: JobView) => boolean = () => true): SelectionCounts {
  const counts: SelectionCounts = { total: 0, ready: 0, failed: 0, removable: 0, cancellable: 0, shown: 0 };
  for (const id of selection) {
    const view = byId.get(id);
    if (!view) continue;
    counts.total += 1;
    if (isShown(view)) counts.shown += 1;
    if (view.state === 'ready') counts.ready += 1;
    if (view.state === 'failed') counts.failed += 1;
    if (view.state !== 'saving') counts.removable += 1;
    if (isCancellable(view.state)) counts.cancellable += 1;
  }
  return counts;
}

/** The selected IDs in the order shown, then any selected but not shown, in the order given. */
export function selectedInOrder(selection: JobSelection, shown: readonly string[], all: readonly string[]): string[] {
  const ordered = shown.filter((id) => selection.has(id));
  if (ordered.length === selection.size) return ordered;
  const taken = new Set(ordered);
  for (const id of all) if (selection.has(id) && !taken.has(id)) ordered.push(id);
  return ordered;
}
