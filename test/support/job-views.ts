// A job as the window receives it, for unit tests of the renderer's modules.
import type { JobView } from '../../preload/api-contract';

export const jobView = (id: string, state: JobView['state'], extra: Partial<JobView> = {}): JobView => ({
  id,
  state,
  etaSeconds: null,
  message: null,
  retryable: false,
  imageCount: 0,
  outputsFirstSeenAt: null,
  savedPaths: [],
  nsfwFlagged: false,
  imageHosts: [],
  ...extra,
});
