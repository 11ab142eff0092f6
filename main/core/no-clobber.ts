import { link, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode } from './error-cause';

// File systems without hard links (FAT and exFAT drives, some network shares) answer these.
const noHardLinks = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'ENOSYS', 'EMLINK']);
const maxCopies = 999;

async function sameContent(one: string, other: string): Promise<boolean> {
  const [a, b] = await Promise.all([stat(one), stat(other)]);
  if (a.size !== b.size) return false;
  return (await readFile(one)).equals(await readFile(other));
}

const exists = (path: string) => stat(path).then(() => true, () => false);

/**
 * Gives a finished temporary file its final name without ever replacing another file: when the
 * name is taken by the same bytes the file is already there, otherwise the next free
 * "name (2).ext" is used. Returns the final path.
 */
export async function moveIntoPlace(temporaryPath: string, folder: string, baseName: string, extension: string): Promise<string> {
  for (let copy = 1; copy <= maxCopies; copy += 1) {
    const finalPath = join(folder, copy === 1 ? `${baseName}.${extension}` : `${baseName} (${copy}).${extension}`);
    try {
      // link fails if the name exists, where rename would silently replace it.
      await link(temporaryPath, finalPath);
      await unlink(temporaryPath);
      return finalPath;
    } catch (error) {
      const code = errorCode(error);
      if (code === 'EEXIST' || (code !== null && noHardLinks.has(code) && (await exists(finalPath)))) {
        if (await sameContent(finalPath, temporaryPath)) {
          await unlink(temporaryPath);
          return finalPath;
        }
        continue;
      }
      if (code !== null && noHardLinks.has(code)) {
        await rename(temporaryPath, finalPath);
        return finalPath;
      }
      throw error;
    }
  }
  throw new Error(`${maxCopies} files named ${baseName} are already in ${folder}`);
}
