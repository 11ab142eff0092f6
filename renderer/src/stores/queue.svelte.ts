import type { QueueStatus } from '../../../preload/api-contract';
import { api, valueOrThrow } from '../lib/api';

/** Whether the queue runs, and why not; main sends each change. */
class QueueStore {
  status = $state<QueueStatus>({ pausedBecause: null, message: null });
  pausedByUser = $derived(this.status.pausedBecause === 'user');

  togglePause = async (): Promise<void> => {
    this.status = await valueOrThrow(this.pausedByUser ? api.resumeQueue() : api.pauseQueue());
  };

  retryAllFailed = () => valueOrThrow(api.retryJobs({ ids: 'all-failed' }));
  clearSaved = () => valueOrThrow(api.clearSavedJobs());
  removeAll = () => valueOrThrow(api.removeJobs({ ids: 'all' }));
}

export const queue = new QueueStore();
