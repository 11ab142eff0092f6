// Files of job IDs that main reads itself (the "Open IDs file…" dialog, a second launch's arguments,
// a file opened with the app), under the same limits as a file dropped on the window.
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import type { IntakeSource } from '../../preload/api-contract';
import { idsFileSizeProblem, looksLikeText, notTextProblem } from '../../preload/shared/text-files';

export interface ReadIdsFiles {
  sources: IntakeSource[];
  problems: string[];
}

export async function readIdsFiles(paths: readonly string[]): Promise<ReadIdsFiles> {
  const sources: IntakeSource[] = [];
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
        const text = (await handle.readFile()).toString('utf8');
        if (looksLikeText(text)) sources.push({ name, text });
        else problems.push(notTextProblem(name));
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
