// Records kept on disk, not in memory: a folder's save record can hold 100,000 files and more, and
// a batch needs one of them at a time. Each record is one line in a scratch file of this process's
// (in the system's temporary folder); memory holds only where each record's line starts.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Lines waiting to be written are written once they reach this size, or before any read. */
const writeBatchBytes = 64 * 1024;
/** A read for the documents takes this much of the file at once; lines follow each other there. */
const readChunkBytes = 1024 * 1024;

export interface RecordStore {
  readonly size: number;
  has(key: string): boolean;
  /** The record's line, or undefined when there is none. */
  get(key: string): string | undefined;
  /** Keeps the record's line (without its newline), in place of the one under the same key. */
  set(key: string, line: string): void;
  /** Every record's line, in the order their keys were first kept. */
  values(): Generator<string>;
  /** Removes the scratch file. */
  close(): void;
}

/**
 * A store of one-line records by key. Its scratch file is removed as soon as it is open where the
 * system allows (it then vanishes with the process, even one that is killed), else when closed.
 * Synchronous: writes and reads are small, from a file the system keeps cached, and this keeps a
 * lookup as simple as a Map's.
 */
export function createRecordStore(directory = tmpdir()): RecordStore {
  const index = new Map<string, number>();
  const path = join(directory, `headshot-fetcher-records-${process.pid}-${randomBytes(6).toString('hex')}.jsonl`);
  let file: number | null = null;
  /** Bytes on disk; lines after that are in `waiting`. */
  let written = 0;
  let waiting: string[] = [];
  let waitingBytes = 0;

  function open(): number {
    if (file === null) {
      file = openSync(path, 'w+');
      try {
        unlinkSync(path);
      } catch {
        // Windows may refuse while the file is open: it is removed at close.
      }
    }
    return file;
  }

  function writeWaiting() {
    if (waiting.length === 0) return;
    const bytes = Buffer.from(waiting.join(''));
    waiting = [];
    waitingBytes = 0;
    const handle = open();
    for (let offset = 0; offset < bytes.length; ) {
      const count = writeSync(handle, bytes, offset, bytes.length - offset, written + offset);
      if (count === 0) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      offset += count;
    }
    written += bytes.length;
  }

  /** The line starting at `offset`: from the chunk read last when it is whole there, else read again from the line's start. */
  function lineAt(offset: number, cache: { chunk: Buffer; start: number; end: number }): string {
    for (;;) {
      const from = offset - cache.start;
      if (from >= 0 && offset < cache.end) {
        const newline = cache.chunk.indexOf(0x0a, from);
        if (newline !== -1 && newline < cache.end - cache.start) return cache.chunk.toString('utf8', from, newline);
        if (from === 0 && cache.end - cache.start < cache.chunk.length) throw new Error('the save record’s scratch file ended in the middle of a line');
      }
      // A line longer than the chunk: a chunk twice as long.
      if (from === 0 && offset < cache.end) cache.chunk = Buffer.alloc(cache.chunk.length * 2);
      const count = readSync(open(), cache.chunk, 0, Math.min(cache.chunk.length, written - offset), offset);
      if (count <= 0) throw new Error('the save record’s scratch file ended early');
      cache.start = offset;
      cache.end = offset + count;
    }
  }

  return {
    get size() {
      return index.size;
    },
    has: (key) => index.has(key),
    get(key) {
      const offset = index.get(key);
      if (offset === undefined) return undefined;
      if (offset >= written) writeWaiting();
      return lineAt(offset, { chunk: Buffer.alloc(1024), start: 0, end: 0 });
    },
    set(key, line) {
      index.set(key, written + waitingBytes);
      const text = `${line}\n`;
      waiting.push(text);
      waitingBytes += Buffer.byteLength(text);
      if (waitingBytes >= writeBatchBytes) writeWaiting();
    },
    *values() {
      writeWaiting();
      const cache = { chunk: Buffer.alloc(readChunkBytes), start: 0, end: 0 };
      // Records kept while the documents are written are met too (a Map's iterator sees them): written first.
      for (const offset of index.values()) {
        if (offset >= written) writeWaiting();
        yield lineAt(offset, cache);
      }
    },
    close() {
      index.clear();
      waiting = [];
      waitingBytes = 0;
      if (file !== null) closeSync(file);
      file = null;
      try {
        unlinkSync(path);
      } catch {
        // Already removed when it was opened.
      }
    },
  };
}
