import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SaveProgress } from '../../preload/api-contract';
import { formatBytes, formatMegabytes } from '../../preload/shared/bytes';
import { currentFolder, moveToFront, parentFolder, savedFileNames, savedLocation, shortenPath } from '../../renderer/src/lib/save-folders';
import {
  countsOfFinishedBatch,
  describeCacheUsage,
  describeFinishedBatch,
  describeSaveOutcome,
  describeSaveProgress,
  laterProgress,
  progressFraction,
} from '../../renderer/src/lib/save-progress';

const progress = (extra: Partial<SaveProgress> = {}): SaveProgress => ({
  active: true,
  folder: '/shots',
  jobsTotal: 12,
  jobsSaved: 0,
  jobsFailed: 0,
  filesTotal: 40,
  filesDone: 0,
  filesSkipped: 0,
  bytesWritten: 0,
  startedAt: 1_000,
  finishedAt: null,
  ...extra,
});

test('sizes read as B, KB, MB or GB', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1024), '1 KB');
  assert.equal(formatBytes(1025), '2 KB', 'rounded up');
  assert.equal(formatBytes(3.1 * 1024 * 1024), '3.1 MB');
  assert.equal(formatBytes(20 * 1024 * 1024), '20.0 MB');
  assert.equal(formatBytes(1.25 * 1024 ** 3), '1.25 GB');
  assert.equal(formatMegabytes(0), '0 MB');
  assert.equal(formatMegabytes(500 * 1024 * 1024), '500 MB');
  assert.equal(formatMegabytes(12.44 * 1024 * 1024), '12.4 MB');
  assert.equal(formatMegabytes(2_000), '< 0.1 MB');
});

test('a running batch says files done of all, bytes written and failed jobs', () => {
  assert.equal(describeSaveProgress(progress({ filesDone: 12, bytesWritten: 3.1 * 1024 * 1024, jobsFailed: 1 })), 'Saving 12 of 40 files · 3.1 MB · 1 job failed');
  assert.equal(describeSaveProgress(progress({ filesTotal: 1 })), 'Saving 0 of 1 file · 0 B');
  assert.equal(describeSaveProgress(progress({ filesTotal: 0 })), 'Saving… · 0 B', 'before the files are counted');
  assert.equal(describeSaveProgress(progress({ jobsFailed: 2 })), 'Saving 0 of 40 files · 0 B · 2 jobs failed');
  assert.equal(progressFraction(progress({ filesDone: 10 })), 0.25);
  assert.equal(progressFraction(progress({ filesTotal: 0 })), null);
});

test('a finished batch says what was saved, what was already there and what failed', () => {
  const finished = progress({ active: false, finishedAt: 2_000, jobsSaved: 2, filesTotal: 3, filesDone: 3, filesSkipped: 0 });
  assert.deepEqual(countsOfFinishedBatch(finished), { savedJobs: 2, savedFiles: 3, skippedFiles: 0, failedJobs: 0 });
  assert.equal(describeSaveOutcome(countsOfFinishedBatch(finished)), 'Saved 3 files from 2 jobs.');
  assert.equal(describeSaveOutcome({ savedJobs: 1, savedFiles: 1, skippedFiles: 2, failedJobs: 1 }), 'Saved 1 file from 1 job · 2 files already there · 1 job could not be saved: see its row.');
  assert.equal(describeSaveOutcome({ savedJobs: 2, savedFiles: 0, skippedFiles: 4, failedJobs: 0 }), 'Nothing new to save: 4 files were already there.');
  assert.equal(describeSaveOutcome({ savedJobs: 0, savedFiles: 0, skippedFiles: 0, failedJobs: 3 }), 'Saved 0 files from 0 jobs · 3 jobs could not be saved: see their rows.');
});

test('the newer report wins, however the event and the answer crossed', () => {
  const early = progress({ filesDone: 5 });
  const later = progress({ filesDone: 9 });
  const done = progress({ active: false, filesDone: 40, finishedAt: 3_000 });
  const nextBatch = progress({ startedAt: 5_000, filesDone: 1 });
  assert.equal(laterProgress(null, early), early);
  assert.equal(laterProgress(early, later), later);
  assert.equal(laterProgress(later, early), later, 'a throttled event that arrives late is ignored');
  assert.equal(laterProgress(done, later), done, 'a finished batch is not brought back to running');
  assert.equal(laterProgress(later, done), done);
  assert.equal(laterProgress(done, nextBatch), nextBatch, 'a new batch replaces the last one');
  assert.equal(laterProgress(nextBatch, done), nextBatch);
  const idle = progress({ active: false, startedAt: null, folder: null, filesTotal: 0 });
  assert.equal(laterProgress(idle, early), early);
});

test('the image cache line gives size, files and the limit in MB', () => {
  const mb = 1024 * 1024;
  assert.equal(describeCacheUsage({ bytes: 12.4 * mb, files: 37, maxBytes: 500 * mb }), 'Image cache: 12.4 MB in 37 files, at most 500 MB');
  assert.equal(describeCacheUsage({ bytes: 0, files: 0, maxBytes: 500 * mb }), 'Image cache: empty, at most 500 MB');
  assert.equal(describeCacheUsage({ bytes: 40_000, files: 1, maxBytes: 500 * mb }), 'Image cache: < 0.1 MB in 1 file, at most 500 MB');
});

test('the folder to save into: the one picked while main still offers it, else the most recent', () => {
  assert.equal(currentFolder([], null), null);
  assert.equal(currentFolder(['/a', '/b'], null), '/a');
  assert.equal(currentFolder(['/a', '/b'], '/b'), '/b');
  assert.equal(currentFolder(['/a'], '/gone'), '/a');
  assert.deepEqual(moveToFront(['/a', '/b', '/c'], '/c'), ['/c', '/a', '/b']);
  assert.deepEqual(moveToFront(['/a'], '/new'), ['/new', '/a']);
});

test("a job's saved location is the folder of its first file; the names are shown from there", () => {
  assert.equal(savedLocation([]), null);
  assert.equal(savedLocation(['/shots/2001/2001-1.png', '/shots/2001/2001-2.jpg']), '/shots/2001');
  assert.equal(savedLocation(['C:\\shots\\1-1.png']), 'C:\\shots');
  assert.equal(parentFolder('/1-1.png'), '/');
  assert.equal(savedFileNames(['/a/1-1.png', '/a/1-2.jpg']), '1-1.png, 1-2.jpg');
  assert.equal(savedFileNames(['C:\\shots\\1-1.png']), '1-1.png');
  assert.equal(savedFileNames(['/1-1.png']), '1-1.png');
  assert.equal(savedFileNames(['/a/1/x.png', '/a/2/x.png']), 'x.png, /a/2/x.png', 'a file elsewhere keeps its full path');
});

test('long paths are cut from the front, at a folder name unless that leaves only a scrap', () => {
  assert.equal(shortenPath('/home/me/shots'), '/home/me/shots');
  assert.equal(shortenPath('/home/someone/Pictures/headshots/2026-11-24/12202888', 32), '…/headshots/2026-11-24/12202888');
  assert.equal(shortenPath('C:\\Users\\someone\\Pictures\\headshots\\12202888', 24), '…\\headshots\\12202888');
  assert.equal(shortenPath('/tmp/headshot-fetcher-save-cJtJJ2/7001', 22), '…cher-save-cJtJJ2/7001', 'a long folder name is cut inside');
  assert.equal(shortenPath(`/x/${'a'.repeat(50)}`, 20), `…${'a'.repeat(19)}`);
  for (const path of ['/home/someone/Pictures/headshots/2026-11-24/12202888', '/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t']) {
    assert.ok(shortenPath(path, 24).length <= 24);
  }
});

test('a batch cut short by Stop saving says so, how far it got and how to finish; failures of its own are still told', () => {
  const stopped = progress({ active: false, finishedAt: 2_000, jobsTotal: 10, jobsSaved: 3, jobsFailed: 7, jobsStopped: 7 });
  assert.equal(describeFinishedBatch(stopped), 'Stopped: 3 of 10 jobs saved; save again to finish the rest.');
  assert.equal(
    describeFinishedBatch({ ...stopped, jobsFailed: 8, jobsSaved: 2 }),
    'Stopped: 2 of 10 jobs saved; save again to finish the rest. 1 job could not be saved: see its row.',
  );
  const ended = progress({ active: false, finishedAt: 2_000, jobsSaved: 2, filesTotal: 3, filesDone: 3 });
  assert.equal(describeFinishedBatch(ended), describeSaveOutcome(countsOfFinishedBatch(ended)));
});
