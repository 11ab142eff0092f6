import type { PreviewPosition } from '../lib/preview-navigation';

/** The image the preview dialog shows, when open. */
class PreviewStore {
  position = $state<PreviewPosition | null>(null);
  /** Opened from a row by keyboard (Enter): closing gives the focus back to the row, not to a thumbnail. */
  fromRow = false;

  show = (jobId: string, n: number, fromRow = false): void => {
    this.fromRow = fromRow;
    this.position = { jobId, n };
  };

  moveTo = (next: PreviewPosition): void => {
    this.position = next;
  };
}

export const preview = new PreviewStore();
