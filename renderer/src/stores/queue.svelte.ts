import type { QueueStatus } from '../../../preload/api-contract';
import { api, valueOrThrow } from '../lib/api';

/** Whether the queue runs, and why not; main sends each change. */
class QueueStore {
  status = $state<QueueStatus>({ pausedBecause: null, message: null, holdUntil: null });
  /** The time the countdown of a hold counts from; moved each second while one holds. */
  now = $state(Date.now());

  statusChanged = (status: QueueStatus) => {
    this.status = status;
    this.now = Date.now();
  };

  /** Called each second: only a hold's countdown needs the time that often. */
  tick = () => {
    if (this.status.holdUntil !== null) this.now = Date.now();
  };
  pausedByUser = $derived(this.status.pausedBecause === 'user');
  /** Paused until the user says to go on: by themselves, or after ModelsLab refused the account (no credits, plan). */
  waitsForResume = $derived(this.pausedByUser || this.status.pausedBecause === 'account-refused');

  togglePause = async (): Promise<void> => {
    this.status = await valueOrThrow(this.waitsForResume ? api.resumeQueue() : api.pauseQueue());
  };

  resume = async (): Promise<void> => {
    this.status = await valueOrThrow(api.resumeQueue());
  };

  retryAllFailed = () => valueOrThrow(api.retryJobs({ ids: 'all-failed' }));
  clearSaved = () => valueOrThrow(api.clearSavedJobs());
  removeAll = () => valueOrThrow(api.removeJobs({ ids: 'all' }));
}

export const queue = new QueueStore();
