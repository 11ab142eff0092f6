// Files of job IDs that main reads itself (the "Open IDs file…" dialog, a second launch's arguments,
// a file opened with the app, the command line's --ids-file), under the same limits as a file
// dropped on the window, decoded as a drop's bytes are (UTF-16 text, .xlsx workbooks).
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { idsFileSizeProblem } from '../../preload/shared/text-files';
import { decodeFileBytes, type DecodedSource } from '../core/table-reading';

export interface ReadIdsFiles {
  /** Each file as text (UTF-8 or UTF-16) or, for an .xlsx workbook, its sheets. */
  sources: DecodedSource[];
  problems: string[];
}

export async function readIdsFiles(paths: readonly string[]): Promise<ReadIdsFiles> {
  const sources: DecodedSource[] = [];
  const problems: string[] = [];
  for (const path of paths) {
    const name = basename(path);
    try {
      // Opened once, then measured and read through the same handle: the file checked is the file read.
      const handle = await open(path, 'r');
      try {
        const stats = await handle.stat();
        if (!stats.isFile()) {
          problems.push(`${name} is not a file; choose a .txt or .csv with job IDs.`);
          continue;
        }
        const sizeProblem = idsFileSizeProblem(name, stats.size);
        if (sizeProblem !== null) {
          problems.push(sizeProblem);
          continue;
        }
        const bytes = await handle.readFile();
        try {
          sources.push(await decodeFileBytes(name, bytes));
        } catch (error) {
          problems.push(error instanceof Error ? error.message : String(error));
        }
      } finally {
        await handle.close();
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      problems.push(
        code === 'ENOENT'
          ? `${name} was not found; it may have been moved or deleted.`
          : code === 'EACCES' || code === 'EPERM'
            ? `${name} could not be read: this app is not allowed to open it.`
            : code === 'EISDIR'
              ? `${name} is a folder; choose a .txt or .csv with job IDs.`
              : `${name} could not be read (${code ?? 'unknown error'}).`,
      );
    }
  }
  return { sources, problems };
}
