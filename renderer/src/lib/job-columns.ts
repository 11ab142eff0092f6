// The job table's columns, in one list: their header, width and sort key. A new column is one entry
// here and one cell in JobTable's row snippet.
import type { SortKey } from './job-view-filter';

export type JobColumnId = 'select' | 'id' | 'state' | 'images' | 'detail' | 'savedIn' | 'action';

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
}

export const jobColumns: readonly JobColumn[] = [
  { id: 'select', label: 'Select', labelHidden: true, width: '34px' },
  // 20 digits in the monospaced face (its `ch` is one digit) and the cell's padding: the longest ID shows whole.
  { id: 'id', label: 'Job ID', sort: 'id', width: 'calc(20ch + 26px)' },
  { id: 'state', label: 'Status', sort: 'state', width: '124px' },
  { id: 'images', label: 'Images', sort: 'images', width: '146px' },
  { id: 'detail', label: 'Details', width: null },
  { id: 'savedIn', label: 'Saved in', width: 'max(180px, 20%)', minListWidth: 1000 },
  { id: 'action', label: 'Action', labelHidden: true, width: '88px' },
];

/** The columns a list of this width shows. */
export const columnsFor = (listWidth: number, columns: readonly JobColumn[] = jobColumns): JobColumn[] =>
  columns.filter((column) => column.minListWidth === undefined || listWidth >= column.minListWidth);
