// Folders as the window shows them: the recent list in the save bar and each job's saved location.

/** The folder the person picked when it is still offered, else the most recent one. */
export function currentFolder(recent: readonly string[], picked: string | null): string | null {
  return picked !== null && recent.includes(picked) ? picked : (recent[0] ?? null);
}

/** The recent list as main will have it after saving into (or choosing) a folder. */
export function moveToFront(recent: readonly string[], folder: string): string[] {
  return [folder, ...recent.filter((other) => other !== folder)];
}

const separatorOf = (path: string) => (path.includes('\\') && !path.includes('/') ? '\\' : '/');

export function parentFolder(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  if (cut < 0) return '';
  // The root keeps its separator: "/" rather than "".
  return cut === 0 ? path.slice(0, 1) : path.slice(0, cut);
}

/** Where a job's files are: the folder of its first saved file, or null when nothing is saved. */
export function savedLocation(savedPaths: readonly string[]): string | null {
  return savedPaths.length > 0 ? parentFolder(savedPaths[0]!) : null;
}

/** The saved files as seen from their location: "1-1.png, 1-2.jpg", full paths for any elsewhere. */
export function savedFileNames(savedPaths: readonly string[]): string {
  const location = savedLocation(savedPaths);
  if (location === null) return '';
  const prefix = location.endsWith('/') || location.endsWith('\\') ? location : location + separatorOf(location);
  return savedPaths.map((path) => (path.startsWith(prefix) ? path.slice(prefix.length) : path)).join(', ');
}

/** A scrap of a folder name shorter than this reads as noise: the cut moves to the next whole name. */
const shortestScrap = 6;

/**
 * A long path cut from the front, "…headshots/2026-11-24/12202888": the end of a path is what
 * tells folders apart. The full path goes in the tooltip.
 */
export function shortenPath(path: string, maxLength = 32): string {
  if (path.length <= maxLength) return path;
  const tail = path.slice(-(maxLength - 1));
  const firstSeparator = tail.search(/[/\\]/);
  return `…${firstSeparator > 0 && firstSeparator < shortestScrap ? tail.slice(firstSeparator) : tail}`;
}
