// A saver's presence in a folder it saves into, beside any other saver there (another app, a
// command line, another machine on the same share): a heartbeat file it rewrites while it saves,
// the folder's lock, and the rule for when another saver's files may be removed: only once that
// saver is gone (a process of this machine that no longer runs, or a heartbeat that stopped
// changing for a long time as this machine's clock measures it, or none at all).
import { mkdir, readFile, rmdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { systemClock, type Clock } from './clock';
import { errorCode } from './error-cause';
import { createChangeWatch, createFolderLock, defaultLockTiming, type LockFileSystem, type LockTiming } from './folder-lock';
import { endedOnThisMachine, parseOwnerTag, thisSaver, type SaverOwner } from './saver-owner';

/** The hidden folder savers share inside a save folder; removed by the last one to leave. */
export const presenceFolderName = '.headshot-fetcher';
export const heartbeatSuffix = '.alive';
export const journalSuffix = '.journal';

/** Timers that never keep a process alive on their own: a heartbeat is no reason to stay. */
export const backgroundClock: Clock = {
  now: () => Date.now(),
  schedule(callback, delayMs) {
    const timer = setTimeout(callback, Math.max(0, delayMs));
    timer.unref();
    return () => clearTimeout(timer);
  },
};

export interface FolderPresenceOptions {
  folder: string;
  owner?: SaverOwner;
  /** The lock's waits, and when a heartbeat counts as stopped. */
  clock?: Clock;
  /** The heartbeat's own timer; unreferenced by default. */
  heartbeatClock?: Clock;
  timing?: Partial<LockTiming>;
  lockFileSystem?: LockFileSystem;
  hasEnded?: (owner: SaverOwner) => boolean;
}

export async function openFolderPresence({
  folder,
  owner = thisSaver,
  // A wait for the lock must keep the process alive (an unreferenced timer would let it end mid-save).
  clock = systemClock,
  heartbeatClock = backgroundClock,
  timing: timingChange,
  lockFileSystem,
  hasEnded = (other) => endedOnThisMachine(other, owner),
}: FolderPresenceOptions) {
  const timing = { ...defaultLockTiming, ...timingChange };
  const directory = join(folder, presenceFolderName);
  const heartbeatPath = join(directory, `${owner.tag}${heartbeatSuffix}`);
  const lock = createFolderLock({ path: join(directory, 'lock'), folder, owner, clock, timing, hasEnded, fileSystem: lockFileSystem });
  const watch = createChangeWatch(clock);
  let beats = 0;
  let closed = false;

  async function beat(): Promise<void> {
    beats += 1;
    const text = `${beats}\n`;
    await writeFile(heartbeatPath, text).catch(async (error: unknown) => {
      // The shared folder goes when the last saver leaves; a saver arriving then makes it again.
      if (errorCode(error) !== 'ENOENT') throw error;
      // Never recursive: a chosen folder that was deleted is not made again. Another saver may make it at the same moment.
      await mkdir(directory).catch((made: unknown) => {
        if (errorCode(made) !== 'EEXIST') throw made;
      });
      await writeFile(heartbeatPath, text);
    });
  }

  // A folder that cannot be written (gone, read-only) has no presence: its saves fail on their own, with the reason.
  const available = await beat().then(
    () => true,
    () => false,
  );
  let cancelBeat = () => undefined as void;
  /** The beat being written, which must land before the heartbeat is removed, not after. */
  let beating: Promise<void> = Promise.resolve();
  const schedule = () => {
    cancelBeat = heartbeatClock.schedule(() => {
      if (closed) return;
      beating = beat().catch(() => undefined);
      schedule();
    }, timing.refreshMs);
  };
  if (available) schedule();

  return {
    directory,
    owner,
    available,
    journalPath: join(directory, `${owner.tag}${journalSuffix}`),
    /** Runs a short step while holding the folder's lock (without a lock where the folder cannot be written). */
    withLock: <T>(step: () => Promise<T>): Promise<T> => (available ? lock.withLock(step) : step()),
    /**
     * Whether the saver with this tag is gone, so its leftovers may be removed. Files without a tag
     * come from versions before tags and count as gone. Another machine's saver is gone once its
     * heartbeat is missing, or unchanged for the stale time since this saver first looked.
     */
    async isGone(tag: string | null): Promise<boolean> {
      if (tag === null) return true;
      if (tag === owner.tag) return false;
      const other = parseOwnerTag(tag);
      if (other === null) return true;
      if (hasEnded(other)) return true;
      const content = await readFile(join(directory, `${tag}${heartbeatSuffix}`), 'utf8').catch(() => null);
      if (content === null) return true;
      return watch.observe(tag, content) >= timing.staleMs;
    },
    /** Stops the heartbeat and removes it; the shared folder goes too when no other saver is in it. */
    async close(): Promise<void> {
      closed = true;
      cancelBeat();
      if (!available) return;
      await beating;
      await unlink(heartbeatPath).catch(() => undefined);
      await rmdir(directory).catch(() => undefined);
    },
  };
}

export type FolderPresence = Awaited<ReturnType<typeof openFolderPresence>>;
