import type { PreviewPosition } from '../lib/preview-navigation';

/** The image the preview dialog shows, when open. */
class PreviewStore {
  position = $state<PreviewPosition | null>(null);

  show = (jobId: string, n: number): void => {
    this.position = { jobId, n };
  };

  moveTo = (next: PreviewPosition): void => {
    this.position = next;
  };
}

export const preview = new PreviewStore();
