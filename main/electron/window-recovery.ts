// Reloads a window whose page crashed or froze (main/desktop/window-recovery.ts decides), with a
// notice the reloaded page shows; the job list lives in main and is untouched.
import { dialog, type BrowserWindow } from 'electron';
import { recoveryFor, unresponsiveGraceMs, type WindowTrouble } from '../desktop/window-recovery';

export function recoverWindowTrouble(window: BrowserWindow, notify: (message: string) => void, log: (message: string) => void): void {
  const reloadsAt: number[] = [];
  let frozenTimer: ReturnType<typeof setTimeout> | null = null;
  /** Set while the app ends a frozen page itself, so its end is told as the freeze it was. */
  let endingFrozenPage = false;

  function handle(trouble: WindowTrouble) {
    const recovery = recoveryFor(trouble, reloadsAt, Date.now());
    switch (recovery.action) {
      case 'none':
        return;
      case 'reload':
        log(recovery.notice);
        reloadsAt.push(Date.now());
        // Posted before the reload: the page lists the notices when it starts.
        notify(recovery.notice);
        if (!window.isDestroyed()) window.webContents.reload();
        return;
      case 'give-up':
        log(recovery.message);
        dialog.showErrorBox('The window keeps failing', recovery.message);
        return;
    }
  }

  window.webContents.on('render-process-gone', (_event, details) => {
    const trouble: WindowTrouble = endingFrozenPage ? { kind: 'unresponsive' } : { kind: 'gone', reason: details.reason };
    endingFrozenPage = false;
    handle(trouble);
  });
  window.on('unresponsive', () => {
    frozenTimer ??= setTimeout(() => {
      frozenTimer = null;
      endingFrozenPage = true;
      // A frozen page will not reload; ended, it comes back through render-process-gone.
      window.webContents.forcefullyCrashRenderer();
    }, unresponsiveGraceMs);
  });
  window.on('responsive', () => {
    if (frozenTimer) clearTimeout(frozenTimer);
    frozenTimer = null;
  });
  window.on('closed', () => {
    if (frozenTimer) clearTimeout(frozenTimer);
  });
}
