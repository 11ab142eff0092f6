// The updater's decisions, standing in for what only the packaged Electron app shows: when it looks,
// what it says, and that a restart is never offered during a save batch.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createUpdateController, updateSupport, type Updater } from '../../main/core/update-policy';

const on = { enabled: true } as const;

test('updates are off without a publish setting, in a development run, and in an unsigned macOS build', () => {
  const installed = { packaged: true, feedConfigured: true, platform: 'linux' as const, signed: false };
  assert.deepEqual(updateSupport(installed), on);
  assert.deepEqual(updateSupport({ ...installed, platform: 'win32' }), on);
  assert.deepEqual(updateSupport({ ...installed, platform: 'darwin', signed: true }), on);
  assert.match(JSON.stringify(updateSupport({ ...installed, platform: 'darwin' })), /not signed, and macOS installs updates only over a signed app/);
  assert.match(JSON.stringify(updateSupport({ ...installed, feedConfigured: false })), /built without an update feed/);
  assert.match(JSON.stringify(updateSupport({ ...installed, packaged: false })), /only in an installed app/);
});

/** An update server the test answers: each check and download waits until the test settles it. */
function heldUpdater() {
  const calls: string[] = [];
  let answerCheck: (found: { version: string } | null | Error) => void = () => undefined;
  let finishDownload: (error?: Error) => void = () => undefined;
  const updater: Updater = {
    check: () => {
      calls.push('check');
      return new Promise((resolve, reject) => (answerCheck = (found) => (found instanceof Error ? reject(found) : resolve(found))));
    },
    download: () => {
      calls.push('download');
      return new Promise((resolve, reject) => (finishDownload = (error) => (error ? reject(error) : resolve())));
    },
    restartAndInstall: () => void calls.push('restart'),
  };
  return { updater, calls, answerCheck: (found: { version: string } | null | Error) => answerCheck(found), finishDownload: (error?: Error) => finishDownload(error) };
}

function dialogs(restartAnswer = true) {
  const told: string[] = [];
  const offered: string[] = [];
  return { told, offered, dialogs: { tell: (message: string) => void told.push(message), offerRestart: async (version: string) => (offered.push(version), restartAnswer) } };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

test('the check at start is quiet: nothing is said when there is no update or the server fails', async () => {
  const server = heldUpdater();
  const ui = dialogs();
  const updates = createUpdateController({ support: on, updater: server.updater, dialogs: ui.dialogs, currentVersion: '1.0.0', log: () => undefined });
  let done = updates.checkAtStart();
  server.answerCheck(null);
  await done;
  done = updates.checkAtStart();
  server.answerCheck(new Error('getaddrinfo ENOTFOUND'));
  await done;
  assert.deepEqual(ui.told, []);
  assert.deepEqual(ui.offered, []);
});

test('an update found at start downloads in the background, then "Restart to update" is offered and taken', async () => {
  const server = heldUpdater();
  const ui = dialogs(true);
  const updates = createUpdateController({ support: on, updater: server.updater, dialogs: ui.dialogs, currentVersion: '1.0.0', log: () => undefined });
  const done = updates.checkAtStart();
  server.answerCheck({ version: '1.1.0' });
  await settle();
  assert.deepEqual(server.calls, ['check', 'download']);
  assert.deepEqual(ui.offered, [], 'not before the download is complete');
  server.finishDownload();
  await done;
  assert.deepEqual(ui.offered, ['1.1.0']);
  assert.deepEqual(server.calls, ['check', 'download', 'restart']);
  assert.deepEqual(ui.told, []);
});

test('never during a save batch: the restart is offered when the batch ends', async () => {
  const server = heldUpdater();
  const ui = dialogs(true);
  const updates = createUpdateController({ support: on, updater: server.updater, dialogs: ui.dialogs, currentVersion: '1.0.0', log: () => undefined });
  updates.saveBatchActive(true);
  const done = updates.checkAtStart();
  server.answerCheck({ version: '1.1.0' });
  await settle();
  server.finishDownload();
  await done;
  assert.deepEqual(ui.offered, []);
  assert.ok(!server.calls.includes('restart'));
  // Asking from the menu during the batch still waits for it.
  await updates.checkNow();
  assert.deepEqual(ui.offered, []);
  updates.saveBatchActive(false);
  await settle();
  assert.deepEqual(ui.offered, ['1.1.0']);
  assert.deepEqual(server.calls, ['check', 'download', 'restart']);
});

test('a batch that starts while the question is open goes first', async () => {
  const server = heldUpdater();
  let answer: (restart: boolean) => void = () => undefined;
  const updates = createUpdateController({
    support: on,
    updater: server.updater,
    dialogs: { tell: () => undefined, offerRestart: () => new Promise((resolve) => (answer = resolve)) },
    currentVersion: '1.0.0',
    log: () => undefined,
  });
  const done = updates.checkAtStart();
  server.answerCheck({ version: '1.1.0' });
  await settle();
  server.finishDownload();
  await settle();
  updates.saveBatchActive(true);
  answer(true);
  await done;
  assert.ok(!server.calls.includes('restart'), 'restarted during a batch');
  updates.saveBatchActive(false);
  await settle();
  answer(true);
  await settle();
  assert.deepEqual(server.calls, ['check', 'download', 'restart']);
});

test('Help › Check for updates says what it found, and why updates are off', async () => {
  const server = heldUpdater();
  const ui = dialogs(false);
  const updates = createUpdateController({ support: on, updater: server.updater, dialogs: ui.dialogs, currentVersion: '1.0.0', log: () => undefined });
  let done = updates.checkNow();
  server.answerCheck(null);
  await done;
  done = updates.checkNow();
  server.answerCheck(new Error('503'));
  await done;
  done = updates.checkNow();
  server.answerCheck({ version: '1.2.0' });
  await settle();
  server.finishDownload();
  await done;
  assert.deepEqual(ui.told, [
    'You have the latest version (1.0.0).',
    'Could not look for a new version: the update server did not answer. Check your connection and try again later.',
    'Version 1.2.0 is downloading; you will be asked to restart when it is ready.',
  ]);
  assert.deepEqual(ui.offered, ['1.2.0']);
  // Put off once; asking again offers it again, without a second download.
  await updates.checkNow();
  assert.deepEqual(ui.offered, ['1.2.0', '1.2.0']);
  assert.deepEqual(server.calls, ['check', 'check', 'check', 'download']);

  const off = dialogs();
  const offUpdates = createUpdateController({ support: updateSupport({ packaged: true, feedConfigured: false, platform: 'win32', signed: true }), updater: server.updater, dialogs: off.dialogs, currentVersion: '1.0.0', log: () => undefined });
  await offUpdates.checkAtStart();
  assert.deepEqual(off.told, [], 'the quiet check says nothing when updates are off');
  await offUpdates.checkNow();
  assert.match(off.told[0]!, /built without an update feed/);
  assert.equal(server.calls.length, 4, 'no check when updates are off');
});
