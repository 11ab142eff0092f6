// Which jobs the list shows, and in what order: the state filter, the ID search and the sort,
// applied to the plain job list. It yields only an array of IDs (no per-row objects), costs
// O(n log n) at worst, and the window recomputes it only when the list, the filter or the sort change.
import type { JobState, JobView } from '../../../preload/api-contract';
import { labelValue } from '../../../preload/shared/job-labels';
import { unreachable } from '../../../preload/shared/unreachable';
import { stateOrder, type JobList as FullJobList } from './job-list';

/** What the view reads of the list: the order and the views. */
type JobList = Pick<FullJobList, 'order' | 'byId'>;

export type StateFilter = 'all' | JobState;
export type SortKey = 'arrival' | 'id' | 'state' | 'images' | 'name';
export type SortDirection = 'ascending' | 'descending';

export interface JobViewOptions {
  state: StateFilter;
  /** Part of a job ID, as typed. */
  search: string;
  sort: SortKey;
  direction: SortDirection;
  /** The column of the jobs' labels shown as Name (searched and sorted by), if any. */
  nameColumn?: string | null;
}

export const defaultViewOptions: JobViewOptions = { state: 'all', search: '', sort: 'arrival', direction: 'ascending' };

export const sortLabels: Record<SortKey, string> = {
  arrival: 'Order added',
  id: 'Job ID',
  state: 'Status',
  images: 'Images',
  name: 'Name',
};

/** Spaces around a pasted ID are noise, not part of the search. */
export const normalizeSearch = (search: string): string => search.trim();

export function isFiltered(options: JobViewOptions): boolean {
  return options.state !== 'all' || normalizeSearch(options.search) !== '';
}

export function matchesView(view: JobView | undefined, options: Pick<JobViewOptions, 'state' | 'search' | 'nameColumn'>): boolean {
  if (!view) return false;
  if (options.state !== 'all' && view.state !== options.state) return false;
  const search = normalizeSearch(options.search);
  return search === '' || view.id.includes(search) || nameMatches(view, options.nameColumn, search.toLowerCase());
}

/** The job's Name (its cell in the name column), or '' without one. */
export const nameOf = (view: Pick<JobView, 'labels'> | undefined, nameColumn: string | null | undefined): string =>
  nameColumn ? (labelValue(view?.labels, nameColumn) ?? '') : '';

/** A search also finds a job by its Name, without regard to case. */
function nameMatches(view: JobView | undefined, nameColumn: string | null | undefined, lowerSearch: string): boolean {
  return nameColumn ? nameOf(view, nameColumn).toLowerCase().includes(lowerSearch) : false;
}

/**
 * Whether the visible order can change when a listed job changes (rather than when jobs are added
 * or removed): only when the filter or the sort reads the state or the image count. An ID never
 * changes, so searching or sorting by ID depends on membership alone.
 */
export function dependsOnJobContent(options: JobViewOptions): boolean {
  // A name comes with a table dropped later: searching or sorting by it follows the jobs' labels.
  if (options.nameColumn && (options.sort === 'name' || normalizeSearch(options.search) !== '')) return true;
  return options.state !== 'all' || options.sort === 'state' || options.sort === 'images';
}

/** Job IDs are digits without leading zeros, so the shorter is the smaller; equal lengths compare as text. */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The IDs the list shows, in the order it shows them. Ties keep the order the jobs were added in. */
export function visibleJobIds(list: JobList, options: JobViewOptions): string[] {
  const ids = filteredIds(list, options.state, normalizeSearch(options.search), options.nameColumn ?? null);
  const descending = options.direction === 'descending';

  switch (options.sort) {
    case 'arrival':
      return descending ? ids.reverse() : ids;
    case 'id':
      return ids.sort(descending ? (a, b) => compareIds(b, a) : compareIds);
    case 'state':
      return byState(list, ids, descending);
    case 'images':
      return byImageCount(list, ids, descending);
    case 'name':
      return byName(list, ids, options.nameColumn ?? null, descending);
    default:
      return unreachable(options.sort);
  }
}

function filteredIds(list: JobList, state: StateFilter, search: string, nameColumn: string | null): string[] {
  if (state === 'all' && search === '') return list.order.slice();
  const ids: string[] = [];
  const lowerSearch = search.toLowerCase();
  // A plain loop, the ID test before the map lookup: this runs over every job on each keystroke.
  for (const id of list.order) {
    if (search !== '' && !id.includes(search) && !nameMatches(list.byId.get(id), nameColumn, lowerSearch)) continue;
    if (state !== 'all' && list.byId.get(id)?.state !== state) continue;
    ids.push(id);
  }
  return ids;
}

/** A bucket per state, in the states' own order (queued to failed): linear, and stable by construction. */
function byState(list: JobList, ids: string[], descending: boolean): string[] {
  const buckets = Object.fromEntries(stateOrder.map((state) => [state, [] as string[]])) as Record<JobState, string[]>;
  for (const id of ids) buckets[list.byId.get(id)!.state].push(id);
  const states = descending ? [...stateOrder].reverse() : stateOrder;
  const sorted: string[] = [];
  for (const state of states) for (const id of buckets[state]) sorted.push(id);
  return sorted;
}

function byImageCount(list: JobList, ids: string[], descending: boolean): string[] {
  // The counts are read once, not in every comparison.
  const counts = new Float64Array(ids.length);
  for (let index = 0; index < ids.length; index += 1) counts[index] = list.byId.get(ids[index]!)!.imageCount;
  const indexes = new Uint32Array(ids.length);
  for (let index = 0; index < ids.length; index += 1) indexes[index] = index;
  const sign = descending ? -1 : 1;
  indexes.sort((a, b) => sign * (counts[a]! - counts[b]!) || a - b);
  const sorted = new Array<string>(ids.length);
  for (let index = 0; index < ids.length; index += 1) sorted[index] = ids[indexes[index]!]!;
  return sorted;
}

const nameCollator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** By Name as people sort names (case and accents aside); jobs without one come last either way. */
function byName(list: JobList, ids: string[], nameColumn: string | null, descending: boolean): string[] {
  const names = ids.map((id) => nameOf(list.byId.get(id), nameColumn));
  const indexes = ids.map((_, index) => index);
  const sign = descending ? -1 : 1;
  indexes.sort((a, b) => {
    const [nameA, nameB] = [names[a]!, names[b]!];
    if (nameA === '' || nameB === '') return (nameA === '' ? 1 : 0) - (nameB === '' ? 1 : 0) || a - b;
    return sign * nameCollator.compare(nameA, nameB) || a - b;
  });
  return indexes.map((index) => ids[index]!);
}
