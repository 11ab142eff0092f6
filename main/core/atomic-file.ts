import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';

/** Writes a whole file so that a crash leaves either the old content or the new, never half. */
export async function writeFileAtomically(path: string, content: string): Promise<void> {
  const temporaryPath = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  const file = await open(temporaryPath, 'w');
  try {
    await file.writeFile(content, 'utf8');
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    await rename(temporaryPath, path);
  } catch (error) {
    await unlink(temporaryPath).catch(() => undefined);
    throw error;
  }
}
