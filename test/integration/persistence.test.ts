import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { StoredJob } from '../../main/core/job-queue';
import { useCoreHarness, waitUntil } from '../support/core-harness';

const start = useCoreHarness();
const ready = { answer: 'success' as const, images: [{ serve: 'headshot-a.png' as const }] };

async function storedJobs(userDataDir: string): Promise<StoredJob[]> {
  try {
    return (JSON.parse(await readFile(join(userDataDir, 'jobs.json'), 'utf8')) as { content: StoredJob[] }).content;
  } catch {
    return [];
  }
}

test('the job list, with states, image links and saved paths, survives a restart', async () => {
  const h = await start({
    scenarios: { '201': [ready], '202': [{ answer: 'failed' }], '203': [ready], '204': [{ answer: 'processing', eta: 0.05 }] },
  });
  await h.addText('201 202 203 204');
  await h.waitForJob('201', 'ready');
  await h.waitForJob('202', 'failed');
  await h.waitForJob('203', 'ready');
  await h.waitForJob('204', 'processing');
  await h.core.handlers.removeJobs({ ids: ['203'] });
  await h.addText('203');
  await h.waitForJob('203', 'ready');
  const { folder } = await h.core.handlers.chooseSaveFolder(undefined);
  await h.core.handlers.saveJobs({ folder: folder!, ids: 'all-ready' });
  const before = await h.jobs();
  const fetchesBefore = h.server.fetches.length;

  h.server.setScenario('204', [ready]);
  await h.restartCore();
  const after = await h.jobs();
  assert.deepEqual(
    after.filter((job) => job.id !== '204'),
    before.filter((job) => job.id !== '204'),
  );
  assert.deepEqual(after.map((job) => job.id), ['201', '202', '204', '203'], 'the order is kept');
  assert.deepEqual((await h.job('201'))?.savedPaths, [join(h.saveDir, '201-1.png')]);
  await h.waitForJob('204', 'ready');
  assert.deepEqual(
    h.server.fetches.slice(fetchesBefore).map((fetch) => fetch.id),
    ['204'],
    'after the restart only the unfinished job is fetched',
  );
});

test('jobs caught mid-fetch are queued again and jobs caught mid-save are ready again', async () => {
  const h = await start({ scenarios: { '211': [ready] } });
  const job = (id: string, state: StoredJob['state'], outputUrls: string[] = []): StoredJob => ({
    id,
    state,
    etaSeconds: null,
    message: null,
    retryable: false,
    outputUrls,
    outputsFirstSeenAt: outputUrls.length > 0 ? Date.now() : null,
    savedPaths: [],
    firstFetchedAt: Date.now(),
  });
  await writeFile(
    join(h.userDataDir, 'jobs.json'),
    JSON.stringify({ version: 1, content: [job('211', 'fetching'), job('212', 'saving', [`${h.server.origin}/images/212/0/a.png`])] }),
  );
  await h.restartCore();
  assert.equal((await h.job('212'))?.state, 'ready');
  await h.waitForJob('211', 'ready');
});

test('time the app was closed does not count against the processing time limit', async () => {
  const h = await start({ scenarios: { '215': [{ answer: 'processing', eta: 0.05 }] } });
  await h.core.handlers.updateSettings({ pollDeadlineSeconds: 60 });
  const twoHoursAgo = Date.now() - 2 * 3_600_000;
  const processing: StoredJob = {
    id: '215',
    state: 'processing',
    etaSeconds: 30,
    message: null,
    retryable: false,
    outputUrls: [],
    outputsFirstSeenAt: null,
    savedPaths: [],
    firstFetchedAt: twoHoursAgo,
  };
  await writeFile(join(h.userDataDir, 'jobs.json'), JSON.stringify({ version: 1, content: [processing] }));
  await h.restartCore();
  await waitUntil(async () => h.server.fetchCount('215'), (count) => count >= 2, 5_000, 'job 215 to be polled');
  assert.equal((await h.job('215'))?.state, 'processing', 'it goes on being polled instead of failing at once');
});

test('an unreadable or newer job list is set aside with a message, never silently emptied', async () => {
  const h = await start();
  const listPath = join(h.userDataDir, 'jobs.json');
  for (const [content, reason] of [
    ['{"version": 1, "content": [{"id": "5", "sta', /not valid JSON/],
    [JSON.stringify({ version: 7, content: [] }), /written by a newer version of Headshot Fetcher \(format 7\)/],
    [JSON.stringify({ version: 1, content: [{ id: 'x' }] }), /1 of its 1 jobs are damaged/],
  ] as const) {
    await writeFile(listPath, content);
    await h.restartCore();
    assert.deepEqual(await h.jobs(), []);
    const notices = (await h.core.handlers.listNotices(undefined)).map((notice) => notice.message);
    assert.match(notices.at(-1) ?? '', reason);
    const asidePath = /kept as (\S+)\.$/.exec(notices.at(-1) ?? '')?.[1];
    assert.ok(asidePath, notices.at(-1));
    assert.equal(await readFile(asidePath, 'utf8'), content, 'the old file is kept whole');
  }
  assert.equal((await readdir(h.userDataDir)).filter((name) => name.startsWith('jobs.json.unreadable-')).length, 3);
});

test('a core killed mid-batch starts again from its stored list, and every job finishes exactly once', async () => {
  const ids = Array.from({ length: 24 }, (_, index) => String(300 + index));
  // The first six are answered; the rest are held unanswered, so the batch is provably mid-way when the kill comes.
  const answered = ids.slice(0, 6);
  const held = ids.slice(6);
  const h = await start({
    scenarios: Object.fromEntries([...answered.map((id) => [id, [ready]]), ...held.map((id) => [id, [{ answer: 'hang' as const }]])]),
  });
  await h.core.dispose(); // the harness's own core steps aside: the child owns the folder now
  await h.core.handlers.updateSettings({ concurrency: 2 });

  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/support/core-in-child.ts', h.userDataDir, h.server.endpointTemplate, h.secretStore.service, ...ids],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise((resolve) => child.on('exit', resolve));
  // Jobs are fetched in order, two at a time: once the answered ones are stored as ready, two held
  // requests fill both places and nothing else can happen until the kill.
  const storedBeforeKill = await waitUntil(
    () => storedJobs(h.userDataDir),
    (jobs) => jobs.filter((job) => job.state === 'ready').length === answered.length,
    15_000,
    'the answered jobs to be stored as ready',
  );
  await waitUntil(async () => held.filter((id) => h.server.fetchCount(id) > 0), (asked) => asked.length === 2, 15_000, 'two held requests');
  child.kill('SIGKILL');
  await exited;
  const readyAtKill = storedBeforeKill.filter((job) => job.state === 'ready').map((job) => job.id);
  assert.deepEqual(readyAtKill.sort(), [...answered].sort(), 'the stored list had the answered jobs as ready');
  const fetchesAtKill = h.server.fetches.length;

  for (const id of held) h.server.setScenario(id, [ready]);
  await h.restartCore();
  for (const id of ids) await h.waitForJob(id, 'ready', 10_000);
  const jobs = await h.jobs();
  assert.deepEqual(jobs.map((job) => job.id).sort(), [...ids].sort(), 'each job once, none lost');
  const fetchedAfter = h.server.fetches.slice(fetchesAtKill).map((fetch) => fetch.id);
  assert.deepEqual(fetchedAfter.filter((id) => answered.includes(id)), [], 'no job stored as ready is fetched again');
  assert.deepEqual([...fetchedAfter].sort(), [...held].sort(), 'each unfinished job is fetched once after the restart');
});

test('a job list that cannot be opened is left alone: changes stay in memory and nothing is written over it', async () => {
  const h = await start({ scenarios: { '231': [ready] } });
  await h.core.dispose();
  // A folder where the file should be: reading fails with EISDIR, as an unreadable file would.
  await mkdir(join(h.userDataDir, 'jobs.json', 'keep-me'), { recursive: true });
  await h.restartCore();
  const notices = (await h.core.handlers.listNotices(undefined)).map((notice) => notice.message);
  assert.match(notices.join('\n'), /job list could not be opened \(EISDIR\)\. It was left as it is, and changes will not be saved until it can be read\./);
  await h.addText('231');
  await h.waitForJob('231', 'ready');
  await h.core.dispose();
  const after = (await h.core.handlers.listNotices(undefined)).map((notice) => notice.message);
  assert.ok(!after.some((message) => /could not be saved/.test(message)), 'no write was tried');
  assert.deepEqual(await readdir(join(h.userDataDir, 'jobs.json')), ['keep-me']);
  assert.deepEqual((await readdir(h.userDataDir)).filter((name) => name.startsWith('jobs.json')), ['jobs.json']);
});
