// Two decisions about the app's lifetime, kept apart from Electron: what quitting asks while a save
// batch runs, and whether system sleep is held off (while the queue fetches or saves).
import type { JobState, JobView, QueueStatus, SaveProgress } from '../../preload/api-contract';
import { unreachable } from '../../preload/shared/unreachable';

export type QuitChoice = 'finish' | 'stop' | 'cancel';
const quitChoices: readonly QuitChoice[] = ['finish', 'stop', 'cancel'];

export interface QuitQuestion {
  message: string;
  detail: string;
  buttons: string[];
  defaultId: number;
  cancelId: number;
}

/** The question quitting asks, or null when no save batch runs and the app may just quit. */
export function quitQuestion(progress: SaveProgress | null): QuitQuestion | null {
  if (!progress?.active) return null;
  const left = Math.max(0, progress.filesTotal - progress.filesDone);
  return {
    message: 'Headshots are still being saved. Quit anyway?',
    detail:
      `${progress.filesDone} of ${progress.filesTotal} files are saved; ${left} ${left === 1 ? 'is' : 'are'} left. ` +
      'Finish the batch to quit when it is done, or stop now: no half-written file keeps its name, and saving again later picks up where it stopped.',
    buttons: ['Finish the batch, then quit', 'Stop now and quit', 'Cancel'],
    defaultId: 0,
    cancelId: 2,
  };
}

/** The button pressed, as a choice; anything else is a cancel. */
export const quitChoiceOf = (response: number): QuitChoice => quitChoices[response] ?? 'cancel';

/** What the quit handler does with a choice: quit at once (the core stops saving), wait for the batch, or stay. */
export function quitStep(choice: QuitChoice): { quit: 'now' | 'after-batch' | 'no' } {
  switch (choice) {
    case 'finish':
      return { quit: 'after-batch' };
    case 'stop':
      return { quit: 'now' };
    case 'cancel':
      return { quit: 'no' };
    default:
      return unreachable(choice);
  }
}

/** States in which a job is being worked on. Queued counts while the queue runs. */
function isWorking(state: JobState): boolean | 'when-running' {
  switch (state) {
    case 'fetching':
    case 'processing':
    case 'saving':
      return true;
    case 'queued':
      return 'when-running';
    case 'ready':
    case 'saved':
    case 'failed':
      return false;
    default:
      return unreachable(state);
  }
}

/**
 * Whether the queue has work, from the events main sends the window: jobs fetching, processing
 * or saving (or queued while the queue runs), or a save batch under way.
 */
export function createWorkTracker() {
  const states = new Map<string, JobState>();
  let paused = false;
  let saving = false;
  return {
    jobsUpdated(views: readonly Pick<JobView, 'id' | 'state'>[]) {
      for (const view of views) states.set(view.id, view.state);
    },
    jobsRemoved(ids: readonly string[]) {
      for (const id of ids) states.delete(id);
    },
    queueStatus(status: Pick<QueueStatus, 'pausedBecause'>) {
      paused = status.pausedBecause !== null;
    },
    saveProgress(progress: Pick<SaveProgress, 'active'>) {
      saving = progress.active;
    },
    hasWork(): boolean {
      if (saving) return true;
      for (const state of states.values()) {
        const working = isWorking(state);
        if (working === true || (working === 'when-running' && !paused)) return true;
      }
      return false;
    },
  };
}

/** What to do with the sleep blocker: start it when work begins, stop it when the queue goes idle. */
export function sleepBlockerStep(hasWork: boolean, blocking: boolean): 'start' | 'stop' | null {
  if (hasWork && !blocking) return 'start';
  if (!hasWork && blocking) return 'stop';
  return null;
}
