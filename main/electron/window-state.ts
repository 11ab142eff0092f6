// Brings the window back as it was (main/desktop/window-state.ts decides where) and remembers it on close.
import { screen, type BrowserWindow } from 'electron';
import { placeWindow, readWindowState, writeWindowStateNow, type WindowPlacement, type WindowSizeLimits } from '../desktop/window-state';

/** Where the window opens: the saved state, over the displays there are now (the primary one first). */
export async function restoreWindowPlacement(userDataDir: string, limits: WindowSizeLimits): Promise<WindowPlacement> {
  const primary = screen.getPrimaryDisplay();
  const displays = [primary, ...screen.getAllDisplays().filter((display) => display.id !== primary.id)];
  return placeWindow(await readWindowState(userDataDir), displays.map((display) => display.workArea), limits);
}

/** Writes the window's normal bounds and maximised state when it closes. */
export function rememberWindowState(window: BrowserWindow, userDataDir: string, log: (message: string) => void): void {
  window.on('close', () => {
    const state = { bounds: window.getNormalBounds(), maximized: window.isMaximized() };
    try {
      writeWindowStateNow(userDataDir, state);
    } catch (error) {
      log(`Could not keep the window's size and place: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}
