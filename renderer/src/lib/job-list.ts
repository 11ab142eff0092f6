import { jobStates, type IntakeSummary, type JobState, type JobView } from '../../../preload/api-contract';
import { batchPieces } from '../../../preload/shared/job-pieces';
import { isTemporaryImageHost } from '../../../preload/shared/temporary-image-hosts';
import { unreachable } from '../../../preload/shared/unreachable';
import { savedFileNames } from './save-folders';

/** The order the window counts and sorts states in: the order a job goes through them. */
export const stateOrder: readonly JobState[] = jobStates;

export const stateLabels: Record<JobState, string> = {
  queued: 'Queued',
  fetching: 'Fetching',
  processing: 'Processing',
  ready: 'Ready',
  saving: 'Saving',
  saved: 'Saved',
  failed: 'Failed',
};

/**
 * The job list as the window keeps it: IDs in arrival order and the latest view of each. It is a
 * plain structure, not reactive state: with 100,000 jobs, deep reactivity costs more than it
 * gives, so the window counts changes with a version number instead.
 *
 * What the window shows of the whole list (the count of each state, the label columns, the
 * longest ID) is kept up to date as views arrive and leave, so a frame costs what changed in it,
 * never a walk over every job.
 */
export interface JobList {
  order: string[];
  byId: Map<string, JobView>;
  /** Jobs in each state. */
  counts: Record<JobState, number>;
  /** Each spelling of a label header, with how many jobs carry it. */
  headerSpellings: Map<string, number>;
  /** The longest ID listed, in characters (0 for none). */
  longestId: number;
}

export const createJobList = (): JobList => ({
  order: [],
  byId: new Map(),
  counts: countByState([]),
  headerSpellings: new Map(),
  longestId: 0,
});

/** What applying views or removing jobs changed beyond the views themselves. */
interface ListChange {
  added: number;
  /** A header spelling appeared or the last job carrying one left: the label columns may differ. */
  headersChanged: boolean;
}

/** Counts a job's header spellings in or out; true when a spelling appeared or went. */
function countHeaders(list: JobList, labels: JobView['labels'], by: 1 | -1): boolean {
  if (!labels) return false;
  let changed = false;
  for (const [header] of labels) {
    const carriers = (list.headerSpellings.get(header) ?? 0) + by;
    if (carriers <= 0) {
      list.headerSpellings.delete(header);
      changed = true;
    } else {
      if (carriers === 1 && by === 1) changed = true;
      list.headerSpellings.set(header, carriers);
    }
  }
  return changed;
}

function applyViews(list: JobList, views: readonly JobView[]): ListChange {
  let added = 0;
  let headersChanged = false;
  for (const view of views) {
    const before = list.byId.get(view.id);
    if (before === undefined) {
      list.order.push(view.id);
      added += 1;
      if (view.id.length > list.longestId) list.longestId = view.id.length;
    } else list.counts[before.state] -= 1;
    list.counts[view.state] += 1;
    // The new labels are counted in before the old ones out, so the same headers never seem to go and come back.
    if (countHeaders(list, view.labels, 1)) headersChanged = true;
    if (before !== undefined && countHeaders(list, before.labels, -1)) headersChanged = true;
    list.byId.set(view.id, view);
  }
  return { added, headersChanged };
}

/** Returns how many of the views were new jobs (appended), as opposed to changes to listed ones. */
export function applyJobUpdates(list: JobList, views: readonly JobView[]): number {
  return applyViews(list, views).added;
}

function removeListed(list: JobList, ids: readonly string[]): boolean {
  const removed = new Set<string>();
  let headersChanged = false;
  let longestLeft = false;
  for (const id of ids) {
    const view = list.byId.get(id);
    if (view === undefined) continue;
    removed.add(id);
    list.byId.delete(id);
    list.counts[view.state] -= 1;
    headersChanged = countHeaders(list, view.labels, -1) || headersChanged;
    if (id.length === list.longestId) longestLeft = true;
  }
  if (removed.size === 0) return false;
  list.order = list.order.filter((id) => !removed.has(id));
  if (longestLeft) list.longestId = list.order.reduce((longest, id) => Math.max(longest, id.length), 0);
  return headersChanged;
}

export function removeJobs(list: JobList, ids: readonly string[]): void {
  removeListed(list, ids);
}

/** A job event from main, as the window queues it until the next frame. */
export type JobEvent = { kind: 'updated'; views: JobView[] } | { kind: 'removed'; ids: string[] };

/** A big update as pieces a frame can apply quickly (see job-pieces.ts); the order of the jobs is kept. */
export function chunkJobUpdate(views: JobView[]): JobEvent[] {
  const pieces = batchPieces(views.length);
  if (pieces.length <= 1) return [{ kind: 'updated', views }];
  return pieces.map(([start, end]) => ({ kind: 'updated', views: views.slice(start, end) }));
}

export const jobEventWeight = (event: JobEvent): number => (event.kind === 'updated' ? event.views.length : event.ids.length);

/** What a frame's worth of events changed: the jobs listed (membership), or only their contents. */
export interface JobEventsEffect {
  membershipChanged: boolean;
  removedIds: string[];
  /** The label columns may differ: a header spelling appeared or went. */
  headersChanged: boolean;
}

/**
 * Applies queued events in the order they came. Removals in a row are merged, so a burst of them
 * rebuilds the order array once rather than once per event.
 */
export function applyJobEvents(list: JobList, events: readonly JobEvent[]): JobEventsEffect {
  let membershipChanged = false;
  let headersChanged = false;
  const removedIds: string[] = [];
  let pendingRemoval: string[] = [];
  const removePending = () => {
    if (pendingRemoval.length === 0) return;
    if (removeListed(list, pendingRemoval)) headersChanged = true;
    // A loop, not push(...ids): clearing 100,000 jobs would pass too many arguments.
    for (const id of pendingRemoval) removedIds.push(id);
    membershipChanged = true;
    pendingRemoval = [];
  };
  for (const event of events) {
    if (event.kind === 'removed') {
      for (const id of event.ids) pendingRemoval.push(id);
    } else {
      removePending();
      const change = applyViews(list, event.views);
      if (change.added > 0) membershipChanged = true;
      if (change.headersChanged) headersChanged = true;
    }
  }
  removePending();
  return { membershipChanged, removedIds, headersChanged };
}

export function countByState(views: Iterable<JobView>): Record<JobState, number> {
  const counts = Object.fromEntries(stateOrder.map((state) => [state, 0])) as Record<JobState, number>;
  for (const view of views) counts[view.state] += 1;
  return counts;
}

export function formatEta(seconds: number | null): string {
  if (seconds === null) return 'waiting for ModelsLab';
  if (seconds < 1) return 'almost done';
  if (seconds < 90) return `about ${Math.round(seconds)} s left`;
  return `about ${Math.round(seconds / 60)} min left`;
}

/** ModelsLab deletes temporary images 24 hours after making them; warn an hour before. */
export const linkLifetimeWarningMs = 23 * 3_600_000;

/** Only links on ModelsLab's own temporary hosts expire; a customer's own bucket keeps its images. */
export function linksProbablyExpired(view: JobView, now: number): boolean {
  return (
    view.state === 'ready' &&
    view.outputsFirstSeenAt !== null &&
    now - view.outputsFirstSeenAt > linkLifetimeWarningMs &&
    view.imageHosts.some(isTemporaryImageHost)
  );
}

export const nsfwNote = 'Flagged as NSFW by ModelsLab; images may be blank.';

/** The one action a row offers for its state. */
export type RowAction = 'cancel' | 'retry' | 'remove' | null;

export function rowAction(view: JobView): RowAction {
  switch (view.state) {
    case 'queued':
    case 'fetching':
    case 'processing':
      return 'cancel';
    case 'failed':
      return 'retry';
    case 'saving':
      return null;
    case 'ready':
    case 'saved':
      return 'remove';
    default:
      return unreachable(view.state);
  }
}

/** For a failed job, whether fetching it again can help, as the core judged it (a cancel can be retried; an unknown ID cannot). */
export function retryVerdict(view: JobView): string | null {
  if (view.state !== 'failed') return null;
  return view.retryable ? 'Retry may help.' : "Retrying won't help.";
}

/** The detail column: what a person wants to know about the job right now, and ModelsLab's NSFW flag. */
export function jobDetail(view: JobView, now = Date.now()): string {
  const detail = currentDetail(view, now);
  if (!view.nsfwFlagged) return detail;
  return detail ? `${nsfwNote} ${detail}` : nsfwNote;
}

function currentDetail(view: JobView, now: number): string {
  if (view.state === 'processing') return formatEta(view.etaSeconds);
  if (linksProbablyExpired(view, now)) {
    return 'Found more than 23 hours ago: ModelsLab deletes images after 24 hours, so the links have probably expired. Save now.';
  }
  if (view.message) return view.message;
  // The folder has a column of its own; the names are enough here.
  if (view.state === 'saved') return savedFileNames(view.savedPaths);
  return '';
}

export const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

export function describeIntake(summary: IntakeSummary): string {
  const parts = [`Added ${plural(summary.added, 'job', 'jobs')}`];
  if (summary.alreadyListed > 0) parts.push(`${summary.alreadyListed} already in the list`);
  if (summary.repeatedInDrop > 0) parts.push(plural(summary.repeatedInDrop, 'repeat skipped', 'repeats skipped'));
  if (summary.rejectedCount > 0) parts.push(`${summary.rejectedCount} not understood`);
  if ((summary.labelled ?? 0) > 0) parts.push(`names and other columns attached to ${plural(summary.labelled ?? 0, 'job already listed', 'jobs already listed')}`);
  return [parts.join(' · '), ...(summary.notes ?? [])].join('. ');
}
