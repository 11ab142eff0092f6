import assert from 'node:assert/strict';
import { test } from 'node:test';
import { visibleRange } from '../../renderer/src/lib/virtual-rows';
import { applyJobEvents, applyJobUpdates, countByState, createJobList, describeIntake, formatEta, jobDetail, linksProbablyExpired, removeJobs, rowAction } from '../../renderer/src/lib/job-list';
import { jobView } from '../support/job-views';
import { countedMap, readBudget } from '../support/work-budget';
import { labelHeaders } from '../../preload/shared/job-labels';

const view = jobView;

test('updates keep arrival order and replace a job in place', () => {
  const list = createJobList();
  applyJobUpdates(list, [view('1', 'queued'), view('2', 'queued')]);
  applyJobUpdates(list, [view('2', 'ready', { imageCount: 2 }), view('3', 'queued')]);
  assert.deepEqual(list.order, ['1', '2', '3']);
  assert.equal(list.byId.get('2')?.state, 'ready');
  removeJobs(list, ['1', '3']);
  assert.deepEqual(list.order, ['2']);
  assert.deepEqual([...list.byId.keys()], ['2']);
});

test('the counts, label columns and longest ID follow every change without a walk over the list', () => {
  const list = createJobList();
  const named = (id: string, state: Parameters<typeof view>[1], name: string) => view(id, state, { labels: [['Name', name], ['E-mail', `${name}@example.com`]] });
  const first = applyJobEvents(list, [{ kind: 'updated', views: [view('12202888', 'queued'), named('98765432109876543210', 'queued', 'Ada')] }]);
  assert.equal(first.headersChanged, true, "a table's headers arriving change the columns");
  assert.deepEqual(labelHeaders(list.byId.values()), ['Name', 'E-mail']);
  assert.equal(list.longestId, 20);
  // The same job again, with its labels as a new array (as every event from main brings them): no new columns.
  const again = applyJobEvents(list, [{ kind: 'updated', views: [named('98765432109876543210', 'ready', 'Ada')] }]);
  assert.equal(again.headersChanged, false, 'labels that came again are not new columns');
  assert.deepEqual(list.counts, countByState(list.byId.values()));
  assert.equal(list.counts.ready, 1);
  assert.equal(list.counts.queued, 1);
  const gone = applyJobEvents(list, [{ kind: 'removed', ids: ['98765432109876543210'] }]);
  assert.equal(gone.headersChanged, true, 'the last job with labels leaving takes its columns');
  assert.deepEqual([...list.headerSpellings.keys()], []);
  assert.equal(list.longestId, 8, 'the longest ID is measured again when it leaves');
  assert.deepEqual(list.counts, countByState(list.byId.values()));
});

test('500 jobs changing state in a list of 100,000 cost reads of those 500 only', () => {
  const list = createJobList();
  const states = ['queued', 'processing', 'ready', 'failed'] as const;
  const jobCount = 100_000;
  applyJobEvents(list, [{ kind: 'updated', views: Array.from({ length: jobCount }, (_, index) => view(String(30_000_000 + index), states[index % 4]!, { labels: [['Name', `P${index}`]] })) }]);
  // One lookup of each changed job: a count or a column list rebuilt from every job reads 100,000.
  const budget = readBudget(2 * 500, 'a frame of 500 changes');
  list.byId = countedMap(list.byId, budget);
  applyJobEvents(list, [{ kind: 'updated', views: Array.from({ length: 500 }, (_, index) => view(String(30_000_000 + index), 'saved', { labels: [['Name', `P${index}`]] })) }]);
  list.byId = new Map(Map.prototype.entries.call(list.byId));
  assert.deepEqual(list.counts, countByState(list.byId.values()));
  assert.equal(list.counts.saved, 500);
  assert.deepEqual([...list.headerSpellings], [['Name', jobCount]]);
});

test('only the rows in view, and a margin, are drawn', () => {
  assert.deepEqual(visibleRange(0, 370, 37, 100_000), { start: 0, end: 20 });
  assert.deepEqual(visibleRange(37 * 5_000, 370, 37, 100_000), { start: 4_990, end: 5_020 });
  assert.deepEqual(visibleRange(37 * 99_995, 370, 37, 100_000), { start: 99_985, end: 100_000 });
  assert.deepEqual(visibleRange(0, 370, 37, 3), { start: 0, end: 3 });
  assert.deepEqual(visibleRange(50_000, 370, 37, 0), { start: 0, end: 0 });
});

test('counts every state, zero included', () => {
  const counts = countByState([view('1', 'ready'), view('2', 'ready'), view('3', 'failed')]);
  assert.equal(counts.ready, 2);
  assert.equal(counts.failed, 1);
  assert.equal(counts.saved, 0);
});

test('the detail column says what matters for each state', () => {
  assert.equal(jobDetail(view('1', 'processing', { etaSeconds: 5 })), 'about 5 s left');
  assert.equal(jobDetail(view('1', 'processing')), 'waiting for ModelsLab');
  assert.equal(jobDetail(view('1', 'failed', { message: 'Failed, Try Again' })), 'Failed, Try Again');
  // The folder has its own column.
  assert.equal(jobDetail(view('1', 'saved', { savedPaths: ['/a/1-1.png', '/a/1-2.jpg'] })), '1-1.png, 1-2.jpg');
  assert.equal(jobDetail(view('1', 'ready', { message: 'Not saved: the disk is full.', savedPaths: ['/a/1-1.png'] })), 'Not saved: the disk is full.');
  assert.equal(formatEta(150), 'about 3 min left');
  assert.equal(formatEta(0.2), 'almost done');
});

test('the intake summary names added, duplicates and rejected', () => {
  assert.equal(describeIntake({ added: 1, repeatedInDrop: 0, alreadyListed: 0, rejected: [], rejectedCount: 0 }), 'Added 1 job');
  assert.equal(
    describeIntake({ added: 3, repeatedInDrop: 2, alreadyListed: 4, rejected: [{ token: 'x', reason: 'r' }], rejectedCount: 300 }),
    'Added 3 jobs · 4 already in the list · 2 repeats skipped · 300 not understood',
  );
});

test('a ready job whose links were found more than 23 hours ago warns that they have probably expired', () => {
  const now = Date.parse('2026-11-24T12:00:00Z');
  const foundAt = (hoursAgo: number) =>
    view('1', 'ready', { imageCount: 1, outputsFirstSeenAt: now - hoursAgo * 3_600_000, imageHosts: ['pub-3626123a908346a7a8be8d9295f44e26.r2.dev'] });
  assert.equal(linksProbablyExpired(foundAt(2), now), false);
  assert.equal(linksProbablyExpired(foundAt(23.5), now), true);
  assert.match(jobDetail(foundAt(30), now), /probably expired\. Save now\./);
  assert.equal(linksProbablyExpired(view('1', 'saved', { outputsFirstSeenAt: now - 48 * 3_600_000 }), now), false, 'saved images are safe');
});

test('only links on ModelsLab\'s temporary hosts expire: a customer\'s own bucket never warns', () => {
  const now = Date.parse('2026-11-24T12:00:00Z');
  const oldJobOn = (...imageHosts: string[]) => view('1', 'ready', { imageCount: imageHosts.length, outputsFirstSeenAt: now - 30 * 3_600_000, imageHosts });
  for (const host of ['pub-8b49af329fae499aa563997f5d4068a4.r2.dev', 'cdn.modelslab.com', 'cdn2.stablediffusionapi.com', 'CDN.ModelsLab.com']) {
    assert.equal(linksProbablyExpired(oldJobOn(host), now), true, host);
  }
  for (const host of ['my-company-headshots.s3.eu-west-1.amazonaws.com', 'd111111abcdef8.cloudfront.net', 'r2.dev', 'pub-x.r2.dev.example.com', 'evilcdn.modelslab.com.example']) {
    assert.equal(linksProbablyExpired(oldJobOn(host), now), false, host);
    assert.doesNotMatch(jobDetail(oldJobOn(host), now), /expired/, host);
  }
  assert.equal(linksProbablyExpired(oldJobOn('my-bucket.s3.amazonaws.com', 'cdn.modelslab.com'), now), true, 'any temporary link is enough');
});

test('a job ModelsLab flagged as NSFW says its images may be blank, beside whatever else it says', () => {
  assert.equal(jobDetail(view('1', 'ready', { imageCount: 1, nsfwFlagged: true })), 'Flagged as NSFW by ModelsLab; images may be blank.');
  assert.equal(
    jobDetail(view('1', 'ready', { imageCount: 1, nsfwFlagged: true, message: 'Not saved: the disk is full.' })),
    'Flagged as NSFW by ModelsLab; images may be blank. Not saved: the disk is full.',
  );
  assert.equal(jobDetail(view('1', 'ready', { imageCount: 1 })), '');
});

test('each row offers the action that fits its state', () => {
  assert.equal(rowAction(view('1', 'processing')), 'cancel');
  assert.equal(rowAction(view('1', 'failed')), 'retry');
  assert.equal(rowAction(view('1', 'saved')), 'remove');
  assert.equal(rowAction(view('1', 'saving')), null);
});
