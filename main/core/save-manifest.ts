import { open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { writeFileAtomically } from './atomic-file';
import { describeCause, errorCode } from './error-cause';
import { heartbeatSuffix, journalSuffix, openFolderPresence, type FolderPresence } from './folder-presence';
import type { Clock } from './clock';
import { itemsOfDocument, UnreadableDocumentError } from './manifest-document';
import { createRecordStore } from './record-store';

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

/**
 * A record's key in the store. A job's first image goes by its ID alone, the very string the job
 * list holds, so a folder of 100,000 one-image jobs keeps no second string per record; an ID of
 * digits has no "/", so it never meets the key of another image.
 */
const entryKey = (jobId: string, image: number) => (image === 1 && /^[0-9]+$/.test(jobId) ? jobId : `${jobId}/${image}`);

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

/** How often the two documents are brought up to date from the journal while a batch saves. */
export const defaultFoldIntervalMs = 5_000;

export interface SaveManifestOptions {
  /** This saver's presence in the folder (its lock, its journal); one is opened, and closed, when not given. */
  presence?: FolderPresence;
  foldIntervalMs?: number;
  /** Times the folds during a batch (a test's clock); by default they run on timers that never keep the process alive. */
  clock?: Clock;
}

/** A document's identity on disk: another saver's write changes it. */
const identityOf = (info: { size: number; mtimeMs: number; ino: number } | null) => (info === null ? 'none' : `${info.size}:${info.mtimeMs}:${info.ino}`);

/**
 * The record of what was saved into one folder, kept as JSON (read back) and CSV (for
 * spreadsheets). Underneath, each record is first one line in this saver's journal, written and
 * flushed to disk before the save of its image counts as done; the journals are folded into the
 * two documents under the folder's lock: every few seconds while records arrive, when the batch
 * ends, and by the next saver after a crash. Every saver folds the others' journals too, so records
 * of savers working side by side all reach the documents.
 */
export async function openSaveManifest(folder: string, onNotice: (message: string) => void, options: SaveManifestOptions = {}) {
  const jsonPath = join(folder, manifestJsonName);
  const csvPath = join(folder, manifestCsvName);
  const ownsPresence = options.presence === undefined;
  const presence = options.presence ?? (await openFolderPresence({ folder }));
  // The records on disk, one line each, so that memory stays flat however many files the folder holds.
  let entries = createRecordStore();
  const parse = (line: string) => JSON.parse(line) as ManifestEntry;
  /** Records the documents on disk may not hold yet. */
  let unwritten = false;
  /** The CSV's columns after the fixed ones: the labels' headers met so far. */
  let labelColumns: string[] = [];
  function keep(entry: ManifestEntry) {
    const key = entryKey(entry.jobId, entry.image);
    const line = entries.get(key);
    const known = line === undefined ? undefined : parse(line);
    // The same file seen again (another saver's record of it, the documents read back) changes nothing.
    if (known && known.path === entry.path && known.bytes === entry.bytes && known.sha256 === entry.sha256) return;
    entries.set(key, JSON.stringify(entry));
    const newColumns = Object.keys(entry.labels ?? {}).filter((header) => !labelColumns.includes(header));
    if (newColumns.length > 0) labelColumns = [...labelColumns, ...newColumns];
    unwritten = true;
  }
  /** A document in pieces of about 256 kB, made as they are written, so no copy of all records is kept. */
  function* pieces(head: Buffer, item: (entry: ManifestEntry, index: number) => string, tail: Buffer | null): Generator<Buffer> {
    yield head;
    let text = '';
    let index = 0;
    for (const line of entries.values()) {
      text += item(parse(line), index);
      index += 1;
      if (text.length >= 256 * 1024) {
        yield Buffer.from(text);
        text = '';
      }
    }
    if (text !== '') yield Buffer.from(text);
    if (tail) yield tail;
  }
  /** Whether the CSV missed a write, so that it is reported once, not for every file. */
  let csvBehind = false;
  /** The JSON document as this saver last read or wrote it; another identity means another saver wrote it. */
  let knownDocument = 'unread';

  const acceptHead = (fields: Record<string, unknown>) => {
    if (fields.format !== manifestFormat || fields.version !== manifestVersion || !Array.isArray(fields.files)) {
      throw new UnreadableDocumentError('it is not a manifest this version can read');
    }
  };

  /** Reads the JSON document; the first time, with notices for what cannot be used. */
  async function readDocument(first: boolean): Promise<void> {
    knownDocument = identityOf(await stat(jsonPath).catch(() => null));
    try {
      // Read as a stream, a record at a time: a folder of 100,000 files has a document of 30 MB.
      let outside = 0;
      for await (const { value: entry } of itemsOfDocument(jsonPath, acceptHead)) {
        if (!isEntry(entry)) continue;
        if (staysInFolder(folder, entry.path)) keep(entry);
        else outside += 1;
      }
      if (outside > 0 && first) {
        onNotice(
          `${outside === 1 ? 'A record' : `${outside} records`} in the save record of ${folder} ${outside === 1 ? 'points' : 'point'} outside the folder and ${outside === 1 ? 'was' : 'were'} ignored: ` +
            'those images are saved again into the folder. The record may have been edited by hand.',
        );
      }
    } catch (error) {
      if (errorCode(error) !== 'ENOENT' && first) {
        // None of a document that cannot be read is used, also not the records before the fault.
        entries.close();
        entries = createRecordStore();
        labelColumns = [];
        // A manifest we cannot read is kept for the person; files already in the folder are still
        // recognised by their bytes, so nothing is saved twice.
        const asidePath = join(folder, `headshot-fetcher-manifest.unreadable-${Date.now()}.json`);
        const moved = await rename(jsonPath, asidePath).then(() => true, () => false);
        onNotice(
          `The save record in ${folder} could not be read (${error instanceof Error ? error.message : String(error)}).` +
            (moved ? ` It was kept as ${asidePath}, and a new one was started.` : ''),
        );
        unwritten = true;
      }
    }
  }

  /** How far each other saver's journal has been read, in bytes, up to its last whole line. */
  const journalRead = new Map<string, number>();

  async function readJournalFrom(path: string): Promise<void> {
    let file: FileHandle;
    try {
      file = await open(path, 'r');
    } catch {
      journalRead.delete(path);
      return;
    }
    try {
      const { size } = await file.stat();
      let from = journalRead.get(path) ?? 0;
      if (size < from) from = 0;
      if (size === from) return;
      const bytes = Buffer.alloc(size - from);
      await file.read(bytes, 0, bytes.length, from);
      // A line cut by a crash has no newline yet: it is read once it is whole, or never.
      const end = bytes.lastIndexOf(0x0a) + 1;
      for (const line of bytes.subarray(0, end).toString('utf8').split('\n')) {
        if (line === '') continue;
        try {
          const entry = JSON.parse(line) as unknown;
          if (isEntry(entry) && staysInFolder(folder, entry.path)) keep(entry);
        } catch {
          // A torn line: its image is recognised by its bytes when saved again.
        }
      }
      journalRead.set(path, from + end);
    } finally {
      await file.close();
    }
  }

  async function writeDocuments(): Promise<void> {
    // The JSON is what "already saved" is read from, so it goes first and its failure fails the save.
    await writeFileAtomically(jsonPath, pieces(jsonHead, (entry, index) => `${index === 0 ? '' : ',\n'}${jsonItem(entry)}`, jsonTail));
    knownDocument = identityOf(await stat(jsonPath).catch(() => null));
    // The CSV is a copy for people. A spreadsheet holding it open (Windows will not replace it
    // then) must not fail every save: it catches up with the next write that succeeds.
    try {
      await writeFileAtomically(csvPath, pieces(csvHeadWith(labelColumns), (entry) => `${csvRow(entry, labelColumns)}\r\n`, null));
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

  /**
   * Under the folder's lock: what other savers wrote (the documents, their journals) joins this
   * saver's records, and the documents are written once with all of them. The journals of savers
   * that are gone are then removed, with their heartbeats: their records are in the documents.
   */
  function fold(): Promise<void> {
    return presence.withLock(async () => {
      if (identityOf(await stat(jsonPath).catch(() => null)) !== knownDocument) await readDocument(false);
      const gone: string[] = [];
      for (const name of await readdir(presence.directory).catch(() => [] as string[])) {
        const suffix = name.endsWith(journalSuffix) ? journalSuffix : name.endsWith(heartbeatSuffix) ? heartbeatSuffix : null;
        if (suffix === null) continue;
        const tag = name.slice(0, -suffix.length);
        if (tag === presence.owner.tag) continue;
        if (suffix === journalSuffix) await readJournalFrom(join(presence.directory, name));
        if (await presence.isGone(tag)) gone.push(name);
      }
      if (unwritten) {
        unwritten = false;
        try {
          await writeDocuments();
        } catch (error) {
          unwritten = true;
          throw error;
        }
      }
      for (const name of gone) {
        await unlink(join(presence.directory, name)).catch(() => undefined);
        journalRead.delete(join(presence.directory, name));
      }
    });
  }

  await presence.withLock(async () => {
    await readDocument(true);
    // Half-written documents of a save that was killed; no other saver writes one without the lock.
    for (const name of await readdir(folder).catch(() => [])) {
      if (/^headshot-fetcher-manifest\.(json|csv)\.[0-9a-f]+\.tmp$/.test(name)) await unlink(join(folder, name)).catch(() => undefined);
    }
  });
  // Records a crash left in a journal (this machine's, or another's) reach the documents now.
  unwritten = false;
  await fold().catch(() => undefined);

  // The journal: one line per record, flushed to disk; lines that arrive during a flush go in the next.
  let journal: FileHandle | null = null;
  let pending: string[] = [];
  let flushing: Promise<void> = Promise.resolve();
  let nextFlush: Promise<void> | null = null;

  async function writeLines(lines: string[]): Promise<void> {
    journal ??= await open(presence.journalPath, 'a');
    const bytes = Buffer.from(lines.join(''));
    let offset = 0;
    while (offset < bytes.length) {
      const { bytesWritten } = await journal.write(bytes, offset, bytes.length - offset);
      if (bytesWritten === 0) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      offset += bytesWritten;
    }
    await journal.sync();
  }

  function scheduleFlush(): Promise<void> {
    nextFlush ??= flushing
      .catch(() => undefined)
      .then(() => {
        nextFlush = null;
        const lines = pending;
        pending = [];
        flushing = writeLines(lines);
        return flushing;
      });
    return nextFlush;
  }

  // While records arrive, the documents follow every few seconds; in a folder so big that writing
  // them takes long, at most a tenth of the time goes to it, so the cost stays linear in the files.
  let folding: Promise<void> = Promise.resolve();
  let closed = false;
  let cancelFold = () => undefined as void;
  let lastFoldMs = 0;
  const timedFold = async () => {
    const started = performance.now();
    await fold();
    lastFoldMs = performance.now() - started;
  };
  const schedule = options.clock ? options.clock.schedule.bind(options.clock) : backgroundSchedule;
  const foldLater = () => {
    cancelFold = schedule(() => {
      if (closed) return;
      if (unwritten) folding = folding.then(timedFold).catch(() => undefined);
      void folding.then(foldLater);
    }, Math.max(options.foldIntervalMs ?? defaultFoldIntervalMs, 10 * lastFoldMs));
  };
  foldLater();

  return {
    entry(jobId: string, image: number): ManifestEntry | undefined {
      const line = entries.get(entryKey(jobId, image));
      return line === undefined ? undefined : parse(line);
    },
    entries: () => Array.from(entries.values(), parse),
    /** Records a saved image; resolves once its line is on disk. */
    record(entry: ManifestEntry): Promise<void> {
      keep(entry);
      pending.push(`${JSON.stringify(entry)}\n`);
      return scheduleFlush();
    },
    /** Brings the documents up to date now. */
    flush: () => (folding = folding.then(fold)),
    /**
     * Folds everything into the documents and removes this saver's journal, whose records they
     * now hold; rejects when the documents could not be written (the journal then stays, and the
     * next saver folds it).
     */
    async close(): Promise<void> {
      closed = true;
      cancelFold();
      await flushing.catch(() => undefined);
      await nextFlush?.catch(() => undefined);
      try {
        await folding.catch(() => undefined);
        await fold();
        await journal?.close();
        journal = null;
        await unlink(presence.journalPath).catch(() => undefined);
      } finally {
        entries.close();
        await journal?.close().catch(() => undefined);
        if (ownsPresence) await presence.close();
      }
    },
  };
}

/** The fold's timer never keeps a process alive. */
function backgroundSchedule(callback: () => void, delayMs: number): () => void {
  const timer = setTimeout(callback, delayMs);
  timer.unref();
  return () => clearTimeout(timer);
}

export type SaveManifest = Awaited<ReturnType<typeof openSaveManifest>>;
