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
  #status = $state<QueueStatus>({ pausedBecause: null, message: null });
  /** The time the countdown is read at: moved each second while a probe is planned, not otherwise. */
  now = $state(Date.now());
  #ticker: ReturnType<typeof setInterval> | null = null;

  get status(): QueueStatus {
    return this.#status;
  }

  set status(next: QueueStatus) {
    this.#status = next;
    this.now = Date.now();
    const counting = next.pausedBecause === 'offline' && typeof next.nextProbeAt === 'number';
    if (counting && this.#ticker === null) this.#ticker = setInterval(() => (this.now = Date.now()), 1_000);
    if (!counting && this.#ticker !== null) {
      clearInterval(this.#ticker);
      this.#ticker = null;
    }
  }

  pausedByUser = $derived(this.#status.pausedBecause === 'user');
  offlineNotice = $derived(offlineNotice(this.#status, this.now));

  togglePause = async (): Promise<void> => {
    this.status = await valueOrThrow(this.pausedByUser ? api.resumeQueue() : api.pauseQueue());
  };

  /** "Try now", and the window going online or offline: main probes ModelsLab at once. */
  retryConnectionNow = async (): Promise<void> => {
    try {
      this.status = await valueOrThrow(api.retryConnectionNow());
    } catch (error) {
      notices.show(messageOf(error));
    }
  };

  retryAllFailed = () => valueOrThrow(api.retryJobs({ ids: 'all-failed' }));
  clearSaved = () => valueOrThrow(api.clearSavedJobs());
  removeAll = () => valueOrThrow(api.removeJobs({ ids: 'all' }));
}

export const queue = new QueueStore();
