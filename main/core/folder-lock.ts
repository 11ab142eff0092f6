// A lock on one folder, shared by every saver writing into it: held only for short steps (merging
// the save record, claiming a name where hard links are not supported), never for a whole batch.
//
// Why not proper-lockfile: it takes a lock the same way (mkdir, which is atomic on SMB and NFS too)
// and refreshes it, but calls it stale when its mtime (set by the holder's clock, or the file
// server's) is older than the waiter's Date.now() minus `stale`: on a share saved into by several
// machines that rests on their clocks agreeing. Here a lock is stale only when its content has not
// changed for `staleMs` as the waiting machine's own clock measures it, and the file system and the
// clock are arguments, so a test can play a lock left by another host and a holder that stops.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { systemClock, type Clock } from './clock';
import { errorCode } from './error-cause';
import { endedOnThisMachine, parseOwnerTag, thisSaver, type SaverOwner } from './saver-owner';

/** The file operations the lock needs; `mkdir` must fail with EEXIST when the folder is there. */
export interface LockFileSystem {
  mkdir(path: string): Promise<unknown>;
  writeFile(path: string, text: string): Promise<void>;
  readFile(path: string): Promise<string>;
  rename(from: string, to: string): Promise<void>;
  /** Removes a folder and what it holds; no error when it is gone. */
  removeAll(path: string): Promise<void>;
}

export const nodeLockFileSystem: LockFileSystem = {
  // The folder it goes in may have just been removed by another saver leaving (when it was empty).
  mkdir: (path) =>
    mkdir(path).catch(async (error: unknown) => {
      if (errorCode(error) !== 'ENOENT') throw error;
      // Only the shared folder itself: a chosen folder that was deleted is not made again.
      await mkdir(dirname(path)).catch((made: unknown) => {
        if (errorCode(made) !== 'EEXIST') throw made;
      });
      return mkdir(path);
    }),
  writeFile: (path, text) => writeFile(path, text),
  readFile: (path) => readFile(path, 'utf8'),
  rename: (from, to) => rename(from, to),
  removeAll: (path) => rm(path, { recursive: true, force: true }),
};

export interface LockTiming {
  /** How often the holder rewrites the lock while it holds it. */
  refreshMs: number;
  /** How long a lock must stay unchanged, on the waiter's clock, before it is taken as abandoned. */
  staleMs: number;
  /** How often a waiter looks again. */
  retryMs: number;
  /** How long a waiter waits in all before it gives up with an error. */
  giveUpMs: number;
}

// Generous: a share may stall for seconds, and a refresh every 2 s leaves 15 chances to show life.
export const defaultLockTiming: LockTiming = { refreshMs: 2_000, staleMs: 30_000, retryMs: 25, giveUpMs: 10 * 60_000 };

export interface FolderLockOptions {
  /** The lock's own folder (made and removed by the lock). */
  path: string;
  /** What the folder is called in a message. */
  folder: string;
  owner?: SaverOwner;
  fileSystem?: LockFileSystem;
  clock?: Clock;
  timing?: Partial<LockTiming>;
  /** Whether a saver of this machine has ended (its pid no longer runs). */
  hasEnded?: (owner: SaverOwner) => boolean;
}

export class LockTimeoutError extends Error {
  override name = 'LockTimeoutError';
}

/** Remembers when each watched text last changed, on this machine's clock. */
export function createChangeWatch(clock: Clock) {
  const seen = new Map<string, { content: string; since: number }>();
  return {
    /** Notes what `key` holds now; returns how long it has held it, as far as this machine saw. */
    observe(key: string, content: string): number {
      const last = seen.get(key);
      if (!last || last.content !== content) {
        seen.set(key, { content, since: clock.now() });
        return 0;
      }
      return clock.now() - last.since;
    },
    forget: (key: string) => void seen.delete(key),
  };
}

const holderFile = 'holder';

export function createFolderLock({
  path,
  folder,
  owner = thisSaver,
  fileSystem = nodeLockFileSystem,
  clock = systemClock,
  timing: timingChange,
  hasEnded = (other) => endedOnThisMachine(other, owner),
}: FolderLockOptions) {
  const timing = { ...defaultLockTiming, ...timingChange };
  const watch = createChangeWatch(clock);
  /** Steps of this process wait for each other here, so the folder lock is taken once at a time. */
  let queue: Promise<unknown> = Promise.resolve();
  let refreshes = 0;

  const wait = (ms: number) => new Promise<void>((resolve) => clock.schedule(resolve, ms));
  const holderPath = join(path, holderFile);
  const holderText = () => `${owner.tag} ${refreshes}\n`;

  async function isAbandoned(): Promise<boolean> {
    const content = await fileSystem.readFile(holderPath).catch((error: unknown) => {
      // Made, not yet written (or being removed): that is a state to watch too.
      if (errorCode(error) === 'ENOENT') return '';
      throw error;
    });
    const holder = parseOwnerTag(content.split(' ')[0] ?? '');
    if (holder !== null && hasEnded(holder)) return true;
    return watch.observe(path, content) >= timing.staleMs;
  }

  /** Moves an abandoned lock aside (one waiter wins the rename) and removes it. */
  async function breakLock(): Promise<void> {
    const aside = `${path}.abandoned-${randomBytes(4).toString('hex')}`;
    try {
      await fileSystem.rename(path, aside);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return;
      throw error;
    }
    watch.forget(path);
    await fileSystem.removeAll(aside);
  }

  async function acquire(): Promise<() => Promise<void>> {
    const started = clock.now();
    for (;;) {
      try {
        await fileSystem.mkdir(path);
        break;
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') throw error;
      }
      if (await isAbandoned()) {
        await breakLock();
        continue;
      }
      if (clock.now() - started >= timing.giveUpMs) {
        throw new LockTimeoutError(
          `Another program saving into ${folder} has held its save record for over ${Math.round(timing.giveUpMs / 60_000)} min. ` +
            'Check the other computers and programs saving there, then save again.',
        );
      }
      await wait(timing.retryMs);
    }
    watch.forget(path);
    refreshes += 1;
    await fileSystem.writeFile(holderPath, holderText());
    let cancel = () => undefined as void;
    const refresh = () => {
      cancel = clock.schedule(() => {
        refreshes += 1;
        void fileSystem.writeFile(holderPath, holderText()).catch(() => undefined);
        refresh();
      }, timing.refreshMs);
    };
    refresh();
    return async () => {
      cancel();
      // A holder that stalled past staleMs may have lost the lock to another saver: never remove theirs.
      const content = await fileSystem.readFile(holderPath).catch(() => '');
      if (content.startsWith(`${owner.tag} `)) await fileSystem.removeAll(path);
    };
  }

  return {
    /** Runs `step` while this saver holds the folder's lock. */
    withLock<T>(step: () => Promise<T>): Promise<T> {
      const run = queue.then(async () => {
        const release = await acquire();
        try {
          return await step();
        } finally {
          await release();
        }
      });
      queue = run.catch(() => undefined);
      return run;
    },
  };
}

export type FolderLock = ReturnType<typeof createFolderLock>;
