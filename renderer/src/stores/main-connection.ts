// Fills the stores from main: the first snapshot of everything, then each event as it comes.
import type { JobListPiece } from '../../../preload/api-contract';
import { api, messageOf, valueOrThrow } from '../lib/api';
import { intake } from './intake.svelte';
import { jobs } from './jobs.svelte';
import { runMenuCommand } from './menu-commands';
import { notices } from './notices.svelte';
import { queue } from './queue.svelte';
import { saving } from './saving.svelte';
import { settings } from './settings.svelte';

/** Subscribes and loads; the returned function unsubscribes. */
export function connectToMain(): () => void {
  // Events that arrive before the first snapshot are held and applied after it, so the snapshot
  // never overwrites something newer.
  let held: Array<() => void> | null = [];
  const whenLoaded = (apply: () => void) => (held ? held.push(apply) : apply());
  const unsubscribes = [
    api.on('jobsUpdated', (views) => whenLoaded(() => jobs.updated(views))),
    api.on('jobsRemoved', (ids) => whenLoaded(() => jobs.removed(ids))),
    api.on('queueStatus', (status) => whenLoaded(() => queue.statusChanged(status))),
    api.on('saveProgress', saving.mergeProgress),
    api.on('saveFolders', (folders) => whenLoaded(() => (saving.recentFolders = folders.recent))),
    api.on('notice', (notice) => notices.add([notice])),
    api.on('menuCommand', (command) => void runMenuCommand(command)),
    api.on('handedOver', intake.handedOver),
  ];
  const minuteClock = setInterval(() => (jobs.now = Date.now()), 60_000);
  // "Online" does not mean ModelsLab answers, nor "offline" that it does not: either way main probes it now.
  const probeNow = () => void queue.retryConnectionNow();
  window.addEventListener('online', probeNow);
  window.addEventListener('offline', probeNow);
  const secondClock = setInterval(queue.tick, 1_000);
  void loadInitialState().finally(() => {
    const pending = held ?? [];
    held = null;
    pending.forEach((apply) => apply());
  });
  return () => {
    clearInterval(minuteClock);
    window.removeEventListener('online', probeNow);
    window.removeEventListener('offline', probeNow);
    clearInterval(secondClock);
    unsubscribes.forEach((unsubscribe) => unsubscribe());
  };
}

async function loadInitialState() {
  let firstPiece: JobListPiece | null = null;
  try {
    const [piece, queueStatus, currentSettings, earlierNotices, folders, progress] = await Promise.all([
      valueOrThrow(api.listJobPiece({ reading: null, from: 0 })),
      valueOrThrow(api.getQueueStatus()),
      valueOrThrow(api.getSettings()),
      valueOrThrow(api.listNotices()),
      valueOrThrow(api.listSaveFolders()),
      valueOrThrow(api.getSaveProgress()),
    ]);
    firstPiece = piece;
    jobs.load(piece.views);
    queue.statusChanged(queueStatus);
    settings.current = currentSettings;
    notices.add(earlierNotices);
    saving.recentFolders = folders.recent;
    saving.mergeProgress(progress);
  } catch (error) {
    notices.show(messageOf(error));
  }
  try {
    settings.key = await valueOrThrow(api.getKeyStatus());
  } catch (error) {
    settings.noteKeychainError(error);
    // A keychain that cannot work is explained in the key form, which offers a way on.
    if (settings.keychainProblem === null) notices.show(messageOf(error));
    settings.key = { isSet: false, lastFour: null, storedIn: null };
  }
  if (firstPiece !== null) await readRestOfList(firstPiece);
}

/** The rest of a big list, a piece at a time: its first rows are drawn meanwhile. */
async function readRestOfList(first: JobListPiece) {
  try {
    for (let from = first.views.length; from < first.total; ) {
      const piece = await valueOrThrow(api.listJobPiece({ reading: first.reading, from }));
      if (piece.views.length === 0) break;
      jobs.updated(piece.views);
      from += piece.views.length;
    }
  } catch (error) {
    notices.show(messageOf(error));
  }
}
