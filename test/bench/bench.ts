// `npm run bench`: how long the engine and the window take with big batches. Figures, not tests:
// they are printed for the record and compared by people, never asserted in the test suites.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { createAppCore } from '../../main/core/app-core';
import { extractJobIds, readIntake } from '../../main/core/id-intake';
import writeXlsxFile from 'write-excel-file/node';
import type { SecretStore } from '../../main/core/keychain';
import { chromiumExecutable } from '../support/chromium';
import { readImage } from '../fixtures/fake-modelslab';
import { benchCommandLine } from './cli-bench';
import { benchScale } from './scale-bench';

const results: Array<[string, string]> = [];
const record = (what: string, value: string) => {
  results.push([what, value]);
  console.log(`${what}: ${value}`);
};

async function timed<T>(work: () => Promise<T> | T): Promise<[T, number]> {
  const started = performance.now();
  const value = await work();
  return [value, performance.now() - started];
}

const ids = (count: number, from = 10_000_000) => Array.from({ length: count }, (_, index) => String(from + index));

// Intake: the parser alone, on the shapes people drop.
for (const count of [10_000, 100_000]) {
  const [, plainMs] = await timed(() => extractJobIds([{ name: null, text: ids(count).join('\n') }]));
  record(`intake, ${count} IDs one per line`, `${plainMs.toFixed(0)} ms`);
  const csv = `job_id,prompt,width\n${ids(count).map((id) => `${id},"a portrait, smiling",1024`).join('\n')}`;
  const [, csvMs] = await timed(() => extractJobIds([{ name: 'export.csv', text: csv }]));
  record(`intake, ${count} rows of CSV`, `${csvMs.toFixed(0)} ms`);
}

// A workbook as people keep them (ID, name, email), read as a drop carries it: 5 runs after a warm-up.
{
  const sheet = [[{ value: 'Job ID' }, { value: 'Name' }, { value: 'Email' }], ...ids(100_000).map((id, index) => [{ value: Number(id) }, { value: `Person ${index}` }, { value: `p${index}@example.com` }])];
  const workbook = (await writeXlsxFile(sheet).toBuffer()).toString('base64');
  const source = [{ name: 'team.xlsx', text: '', bytes: workbook }];
  await readIntake(source);
  const runs: number[] = [];
  for (let run = 0; run < 5; run += 1) runs.push((await timed(() => readIntake(source)))[1]);
  runs.sort((a, b) => a - b);
  record('intake, 100,000 rows of .xlsx with labels (median of 5, range)', `${runs[2]!.toFixed(0)} ms (${runs[0]!.toFixed(0)}–${runs[4]!.toFixed(0)})`);
}

// The core: adding 100,000 jobs, the event the window gets, and writing the job list.
const userDataDir = await mkdtemp(join(tmpdir(), 'headshot-fetcher-bench-'));
const noKey: SecretStore = { read: async () => null, write: async () => undefined, erase: async () => undefined };
let firstEventBytes = 0;
const core = await createAppCore({
  fetch: (url, init) => fetch(url, init),
  secretStore: noKey,
  userDataDir,
  chooseFolder: async () => null,
  revealInFileManager: () => undefined,
  confirmEndpointHost: async () => false,
  emit: (event, payload) => {
    if (event === 'jobsUpdated' && firstEventBytes === 0) firstEventBytes = JSON.stringify(payload).length;
  },
  log: () => undefined,
});
const [, addMs] = await timed(() => core.handlers.addJobs({ sources: [{ name: null, text: ids(100_000).join('\n') }] }));
record('core, add 100,000 jobs', `${addMs.toFixed(0)} ms`);
await new Promise((resolve) => setTimeout(resolve, 200));
record('core, size of the first update event', `${(firstEventBytes / 1e6).toFixed(1)} MB`);
(globalThis as { gc?: () => void }).gc?.();
record('core, heap holding 100,000 jobs', `${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`);
const [, writeMs] = await timed(() => core.dispose());
record('core, write a 100,000-job list', `${writeMs.toFixed(0)} ms`);
await rm(userDataDir, { recursive: true, force: true });

await benchCommandLine(record);
// Big batches without latency beside xargs + curl + jq + aria2c, and two savers in one folder.
// BENCH_SCALE=0 leaves them out (they take several minutes).
if (process.env.BENCH_SCALE !== '0') await benchScale(record);

// The window: time from the update event to a painted list, in Chromium, with the built renderer.
const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: ['--disable-gpu', '--disable-background-networking'] });
const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
const rendererDir = new URL('../../dist/renderer/', import.meta.url);
await page.route('http://bench.local/**', async (route) => {
  const path = new URL(route.request().url()).pathname.slice(1) || 'index.html';
  // Thumbnails: main would answer from its cache; one small headshot stands in for all of them.
  if (path.startsWith('job-images/')) return route.fulfill({ body: readImage('headshot-a.png'), contentType: 'image/png' });
  const types: Record<string, string> = { html: 'text/html', js: 'text/javascript', css: 'text/css' };
  await route.fulfill({ path: new URL(path, rendererDir).pathname, contentType: types[path.split('.').pop()!] });
});
// A stand-in preload answering from memory, as plain text: tsx would wrap a function in helpers
// the page does not have.
await page.addInitScript({
  content: `
    const listeners = new Map();
    const answers = {
      getQueueStatus: { ok: true, value: { pausedBecause: 'user', message: 'Paused.', holdUntil: null } },
      getSettings: { ok: true, value: { endpointTemplate: 'https://modelslab.com/api/v1/enterprise/flux_headshot/fetch/{id}', concurrency: 4, downloadConcurrency: 4, pollDeadlineSeconds: 1800, saveLayout: 'flat', fileNameTemplate: '{id}-{n}.{ext}', conflictPolicy: 'rename', saveAsTheyArrive: false, allowPrivateNetworkLinks: false } },
      listSaveFolders: { ok: true, value: { recent: [] } },
      getSaveProgress: { ok: true, value: { active: false, folder: null, jobsTotal: 0, jobsSaved: 0, jobsFailed: 0, filesTotal: 0, filesDone: 0, filesSkipped: 0, bytesWritten: 0, startedAt: null, finishedAt: null } },
      getImageCacheUsage: { ok: true, value: { bytes: 0, files: 0, maxBytes: 536870912 } },
      getKeyStatus: { ok: true, value: { isSet: true, lastFour: 'abcd', storedIn: 'keychain' } },
    };
    window.headshots = new Proxy({}, {
      get: (target, name) => name === 'on'
        ? (event, listener) => { listeners.set(event, listener); return () => undefined; }
        : async () => answers[name] ?? { ok: true, value: [] },
    });
    window.__benchDispatch = (event, payload) => listeners.get(event)?.(payload);
  `,
});
await page.goto('http://bench.local/index.html');
await page.getByRole('heading', { name: 'Drop job IDs here' }).waitFor();
for (const count of [10_000, 100_000]) {
  await page.reload();
  await page.getByRole('heading', { name: 'Drop job IDs here' }).waitFor();
  // The first paint (rows on screen), and when every job is in the list (the table's row count).
  const [firstPaintMs, allListedMs, longestFrameMs] = (await page.evaluate(`(async () => {
    const total = ${count};
    const views = Array.from({ length: total }, (_, index) => ({ id: String(20000000 + index), state: 'queued', etaSeconds: null, message: null, retryable: false, imageCount: 0, outputsFirstSeenAt: null, savedPaths: [], nsfwFlagged: false, imageHosts: [] }));
    const table = () => document.querySelector('table.job-table');
    const started = performance.now();
    let firstPaint = null;
    let longest = 0;
    let last = started;
    window.__benchDispatch('jobsUpdated', views);
    while (true) {
      await new Promise((resolve) => requestAnimationFrame(resolve));
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      if (firstPaint === null && table() && table().querySelector('tr.job-row')) firstPaint = now - started;
      if (table() && Number(table().getAttribute('aria-rowcount')) === total + 1) return [firstPaint ?? now - started, now - started, longest];
    }
  })()`)) as [number, number, number];
  record(`window, ${count} jobs: first rows painted after the update event`, `${firstPaintMs.toFixed(0)} ms (aim < 50 ms)`);
  record(`window, ${count} jobs: all in the list`, `${allListedMs.toFixed(0)} ms, longest frame meanwhile ${longestFrameMs.toFixed(0)} ms`);
}
// The update storm: 10,000 jobs listed, then every one of them changes state, in bursts of 500
// every 50 ms (10,000 changes a second), as a big batch turning ready would send them.
{
  await page.reload();
  await page.getByRole('heading', { name: 'Drop job IDs here' }).waitFor();
  // Plain text again: tsx would wrap the page's functions in helpers the page does not have.
  const longestFrameMs = (await page.evaluate(`(async () => {
    const dispatch = window.__benchDispatch;
    const view = (index, state) => ({
      id: String(30000000 + index),
      state,
      etaSeconds: state === 'processing' ? 30 : null,
      message: null,
      retryable: false,
      imageCount: state === 'ready' ? 2 : 0,
      outputsFirstSeenAt: state === 'ready' ? Date.now() : null,
      savedPaths: [],
      nsfwFlagged: false,
      imageHosts: [],
    });
    dispatch('jobsUpdated', Array.from({ length: 10000 }, (_, index) => view(index, 'processing')));
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 100)));
    let longest = 0;
    let last = performance.now();
    let measuring = true;
    const onFrame = (now) => {
      longest = Math.max(longest, now - last);
      last = now;
      if (measuring) requestAnimationFrame(onFrame);
    };
    requestAnimationFrame(onFrame);
    for (let burst = 0; burst < 20; burst += 1) {
      dispatch('jobsUpdated', Array.from({ length: 500 }, (_, index) => view(burst * 500 + index, 'ready')));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    measuring = false;
    return longest;
  })()`)) as number;
  record('window, longest frame while 10,000 jobs change state (500 every 50 ms)', `${longestFrameMs.toFixed(0)} ms (aim ≤ 50 ms)`);
}
await browser.close();

console.log('\n| measure | result |\n|---|---|');
for (const [what, value] of results) console.log(`| ${what} | ${value} |`);
