// What a save left in a folder, as a person would look for it.
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

const manifestNames = ['headshot-fetcher-manifest.json', 'headshot-fetcher-manifest.csv'];

/** The images under a folder, as paths with "/" relative to it; the save manifests left out. */
export async function imagesIn(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && !manifestNames.includes(entry.name))
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}
