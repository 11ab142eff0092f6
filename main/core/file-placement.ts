import { link, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConflictPolicy } from '../../preload/api-contract';
import { unreachable } from '../../preload/shared/unreachable';
import { errorCode } from './error-cause';

/** What happened to a finished temporary file. */
export interface Placement {
  path: string;
  /** `placed`: it now has its name. `same-file`: those bytes were already there. `name-taken`: another file keeps the name (policy "skip"). */
  outcome: 'placed' | 'same-file' | 'name-taken';
}

// File systems without hard links (FAT and exFAT drives, some network shares) answer these; on
// Windows, FAT and exFAT answer ERROR_INVALID_FUNCTION, which Node reports as EISDIR.
const noHardLinks = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'ENOSYS', 'EMLINK', 'EISDIR']);
const maxCopies = 999;

export async function sameContent(one: string, other: string): Promise<boolean> {
  const [a, b] = await Promise.all([stat(one), stat(other)]);
  if (a.size !== b.size) return false;
  return (await readFile(one)).equals(await readFile(other));
}

export const exists = (path: string) => stat(path).then(() => true, () => false);

/**
 * Gives the name to the file unless it is taken; a hard link fails on a taken name where rename
 * would replace it. Where links are not supported, checks first (a small race, on such drives only).
 */
async function linkIfFree(temporaryPath: string, finalPath: string, claim: NameClaim): Promise<boolean> {
  try {
    await link(temporaryPath, finalPath);
    await unlink(temporaryPath);
    return true;
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EEXIST') return false;
    if (code === null || !noHardLinks.has(code)) throw error;
    // Another saver in the folder checks and renames under the same lock, so the check holds.
    return claim(async () => {
      if (await exists(finalPath)) return false;
      await rename(temporaryPath, finalPath);
      return true;
    });
  }
}

/** Runs a check-then-rename so that no other saver in the folder claims the name in between (the folder's lock). */
export type NameClaim = <T>(step: () => Promise<T>) => Promise<T>;

const unguarded: NameClaim = (step) => step();

/** The name with " (2)" before its extension. */
export function numberedName(fileName: string, copy: number): string {
  if (copy === 1) return fileName;
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? `${fileName.slice(0, dot)} (${copy})${fileName.slice(dot)}` : `${fileName} (${copy})`;
}

/**
 * Moves a checked temporary file to its final name under the conflict policy. The same bytes
 * already under the name always count as saved, so running a batch again never duplicates.
 */
export async function placeFile(temporaryPath: string, folder: string, fileName: string, policy: ConflictPolicy, claim: NameClaim = unguarded): Promise<Placement> {
  const finalPath = join(folder, fileName);
  const discard = async (path: string, outcome: Placement['outcome']): Promise<Placement> => {
    await unlink(temporaryPath);
    return { path, outcome };
  };

  if (await linkIfFree(temporaryPath, finalPath, claim)) return { path: finalPath, outcome: 'placed' };
  if (await sameContent(finalPath, temporaryPath)) return discard(finalPath, 'same-file');

  switch (policy) {
    case 'skip':
      return discard(finalPath, 'name-taken');
    case 'overwrite':
      // rename replaces the old file in one step: there is never a moment with neither.
      await rename(temporaryPath, finalPath);
      return { path: finalPath, outcome: 'placed' };
    case 'rename':
      for (let copy = 2; copy <= maxCopies; copy += 1) {
        const candidate = join(folder, numberedName(fileName, copy));
        if (await linkIfFree(temporaryPath, candidate, claim)) return { path: candidate, outcome: 'placed' };
        if (await sameContent(candidate, temporaryPath)) return discard(candidate, 'same-file');
      }
      throw new Error(`${maxCopies} files named ${fileName} are already in ${folder}`);
    default:
      return unreachable(policy);
  }
}
