// The job table's columns, in one list: their header, width and sort key. A new column is one entry
// here and one cell in JobTable's row snippet.
import type { SortKey } from './job-view-filter';

export type JobColumnId = 'select' | 'id' | 'name' | 'state' | 'images' | 'detail' | 'savedIn' | 'action';

export interface JobColumn {
  id: JobColumnId;
  /** The header's words (read out when hidden). */
  label: string;
  /** Shown to screen readers only: the box and the action column explain themselves. */
  labelHidden?: boolean;
  /** Pressing the header sorts by this. */
  sort?: SortKey;
  /** A CSS width; null takes what the others leave. */
  width: string | null;
  /** Left out when the list is narrower than this (px): what it says is also in the row's menu or details. */
  minListWidth?: number;
  /** Shown only when jobs came from a table, whose cells give each a name. */
  needsNames?: boolean;
}

export const jobColumns: readonly JobColumn[] = [
  { id: 'select', label: 'Select', labelHidden: true, width: '34px' },
  // Widened by JobTable to the longest ID listed (up to 20 digits), so every ID shows whole.
  { id: 'id', label: 'Job ID', sort: 'id', width: idColumnWidth(11) },
  // Shares what the fixed columns leave with Details, so both keep room in the smallest window.
  { id: 'name', label: 'Name', sort: 'name', width: null, needsNames: true },
  { id: 'state', label: 'Status', sort: 'state', width: '124px' },
  { id: 'images', label: 'Images', sort: 'images', width: '146px' },
  { id: 'detail', label: 'Details', width: null },
  { id: 'savedIn', label: 'Saved in', width: 'max(180px, 20%)', minListWidth: 1000 },
  { id: 'action', label: 'Action', labelHidden: true, width: '88px' },
];

/** The ID column's width for IDs of this many digits: the monospaced face's `ch` is one digit, plus the cell's padding. */
export function idColumnWidth(digits: number): string {
  return `calc(${digits}ch + 26px)`;
}

/** The columns a list of this width shows; the Name column only when the jobs have names. */
export const columnsFor = (listWidth: number, { names = false }: { names?: boolean } = {}, columns: readonly JobColumn[] = jobColumns): JobColumn[] =>
  columns.filter((column) => (column.minListWidth === undefined || listWidth >= column.minListWidth) && (!column.needsNames || names));
