import { readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from './atomic-file';
import { errorCode } from './error-cause';

export const manifestJsonName = 'headshot-fetcher-manifest.json';
export const manifestCsvName = 'headshot-fetcher-manifest.csv';
const manifestFormat = 'headshot-fetcher-manifest';
const manifestVersion = 1;

/** One saved image, as the manifest records it. */
export interface ManifestEntry {
  jobId: string;
  /** The image number, from 1. */
  image: number;
  sourceUrl: string;
  /** Relative to the folder the manifest is in, with "/" between folders on every system. */
  path: string;
  bytes: number;
  sha256: string;
  /** ISO 8601. */
  savedAt: string;
}

const csvColumns: Array<keyof ManifestEntry> = ['jobId', 'image', 'sourceUrl', 'path', 'bytes', 'sha256', 'savedAt'];
const csvHeader = ['job_id', 'image', 'source_url', 'file_path', 'bytes', 'sha256', 'saved_at'];

/** Quotes a CSV field, and defuses text a spreadsheet would run as a formula. */
function csvField(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function manifestCsv(entries: Iterable<ManifestEntry>): string {
  const lines = [csvHeader.join(',')];
  for (const entry of entries) lines.push(csvColumns.map((column) => csvField(entry[column])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

function isEntry(value: unknown): value is ManifestEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return (
    typeof entry.jobId === 'string' &&
    typeof entry.image === 'number' &&
    typeof entry.sourceUrl === 'string' &&
    typeof entry.path === 'string' &&
    typeof entry.bytes === 'number' &&
    typeof entry.sha256 === 'string' &&
    typeof entry.savedAt === 'string'
  );
}

const entryKey = (jobId: string, image: number) => `${jobId}/${image}`;

/**
 * The record of what was saved into one folder, kept as JSON (read back) and CSV (for
 * spreadsheets). Each record is written atomically before the save of its image counts as done;
 * records that arrive while a write is under way go together in the next write.
 */
export async function openSaveManifest(folder: string, onNotice: (message: string) => void) {
  const jsonPath = join(folder, manifestJsonName);
  const entries = new Map<string, ManifestEntry>();

  try {
    const stored = JSON.parse(await readFile(jsonPath, 'utf8')) as { format?: unknown; version?: unknown; files?: unknown };
    if (stored?.format !== manifestFormat || stored.version !== manifestVersion || !Array.isArray(stored.files)) {
      throw new Error('it is not a manifest this version can read');
    }
    for (const entry of stored.files) if (isEntry(entry)) entries.set(entryKey(entry.jobId, entry.image), entry);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') {
      // A manifest we cannot read is kept for the person; files already in the folder are still
      // recognised by their bytes, so nothing is saved twice.
      const asidePath = join(folder, `headshot-fetcher-manifest.unreadable-${Date.now()}.json`);
      const moved = await rename(jsonPath, asidePath).then(() => true, () => false);
      onNotice(
        `The save record in ${folder} could not be read (${error instanceof Error ? error.message : String(error)}).` +
          (moved ? ` It was kept as ${asidePath}, and a new one was started.` : ''),
      );
    }
  }

  // Half-written records of a save that was killed.
  for (const name of await readdir(folder).catch(() => [])) {
    if (/^headshot-fetcher-manifest\.(json|csv)\.[0-9a-f]+\.tmp$/.test(name)) await unlink(join(folder, name)).catch(() => undefined);
  }

  let writing: Promise<void> = Promise.resolve();
  let nextWrite: Promise<void> | null = null;

  async function writeNow(): Promise<void> {
    const files = [...entries.values()];
    await writeFileAtomically(join(folder, manifestCsvName), manifestCsv(files));
    await writeFileAtomically(jsonPath, `${JSON.stringify({ format: manifestFormat, version: manifestVersion, files }, null, 1)}\n`);
  }

  /** A write that starts after this call, so it holds every record made so far. */
  function scheduleWrite(): Promise<void> {
    nextWrite ??= writing
      .catch(() => undefined)
      .then(() => {
        nextWrite = null;
        writing = writeNow();
        return writing;
      });
    return nextWrite;
  }

  return {
    entry: (jobId: string, image: number): ManifestEntry | undefined => entries.get(entryKey(jobId, image)),
    entries: () => [...entries.values()],
    /** Records a saved image; resolves once the record is on disk. */
    record(entry: ManifestEntry): Promise<void> {
      entries.set(entryKey(entry.jobId, entry.image), entry);
      return scheduleWrite();
    },
  };
}

export type SaveManifest = Awaited<ReturnType<typeof openSaveManifest>>;
