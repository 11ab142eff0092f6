import { randomBytes } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Writes a whole file so that a crash leaves either the old content or the new, never half.
 * Content given as a list of buffers is written as it is, without joining it first.
 */
export async function writeFileAtomically(path: string, content: string | readonly Buffer[] | Iterable<Buffer>): Promise<void> {
  const temporaryPath = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const file = await open(temporaryPath, 'w');
    try {
      if (typeof content === 'string') await file.writeFile(content, 'utf8');
      else if (Array.isArray(content)) await writeAll(file, content);
      // Pieces made as they are written: a big document never sits whole in memory.
      else for (const part of content) await writeAll(file, [part]);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporaryPath, path);
  } catch (error) {
    await unlink(temporaryPath).catch(() => undefined);
    throw error;
  }
  await syncFolder(dirname(path));
}

/** A nearly full disk can take part of a writev without an error: a short count means it is full. */
async function writeAll(file: FileHandle, parts: readonly Buffer[]): Promise<void> {
  const { bytesWritten } = await file.writev(parts);
  const length = parts.reduce((sum, part) => sum + part.byteLength, 0);
  if (bytesWritten !== length) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
}

/** Makes a rename in the folder durable; some systems cannot open a folder, which is fine. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r').catch(() => null);
  await handle?.sync().catch(() => undefined);
  await handle?.close();
}
