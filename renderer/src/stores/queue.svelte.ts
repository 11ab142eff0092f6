import type { QueueStatus } from '../../../preload/api-contract';
import { api, messageOf, valueOrThrow } from '../lib/api';
import { notices } from './notices.svelte';

/** The outage notice: what happened, what to do, and when the next try is (counting down), or that it is under way. */
export function offlineNotice(status: QueueStatus, now: number): string | null {
  if (status.pausedBecause !== 'offline' || !status.message) return null;
  const what = status.message.replace(/\.$/, '');
  if (status.nextProbeAt === null || status.nextProbeAt === undefined) return `${what}; trying again now…`;
  return `${what}; trying again in ${Math.max(1, Math.ceil((status.nextProbeAt - now) / 1000))} s.`;
}

/** Whether the queue runs, and why not; main sends each change. */
class QueueStore {
  status = $state<QueueStatus>({ pausedBecause: null, message: null, holdUntil: null });
  /** The time a countdown (a hold, the next probe) counts from; moved each second while one runs. */
  now = $state(Date.now());
  /** Counts the ends of outages: images that failed to load meanwhile are tried again after each. */
  reconnections = $state(0);

  statusChanged = (status: QueueStatus) => {
    if (this.status.pausedBecause === 'offline' && status.pausedBecause !== 'offline') this.reconnections += 1;
    this.status = status;
    this.now = Date.now();
  };

  /** Called each second: only a countdown needs the time that often. */
  tick = () => {
    const probePlanned = this.status.pausedBecause === 'offline' && typeof this.status.nextProbeAt === 'number';
    if (this.status.holdUntil !== null || probePlanned) this.now = Date.now();
  };

  pausedByUser = $derived(this.status.pausedBecause === 'user');
  /** Paused until the user says to go on: by themselves, or after ModelsLab refused the account (no credits, plan). */
  waitsForResume = $derived(this.pausedByUser || this.status.pausedBecause === 'account-refused');
  offlineNotice = $derived(offlineNotice(this.status, this.now));

  togglePause = async (): Promise<void> => {
    this.statusChanged(await valueOrThrow(this.waitsForResume ? api.resumeQueue() : api.pauseQueue()));
  };

  resume = async (): Promise<void> => {
    this.statusChanged(await valueOrThrow(api.resumeQueue()));
  };

  /** "Try now", and the window going online or offline: main probes ModelsLab at once. */
  retryConnectionNow = async (): Promise<void> => {
    try {
      this.statusChanged(await valueOrThrow(api.retryConnectionNow()));
    } catch (error) {
      notices.show(messageOf(error));
    }
  };

  retryAllFailed = () => valueOrThrow(api.retryJobs({ ids: 'all-failed' }));
  clearSaved = () => valueOrThrow(api.clearSavedJobs());
  removeAll = () => valueOrThrow(api.removeJobs({ ids: 'all' }));
}

export const queue = new QueueStore();
