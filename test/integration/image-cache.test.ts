import assert from 'node:assert/strict';
import { readdir, readFile, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createImageCache } from '../../main/core/image-cache';
import { createImageDownloader } from '../../main/core/image-download';
import { createJobSaver, type SaveProgressListener } from '../../main/core/job-saver';
import { readImage, startFakeModelsLab, type FakeModelsLab } from '../fixtures/fake-modelslab';
import { makeTempDir, validTestKey, waitUntil } from '../support/core-harness';

let server: FakeModelsLab;
let userData: string;
let folder: string;
before(async () => {
  server = await startFakeModelsLab({
    validKey: validTestKey,
    scenarios: {
      '3001': [{ answer: 'success', images: [{ serve: 'headshot-a.png' }, { serve: 'headshot-b.jpg' }] }],
      '3002': [{ answer: 'success', images: [{ serve: 'headshot-c.webp' }] }],
      '3003': [{ answer: 'success', images: [{ serve: 'headshot-a.png' }] }],
      '3004': [{ answer: 'success', images: [{ serve: 'headshot-a.png', stallAfterBytes: 500 }, { serve: 'headshot-b.jpg', stallAfterBytes: 500 }] }],
    },
  });
  userData = await makeTempDir();
  folder = await makeTempDir('headshot-fetcher-save-');
});
after(async () => {
  await server.close();
  await rm(userData, { recursive: true, force: true });
  await rm(folder, { recursive: true, force: true });
});

const downloader = createImageDownloader({ fetch: (url, init) => fetch(url, init), requestTimeoutMs: 2_000 });
const quietProgress: SaveProgressListener = { onBytes: () => undefined, onImage: () => undefined };
const target = () => ({ folder, saveLayout: 'flat' as const, fileNameTemplate: '{id}-{n}.{ext}', conflictPolicy: 'rename' as const, savedAt: new Date() });

test('images fetched for previews are saved from the cache, even after their links expired', async () => {
  const cache = createImageCache({ folder: join(userData, 'cache-a'), downloader });
  const urls = [server.imageUrl('3001', 0), server.imageUrl('3001', 1)];
  const previewPath = await cache.fetch('3001', 1, urls[0]!, 'Image 1 of job 3001');
  assert.deepEqual(await readFile(previewPath), readImage('headshot-a.png'));
  assert.equal(await cache.fetch('3001', 1, urls[0]!, 'Image 1 of job 3001'), previewPath, 'a second preview is not downloaded again');
  await cache.fetch('3001', 2, urls[1]!, 'Image 2 of job 3001');
  assert.equal(server.imageRequests.length, 2);

  server.setScenario('3001', [{ answer: 'success', images: [{ expired: true }, { expired: true }] }]);
  const saver = createJobSaver({ downloader, cache, onNotice: () => undefined });
  const result = await saver.saveJob({ id: '3001', outputUrls: urls }, target(), quietProgress);
  assert.deepEqual(result.failures, []);
  assert.equal(server.imageRequests.length, 2, 'saving copied from the cache');
  assert.deepEqual(await readFile(join(folder, '3001-1.png')), readImage('headshot-a.png'));
  assert.deepEqual(await readFile(join(folder, '3001-2.jpg')), readImage('headshot-b.jpg'));
  assert.deepEqual(await cache.usage(), { bytes: readImage('headshot-a.png').length + readImage('headshot-b.jpg').length, files: 2, maxBytes: 512 * 1024 * 1024 });
});

test('the cache stays under its limit by dropping the least recently used, and is found again after a restart', async () => {
  const cacheFolder = join(userData, 'cache-b');
  const limit = readImage('headshot-a.png').length + readImage('headshot-c.webp').length + 100;
  const cache = createImageCache({ folder: cacheFolder, downloader, maxBytes: limit });
  const first = await cache.fetch('3003', 1, server.imageUrl('3003', 0), 'first');
  const second = await cache.fetch('3002', 1, server.imageUrl('3002', 0), 'second');
  // The first was used long ago: it is the one to go when space is needed.
  await utimes(first, new Date(2020, 0, 1), new Date(2020, 0, 1));
  const restarted = createImageCache({ folder: cacheFolder, downloader, maxBytes: limit });
  assert.equal((await restarted.usage()).files, 2);
  await restarted.lookup('3002', 1, server.imageUrl('3002', 0));
  await restarted.fetch('3003', 2, `${server.imageUrl('3003', 0)}?copy`, 'third');
  const usage = await restarted.usage();
  assert.ok(usage.bytes <= limit, `${usage.bytes} <= ${limit}`);
  await assert.rejects(stat(first), { code: 'ENOENT' });
  await stat(second);
  assert.equal((await readdir(cacheFolder)).length, 2);
});

test('an image larger than the limit is stopped and nothing is kept', async () => {
  const small = createImageDownloader({ fetch: (url, init) => fetch(url, init), requestTimeoutMs: 2_000, maxImageBytes: 1_000 });
  const saver = createJobSaver({ downloader: small, onNotice: () => undefined });
  const before = await readdir(folder);
  const result = await saver.saveJob({ id: '3003', outputUrls: [server.imageUrl('3003', 0)] }, target(), quietProgress);
  assert.match(result.failures[0] ?? '', /larger than 0 MB; stopped|larger than/);
  assert.deepEqual((await readdir(folder)).filter((name) => !before.includes(name)), []);
});

test('stopping (Ctrl-C on the command line) ends a job at once: what was stopped is not tried again, and nothing is left', async () => {
  const stop = new AbortController();
  const stoppable = createImageDownloader({ fetch: (url, init) => fetch(url, init), requestTimeoutMs: 10_000, stopSignal: stop.signal });
  // The command line's own wait between tries (1 s, then 2 s).
  const saver = createJobSaver({ downloader: stoppable, onNotice: () => undefined });
  const before = await readdir(folder);
  const saving = saver.saveJob({ id: '3004', outputUrls: [server.imageUrl('3004', 0), server.imageUrl('3004', 1)] }, target(), quietProgress);
  await waitUntil(() => readdir(folder), (names) => names.some((name) => name.endsWith('.headshot-fetcher-part')), 5_000, 'the download to be under way');
  const stoppedAt = Date.now();
  stop.abort();
  const result = await saving;
  assert.ok(Date.now() - stoppedAt < 500, `the job ended ${Date.now() - stoppedAt} ms after the stop`);
  assert.equal(result.failures.length, 2);
  for (const failure of result.failures) assert.match(failure, /was not saved: saving was stopped/);
  assert.deepEqual((await readdir(folder)).filter((name) => !before.includes(name)), []);
});
