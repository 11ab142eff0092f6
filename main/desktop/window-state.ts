// The window's size, position and maximised state, kept in the user-data folder between runs, and
// where to put the window next time: on a display that is still there, whole on it.
import { renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from '../core/atomic-file';

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface SavedWindowState {
  /** The window's bounds when not maximised. */
  bounds: Rectangle;
  maximized: boolean;
}

export interface WindowPlacement {
  /** x and y absent: the system places the window (the first run, or nothing usable saved). */
  bounds: { x?: number; y?: number; width: number; height: number };
  maximized: boolean;
}

export interface WindowSizeLimits {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
}

/**
 * The window's first size and the smallest it may be made. The smallest is what the layout was
 * made and tested for (test/browser/window-layout.spec.ts): 800×600, of which a menu bar and title
 * take up to 60 px on Windows and Linux, leaving 800×540 for the page: at least 8 rows of the list
 * with a notice showing, nothing cut, only the list scrolling.
 */
export const windowSizeLimits: WindowSizeLimits = { width: 1100, height: 760, minWidth: 800, minHeight: 600 };

/** What the window's frame and menu bar may take of its height on Windows and Linux. */
export const windowChromeHeight = 60;

/** How much of the window must be on a display for it to stay where it was: enough of its top to grab it. */
const minimumVisible = { width: 120, height: 40 };

export const windowStateFileName = 'window-state.json';

function intersection(a: Rectangle, b: Rectangle): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

/**
 * Where the window opens: as it was, when enough of its title bar is on one of the displays' work
 * areas; else on the first (primary) display, centred. Never larger than the display it lands on.
 */
export function placeWindow(saved: SavedWindowState | null, workAreas: readonly Rectangle[], limits: WindowSizeLimits): WindowPlacement {
  if (saved === null || workAreas.length === 0) return { bounds: { width: limits.width, height: limits.height }, maximized: saved?.maximized ?? false };
  const { bounds } = saved;
  const titleBar: Rectangle = { x: bounds.x, y: bounds.y, width: bounds.width, height: Math.min(bounds.height, minimumVisible.height) };
  const home = workAreas.find((area) => {
    const seen = intersection(titleBar, area);
    return seen.width >= Math.min(minimumVisible.width, bounds.width) && seen.height >= Math.min(minimumVisible.height, bounds.height);
  });
  const area = home ?? workAreas[0]!;
  const width = Math.max(Math.min(bounds.width, area.width), Math.min(limits.minWidth, area.width));
  const height = Math.max(Math.min(bounds.height, area.height), Math.min(limits.minHeight, area.height));
  if (home) {
    // Kept where it was, pulled in only as far as needed to be whole on its display.
    const x = Math.min(Math.max(bounds.x, area.x), area.x + area.width - width);
    const y = Math.min(Math.max(bounds.y, area.y), area.y + area.height - height);
    return { bounds: { x, y, width, height }, maximized: saved.maximized };
  }
  return {
    bounds: { x: Math.round(area.x + (area.width - width) / 2), y: Math.round(area.y + (area.height - height) / 2), width, height },
    maximized: saved.maximized,
  };
}

function isRectangle(value: unknown): value is Rectangle {
  if (typeof value !== 'object' || value === null) return false;
  const { x, y, width, height } = value as Record<string, unknown>;
  return [x, y, width, height].every((n) => typeof n === 'number' && Number.isFinite(n)) && (width as number) > 0 && (height as number) > 0;
}

/** The saved state, or null when there is none or it cannot be used (then the window opens at its default size). */
export async function readWindowState(userDataDir: string): Promise<SavedWindowState | null> {
  try {
    const parsed: unknown = JSON.parse(await readFile(join(userDataDir, windowStateFileName), 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { bounds, maximized } = parsed as Record<string, unknown>;
    return isRectangle(bounds) ? { bounds: { x: bounds.x, y: bounds.y, width: bounds.width, height: bounds.height }, maximized: maximized === true } : null;
  } catch {
    return null;
  }
}

export function writeWindowState(userDataDir: string, state: SavedWindowState): Promise<void> {
  return writeFileAtomically(join(userDataDir, windowStateFileName), `${JSON.stringify(state, null, 2)}\n`);
}

/**
 * The same, at once: for the window's close, after which the app may quit before an asynchronous
 * write would finish. Written beside and renamed over, so a crash never leaves half a file.
 */
export function writeWindowStateNow(userDataDir: string, state: SavedWindowState): void {
  const path = join(userDataDir, windowStateFileName);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}
