// The two documents people open follow a batch while it saves: every 5 s on the batch's clock its
// saver's journal is folded into headshot-fetcher-manifest.json and .csv, not only at its end.
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultFoldIntervalMs, manifestCsvName, manifestJsonName, openSaveManifest, type ManifestEntry } from '../../main/core/save-manifest';
import { makeTempDir } from '../support/core-harness';
import { createManualClock } from '../support/manual-clock';

const entry = (jobId: string): ManifestEntry => ({
  jobId,
  image: 1,
  sourceUrl: `https://example.com/${jobId}.png`,
  path: `${jobId}-1.png`,
  bytes: 1234,
  sha256: 'a'.repeat(64),
  savedAt: '2026-12-03T12:00:00.000Z',
});

const jobsInJson = async (folder: string) =>
  ((JSON.parse(await readFile(join(folder, manifestJsonName), 'utf8').catch(() => '{"files":[]}')) as { files: ManifestEntry[] }).files).map((file) => file.jobId);
const jobsInCsv = async (folder: string) =>
  (await readFile(join(folder, manifestCsvName), 'utf8').catch(() => ''))
    .split('\r\n')
    .slice(1)
    .filter((line) => line !== '')
    .map((line) => line.split(',')[0]);

/** Lets the fold's file work run, however long the machine takes: until the documents list these jobs. */
async function untilDocumentsList(folder: string, jobIds: string[], stop: AbortSignal) {
  while (!stop.aborted) {
    const [json, csv] = [await jobsInJson(folder), await jobsInCsv(folder)];
    if (jobIds.every((id) => json.includes(id) && csv.includes(id))) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('the documents never listed them');
}

// The timeout only ends a hang when a fold never comes; a fold that comes passes however slow the disk.
test('while a batch saves, its records reach both documents at each 5 s fold, before the batch ends', { timeout: 120_000 }, async (t) => {
  const folder = await makeTempDir('headshot-fetcher-fold-');
  const clock = createManualClock();
  const manifest = await openSaveManifest(folder, () => undefined, { clock });
  try {
    await manifest.record(entry('1001'));
    await manifest.record(entry('1002'));
    // The lines are in the journal on disk; the documents wait for the fold.
    assert.deepEqual(clock.pendingDelays(), [defaultFoldIntervalMs]);
    clock.advance(defaultFoldIntervalMs - 1);
    assert.deepEqual(await jobsInJson(folder), [], 'no fold before 5 s');
    clock.advance(1);
    await untilDocumentsList(folder, ['1001', '1002'], t.signal);

    // The next records reach the documents at the next fold, 5 s later (longer only in a folder so
    // big that a fold takes over half a second); the batch still runs.
    await manifest.record(entry('1003'));
    while (clock.pendingDelays().length === 0 && !t.signal.aborted) await new Promise((resolve) => setImmediate(resolve));
    const [next = 0] = clock.pendingDelays();
    assert.ok(next >= defaultFoldIntervalMs, `the next fold comes ${next} ms later`);
    clock.advance(next - 1);
    assert.deepEqual(await jobsInJson(folder), ['1001', '1002'], 'not before the next fold');
    clock.advance(1);
    await untilDocumentsList(folder, ['1001', '1002', '1003'], t.signal);
    assert.deepEqual(await jobsInCsv(folder), ['1001', '1002', '1003']);
  } finally {
    await manifest.close();
    await rm(folder, { recursive: true, force: true });
  }
});
