// Holds off system sleep while the queue works, and asks before quitting in the middle of a save
// batch (main/desktop/quit-and-sleep.ts decides; this part only calls Electron).
import { dialog, powerSaveBlocker, type BrowserWindow } from 'electron';
import type { EventName, Events, SaveProgress } from '../../preload/api-contract';
import { createWorkTracker, quitChoiceOf, quitQuestion, quitStep, sleepBlockerStep } from '../desktop/quit-and-sleep';

export function createLifetimeGuard(log: (message: string) => void) {
  const work = createWorkTracker();
  let blockerId: number | null = null;
  let batchEnded: Array<() => void> = [];
  let saving = false;
  /** Quitting: sleep is not held off again for what the last events say. */
  let released = false;

  function updateSleepBlocker() {
    if (released) return;
    switch (sleepBlockerStep(work.hasWork(), blockerId !== null)) {
      case 'start':
        blockerId = powerSaveBlocker.start('prevent-app-suspension');
        log('Holding off system sleep while the queue works.');
        return;
      case 'stop':
        if (blockerId !== null) powerSaveBlocker.stop(blockerId);
        blockerId = null;
        log('The queue is idle: system sleep is allowed again.');
        return;
      case null:
        return;
    }
  }

  return {
    /** Every event main sends the window passes here too. */
    observe<E extends EventName>(event: E, payload: Events[E]) {
      if (event === 'jobsUpdated') work.jobsUpdated(payload as Events['jobsUpdated']);
      else if (event === 'jobsRemoved') work.jobsRemoved(payload as Events['jobsRemoved']);
      else if (event === 'queueStatus') work.queueStatus(payload as Events['queueStatus']);
      else if (event === 'saveProgress') {
        work.saveProgress(payload as SaveProgress);
        saving = (payload as SaveProgress).active;
        if (!saving) {
          batchEnded.forEach((resolve) => resolve());
          batchEnded = [];
        }
      } else return;
      updateSleepBlocker();
    },
    /** Whether the app may quit now: asks while a save batch runs, and waits for it when told to finish it. */
    async mayQuit(progress: SaveProgress, window: BrowserWindow | null): Promise<boolean> {
      const question = quitQuestion(progress);
      if (question === null) return true;
      const options: Electron.MessageBoxOptions = { type: 'question', title: 'Quit Headshot Fetcher?', noLink: true, ...question };
      const { response } = window ? await dialog.showMessageBox(window, options) : await dialog.showMessageBox(options);
      const step = quitStep(quitChoiceOf(response));
      if (step.quit === 'no') return false;
      // The batch may have ended while the question was open.
      if (step.quit === 'after-batch' && saving) await new Promise<void>((resolve) => batchEnded.push(resolve));
      return true;
    },
    /** Lets sleep back in (quitting). */
    release() {
      released = true;
      if (blockerId !== null) powerSaveBlocker.stop(blockerId);
      blockerId = null;
    },
  };
}
