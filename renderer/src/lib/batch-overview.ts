// The batch at a glance: how far fetching and saving have come, and about how long they still take.
import type { JobState } from '../../../preload/api-contract';

const grouping = new Intl.NumberFormat('en-US');
/** 2000 as "2,000": long counts are read at a glance. */
export const formatCount = (count: number): string => grouping.format(count);

export interface FetchOverview {
  total: number;
  /** Fetched with images: ready, saving or saved. */
  done: number;
  failed: number;
  /** Still to fetch: queued, fetching or processing. */
  toGo: number;
}

export function fetchOverview(counts: Record<JobState, number>): FetchOverview {
  const done = counts.ready + counts.saving + counts.saved;
  const toGo = counts.queued + counts.fetching + counts.processing;
  return { total: done + toGo + counts.failed, done, failed: counts.failed, toGo };
}

/** "1,378 of 2,000 done · 400 failed · 222 to go" */
export function describeFetchOverview(overview: FetchOverview): string {
  const parts = [`${formatCount(overview.done)} of ${formatCount(overview.total)} done`];
  if (overview.failed > 0) parts.push(`${formatCount(overview.failed)} failed`);
  parts.push(overview.toGo > 0 ? `${formatCount(overview.toGo)} to go` : 'none to go');
  return parts.join(' · ');
}

/** How much of a batch has been finished at a moment (ms since 1970). */
export interface ProgressSample {
  at: number;
  finished: number;
}

/** The samples kept for the rate: the last minute's, so a pause or a burst fades out of the estimate. */
export const rateWindowMs = 60_000;

/** Adds a sample (only when the count moved) and drops those older than the window; returns the new list. */
export function addSample(samples: readonly ProgressSample[], sample: ProgressSample): ProgressSample[] {
  const last = samples.at(-1);
  // Fewer finished than before is a new batch (a list cleared, a save started): start over.
  if (last && sample.finished < last.finished) return [sample];
  if (last && sample.finished === last.finished) return [...samples];
  const kept = samples.filter((earlier) => sample.at - earlier.at <= rateWindowMs);
  return [...kept, sample];
}

/**
 * Seconds left at the recent rate; null until there is a rate to tell it from (two samples at least
 * 2 s apart) or when nothing is left.
 */
export function secondsLeft(samples: readonly ProgressSample[], toGo: number, now: number): number | null {
  if (toGo <= 0 || samples.length < 2) return null;
  const first = samples[0]!;
  const last = samples.at(-1)!;
  // The time since the last sample counts too: a batch that stalled is not about to end.
  const elapsed = Math.max(last.at, now) - first.at;
  if (elapsed < 2_000 || last.finished <= first.finished) return null;
  const perSecond = (last.finished - first.finished) / (elapsed / 1000);
  return toGo / perSecond;
}

/** "about 3 min left", "less than a minute left", "about 1 h 20 min left"; "" when unknown. */
export function formatTimeLeft(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '';
  if (seconds < 60) return 'less than a minute left';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min left`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `about ${hours} h left` : `about ${hours} h ${rest} min left`;
}
