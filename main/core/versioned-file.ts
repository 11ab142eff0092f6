import { readFile, rename } from 'node:fs/promises';
import { writeFileAtomically } from './atomic-file';

export interface VersionedFileOptions<T> {
  filePath: string;
  version: number;
  /** What the file holds, for messages: "settings", "job list". */
  what: string;
  /** Checks what was read; throws with a reason when it cannot be used. */
  parse(content: unknown): T;
  onNotice(message: string): void;
}

const codeOf = (error: unknown) => (typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : null);

/**
 * A JSON file in the user-data folder, written atomically and one write at a time, with a format
 * version. A file that cannot be used (corrupt, or from a newer version) is set aside under
 * another name with a message, never deleted and never silently replaced.
 */
export function versionedFile<T>({ filePath, version, what, parse, onNotice }: VersionedFileOptions<T>) {
  let writing: Promise<void> = Promise.resolve();
  // After a file could not be read or moved aside, writing would replace what the person has:
  // changes then stay in memory until the next start can read it.
  let mayWrite = true;

  async function setAside(why: string): Promise<null> {
    const asidePath = `${filePath}.unreadable-${Date.now()}`;
    try {
      await rename(filePath, asidePath);
      onNotice(`Your ${what} could not be read (${why}). The file was kept as ${asidePath}.`);
    } catch (error) {
      mayWrite = false;
      onNotice(`Your ${what} could not be read (${why}) nor moved aside (${codeOf(error) ?? String(error)}). It was left as it is, and changes will not be saved until it can be read.`);
    }
    return null;
  }

  return {
    /** The stored content, or null when there is none that can be used. */
    async read(): Promise<T | null> {
      let text: string;
      try {
        text = await readFile(filePath, 'utf8');
      } catch (error) {
        if (codeOf(error) === 'ENOENT') return null; // a first start
        mayWrite = false;
        onNotice(`Your ${what} could not be opened (${codeOf(error) ?? String(error)}). It was left as it is, and changes will not be saved until it can be read.`);
        return null;
      }
      let stored: { version?: unknown; content?: unknown };
      try {
        stored = JSON.parse(text) as typeof stored;
      } catch (error) {
        return setAside(`it is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (stored?.version !== version) {
        const newer = typeof stored?.version === 'number' && stored.version > version;
        return setAside(newer ? `it was written by a newer version of Headshot Fetcher (format ${stored.version})` : 'its format is unknown');
      }
      try {
        return parse(stored.content);
      } catch (error) {
        return setAside(error instanceof Error ? error.message : String(error));
      }
    },

    /** Writes after any write already under way, so the last content asked for is the one kept. */
    write(content: T): Promise<void> {
      if (!mayWrite) return writing;
      const text = JSON.stringify({ version, content });
      writing = writing.catch(() => undefined).then(() => writeFileAtomically(filePath, text));
      return writing;
    },
  };
}
