// Where the preview goes next: left and right move between a job's images, up and down between jobs.
import { unreachable } from '../../../preload/shared/unreachable';

export interface PreviewPosition {
  jobId: string;
  /** The image number, from 1. */
  n: number;
}

export interface PreviewableJob {
  id: string;
  imageCount: number;
}

export type PreviewMove = 'previous-image' | 'next-image' | 'previous-job' | 'next-job' | 'first-image' | 'last-image';

export const previewKeys: Record<string, PreviewMove> = {
  ArrowLeft: 'previous-image',
  ArrowRight: 'next-image',
  ArrowUp: 'previous-job',
  ArrowDown: 'next-job',
  PageUp: 'previous-job',
  PageDown: 'next-job',
  Home: 'first-image',
  End: 'last-image',
};

/**
 * The next position, or the same one at the ends. Moving past a job's last image goes on to the
 * next job with images, so arrow keys alone walk through the whole batch.
 */
export function movePreview(current: PreviewPosition, jobs: readonly PreviewableJob[], move: PreviewMove): PreviewPosition {
  const withImages = jobs.filter((job) => job.imageCount > 0);
  const index = withImages.findIndex((job) => job.id === current.jobId);
  if (index < 0) return current;
  const job = withImages[index]!;
  const previousJob = withImages[index - 1];
  const nextJob = withImages[index + 1];
  switch (move) {
    case 'previous-image':
      if (current.n > 1) return { jobId: job.id, n: current.n - 1 };
      return previousJob ? { jobId: previousJob.id, n: previousJob.imageCount } : current;
    case 'next-image':
      if (current.n < job.imageCount) return { jobId: job.id, n: current.n + 1 };
      return nextJob ? { jobId: nextJob.id, n: 1 } : current;
    case 'previous-job':
      return previousJob ? { jobId: previousJob.id, n: 1 } : current;
    case 'next-job':
      return nextJob ? { jobId: nextJob.id, n: 1 } : current;
    case 'first-image':
      return { jobId: job.id, n: 1 };
    case 'last-image':
      return { jobId: job.id, n: job.imageCount };
    default:
      return unreachable(move);
  }
}
