// A second launch's command line (or the first one's): which arguments are job IDs to add and which
// are files to read. Anything else (Electron's and Chromium's switches, the app's own path) is left alone.
import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

export interface HandOver {
  /** Arguments that are job IDs: digits, as ModelsLab gives them. */
  ids: string[];
  /** Arguments that name existing files, absolute. */
  files: string[];
}

const jobIdArgument = /^\d{1,20}$/;

/**
 * `argv` is the whole command line as `second-instance` or process.argv give it; the executable
 * (and, when not packaged, the app's folder or script) come first and are skipped.
 */
export function parseHandOver(argv: readonly string[], options: { workingDirectory: string; skip: number }): HandOver {
  const ids: string[] = [];
  const files: string[] = [];
  for (const argument of argv.slice(options.skip)) {
    // Switches (--flag, -x), Chromium's included, are never IDs nor files; neither are URLs.
    if (argument.startsWith('-') || argument.trim() === '' || /^[a-z][a-z0-9+.-]*:\/\//i.test(argument)) continue;
    if (jobIdArgument.test(argument)) {
      if (!ids.includes(argument)) ids.push(argument);
      continue;
    }
    const path = isAbsolute(argument) ? argument : resolve(options.workingDirectory, argument);
    if (statSync(path, { throwIfNoEntry: false })?.isFile() && !files.includes(path)) files.push(path);
  }
  return { ids, files };
}

/** How many leading arguments are the program itself: the executable, and the app's folder when run as `electron .`. */
export const programArgumentCount = (isPackaged: boolean, defaultApp: boolean): number => (isPackaged || !defaultApp ? 1 : 2);
