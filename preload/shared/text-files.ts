// The limits a file of job IDs is read under, the same whether the window reads a drop or main
// reads a file it was handed (the file dialog, a second launch, a file opened with the app).
import { formatBytes } from './bytes';

/** Larger files are refused before they are read. */
export const maxDropFileBytes = 20 * 1024 * 1024;

/** Text files have no NUL bytes and decode without many replacement characters. */
export function looksLikeText(text: string): boolean {
  if (text.includes('\u0000')) return false;
  const sample = text.slice(0, 64 * 1024);
  const replacements = sample.match(/\uFFFD/g)?.length ?? 0;
  return replacements <= Math.max(2, sample.length / 100);
}

/** Why a file of this name and size is not read, or null when it may be. */
export function idsFileSizeProblem(name: string, size: number): string | null {
  if (size === 0) return `${name} is empty.`;
  if (size > maxDropFileBytes) return `${name} is ${formatBytes(size)}; files up to ${formatBytes(maxDropFileBytes)} can be dropped.`;
  return null;
}

export const notTextProblem = (name: string): string => `${name} is not a text file; drop a .txt or .csv with job IDs.`;
