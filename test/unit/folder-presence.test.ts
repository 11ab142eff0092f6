// When another saver's files may be removed: only once it is gone. Savers of another machine are
// played by their heartbeat files in a real temporary folder, and time by clocks the test moves.
import assert from 'node:assert/strict';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { heartbeatSuffix, openFolderPresence, presenceFolderName } from '../../main/core/folder-presence';
import { makeOwner } from '../../main/core/saver-owner';
import { makeTempDir, waitUntil } from '../support/core-harness';
import { createManualClock } from '../support/manual-clock';

const staleMs = 30_000;

test('another machine\'s saver is gone only once its heartbeat stopped changing for the stale time on this clock, or is missing', async () => {
  const folder = await makeTempDir('headshot-fetcher-presence-');
  try {
    const clock = createManualClock();
    const heartbeats = createManualClock();
    const presence = await openFolderPresence({ folder, owner: makeOwner('studio-a', 10), clock, heartbeatClock: heartbeats, timing: { staleMs } });
    const other = makeOwner('laptop-b', 10);
    const heartbeat = join(folder, presenceFolderName, `${other.tag}${heartbeatSuffix}`);
    await writeFile(heartbeat, '1\n');
    assert.equal(await presence.isGone(other.tag), false, 'a heartbeat seen for the first time is alive');
    clock.advance(staleMs - 1_000);
    await writeFile(heartbeat, '2\n');
    assert.equal(await presence.isGone(other.tag), false, 'it changed: alive');
    clock.advance(staleMs - 1_000);
    assert.equal(await presence.isGone(other.tag), false, 'unchanged for less than the stale time');
    clock.advance(2_000);
    assert.equal(await presence.isGone(other.tag), true, 'unchanged for the stale time: gone');
    assert.equal(await presence.isGone(makeOwner('laptop-c', 11).tag), true, 'no heartbeat at all: gone');
    assert.equal(await presence.isGone(null), true, 'a file from before tags');
    assert.equal(await presence.isGone(presence.owner.tag), false, 'never this saver itself');
    await presence.close();
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});

test('a saver of this machine is gone once its process has ended, whatever its heartbeat says', async () => {
  const folder = await makeTempDir('headshot-fetcher-presence-');
  try {
    const ended = makeOwner('studio-a', 999_999);
    const running = makeOwner('studio-a', 12);
    const presence = await openFolderPresence({
      folder,
      owner: makeOwner('studio-a', 10),
      clock: createManualClock(),
      heartbeatClock: createManualClock(),
      hasEnded: (owner) => owner.pid === ended.pid,
    });
    for (const owner of [ended, running]) await writeFile(join(folder, presenceFolderName, `${owner.tag}${heartbeatSuffix}`), '1\n');
    assert.equal(await presence.isGone(ended.tag), true);
    assert.equal(await presence.isGone(running.tag), false);
    await presence.close();
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});

test('the heartbeat is rewritten while the saver is there, and the last one to leave takes the shared folder away', async () => {
  const folder = await makeTempDir('headshot-fetcher-presence-');
  try {
    const heartbeats = createManualClock();
    const one = await openFolderPresence({ folder, owner: makeOwner('studio-a', 1), heartbeatClock: heartbeats, timing: { refreshMs: 2_000 } });
    const two = await openFolderPresence({ folder, owner: makeOwner('studio-a', 2), heartbeatClock: createManualClock(), timing: { refreshMs: 2_000 } });
    const shared = join(folder, presenceFolderName);
    assert.deepEqual((await readdir(shared)).sort(), [`${one.owner.tag}${heartbeatSuffix}`, `${two.owner.tag}${heartbeatSuffix}`].sort());
    // Each beat changes the heartbeat, which is what another saver watches.
    const heartbeatOfOne = join(shared, `${one.owner.tag}${heartbeatSuffix}`);
    assert.equal(await readFile(heartbeatOfOne, 'utf8'), '1\n');
    heartbeats.advance(2_000);
    await waitUntil(() => readFile(heartbeatOfOne, 'utf8'), (text) => text === '2\n', 5_000, 'the second beat');
    await one.close();
    assert.ok((await readdir(folder)).includes(presenceFolderName), 'stays while another saver is there');
    await two.close();
    assert.deepEqual(await readdir(folder), [], 'gone with the last saver');
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});
