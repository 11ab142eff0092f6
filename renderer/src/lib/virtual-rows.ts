/** Rows drawn above and below the visible ones, so a quick scroll shows no gap. */
export const overscanRows = 10;

/**
 * Which rows of a long list to draw: only those in view (and a margin), so 100,000 jobs cost
 * no more to show than 30.
 */
export function visibleRange(scrollTop: number, viewportHeight: number, rowHeight: number, total: number, overscan = overscanRows): { start: number; end: number } {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const start = Math.max(0, Math.min(total, first - overscan));
  const end = Math.min(total, first + Math.ceil(Math.max(0, viewportHeight) / rowHeight) + overscan);
  return { start, end: Math.max(start, end) };
}

/**
 * The scroll position that shows a whole row below the sticky header, moving as little as
 * possible: keyboard moves to a row that is not drawn yet scroll there first.
 */
export function scrollToShowRow(index: number, rowHeight: number, headerHeight: number, scrollTop: number, viewportHeight: number): number {
  const rowTop = headerHeight + index * rowHeight;
  if (rowTop - headerHeight < scrollTop) return index * rowHeight;
  const rowBottom = rowTop + rowHeight;
  if (rowBottom > scrollTop + viewportHeight) return rowBottom - viewportHeight;
  return scrollTop;
}
