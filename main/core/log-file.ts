// The app's log: one file in the platform's log folder, rotated by size. What reaches it has
// already lost the key (the core redacts every message); this module also removes anything shaped
// like an email address, so a file the person dropped cannot leave their contacts here.
import { appendFile, mkdir, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';

export type LogLevel = 'info' | 'error';

export interface LogFileOptions {
  /** The platform's log folder: `app.getPath('logs')` in the app. */
  folder: string;
  fileName?: string;
  /** A file grows to this size before it is set aside (1 MB). */
  maxBytes?: number;
  /** How many files are kept in all, the current one included (3). */
  keepFiles?: number;
  now?: () => number;
  /** Told once, at the first write that fails; later failures are dropped without a word. */
  onWriteFailure?: (error: unknown) => void;
}

export const logFileName = 'headshot-fetcher.log';
/** Lines waiting for a write that does not finish (a stalled disk) stop being kept past this. */
const maxPendingBytes = 4 * 1024 * 1024;

const emailPattern = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;

/** Email addresses out of a line: the log names jobs by ID, never the people in a dropped file. */
export function removePersonalData(text: string): string {
  return text.replace(emailPattern, '[email removed]');
}

/** One line of the log: time, level, message; a message's later lines are indented under it. */
export function formatLogLine(time: number, level: LogLevel, message: string): string {
  return `${new Date(time).toISOString()} ${level.toUpperCase().padEnd(5)} ${removePersonalData(message).replace(/\r?\n/g, '\n    ')}\n`;
}

export interface LogFile {
  readonly path: string;
  /** Queues a line; never waits and never throws. */
  write(level: LogLevel, message: string): void;
  /** Resolves once every line queued so far is written (or dropped after a failure). */
  flush(): Promise<void>;
  /** The last lines of the log, for Copy diagnostics. */
  tail(lines: number): Promise<string>;
}

export function createLogFile(options: LogFileOptions): LogFile {
  const path = join(options.folder, options.fileName ?? logFileName);
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const keepFiles = Math.max(1, options.keepFiles ?? 3);
  const now = options.now ?? Date.now;
  const older = (n: number) => `${path}.${n}`;

  let pending: string[] = [];
  let pendingBytes = 0;
  let size: number | null = null;
  let writing: Promise<void> = Promise.resolve();
  let failed = false;

  function reportFailure(error: unknown) {
    if (failed) return;
    failed = true;
    try {
      options.onWriteFailure?.(error);
    } catch {
      // A notice that fails must not take the app down either.
    }
  }

  async function rotate() {
    for (let n = keepFiles - 1; n >= 1; n -= 1) {
      await rename(n === 1 ? path : older(n - 1), older(n)).catch(() => undefined);
    }
    size = 0;
  }

  async function writePending() {
    const lines = pending;
    pending = [];
    pendingBytes = 0;
    if (lines.length === 0) return;
    try {
      if (size === null) {
        await mkdir(options.folder, { recursive: true });
        size = (await stat(path).catch(() => null))?.size ?? 0;
      }
      // Lines go in one append each time the file has room, so a rotation falls between lines.
      let chunk = '';
      for (const line of lines) {
        const bytes = Buffer.byteLength(line);
        if (size + Buffer.byteLength(chunk) + bytes > maxBytes && size + Buffer.byteLength(chunk) > 0) {
          if (chunk) await appendFile(path, chunk);
          chunk = '';
          if (keepFiles > 1) await rotate();
          else await appendFile(path, '', { flag: 'w' }).then(() => (size = 0));
        }
        chunk += line;
      }
      if (chunk) {
        await appendFile(path, chunk);
        size += Buffer.byteLength(chunk);
      }
    } catch (error) {
      size = null;
      reportFailure(error);
    }
  }

  return {
    path,
    write(level, message) {
      try {
        const line = formatLogLine(now(), level, message);
        // A log that cannot be written (a full disk) is not allowed to fill the memory instead.
        if (pendingBytes > maxPendingBytes) return;
        pending.push(line);
        pendingBytes += line.length;
        if (pending.length === 1) writing = writing.then(writePending);
      } catch (error) {
        reportFailure(error);
      }
    },
    flush: () => writing.then(() => (pending.length > 0 ? writePending() : undefined)),
    async tail(lines) {
      const texts = await Promise.all([readFile(older(1), 'utf8').catch(() => ''), readFile(path, 'utf8').catch(() => '')]);
      const all = texts.join('').split('\n');
      if (all.at(-1) === '') all.pop();
      return all.slice(-lines).join('\n');
    },
  };
}
