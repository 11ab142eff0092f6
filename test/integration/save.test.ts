import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { readImage, type ImageBehaviour } from '../fixtures/fake-modelslab';
import { type CoreHarness, useCoreHarness, waitUntil } from '../support/core-harness';

const start = useCoreHarness();

const success = (...images: ImageBehaviour[]) => [{ answer: 'success' as const, images }];

async function chooseAndSave(h: CoreHarness) {
  const { folder } = await h.core.handlers.chooseSaveFolder(undefined);
  assert.equal(folder, h.saveDir);
  return h.core.handlers.saveReadyJobs({ folder });
}

test('saves every image of the ready jobs as <id>-<n>.<ext>, byte for byte, typed by content', async () => {
  const h = await start({
    scenarios: {
      '1001': success({ serve: 'headshot-a.png' }, { serve: 'headshot-b.jpg' }),
      '1002': success({ serve: 'headshot-c.webp' }),
      '1003': success({ serve: 'headshot-b.jpg', as: 'data-url' }),
      '1004': success({ serve: 'headshot-a.png', as: 'base64' }),
    },
  });
  await h.addText('1001 1002 1003 1004');
  for (const id of ['1001', '1002', '1003', '1004']) await h.waitForJob(id, 'ready');

  const summary = await chooseAndSave(h);
  assert.deepEqual(summary, { folder: h.saveDir, savedJobs: 4, savedFiles: 5, failedJobs: 0 });
  assert.deepEqual((await readdir(h.saveDir)).sort(), ['1001-1.png', '1001-2.jpg', '1002-1.webp', '1003-1.jpg', '1004-1.png']);
  assert.deepEqual(await readFile(join(h.saveDir, '1001-1.png')), readImage('headshot-a.png'));
  assert.deepEqual(await readFile(join(h.saveDir, '1001-2.jpg')), readImage('headshot-b.jpg'));
  assert.deepEqual(await readFile(join(h.saveDir, '1003-1.jpg')), readImage('headshot-b.jpg'));
  assert.deepEqual(await readFile(join(h.saveDir, '1004-1.png')), readImage('headshot-a.png'));

  const saved = await h.waitForJob('1001', 'saved');
  assert.deepEqual(saved.savedPaths, [join(h.saveDir, '1001-1.png'), join(h.saveDir, '1001-2.jpg')]);
});

test('proxy_links objects and future_links are saved like output links', async () => {
  const h = await start({
    scenarios: {
      '1101': [{ answer: 'success', shape: 'proxy-object', images: [{ serve: 'headshot-a.png' }] }],
      '1102': [{ answer: 'success', shape: 'future-links-only', images: [{ serve: 'headshot-b.jpg' }] }],
    },
  });
  await h.addText('1101 1102');
  await h.waitForJob('1101', 'ready');
  await h.waitForJob('1102', 'ready');
  await chooseAndSave(h);
  assert.deepEqual((await readdir(h.saveDir)).sort(), ['1101-1.png', '1102-1.jpg']);
});

test('a download cut off mid-way, an expired link or an HTML page leaves no file and says why; the others are saved', async () => {
  const h = await start({
    scenarios: {
      '1201': success({ serve: 'headshot-a.png', cutAfterBytes: 2000 }),
      '1202': success({ expired: true }),
      '1203': success({ html: true }),
      '1204': success({ serve: 'headshot-b.jpg' }),
    },
  });
  await h.addText('1201 1202 1203 1204');
  for (const id of ['1201', '1202', '1203', '1204']) await h.waitForJob(id, 'ready');

  const summary = await chooseAndSave(h);
  assert.deepEqual({ ...summary }, { folder: h.saveDir, savedJobs: 1, savedFiles: 1, failedJobs: 3 });
  assert.deepEqual(await readdir(h.saveDir), ['1204-1.jpg'], 'no partial file and no .part file is left');

  const cut = await h.job('1201');
  assert.equal(cut?.state, 'ready', 'a job that could not be saved stays ready to save again');
  assert.match(cut?.message ?? '', /Not saved: Image 1 of job 1201 (arrived incomplete|could not be downloaded)/);
  assert.match((await h.job('1202'))?.message ?? '', /HTTP 404.*probably expired/);
  assert.match((await h.job('1203'))?.message ?? '', /not a PNG, JPEG or WebP image/);
});

test('saving again after a failure finishes what was missing', async () => {
  const h = await start({ scenarios: { '1301': success({ expired: true }) } });
  await h.addText('1301');
  await h.waitForJob('1301', 'ready');
  assert.equal((await chooseAndSave(h)).failedJobs, 1);
  h.server.setScenario('1301', success({ serve: 'headshot-a.png' }));
  assert.equal((await chooseAndSave(h)).savedFiles, 1);
  assert.equal((await h.job('1301'))?.state, 'saved');
  assert.deepEqual(await readdir(h.saveDir), ['1301-1.png']);
});

test('a folder that was never chosen with the dialog is refused', async () => {
  const h = await start({ scenarios: { '1401': success({ serve: 'headshot-a.png' }) } });
  await h.addText('1401');
  await h.waitForJob('1401', 'ready');
  await assert.rejects(h.core.handlers.saveReadyJobs({ folder: h.userDataDir }), { code: 'folder-not-allowed' });
  await assert.rejects(h.core.handlers.saveReadyJobs({ folder: `${h.saveDir}/../` }), { code: 'folder-not-allowed' });
  await assert.rejects(h.core.handlers.saveReadyJobs({ folder: 42 }), { code: 'invalid-request' });
  const written = (await readdir(h.userDataDir)).filter((name) => !name.startsWith('jobs.json'));
  assert.deepEqual(written, [], 'no image was written outside the chosen folder');
});

test('a folder deleted or replaced before saving fails the jobs with a plain reason', async () => {
  const h = await start({ scenarios: { '1501': success({ serve: 'headshot-a.png' }) } });
  await h.addText('1501');
  await h.waitForJob('1501', 'ready');
  const { folder } = await h.core.handlers.chooseSaveFolder(undefined);
  await rm(folder!, { recursive: true });
  assert.equal((await h.core.handlers.saveReadyJobs({ folder: folder! })).failedJobs, 1);
  assert.match((await h.job('1501'))?.message ?? '', /no longer exists/);
  await writeFile(folder!, 'a file where the folder was');
  assert.equal((await h.core.handlers.saveReadyJobs({ folder: folder! })).failedJobs, 1);
  assert.match((await h.job('1501'))?.message ?? '', /no longer exists/);
});

test('with nothing ready, saving says so', async () => {
  const h = await start({});
  const { folder } = await h.core.handlers.chooseSaveFolder(undefined);
  await assert.rejects(h.core.handlers.saveReadyJobs({ folder }), { code: 'nothing-to-save' });
});

test('a process killed mid-download leaves no image under its final name', async () => {
  const h = await start({
    scenarios: { '1601': success({ serve: 'headshot-a.png' }, { serve: 'headshot-a.png', trickle: { chunkBytes: 500, intervalMs: 20 } }) },
  });
  const urls = [h.server.imageUrl('1601', 0), h.server.imageUrl('1601', 1)];
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/save-in-child.ts', '1601', h.saveDir, ...urls], { stdio: 'pipe' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  // Kill it once the second image is half written.
  await waitUntil(
    async () => (await readdir(h.saveDir)).filter((name) => name.endsWith('.part')),
    (parts) => parts.length === 1,
    10_000,
    'the second image to be under way',
  );
  await new Promise((resolve) => setTimeout(resolve, 100));
  child.kill('SIGKILL');
  await exited;

  const files = await readdir(h.saveDir);
  assert.ok(files.includes('1601-1.png'), 'the image finished before the kill is kept');
  assert.deepEqual(await readFile(join(h.saveDir, '1601-1.png')), readImage('headshot-a.png'));
  assert.ok(!files.includes('1601-2.png'), `no half image under a final name: ${files.join(', ')}`);
  const others = files.filter((name) => name !== '1601-1.png');
  assert.equal(others.length, 1, 'the one thing beside it is the unfinished download');
  assert.match(others[0]!, /^\.1601-2\.[0-9a-f]{8}\.part$/);
});

test('redirects are followed to https or this machine, never to plain http elsewhere', async () => {
  const h = await start({ scenarios: { '1702': success({ serve: 'headshot-b.jpg' }) } });
  h.server.setScenario('1701', success({ redirectTo: h.server.imageUrl('1702', 0) }));
  h.server.setScenario('1703', success({ redirectTo: 'http://images.example.com/1703.png' }));
  await h.addText('1701 1703');
  await h.waitForJob('1701', 'ready');
  await h.waitForJob('1703', 'ready');
  const summary = await chooseAndSave(h);
  assert.equal(summary.savedJobs, 1);
  assert.deepEqual(await readdir(h.saveDir), ['1701-1.jpg']);
  assert.match((await h.job('1703'))?.message ?? '', /not https \(http:\/\/images\.example\.com\); it was not downloaded/);
});

test('an existing file is never replaced: the same bytes count as saved, other bytes get a new name', async () => {
  const h = await start({ scenarios: { '1801': success({ serve: 'headshot-a.png' }), '1802': success({ serve: 'headshot-b.jpg' }) } });
  const { folder } = await h.core.handlers.chooseSaveFolder(undefined);
  await writeFile(join(folder!, '1801-1.png'), 'a different picture the user keeps');
  await writeFile(join(folder!, '1802-1.jpg'), readImage('headshot-b.jpg'));
  await h.addText('1801 1802');
  await h.waitForJob('1801', 'ready');
  await h.waitForJob('1802', 'ready');
  assert.equal((await h.core.handlers.saveReadyJobs({ folder: folder! })).savedFiles, 2);

  assert.equal(await readFile(join(folder!, '1801-1.png'), 'utf8'), 'a different picture the user keeps');
  assert.deepEqual(await readFile(join(folder!, '1801-1 (2).png')), readImage('headshot-a.png'));
  assert.deepEqual((await readdir(folder!)).sort(), ['1801-1 (2).png', '1801-1.png', '1802-1.jpg']);
  assert.deepEqual((await h.job('1802'))?.savedPaths, [join(folder!, '1802-1.jpg')]);
});
