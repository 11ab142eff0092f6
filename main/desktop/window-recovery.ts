// What happens when the window's page crashes or freezes: it is reloaded (the job list lives in main,
// so nothing is lost) with a notice saying so; when it keeps failing, it is left, to avoid a loop.

/** Electron's render-process-gone reasons. */
export type GoneReason = 'clean-exit' | 'abnormal-exit' | 'killed' | 'crashed' | 'oom' | 'launch-failed' | 'integrity-failure' | 'memory-eviction';

export type WindowTrouble = { kind: 'gone'; reason: string } | { kind: 'unresponsive' };

export type Recovery = { action: 'reload'; notice: string } | { action: 'none' } | { action: 'give-up'; message: string };

/** How many reloads in `reloadWindowMs` before the app stops trying. */
export const maxReloads = 3;
export const reloadWindowMs = 60_000;
/** How long a frozen window has to answer again before it is reloaded. */
export const unresponsiveGraceMs = 10_000;

const reasonWords: Record<string, string> = {
  'abnormal-exit': 'it ended unexpectedly',
  killed: 'it was stopped by the system',
  crashed: 'it crashed',
  oom: 'it ran out of memory',
  'launch-failed': 'it could not start',
  'integrity-failure': 'its code failed an integrity check',
  'memory-eviction': 'the system reclaimed its memory',
};

/** `reloadsAt`: when the window was reloaded before (ms), most recent last. */
export function recoveryFor(trouble: WindowTrouble, reloadsAt: readonly number[], now: number): Recovery {
  // A clean exit is the window closing normally.
  if (trouble.kind === 'gone' && trouble.reason === 'clean-exit') return { action: 'none' };
  const what = trouble.kind === 'unresponsive' ? 'stopped responding' : `stopped: ${reasonWords[trouble.reason] ?? trouble.reason}`;
  const recent = reloadsAt.filter((at) => now - at < reloadWindowMs).length;
  if (recent >= maxReloads) {
    return {
      action: 'give-up',
      message: `The window ${what} again, ${recent} times within a minute, so it was not reloaded. Quit Headshot Fetcher and open it again; your job list is kept.`,
    };
  }
  return { action: 'reload', notice: `The window ${what} and was reloaded. Your job list is as it was; saving and fetching went on.` };
}
