import { readdir, readFile, rename, unlink } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { writeFileAtomically } from './atomic-file';
import { describeCause, errorCode } from './error-cause';

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
  /**
   * Who is who: the job's spreadsheet cells that the file name template uses, its Name column,
   * and the columns the person ticked (header → value). Absent for a job without a table.
   */
  labels?: Record<string, string>;
}

const csvColumns: Array<Exclude<keyof ManifestEntry, 'labels'>> = ['jobId', 'image', 'sourceUrl', 'path', 'bytes', 'sha256', 'savedAt'];
const csvHeader = ['job_id', 'image', 'source_url', 'file_path', 'bytes', 'sha256', 'saved_at'];

/** Quotes a CSV field, and defuses text a spreadsheet would run as a formula. */
function csvField(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A row: the fixed columns, then the labels' columns (the manifest's, in the order first met). */
const csvRow = (entry: ManifestEntry, labelColumns: readonly string[] = []) =>
  [...csvColumns.map((column) => csvField(entry[column])), ...labelColumns.map((header) => csvField(entry.labels?.[header] ?? ''))].join(',');

/** The labels' headers of these records, each once, in the order first met: the CSV's columns after the fixed ones. */
function labelColumnsOf(entries: Iterable<ManifestEntry>): string[] {
  const columns = new Set<string>();
  for (const entry of entries) for (const header of Object.keys(entry.labels ?? {})) columns.add(header);
  return [...columns];
}

export function manifestCsv(entries: Iterable<ManifestEntry>): string {
  const all = [...entries];
  const labelColumns = labelColumnsOf(all);
  return `${[[...csvHeader, ...labelColumns].map(csvField).join(','), ...all.map((entry) => csvRow(entry, labelColumns))].join('\r\n')}\r\n`;
}

/**
 * A file's records as bytes, grown at the end as records arrive, so that rewriting the manifest of
 * a folder with 10,000 files serialises one record, not all of them. Bytes once appended never
 * change: a write under way keeps a consistent view while new records are added.
 */
class RecordBytes {
  private buffer = Buffer.alloc(16 * 1024);
  private length = 0;

  append(text: string) {
    const needed = this.length + Buffer.byteLength(text);
    if (needed > this.buffer.length) {
      const grown = Buffer.alloc(Math.max(needed, this.buffer.length * 2));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    this.length += this.buffer.write(text, this.length);
  }

  view = () => this.buffer.subarray(0, this.length);
  isEmpty = () => this.length === 0;
}

// The layout of JSON.stringify(manifest, null, 1), written in pieces (a manifest is written once it holds a record).
const jsonHead = Buffer.from(`{\n "format": "${manifestFormat}",\n "version": ${manifestVersion},\n "files": [\n`);
const jsonTail = Buffer.from('\n ]\n}\n');
const jsonItem = (entry: ManifestEntry) => `  ${JSON.stringify(entry, null, 1).replace(/\n/g, '\n  ')}`;
const csvHeadWith = (labelColumns: readonly string[]) => Buffer.from(`${[...csvHeader, ...labelColumns.map(csvField)].join(',')}\r\n`);

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
    typeof entry.savedAt === 'string' &&
    (entry.labels === undefined ||
      (typeof entry.labels === 'object' && entry.labels !== null && !Array.isArray(entry.labels) && Object.values(entry.labels).every((value) => typeof value === 'string')))
  );
}

const entryKey = (jobId: string, image: number) => `${jobId}/${image}`;

/**
 * Whether a record's path names a file inside the folder. A manifest is a file anyone may edit:
 * one whose path climbs out (`../`, an absolute path, a backslash that Windows reads as a folder
 * break) must not make a file elsewhere count as saved, or be shown.
 */
export function staysInFolder(folder: string, path: string): boolean {
  const segments = path.split('/');
  if (path === '' || isAbsolute(path) || /^[a-z]:/i.test(path) || segments.some((segment) => segment === '' || segment === '.' || segment === '..' || segment.includes('\\'))) {
    return false;
  }
  const inside = relative(folder, resolve(folder, ...segments));
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside);
}

/**
 * The record of what was saved into one folder, kept as JSON (read back) and CSV (for
 * spreadsheets). Each record is written atomically before the save of its image counts as done;
 * records that arrive while a write is under way go together in the next write.
 */
export async function openSaveManifest(folder: string, onNotice: (message: string) => void) {
  const jsonPath = join(folder, manifestJsonName);
  const csvPath = join(folder, manifestCsvName);
  const entries = new Map<string, ManifestEntry>();
  let json = new RecordBytes();
  let csv = new RecordBytes();
  /** The CSV's columns after the fixed ones: the labels' headers met so far. */
  let labelColumns: string[] = [];
  function append(entry: ManifestEntry) {
    json.append(`${json.isEmpty() ? '' : ',\n'}${jsonItem(entry)}`);
    csv.append(`${csvRow(entry, labelColumns)}\r\n`);
  }
  function keep(entry: ManifestEntry) {
    const key = entryKey(entry.jobId, entry.image);
    const replaces = entries.has(key);
    entries.set(key, entry);
    const newColumns = Object.keys(entry.labels ?? {}).filter((header) => !labelColumns.includes(header));
    if (newColumns.length > 0) labelColumns = [...labelColumns, ...newColumns];
    if (!replaces && newColumns.length === 0) return append(entry);
    // An image saved again (its file had gone) changes a record in the middle: serialise all anew.
    json = new RecordBytes();
    csv = new RecordBytes();
    for (const each of entries.values()) append(each);
  }
  /** Whether the CSV missed a write, so that it is reported once, not for every file. */
  let csvBehind = false;

  try {
    const stored = JSON.parse(await readFile(jsonPath, 'utf8')) as { format?: unknown; version?: unknown; files?: unknown };
    if (stored?.format !== manifestFormat || stored.version !== manifestVersion || !Array.isArray(stored.files)) {
      throw new Error('it is not a manifest this version can read');
    }
    let outside = 0;
    for (const entry of stored.files) {
      if (!isEntry(entry)) continue;
      if (staysInFolder(folder, entry.path)) keep(entry);
      else outside += 1;
    }
    if (outside > 0) {
      onNotice(
        `${outside === 1 ? 'A record' : `${outside} records`} in the save record of ${folder} ${outside === 1 ? 'points' : 'point'} outside the folder and ${outside === 1 ? 'was' : 'were'} ignored: ` +
          'those images are saved again into the folder. The record may have been edited by hand.',
      );
    }
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
    const csvBytes = [csvHeadWith(labelColumns), csv.view()];
    // The JSON is what "already saved" is read from, so it goes first and its failure fails the save.
    await writeFileAtomically(jsonPath, [jsonHead, json.view(), jsonTail]);
    // The CSV is a copy for people. A spreadsheet holding it open (Windows will not replace it
    // then) must not fail every save: it catches up with the next write that succeeds.
    try {
      await writeFileAtomically(csvPath, csvBytes);
      csvBehind = false;
    } catch (error) {
      if (!csvBehind) {
        onNotice(
          `${csvPath} could not be updated (${describeCause(error)}); it may be open in another program. ` +
            `Saving goes on and ${manifestJsonName} is up to date; the CSV catches up with the next save after it is closed.`,
        );
      }
      csvBehind = true;
    }
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
      keep(entry);
      return scheduleWrite();
    },
  };
}

export type SaveManifest = Awaited<ReturnType<typeof openSaveManifest>>;
