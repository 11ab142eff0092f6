import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Clock } from '../../main/core/clock';
import type { StoredJob } from '../../main/core/job-queue';
import { useCoreHarness, waitUntil } from '../support/core-harness';

const start = useCoreHarness();
const ready = { answer: 'success' as const, images: [{ serve: 'headshot-a.png' as const }] };

/** A clock that moves only when the test says so: a job-list write asked for waits until then. */
function handClock(): Clock & { advance(ms: number): void } {
  let now = Date.now();
  let timers: Array<{ at: number; callback: () => void }> = [];
  return {
    now: () => now,
    schedule(callback, delayMs) {
      const timer = { at: now + Math.max(0, delayMs), callback };
      timers.push(timer);
      return () => (timers = timers.filter((other) => other !== timer));
    },
    advance(ms) {
      now += ms;
      const due = timers.filter((timer) => timer.at <= now).sort((a, b) => a.at - b.at);
      timers = timers.filter((timer) => timer.at > now);
      for (const timer of due) timer.callback();
    },
  };
}

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
  // Written as an earlier version did, without second links or the NSFW flag.
  const job = (id: string, state: StoredJob['state'], outputUrls: string[] = []): Omit<StoredJob, 'alternateUrls' | 'nsfwFlagged' | 'labels'> => ({
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
  const processing: Omit<StoredJob, 'alternateUrls' | 'nsfwFlagged' | 'labels'> = {
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

test('quitting writes the job list at once: a change made just before is on disk after', async () => {
  const clock = handClock();
  const h = await start({ scenarios: { '241': [ready], '242': [ready] }, core: { clock } });
  await h.addText('241 242');
  await h.waitForJob('241', 'ready');
  await h.waitForJob('242', 'ready');
  clock.advance(60_000); // the gathered changes are written
  await waitUntil(() => storedJobs(h.userDataDir), (jobs) => jobs.filter((job) => job.state === 'ready').length === 2, 5_000, 'both jobs stored');

  await h.core.handlers.removeJobs({ ids: ['241'] });
  assert.deepEqual((await storedJobs(h.userDataDir)).map((job) => job.id), ['241', '242'], 'the removal waits for its write');
  await h.core.dispose(); // quitting: the clock never reached the write
  assert.deepEqual((await storedJobs(h.userDataDir)).map((job) => job.id), ['242'], 'the removal is on disk');
});

test('a job list that cannot be written becomes a notice in the window, and no job is lost', async () => {
  const clock = handClock();
  const h = await start({ scenarios: { '251': [ready], '252': [ready] }, core: { clock } });
  await h.addText('251 252');
  await h.waitForJob('251', 'ready');
  await h.waitForJob('252', 'ready');
  const before = await h.jobs();
  // A folder where the list goes: the atomic write's final rename fails (EISDIR), as on a broken disk.
  const obstruction = join(h.userDataDir, 'jobs.json');
  await mkdir(join(obstruction, 'in-the-way'), { recursive: true });

  clock.advance(60_000);
  const notice = await waitUntil(
    async () => h.events.find((event) => event.event === 'notice' && /job list/.test((event.payload as { message: string }).message)),
    Boolean,
    5_000,
    'a notice about the job list',
  );
  assert.match((notice!.payload as { message: string }).message, /^The job list could not be saved \(EISDIR\b/);
  assert.deepEqual(await h.jobs(), before, 'the jobs are all still there');
  assert.deepEqual((await readdir(h.userDataDir)).filter((name) => name.startsWith('jobs.json')), ['jobs.json'], 'no temporary file is left');
  assert.deepEqual(await readdir(obstruction), ['in-the-way'], 'what was in the way is untouched');

  // Once the list can be written again, the next write (here on quitting) keeps every job.
  await rm(obstruction, { recursive: true });
  await h.restartCore();
  assert.deepEqual(await h.jobs(), before);
});
