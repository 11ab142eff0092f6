import { jobIdDigits } from './job-ids';

/**
 * Where the window loads a job's image from: a path on its own origin that main answers from its
 * image cache (downloading the image once), so the page never loads a remote URL. `n` counts from 1.
 */
export const jobImagePath = (jobId: string, n: number): string => `job-images/${encodeURIComponent(jobId)}/${n}`;

/** Matches the path main serves (with its leading "/"): the job ID, then the image number. */
export const jobImagePathPattern = new RegExp(`^/job-images/(${jobIdDigits})/([1-9][0-9]{0,3})$`);
