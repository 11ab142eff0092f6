// The job list as the window shows it, and the jobs the person selected in it. Both are plain
// structures outside reactive state (100,000 jobs would be costly to proxy); a version number
// counts their changes, and what the window shows is derived from those numbers.
import type { JobView } from '../../../preload/api-contract';
import { distinctHeaders, guessNameColumn, headerKey, labelValue } from '../../../preload/shared/job-labels';
import { api, messageOf, valueOrThrow } from '../lib/api';
import { copyText } from '../lib/clipboard';
import { animationFrameOrTimeout, createFrameQueue } from '../lib/frame-queue';
import { maxJobsPerPiece } from '../../../preload/shared/job-pieces';
import { applyJobEvents, chunkJobUpdate, createJobList, jobEventWeight, plural, type JobEvent } from '../lib/job-list';
import {
  defaultViewOptions,
  dependsOnJobContent,
  isFiltered,
  matchesView,
  normalizeSearch,
  visibleJobIds,
  type JobViewOptions,
  type SortKey,
} from '../lib/job-view-filter';
import {
  countSelection,
  forgetRemoved,
  keepSelectedWhere,
  selectByGesture,
  selectedCancellable,
  selectedInOrder,
  selectedInState,
  selectOnly,
  selectShownState,
  type SelectionGesture,
} from '../lib/selection';
import { notices } from './notices.svelte';
import { saving } from './saving.svelte';
import { settings } from './settings.svelte';

class JobsStore {
  list = createJobList();
  /** Counts changes to the job list. */
  version = $state(0);
  /** Counts changes to which jobs are listed (added or removed): all that some views depend on. */
  membershipVersion = $state(0);
  /** Counts changes to the label columns the jobs carry (a table's headers arriving or leaving). */
  headersVersion = $state(0);
  view = $state.raw<JobViewOptions>(defaultViewOptions);
  /** The clock the "links probably expired" warning reads; it moves once a minute. */
  now = $state(Date.now());

  counts = $derived((void this.version, { ...this.list.counts }));
  total = $derived((void this.version, this.list.order.length));
  /** The IDs shown, recomputed only when what they depend on changed: a storm of state changes leaves an ID sort alone. */
  visibleIds = $derived.by(() => {
    void this.membershipVersion;
    const view = { ...this.view, nameColumn: this.nameColumn };
    if (dependsOnJobContent(view)) void this.version;
    return visibleJobIds(this.list, view);
  });
  /** Whether a filter or search hides some jobs. */
  filtered = $derived(isFiltered(this.view));
  /** The headers of the jobs' labels (the columns of the tables they came from), each once. */
  labelHeaders = $derived.by(() => {
    void this.headersVersion;
    return distinctHeaders(this.list.headerSpellings.keys());
  });
  /** The column the person picked to show as Name (kept in the settings); null lets the window guess. */
  chosenNameColumn = $derived(settings.current?.nameColumn ?? null);
  /** The column shown as Name: the one picked, else the first that reads like a name, else the first of text. */
  nameColumn = $derived.by(() => {
    const headers = this.labelHeaders;
    const chosen = this.chosenNameColumn;
    const picked = chosen === null ? undefined : headers.find((header) => headerKey(header) === headerKey(chosen));
    if (picked !== undefined) return picked;
    return guessNameColumn(headers, (header) => {
      const values: string[] = [];
      for (const job of this.list.byId.values()) {
        const value = labelValue(job.labels, header);
        if (value !== null) values.push(value);
        if (values.length >= 200) break;
      }
      return values;
    });
  });

  // At most about 10,000 jobs' changes per frame, and 1,000 in the first frame of a burst: 100,000
  // jobs arriving at once (a screenful first, then pieces of 10,000) show their first rows at once
  // and fill in over the next frames, instead of freezing the window.
  #events = createFrameQueue<JobEvent>(animationFrameOrTimeout, (events) => this.#apply(events), {
    weigh: jobEventWeight,
    maxWeightPerFrame: maxJobsPerPiece,
    maxWeightAfterQuiet: 1_000,
  });

  /** Applies a frame's worth of job events at once: one version bump, one redraw. */
  #apply(events: JobEvent[]) {
    const effect = applyJobEvents(this.list, events);
    this.version += 1;
    if (effect.membershipChanged) this.membershipVersion += 1;
    if (effect.headersChanged) this.headersVersion += 1;
    if (effect.removedIds.length > 0) selection.forget(effect.removedIds);
  }

  /**
   * The list main had when the window opened: applied like an update, a screenful in the first
   * frame and the rest over the next ones, so a big list kept from the last session shows at once.
   * Events that come after it are queued behind it.
   */
  load(views: JobView[]): void {
    this.updated(views);
  }

  updated(views: JobView[]): void {
    for (const event of chunkJobUpdate(views)) this.#events.push(event);
  }

  removed(ids: string[]): void {
    this.#events.push({ kind: 'removed', ids });
  }

  get = (id: string): JobView | undefined => this.list.byId.get(id);

  /** A new filter or search keeps selected only what it shows: actions never reach jobs out of sight by surprise. */
  changeView = (next: JobViewOptions): void => {
    const filterChanged = next.state !== this.view.state || normalizeSearch(next.search) !== normalizeSearch(this.view.search);
    this.view = next;
    if (filterChanged) selection.keepWhere((id) => matchesView(this.list.byId.get(id), { ...next, nameColumn: this.nameColumn }));
  };

  /** The person picked the column shown as Name: kept in the settings, and recorded in the manifest as the Name. */
  chooseNameColumn = (header: string): void => {
    settings.update({ nameColumn: header }).catch((error: unknown) => notices.show(messageOf(error)));
  };

  /** A column header was pressed: sort by it, or turn the order round when it already sorts. */
  sortBy = (key: SortKey): void => {
    const direction = this.view.sort === key && this.view.direction === 'ascending' ? 'descending' : 'ascending';
    this.changeView({ ...this.view, sort: key, direction });
  };

  showAll = (): void => this.changeView({ ...this.view, state: 'all', search: '' });

  cancel = (ids: string[]) => valueOrThrow(api.cancelJobs({ ids }));
  retry = (ids: string[]) => valueOrThrow(api.retryJobs({ ids }));
  remove = (ids: string[]) => valueOrThrow(api.removeJobs({ ids }));
  showInFolder = (jobId: string) => valueOrThrow(api.showInFolder({ jobId }));
}

export const jobs = new JobsStore();

class SelectionStore {
  ids = new Set<string>();
  /** Counts changes to `ids`. */
  version = $state(0);
  /** The job a Shift-click extends the selection from. */
  #anchor: string | null = null;
  /** An action on the selection is under way: its buttons are aria-disabled, and the window ignores them. */
  busy = $state(false);
  /** What the last action did, announced politely. */
  note = $state('');
  /** Removing several selected jobs waits for "Remove them" in the selection bar. */
  confirmingRemove = $state(false);

  counts = $derived.by(() => {
    void jobs.version;
    void this.version;
    return countSelection(this.ids, jobs.list.byId, (view) => matchesView(view, { ...jobs.view, nameColumn: jobs.nameColumn }));
  });
  /** Selected jobs the filter or search hides now (they left the view by changing state, say). */
  notShown = $derived(this.counts.total - this.counts.shown);
  selectAllState = $derived(selectShownState(this.counts.total, this.counts.shown, jobs.visibleIds.length));

  has = (id: string): boolean => this.ids.has(id);

  #change(change: () => boolean | void) {
    if (change() !== false) this.version += 1;
  }

  selectWithGesture = (id: string, gesture: SelectionGesture): void =>
    this.#change(() => {
      this.#anchor = selectByGesture(this.ids, jobs.visibleIds, this.#anchor, id, gesture);
    });

  selectAllShown = (): void => this.#change(() => selectOnly(this.ids, jobs.visibleIds));

  clear = (): void => {
    this.#anchor = null;
    this.#change(() => (this.ids.size > 0 ? this.ids.clear() : false));
  };

  keepWhere(keep: (id: string) => boolean): void {
    this.#change(() => keepSelectedWhere(this.ids, keep));
  }

  forget(removedIds: readonly string[]): void {
    this.#change(() => forgetRemoved(this.ids, removedIds));
    if (this.#anchor !== null && !jobs.list.byId.has(this.#anchor)) this.#anchor = null;
  }

  /** Runs an action on the selection; what it did is announced in the selection bar, a refusal as a notice. */
  async #act(action: () => Promise<string | null>) {
    if (this.busy) return;
    this.busy = true;
    this.note = '';
    try {
      this.note = (await action()) ?? '';
    } catch (error) {
      notices.show(messageOf(error));
    } finally {
      this.busy = false;
    }
  }

  save = () =>
    this.#act(async () => {
      await saving.save(selectedInState(this.ids, jobs.list.byId, 'ready'));
      return null;
    });

  retry = () =>
    this.#act(async () => {
      const { retried } = await jobs.retry(selectedInState(this.ids, jobs.list.byId, 'failed'));
      return `Fetching ${plural(retried, 'job', 'jobs')} again.`;
    });

  /** Stops fetching the selected jobs still waiting or being fetched, as each row's Cancel does. */
  cancel = () =>
    this.#act(async () => {
      const { cancelled } = await jobs.cancel(selectedCancellable(this.ids, jobs.list.byId));
      return `Cancelled ${plural(cancelled, 'job', 'jobs')}; Retry fetches them again.`;
    });

  remove = () =>
    this.#act(async () => {
      const { removed } = await jobs.remove([...this.ids].filter((id) => jobs.get(id)?.state !== 'saving'));
      return `Removed ${plural(removed, 'job', 'jobs')} from the list.`;
    });

  /** Remove, from the bar's button or a selected row's Delete: one job at once, several after the bar's confirmation. */
  askToRemove = (): void => {
    if (this.counts.removable > 1 && !this.confirmingRemove) this.confirmingRemove = true;
    else {
      this.confirmingRemove = false;
      void this.remove();
    }
  };

  copy = () =>
    this.#act(async () => {
      const ids = selectedInOrder(this.ids, jobs.visibleIds, jobs.list.order);
      await copyText(ids.join('\n'));
      return `Copied ${plural(ids.length, 'ID', 'IDs')}.`;
    });
}

export const selection = new SelectionStore();
