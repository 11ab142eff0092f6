// Turns what lands on the window (text, one or several files) into texts for main's ID intake,
// refusing what would freeze the window or is not text, with a reason a person can act on.
import type { IntakeSource } from '../../../preload/api-contract';
import { formatBytes } from '../../../preload/shared/bytes';

/** Larger files are refused before they are read. */
export const maxDropFileBytes = 20 * 1024 * 1024;

export interface DroppedText {
  sources: IntakeSource[];
  problems: string[];
}

/** The parts of a DataTransfer (or ClipboardData) this reads, so tests can hand in plain objects. */
export interface DropSource {
  files: ArrayLike<Blob & { name: string }>;
  getData(format: string): string;
}

/** Text files have no NUL bytes and decode without many replacement characters. */
export function looksLikeText(text: string): boolean {
  if (text.includes('\u0000')) return false;
  const sample = text.slice(0, 64 * 1024);
  const replacements = sample.match(/\uFFFD/g)?.length ?? 0;
  return replacements <= Math.max(2, sample.length / 100);
}

export async function readDroppedText(source: DropSource): Promise<DroppedText> {
  const files = Array.from(source.files);
  if (files.length === 0) return { sources: [{ name: null, text: source.getData('text/plain') }], problems: [] };

  const sources: IntakeSource[] = [];
  const problems: string[] = [];
  for (const file of files) {
    if (file.size === 0) {
      problems.push(`${file.name} is empty.`);
    } else if (file.size > maxDropFileBytes) {
      problems.push(`${file.name} is ${formatBytes(file.size)}; files up to ${formatBytes(maxDropFileBytes)} can be dropped.`);
    } else {
      const text = await file.text();
      if (looksLikeText(text)) sources.push({ name: file.name, text });
      else problems.push(`${file.name} is not a text file; drop a .txt or .csv with job IDs.`);
    }
  }
  return { sources, problems };
}
