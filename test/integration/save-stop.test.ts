// "Stop saving" in the window: the batches under way stop, downloads under way are cut and their
// temporary files removed (nothing half-written keeps a final name), the jobs stay ready, and
// saving again finishes them.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { test } from 'node:test';
import { manifestCsvName, manifestJsonName } from '../../main/core/save-manifest';
import { successWith } from '../fixtures/fake-modelslab';
import { useCoreHarness, waitUntil } from '../support/core-harness';
import { startHeldImageServer } from '../support/held-images';

const start = useCoreHarness();

test('Stop saving cuts the downloads under way, leaves no half-written file, keeps the jobs ready; saving again finishes them', async (t) => {
  const held = await startHeldImageServer();
  t.after(() => held.close());
  const h = await start({
    scenarios: {
      '2301': successWith({ serve: 'headshot-a.png' }, { redirectTo: held.url('2301-2', 'headshot-b.jpg') }),
      '2302': successWith({ redirectTo: held.url('2302-1', 'headshot-c.webp') }),
    },
    core: { imageTimeoutMs: 60_000 },
  });
  await h.addText('2301 2302');
  await h.waitForJob('2301', 'ready');
  await h.waitForJob('2302', 'ready');
  const { folder } = await h.core.handlers.chooseSaveFolder(undefined);
  const saving = h.core.handlers.saveJobs({ folder: folder!, ids: 'all-ready' });
  await waitUntil(async () => held.held().sort(), (names) => names.length === 2, 10_000, 'both held downloads under way');

  assert.deepEqual(await h.core.handlers.stopSaving(undefined), { stopped: 2 });
  const summary = await saving;
  assert.equal(summary.savedJobs, 0);
  // Only the image that was whole before the stop; no temporary file, no half image under a final name.
  assert.deepEqual((await readdir(h.saveDir)).filter((name) => ![manifestCsvName, manifestJsonName].includes(name)).sort(), ['2301-1.png']);
  const jobs = await h.core.handlers.listJobs(undefined);
  for (const job of jobs) {
    assert.equal(job.state, 'ready', `${job.id} stays ready`);
    assert.equal(job.message, 'Not saved: saving was stopped. Save again to finish it.');
  }
  assert.equal((await h.core.handlers.getSaveProgress(undefined)).active, false);

  // Nothing under way: a stop stops nothing, and the next batch is not stopped by the last one's.
  assert.deepEqual(await h.core.handlers.stopSaving(undefined), { stopped: 0 });
  held.releaseAll();
  const again = await h.core.handlers.saveJobs({ folder: folder!, ids: 'all-ready' });
  assert.equal(again.savedJobs, 2);
  assert.deepEqual(
    (await readdir(h.saveDir)).filter((name) => ![manifestCsvName, manifestJsonName].includes(name)).sort(),
    ['2301-1.png', '2301-2.jpg', '2302-1.webp'],
  );
});
