import assert from 'node:assert/strict';
import { readdir, readFile, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createImageCache } from '../../main/core/image-cache';
import { createImageDownloader } from '../../main/core/image-download';
import { createLinkPolicy } from '../../main/core/url-policy';
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

/** The fake server's own links, as its loopback endpoint allows. */
const localLinks = () => createLinkPolicy({ endpointTemplate: () => server.endpointTemplate, allowPrivateNetwork: () => false });
const downloader = createImageDownloader({ fetch: (url, init) => fetch(url, init), requestTimeoutMs: 30_000, linkPolicy: localLinks() });
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
  // Room for two images of this size, not three.
  const imageBytes = readImage('headshot-a.png').length;
  const limit = 2 * imageBytes + 100;
  const open = () => createImageCache({ folder: cacheFolder, downloader, maxBytes: limit });
  // Copies of one image under links of their own: each is a cache entry of its own.
  const link = (copy: string) => `${server.imageUrl('3003', 0)}?${copy}`;
  const cache = open();
  const first = await cache.fetch('3003', 1, link('first'), 'first');
  const second = await cache.fetch('3003', 2, link('second'), 'second');
  // Made, in this order, long ago: the first is the oldest file, the second the newer one.
  await utimes(first, new Date(2020, 0, 1), new Date(2020, 0, 1));
  await utimes(second, new Date(2021, 0, 1), new Date(2021, 0, 1));

  // After a restart the oldest file is looked at again (a preview shown): now it is the most recently used.
  const restarted = open();
  assert.equal((await restarted.usage()).files, 2);
  assert.equal(await restarted.lookup('3003', 1, link('first')), first);
  // A third needs room: the newer but unused second goes, not the first.
  const third = await restarted.fetch('3003', 3, link('third'), 'third');
  await stat(first);
  await assert.rejects(stat(second), { code: 'ENOENT' }, 'the least recently used went first');
  const usage = await restarted.usage();
  assert.ok(usage.bytes <= limit, `${usage.bytes} <= ${limit}`);
  assert.equal((await readdir(cacheFolder)).length, 2);

  // The use is remembered across a restart too: with the third last used long ago, a fourth drops it, not the first.
  await utimes(third, new Date(2022, 0, 1), new Date(2022, 0, 1));
  const again = open();
  await again.fetch('3003', 4, link('fourth'), 'fourth');
  await assert.rejects(stat(third), { code: 'ENOENT' });
  const downloads = server.imageRequests.length;
  assert.equal(await again.lookup('3003', 1, link('first')), first, 'found again after a restart');
  assert.equal(await again.fetch('3003', 1, link('first'), 'first'), first);
  assert.equal(server.imageRequests.length, downloads, 'served from the cache, not downloaded again');
});

test('an image larger than the limit is stopped and nothing is kept', async () => {
  const small = createImageDownloader({ fetch: (url, init) => fetch(url, init), requestTimeoutMs: 30_000, linkPolicy: localLinks(), maxImageBytes: 1_000 });
  const saver = createJobSaver({ downloader: small, onNotice: () => undefined });
  const before = await readdir(folder);
  const result = await saver.saveJob({ id: '3003', outputUrls: [server.imageUrl('3003', 0)] }, target(), quietProgress);
  assert.match(result.failures[0] ?? '', /larger than 0 MB; stopped|larger than/);
  assert.deepEqual((await readdir(folder)).filter((name) => !before.includes(name)), []);
});

// The downloads stall and every other wait is ten minutes long, so only the stop can end the job
// within the test's time: no wall-clock bound to miss on a busy machine.
test('stopping (Ctrl-C on the command line) ends a job at once: what was stopped is not tried again, and nothing is left', { timeout: 60_000 }, async () => {
  const stop = new AbortController();
  const tenMinutes = 600_000;
  const stoppable = createImageDownloader({ fetch: (url, init) => fetch(url, init), requestTimeoutMs: tenMinutes, linkPolicy: localLinks(), stopSignal: stop.signal });
  const saver = createJobSaver({ downloader: stoppable, onNotice: () => undefined, retryDelayMs: tenMinutes });
  const before = await readdir(folder);
  const urls = [server.imageUrl('3004', 0), server.imageUrl('3004', 1)];
  const saving = saver.saveJob({ id: '3004', outputUrls: urls }, target(), quietProgress);
  await waitUntil(() => readdir(folder), (names) => names.some((name) => name.endsWith('.headshot-fetcher-part')), 10_000, 'the download to be under way');
  const requestsAtStop = server.imageRequests.length;
  stop.abort();
  const result = await saving;
  assert.equal(result.failures.length, 2);
  for (const failure of result.failures) assert.match(failure, /was not saved: saving was stopped/);
  assert.equal(server.imageRequests.length, requestsAtStop, 'nothing was downloaded again after the stop');
  assert.deepEqual((await readdir(folder)).filter((name) => !before.includes(name)), []);
});
