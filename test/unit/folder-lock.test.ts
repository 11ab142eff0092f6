// The folder lock as savers on several machines sharing one network folder would meet it: each
// with its own clock (which need not agree), on a file system the test holds (there is no network
// share here), so that a lock left by another host and a holder that stops refreshing are played
// exactly, without waiting.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFolderLock, type LockFileSystem } from '../../main/core/folder-lock';
import { makeOwner } from '../../main/core/saver-owner';
import { createManualClock, type ManualClock } from '../support/manual-clock';

const error = (code: string) => Object.assign(new Error(code), { code });

/** A share's folders and files in memory: mkdir is atomic (EEXIST), rename moves a folder with what it holds. */
function sharedFileSystem() {
  const folders = new Set<string>(['/share']);
  const files = new Map<string, string>();
  const parentOf = (path: string) => path.slice(0, path.lastIndexOf('/'));
  const fileSystem: LockFileSystem = {
    async mkdir(path) {
      if (folders.has(path)) throw error('EEXIST');
      if (!folders.has(parentOf(path))) throw error('ENOENT');
      folders.add(path);
    },
    async writeFile(path, text) {
      if (!folders.has(parentOf(path))) throw error('ENOENT');
      files.set(path, text);
    },
    async readFile(path) {
      const text = files.get(path);
      if (text === undefined) throw error('ENOENT');
      return text;
    },
    async rename(from, to) {
      if (!folders.has(from)) throw error('ENOENT');
      folders.delete(from);
      folders.add(to);
      for (const [path, text] of [...files]) {
        if (path.startsWith(`${from}/`)) {
          files.delete(path);
          files.set(`${to}${path.slice(from.length)}`, text);
        }
      }
    },
    async removeAll(path) {
      folders.delete(path);
      for (const file of [...files.keys()]) if (file.startsWith(`${path}/`)) files.delete(file);
    },
  };
  return { fileSystem, files, folders };
}

const lockPath = '/share/.headshot-fetcher/lock';
const timing = { refreshMs: 2_000, staleMs: 30_000, retryMs: 100, giveUpMs: 10 * 60_000 };

/** Lets the promise chains of the file system and the lock run. */
async function settle() {
  for (let round = 0; round < 20; round += 1) await new Promise((resolve) => setImmediate(resolve));
}

/** Moves a clock forward in small steps, letting each step's work run. */
async function advance(clock: ManualClock, ms: number, step = 100) {
  for (let moved = 0; moved < ms; moved += step) {
    clock.advance(Math.min(step, ms - moved));
    await settle();
  }
}

function saverOn(host: string, pid: number, share: ReturnType<typeof sharedFileSystem>, clock: ManualClock, hasEnded = () => false) {
  return createFolderLock({ path: lockPath, folder: '/share', owner: makeOwner(host, pid), fileSystem: share.fileSystem, clock, timing, hasEnded });
}

test('a second machine waits while the first holds the lock and refreshes it, however long; it takes it once released', async () => {
  const share = sharedFileSystem();
  share.folders.add('/share/.headshot-fetcher');
  // Clocks far apart, as two machines' may be: only each one's own passing time counts.
  const clockA = createManualClock(1_700_000_000_000);
  const clockB = createManualClock(1_600_000_000_000);
  const a = saverOn('studio-a', 100, share, clockA);
  const b = saverOn('studio-b', 100, share, clockB);

  let releaseA!: () => void;
  const aHolds = a.withLock(() => new Promise<void>((resolve) => (releaseA = resolve)));
  await settle();
  let bRan = false;
  const bDone = b.withLock(async () => {
    bRan = true;
  });
  // A minute and a half of B's time: A refreshes every 2 s of its own, so the lock never goes stale.
  for (let second = 0; second < 90; second += 1) {
    await advance(clockA, 1_000, 1_000);
    await advance(clockB, 1_000);
  }
  assert.equal(bRan, false, 'B waited for A');
  releaseA();
  await aHolds;
  await advance(clockB, 200);
  await bDone;
  assert.equal(bRan, true);
  assert.equal(share.folders.has(lockPath), false, 'the lock is gone once B is done');
});

/** A saver on another machine waits for the lock the share holds: not taken just before the stale time, taken just after. */
async function takenOnlyAfterStaleTime(share: ReturnType<typeof sharedFileSystem>, notBefore: string, taken: string) {
  const clock = createManualClock();
  const waiter = saverOn('studio-b', 100, share, clock);
  let ran = false;
  const done = waiter.withLock(async () => {
    ran = true;
  });
  await advance(clock, timing.staleMs - 200);
  assert.equal(ran, false, notBefore);
  await advance(clock, 400);
  await done;
  assert.equal(ran, true, taken);
}

test('a lock left by another machine is taken only after it stayed unchanged for the stale time on the waiting machine\'s clock', async () => {
  const share = sharedFileSystem();
  share.folders.add('/share/.headshot-fetcher');
  share.folders.add(lockPath);
  // Left by a machine that went away (its pid means nothing here): content that never changes.
  share.files.set(`${lockPath}/holder`, `${makeOwner('laptop-gone', 4242).tag} 7\n`);
  await takenOnlyAfterStaleTime(share, 'not before the stale time', 'taken once it stayed unchanged for 30 s');
});

test('a lock folder with no holder file (its maker died between making it and writing in it) is taken after the stale time, not before', async () => {
  const share = sharedFileSystem();
  share.folders.add('/share/.headshot-fetcher');
  share.folders.add(lockPath);
  await takenOnlyAfterStaleTime(share, 'an empty lock may be one being made: it is waited for', 'taken once it stayed empty for 30 s');
  assert.equal(share.folders.has(lockPath), false, 'and released after');
});

test('a holder that stops refreshing (a machine asleep) loses the lock after the stale time, and its late release leaves the new holder\'s lock alone', async () => {
  const share = sharedFileSystem();
  share.folders.add('/share/.headshot-fetcher');
  const sleepingClock = createManualClock();
  const clockB = createManualClock(1_800_000_000_000);
  const sleeper = saverOn('laptop', 7, share, sleepingClock);
  const b = saverOn('studio-b', 100, share, clockB);

  let wakeUp!: () => void;
  const sleeperDone = sleeper.withLock(() => new Promise<void>((resolve) => (wakeUp = resolve)));
  await settle();
  // The sleeper's clock does not move: it never refreshes.
  let releaseB!: () => void;
  let bHolds = false;
  const bDone = b.withLock(
    () =>
      new Promise<void>((resolve) => {
        bHolds = true;
        releaseB = resolve;
      }),
  );
  await advance(clockB, timing.staleMs + 500);
  assert.equal(bHolds, true, 'B took the abandoned lock');
  // The sleeper wakes and ends its step: B's lock must stay.
  wakeUp();
  await sleeperDone;
  assert.match(share.files.get(`${lockPath}/holder`) ?? '', /^studio-b-/);
  releaseB();
  await bDone;
});

test('a lock of a process of this machine that no longer runs is taken at once', async () => {
  const share = sharedFileSystem();
  share.folders.add('/share/.headshot-fetcher');
  share.folders.add(lockPath);
  const killed = makeOwner('this-machine', 999_999);
  share.files.set(`${lockPath}/holder`, `${killed.tag} 1\n`);
  const clock = createManualClock();
  const waiter = saverOn('this-machine', 100, share, clock, () => true);
  let ran = false;
  const done = waiter.withLock(async () => {
    ran = true;
  });
  await settle();
  await done;
  assert.equal(ran, true);
  assert.deepEqual(clock.pendingDelays().length, 0, 'no wait was needed');
});

test('steps of one saver take the lock one at a time', async () => {
  const share = sharedFileSystem();
  share.folders.add('/share/.headshot-fetcher');
  const clock = createManualClock();
  const saver = saverOn('studio-a', 1, share, clock);
  let inside = 0;
  let most = 0;
  const step = async () => {
    inside += 1;
    most = Math.max(most, inside);
    await settle();
    inside -= 1;
  };
  await Promise.all([saver.withLock(step), saver.withLock(step), saver.withLock(step)]);
  assert.equal(most, 1);
});
