// Saving through network trouble, on the test's clock: an outage of ModelsLab cut downloads wait
// with the queue and are taken up again afterwards; an image host that does not answer while
// ModelsLab does is that image's own fault, tried again with growing waits, while other jobs save.
import assert from 'node:assert/strict';
import { readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import type { QueueStatus } from '../../preload/api-contract';
import { createImageDownloader } from '../../main/core/image-download';
import { createJobSaver, defaultHostRetry, hostRetryDelays } from '../../main/core/job-saver';
import { createLinkPolicy } from '../../main/core/url-policy';
import { manifestJsonName, type ManifestEntry } from '../../main/core/save-manifest';
import { readImage, successWith } from '../fixtures/fake-modelslab';
import { type CoreHarness, fastTiming, offlineWithProbePlanned, plannedProbes, makeTempDir, useCoreHarness, waitUntil } from '../support/core-harness';
import { createManualClock } from '../support/manual-clock';

const start = useCoreHarness();
const temporaryFiles = async (folder: string) => (await readdir(folder)).filter((name) => name.endsWith('.headshot-fetcher-part'));
const imageDownloads = (h: CoreHarness) => h.requestedUrls.filter((url) => new URL(url).pathname.startsWith('/images/'));

/** A port on this machine that nothing listens on: connections to it are refused, as to a dead bucket. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('an outage while images download: nothing fails, the downloads wait with the queue, and every image is saved once afterwards', async () => {
  const clock = createManualClock();
  const ids = ['6001', '6002', '6003'];
  // The first image of each job stalls mid-way, so the outage cuts all three downloads.
  const stalling = successWith({ serve: 'headshot-a.png', stallAfterBytes: 1_000 }, { serve: 'headshot-b.jpg' });
  const h = await start({
    scenarios: Object.fromEntries(ids.map((id) => [id, stalling])),
    core: { clock, timing: { ...fastTiming, probeBaseMs: 1_000, probeCapMs: 30_000 } },
  });
  await h.addText(ids.join(' '));
  for (const id of ids) await h.waitForJob(id, 'ready');
  const { folder } = await h.core.handlers.chooseSaveFolder(undefined);
  const saving = h.core.handlers.saveJobs({ folder: folder!, ids: 'all-ready' });
  await waitUntil(() => temporaryFiles(h.saveDir), (names) => names.length === 3, 10_000, 'three downloads under way');

  await h.server.goDown();
  let status = await offlineWithProbePlanned(h);
  assert.match(status.message ?? '', /Can't reach ModelsLab \(ECONNREFUSED\)/, 'the cut downloads found ModelsLab down: the queue shows the outage');
  const downloadsWhenOffline = imageDownloads(h).length;
  // Two minutes offline, probe after probe.
  const offlineSince = clock.now();
  while (clock.now() - offlineSince < 120_000) {
    const seen = plannedProbes(h).length;
    clock.advance(status.nextProbeAt - clock.now());
    status = await offlineWithProbePlanned(h, seen);
  }
  assert.equal(imageDownloads(h).length, downloadsWhenOffline, 'no download is tried while ModelsLab cannot be reached');
  for (const id of ids) {
    const view = await h.job(id);
    assert.equal(view?.state, 'saving', `${id}: ${view?.message}`);
    assert.equal(view?.message, null);
  }

  for (const id of ids) h.server.setScenario(id, successWith({ serve: 'headshot-a.png' }, { serve: 'headshot-b.jpg' }));
  await h.server.comeBack();
  clock.advance(status.nextProbeAt - clock.now());
  const summary = await saving;
  assert.deepEqual({ ...summary }, { folder: h.saveDir, savedJobs: 3, savedFiles: 6, skippedFiles: 0, failedJobs: 0 });
  assert.equal((await h.core.handlers.getQueueStatus(undefined)).pausedBecause, null);

  const names = (await readdir(h.saveDir)).filter((name) => !name.startsWith('headshot-fetcher-manifest')).sort();
  assert.deepEqual(names, ids.flatMap((id) => [`${id}-1.png`, `${id}-2.jpg`]), 'each image once, nothing half-written left');
  for (const id of ids) assert.deepEqual(await readFile(join(h.saveDir, `${id}-1.png`)), readImage('headshot-a.png'));
  const manifest = (JSON.parse(await readFile(join(h.saveDir, manifestJsonName), 'utf8')) as { files: ManifestEntry[] }).files;
  assert.equal(manifest.length, 6);
  for (const id of ids) {
    const tries = imageDownloads(h).filter((url) => url.includes(`/images/${id}/0/`)).length;
    assert.equal(tries, 2, `${id}'s first image: the cut download, then once more after the outage (no try spent meanwhile)`);
  }
});

test('an image host that does not answer while ModelsLab does: the other jobs save, that image is tried again with growing waits, then fails saying so', async () => {
  const clock = createManualClock();
  const deadLink = `http://127.0.0.1:${await closedPort()}/bucket/6101-1.png`;
  const h = await start({
    scenarios: { '6101': successWith({ link: deadLink }), '6102': successWith({ serve: 'headshot-b.jpg' }), '6103': successWith({ serve: 'headshot-c.webp' }) },
    core: { clock },
  });
  await h.addText('6101 6102 6103');
  for (const id of ['6101', '6102', '6103']) await h.waitForJob(id, 'ready');
  const { folder } = await h.core.handlers.chooseSaveFolder(undefined);
  const saving = h.core.handlers.saveJobs({ folder: folder!, ids: 'all-ready' });
  const tries = () => h.requestedUrls.filter((url) => url === deadLink).length;

  // 5, 15, 45 and 135 s, then the 100 s left of 5 minutes.
  const waits = hostRetryDelays(defaultHostRetry);
  assert.deepEqual(waits, [5_000, 15_000, 45_000, 135_000, 100_000]);
  for (const [index, wait] of waits.entries()) {
    await waitUntil(async () => clock.pendingDelays(), (delays) => delays.includes(wait), 10_000, `a wait of ${wait} ms before try ${index + 2}`);
    assert.equal(tries(), index + 1, 'one try per wait: no quick tries in between');
    if (index === 0) {
      // One dead bucket does not stall the others: they are saved while it waits, the clock standing still.
      await h.waitForJob('6102', 'saved');
      await h.waitForJob('6103', 'saved');
      assert.equal((await h.job('6101'))?.state, 'saving');
    }
    clock.advance(wait - 1);
    assert.equal(tries(), index + 1, `not tried again before ${wait} ms have passed`);
    clock.advance(1);
    await waitUntil(async () => tries(), (count) => count === index + 2, 10_000, `try ${index + 2}`);
  }

  const summary = await saving;
  assert.deepEqual({ saved: summary.savedJobs, failed: summary.failedJobs }, { saved: 2, failed: 1 });
  assert.equal(tries(), waits.length + 1);
  const failed = await h.job('6101');
  assert.equal(failed?.state, 'ready', 'it stays ready, so saving again later can finish it');
  assert.match(
    failed?.message ?? '',
    /^Not saved: Image 1 of job 6101 could not be downloaded: its image host 127\.0\.0\.1:\d+ cannot be reached \(ECONNREFUSED\), though ModelsLab answers\. Tried again for 5 min\. Check that this network can reach that host, then save again\.$/,
  );
  assert.ok(!h.events.some((e) => e.event === 'queueStatus' && (e.payload as QueueStatus).pausedBecause === 'offline'), 'ModelsLab answered: the queue never paused');
  assert.deepEqual((await readdir(h.saveDir)).filter((name) => !name.startsWith('headshot-fetcher-manifest')).sort(), ['6102-1.jpg', '6103-1.webp']);
});

test('a stop (Ctrl-C, --offline-wait running out) ends the wait for a host at once: the image ends as stopped, and no timer is left', { timeout: 30_000 }, async () => {
  const clock = createManualClock();
  const stop = new AbortController();
  const folder = await makeTempDir('headshot-fetcher-save-');
  try {
    const deadLink = `http://127.0.0.1:${await closedPort()}/bucket/6201-1.png`;
    const downloader = createImageDownloader({
      fetch: (url, init) => fetch(url, init),
      requestTimeoutMs: 30_000,
      linkPolicy: createLinkPolicy({ endpointTemplate: () => 'http://127.0.0.1:1/fetch/{id}', allowPrivateNetwork: () => false }),
      stopSignal: stop.signal,
    });
    const saver = createJobSaver({ downloader, onNotice: () => undefined, clock, stopSignal: stop.signal });
    const target = { folder, saveLayout: 'flat' as const, fileNameTemplate: '{id}-{n}.{ext}', conflictPolicy: 'rename' as const, savedAt: new Date() };
    const saving = saver.saveJob({ id: '6201', outputUrls: [deadLink] }, target, { onBytes: () => undefined, onImage: () => undefined });
    await waitUntil(async () => clock.pendingDelays(), (delays) => delays.includes(5_000), 10_000, 'the first wait for the host');
    stop.abort();
    const result = await saving;
    assert.deepEqual(result.failures, ['Image 1 of job 6201 was not saved: saving was stopped.']);
    assert.deepEqual(clock.pendingDelays(), [], 'the wait was cancelled, not left to fire');
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});
