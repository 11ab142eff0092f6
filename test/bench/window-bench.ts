// The window's speed, in Chromium with the built renderer: how long a big list takes to show, how
// smooth it stays while jobs change state, and how much memory it holds. Each figure is taken on
// a fresh reload, after a warm-up run, and printed as the median and range of its runs; then again
// with the CPU slowed 4× (an older laptop). A Chromium trace of one run says where the time went.
//
// The jobs reach the page as they do in the app: in the events main cuts a batch into (a first
// screenful, then, a moment later, the rest in pieces of at most 10,000), which the page receives
// (and decodes) as messages. A worker stands in for main, so
// building and encoding the events costs the window nothing, as in the app.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type CDPSession, type Page } from '@playwright/test';
import { batchPieces, restOfBigBatchAfterMs } from '../../preload/shared/job-pieces';
import { chromiumExecutable } from '../support/chromium';
import { readImage } from '../fixtures/fake-modelslab';
import { createRecorder, median, spread, type Record } from './figures';

/** The jobs come from a spreadsheet: the list shows its final columns, the Name among them. */
const workerSource = `
  const view = (index, state, from) => ({
    id: String(from + index),
    state,
    etaSeconds: state === 'processing' ? 30 : null,
    message: null,
    retryable: false,
    imageCount: state === 'ready' ? 2 : 0,
    outputsFirstSeenAt: state === 'ready' ? Date.now() : null,
    savedPaths: [],
    nsfwFlagged: false,
    imageHosts: state === 'ready' ? ['pub-3626123a908346a7a8be8d9295f44e26.r2.dev'] : [],
    labels: [['Name', 'Person ' + index], ['Email', 'person' + index + '@example.com']],
  });
  const sentAt = () => performance.timeOrigin + performance.now();
  let kept = null;
  let prepared = null;
  onmessage = ({ data }) => {
    if (data.kind === 'prepare') {
      // The views are made before the clock starts, as main has them before it sends them.
      prepared = Array.from({ length: data.count }, (_, index) => view(index, data.state, data.from));
      postMessage({ kind: 'prepared' });
    } else if (data.kind === 'list') {
      const views = prepared;
      postMessage({ kind: 'start', at: sentAt() });
      // As main sends a batch: its first piece at once, the rest a moment later.
      const [[start, end], ...rest] = data.slices;
      postMessage({ kind: 'jobsUpdated', views: views.slice(start, end) });
      if (rest.length > 0) setTimeout(() => rest.forEach(([start, end]) => postMessage({ kind: 'jobsUpdated', views: views.slice(start, end) })), data.restAfterMs);
    } else if (data.kind === 'piece') {
      // The list kept from the last session, read in pieces as the window reads it at start.
      kept ??= Array.from({ length: data.count }, (_, index) => view(index, 'queued', 20000000));
      postMessage({ kind: 'piece', piece: { reading: 1, total: kept.length, views: kept.slice(data.from, data.end) } });
    } else if (data.kind === 'storm') {
      // data.total jobs turn ready, data.burst at a time every data.everyMs: as a big batch would.
      let sent = 0;
      const next = () => {
        postMessage({ kind: 'jobsUpdated', views: Array.from({ length: data.burst }, (_, index) => view(sent + index, 'ready', data.from)) });
        sent += data.burst;
        if (sent < data.total) setTimeout(next, data.everyMs);
        else postMessage({ kind: 'stormSent' });
      };
      next();
    }
  };
`;

/** Jobs in the list the window opens on, kept from the last session. */
const restoredJobs = 100_000;

/** In the page: the stand-in preload (answers from memory) and the worker standing in for main. */
const pageSetup = `
  const listeners = new Map();
  const answers = {
    getQueueStatus: { ok: true, value: { pausedBecause: 'user', message: 'Paused.', holdUntil: null } },
    getSettings: { ok: true, value: { endpointTemplate: 'https://modelslab.com/api/v1/enterprise/flux_headshot/fetch/{id}', concurrency: 4, downloadConcurrency: 4, pollDeadlineSeconds: 1800, saveLayout: 'flat', fileNameTemplate: '{id}-{n}.{ext}', conflictPolicy: 'rename', saveAsTheyArrive: false, allowPrivateNetworkLinks: false, nameColumn: null } },
    listSaveFolders: { ok: true, value: { recent: [] } },
    getSaveProgress: { ok: true, value: { active: false, folder: null, jobsTotal: 0, jobsSaved: 0, jobsFailed: 0, filesTotal: 0, filesDone: 0, filesSkipped: 0, bytesWritten: 0, startedAt: null, finishedAt: null } },
    getImageCacheUsage: { ok: true, value: { bytes: 0, files: 0, maxBytes: 536870912 } },
    getKeyStatus: { ok: true, value: { isSet: true, lastFour: 'abcd', storedIn: 'keychain' } },
  };
  const main = new Worker('/bench-worker.js');
  // ?restored: the window opens on the list kept from the last session, which it reads in
  // the pieces main answers listJobPiece with.
  const restored = new URLSearchParams(location.search).has('restored');
  const restoredPieces = ${JSON.stringify(batchPieces(restoredJobs))};
  const listJobPiece = async ({ from }) => {
    if (!restored) return { ok: true, value: { reading: 1, total: 0, views: [] } };
    const [, end] = restoredPieces.find(([start]) => start === from);
    return { ok: true, value: (await window.__bench({ kind: 'piece', count: ${restoredJobs}, from, end }, 'piece')).piece };
  };
  window.headshots = new Proxy({}, {
    get: (target, name) => name === 'on'
      ? (event, listener) => { listeners.set(event, listener); return () => undefined; }
      : name === 'listJobPiece' ? listJobPiece : async () => answers[name] ?? { ok: true, value: [] },
  });
  const waiting = new Map();
  main.onmessage = ({ data }) => {
    if (data.kind === 'jobsUpdated') return listeners.get('jobsUpdated')?.(data.views);
    waiting.get(data.kind)?.(data);
  };
  /**
   * When the first row is painted, as the browser reports it (Element Timing): the ID cell of the
   * first row drawn is marked as it is inserted, before the frame that paints it.
   */
  window.__firstRowPainted = () => new Promise((resolve) => {
    const marker = new MutationObserver(() => {
      const cell = document.querySelector('tr.job-row td.job-id');
      if (cell === null) return;
      marker.disconnect();
      cell.setAttribute('elementtiming', 'first-row');
    });
    marker.observe(document, { subtree: true, childList: true });
    const painted = new PerformanceObserver((entries) => {
      const entry = entries.getEntries().find((each) => each.identifier === 'first-row');
      if (entry === undefined) return;
      painted.disconnect();
      resolve(entry.renderTime || entry.startTime);
    });
    painted.observe({ type: 'element' });
  });
  /** Sends the worker a request, and resolves with its reply of the given kind. */
  window.__bench = (request, replyKind) => new Promise((resolve) => { waiting.set(replyKind, resolve); main.postMessage(request); });
  if (restored > 0) window.__firstRowWatch = window.__firstRowPainted();
`;

/** Plain text, not functions: tsx would wrap a function in helpers the page does not have. */
const afterFrame = `
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  // A message posted from a frame's callback runs once that frame's rendering (style, layout, paint) is done.
  const painted = () => new Promise((resolve) => requestAnimationFrame(() => { const channel = new MessageChannel(); channel.port1.onmessage = () => resolve(performance.now()); channel.port2.postMessage(0); }));
`;

/** Times from the first event leaving "main" to the first rows painted, and to every job listed. */
const firstPaintScript = (count: number, untilFirstPaint = false) => `(async () => {
  ${afterFrame}
  await frame(); await frame();
  const firstRowPainted = window.__firstRowPainted();
  await window.__bench({ kind: 'prepare', count: ${count}, state: 'queued', from: 20000000 }, 'prepared');
  // The worker's collection of what it made settles before the clock starts.
  await new Promise((resolve) => setTimeout(resolve, 300));
  await frame();
  performance.mark('bench-start');
  const { at } = await window.__bench({ kind: 'list', slices: ${JSON.stringify(batchPieces(count))}, restAfterMs: ${restOfBigBatchAfterMs} }, 'start');
  const started = at - performance.timeOrigin;
  const table = () => document.querySelector('table.job-table');
  let firstPaint = null;
  let last = performance.now();
  let longest = 0;
  while (true) {
    const now = await painted();
    longest = Math.max(longest, now - last);
    last = now;
    if (firstPaint === null && table()?.querySelector('tr.job-row')) {
      firstPaint = (await firstRowPainted) - started;
      performance.mark('bench-first-paint', { startTime: started + firstPaint });
      if (${untilFirstPaint}) return { firstPaint };
    }
    if (Number(table()?.getAttribute('aria-rowcount')) === ${count} + 1) {
      performance.mark('bench-end');
      return { firstPaint, allListed: now - started, longestFrame: longest };
    }
  }
})()`;

/** 10,000 jobs listed, then each turns ready: 500 every 50 ms (10,000 changes a second). The longest frame meanwhile. */
const stormScript = `(async () => {
  ${afterFrame}
  await window.__bench({ kind: 'prepare', count: 10000, state: 'processing', from: 30000000 }, 'prepared');
  await window.__bench({ kind: 'list', slices: ${JSON.stringify(batchPieces(10_000))}, restAfterMs: ${restOfBigBatchAfterMs} }, 'start');
  while (Number(document.querySelector('table.job-table')?.getAttribute('aria-rowcount')) !== 10001) await frame();
  for (let settle = 0; settle < 10; settle += 1) await frame();
  performance.mark('bench-start');
  let longest = 0;
  let last = performance.now();
  let measuring = true;
  const onFrame = (now) => {
    longest = Math.max(longest, now - last);
    last = now;
    if (measuring) requestAnimationFrame(onFrame);
  };
  requestAnimationFrame((now) => { last = now; requestAnimationFrame(onFrame); });
  await window.__bench({ kind: 'storm', total: 10000, burst: 500, everyMs: 50, from: 30000000 }, 'stormSent');
  // The last burst arrived before this reply: it is applied and drawn at the next frames.
  for (let settle = 0; settle < 5; settle += 1) await frame();
  measuring = false;
  performance.mark('bench-end');
  return longest;
})()`;

const pageErrors = new Map<string, number>();

/** The errors the window threw since the last call, for the record. */
function takePageErrors(): string {
  const said = [...pageErrors].map(([message, times]) => `${times}× ${message}`).join('; ');
  pageErrors.clear();
  return said;
}

async function openWindow() {
  const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: ['--disable-gpu', '--disable-background-networking'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // BENCH_RENDERER_DIR: another build of the renderer (an earlier commit's, say), measured the same way.
  const rendererDir = process.env.BENCH_RENDERER_DIR ? new URL(`file://${process.env.BENCH_RENDERER_DIR.replace(/\/?$/, '/')}`) : new URL('../../dist/renderer/', import.meta.url);
  await page.route('http://bench.local/**', async (route) => {
    const path = new URL(route.request().url()).pathname.slice(1) || 'index.html';
    if (path === 'bench-worker.js') return route.fulfill({ body: workerSource, contentType: 'text/javascript' });
    // Thumbnails: main would answer from its cache; one small headshot stands in for all of them.
    if (path.startsWith('job-images/')) return route.fulfill({ body: readImage('headshot-a.png'), contentType: 'image/png' });
    const types: { [extension: string]: string } = { html: 'text/html', js: 'text/javascript', css: 'text/css', svg: 'image/svg+xml', png: 'image/png' };
    await route.fulfill({ path: new URL(path, rendererDir).pathname, contentType: types[path.split('.').pop()!] });
  });
  await page.addInitScript({ content: pageSetup });
  if (process.env.BENCH_CONSOLE === '1') page.on('console', (message) => console.log(`[page ${message.type()}] ${message.text()}`));
  // Errors the window throws are counted and named once per figure: they cost time, and are bugs.
  page.on('pageerror', (error) => pageErrors.set(error.message, (pageErrors.get(error.message) ?? 0) + 1));
  const cdp = await page.context().newCDPSession(page);
  return { browser, page, cdp };
}

async function freshReload(page: Page) {
  await page.goto('http://bench.local/index.html');
  await page.getByRole('heading', { name: 'Drop job IDs here' }).waitFor();
}

/** Opens the window on the jobs kept from the last session: when its first rows were painted, from the start of the page's load. */
async function openOnRestoredList(page: Page): Promise<number> {
  await page.goto('http://bench.local/index.html?restored');
  return (await page.evaluate('window.__firstRowWatch')) as number;
}

interface FirstPaint {
  firstPaint: number;
  allListed: number;
  longestFrame: number;
}

/** Runs `measure` on a fresh reload once to warm up, then `runs` times. */
async function repeated<T>(page: Page, runs: number, measure: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let run = -1; run < runs; run += 1) {
    await freshReload(page);
    const result = await measure();
    if (run >= 0) results.push(result);
  }
  const errors = takePageErrors();
  if (errors) console.log(`  (the window threw: ${errors})`);
  return results;
}

/**
 * Where the main thread's time went between the bench's marks: self time by kind, as DevTools
 * sorts it; and the same for the longest task in that time (the one that held a frame back).
 */
export function summariseTrace(trace: { traceEvents: TraceEvent[] }, endMark = 'bench-end'): { all: { [kind: string]: number }; longestTask: { ms: number; kinds: { [kind: string]: number } } } {
  const events = trace.traceEvents;
  const mainThreads = new Set(events.filter((event) => event.name === 'thread_name' && event.args?.name === 'CrRendererMain').map((event) => `${event.pid}:${event.tid}`));
  const marks = (name: string) => events.filter((event) => event.name === name).map((event) => event.ts);
  const from = Math.max(...marks('bench-start'));
  const to = Math.max(...marks(endMark));
  const spans = events
    .filter((event) => event.ph === 'X' && event.dur !== undefined && mainThreads.has(`${event.pid}:${event.tid}`) && event.ts >= from && event.ts <= to)
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const tasks = spans.filter((span) => span.name === 'RunTask' || span.name === 'ThreadControllerImpl::RunTask');
  const longest = tasks.reduce<TraceEvent | undefined>((found, task) => (found === undefined || task.dur! > found.dur! ? task : found), undefined);
  const inLongest = longest ? spans.filter((span) => span.ts >= longest.ts && span.ts + span.dur! <= longest.ts + longest.dur!) : [];
  return { all: selfTimeByKind(spans), longestTask: { ms: (longest?.dur ?? 0) / 1000, kinds: selfTimeByKind(inLongest) } };
}

function selfTimeByKind(spans: TraceEvent[]): { [kind: string]: number } {
  const totals: { [kind: string]: number } = {};
  const stack: Array<{ end: number; kind: string; childTime: number; dur: number }> = [];
  const close = (until: number) => {
    while (stack.length > 0 && stack.at(-1)!.end <= until) {
      const done = stack.pop()!;
      totals[done.kind] = (totals[done.kind] ?? 0) + (done.dur - done.childTime) / 1000;
      if (stack.length > 0) stack.at(-1)!.childTime += done.dur;
    }
  };
  for (const span of spans) {
    close(span.ts);
    const kind = traceKind(span.name) ?? stack.at(-1)?.kind ?? 'other';
    stack.push({ end: span.ts + span.dur!, kind, childTime: 0, dur: span.dur! });
  }
  close(Number.POSITIVE_INFINITY);
  return totals;
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

function traceKind(name: string): string | null {
  if (/^(UpdateLayoutTree|RecalculateStyles|ParseAuthorStyleSheet)$/.test(name)) return 'style';
  if (/^(Layout|IntersectionObserverController::computeIntersections)$/.test(name)) return 'layout';
  if (/^(Paint|PrePaint|PaintImage|Layerize|UpdateLayer|UpdateLayerTree|CompositeLayers|Commit|Decode.*)$/.test(name)) return 'paint';
  if (/GC|^(MinorGC|MajorGC|BlinkGC)/.test(name)) return 'garbage collection';
  if (/^(FunctionCall|EvaluateScript|FireAnimationFrame|TimerFire|EventDispatch|RunMicrotasks|v8\.|V8\.|HandlePostMessage|ParseHTML|XHRLoad)/.test(name)) return 'scripting';
  if (/^(DeserializeScriptValue|SerializeScriptValue|v8\.deserialize)/i.test(name)) return 'decoding messages';
  return null;
}

const formatTrace = (totals: { [kind: string]: number }) =>
  ['scripting', 'decoding messages', 'garbage collection', 'style', 'layout', 'paint', 'other']
    .filter((kind) => totals[kind] !== undefined)
    .map((kind) => `${kind} ${totals[kind]!.toFixed(0)} ms`)
    .join(', ');

async function traced(page: Page, script: string): Promise<string> {
  await freshReload(page);
  const browser = page.context().browser()!;
  await browser.startTracing(page, { categories: ['toplevel', 'devtools.timeline', 'blink.user_timing', 'v8', 'disabled-by-default-devtools.timeline'] });
  await page.evaluate(script);
  const raw = await browser.stopTracing();
  if (process.env.BENCH_TRACE_DIR) await writeFile(join(process.env.BENCH_TRACE_DIR, `trace-${Date.now()}.json`), raw);
  const trace = JSON.parse(raw.toString('utf8')) as { traceEvents: TraceEvent[] };
  const { all, longestTask } = summariseTrace(trace);
  const firstPaint = trace.traceEvents.some((event) => event.name === 'bench-first-paint') ? summariseTrace(trace, 'bench-first-paint').all : null;
  return [
    firstPaint && `until the first rows were painted: ${formatTrace(firstPaint)}`,
    `in all: ${formatTrace(all)}`,
    `the longest task ${longestTask.ms.toFixed(0)} ms: ${formatTrace(longestTask.kinds)}`,
  ].filter(Boolean).join('; ');
}

/** The functions that took the most of one run's scripting time (self time), for `BENCH_PROFILE=1`. */
async function profiled(page: Page, cdp: CDPSession, script: string): Promise<string> {
  await freshReload(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  await page.evaluate(script);
  const { profile } = await cdp.send('Profiler.stop');
  const interval = (profile.endTime - profile.startTime) / 1000 / (profile.samples?.length ?? 1);
  const hits = new Map<number, number>();
  for (const sample of profile.samples ?? []) hits.set(sample, (hits.get(sample) ?? 0) + 1);
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = `${functionName || '(anonymous)'} ${url.split('/').pop()}:${lineNumber + 1}`;
    byFunction.set(where, (byFunction.get(where) ?? 0) + (hits.get(node.id) ?? 0) * interval);
  }
  return [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([where, ms]) => `${ms.toFixed(1)} ms  ${where}`).join('\n');
}

/** The renderer's JS heap after a full collection, in MB. */
async function heapMb(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize / 1e6;
}

export async function benchWindow(record: Record, { runs = 5, trace = true, throttles = [1, 4], counts = [10_000, 100_000], storm = true, restoredList = true } = {}): Promise<void> {
  const { browser, page, cdp } = await openWindow();
  try {
    for (const throttle of throttles) {
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
      const aim = throttle === 1 ? 50 : 200;
      const slowed = throttle === 1 ? '' : ', CPU slowed 4×';
      for (const count of counts) {
        const results = await repeated(page, runs, () => page.evaluate(firstPaintScript(count)) as Promise<FirstPaint>);
        record(`window, ${count.toLocaleString('en')} jobs${slowed}: first rows painted`, `${spread(results.map((result) => result.firstPaint), 'ms')} (aim < ${aim} ms)`);
        record(
          `window, ${count.toLocaleString('en')} jobs${slowed}: all listed; longest frame meanwhile`,
          `${spread(results.map((result) => result.allListed), 'ms')}; ${spread(results.map((result) => result.longestFrame), 'ms')}`,
        );
        if (throttle === 1 && count === 100_000) {
          // The list as it stands once every job is in it, beside the same page empty.
          const [listed, empty] = [[] as number[], [] as number[]];
          for (let run = 0; run < runs; run += 1) {
            await freshReload(page);
            empty.push(await heapMb(cdp));
            await page.evaluate(firstPaintScript(count));
            listed.push(await heapMb(cdp));
          }
          record('window, JS heap with 100,000 jobs listed', `${spread(listed, 'MB', 1)}; empty window ${median(empty).toFixed(1)} MB`);
        }
        if (process.env.BENCH_PROFILE === '1' && throttle === 1) console.log(await profiled(page, cdp, firstPaintScript(count, true)));
        if (trace && throttle === 1) record(`window, ${count.toLocaleString('en')} jobs: where one run's main-thread time went`, await traced(page, firstPaintScript(count)));
      }
      if (throttle === 1 && restoredList) {
        // Opening the window on a big list kept from the last session, beside opening it empty.
        const [empty, restored] = [[] as number[], [] as number[]];
        for (let run = -1; run < runs; run += 1) {
          await page.goto('http://bench.local/index.html');
          await page.getByRole('heading', { name: 'Drop job IDs here' }).waitFor();
          const emptyShown = (await page.evaluate("performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? 0")) as number;
          const restoredShown = await openOnRestoredList(page);
          if (run >= 0) {
            empty.push(emptyShown);
            restored.push(restoredShown);
          }
        }
        record(`window opening on ${restoredJobs.toLocaleString('en')} jobs kept from the last session: first rows painted, from the start of loading`, `${spread(restored, 'ms')}; an empty window's first paint ${spread(empty, 'ms')}`);
      }
      if (!storm) continue;
      const storms = await repeated(page, runs, () => page.evaluate(stormScript) as Promise<number>);
      record(`window, longest frame while 10,000 jobs change state (500 every 50 ms)${slowed}`, `${spread(storms, 'ms')} (aim ≤ ${throttle === 1 ? 50 : 200} ms)`);
      if (process.env.BENCH_PROFILE === '1' && throttle === 1) console.log(await profiled(page, cdp, stormScript));
      if (trace && throttle === 1) record('window, update storm: where one run\'s main-thread time went', await traced(page, stormScript));
    }
  } finally {
    await browser.close();
  }
}

// `npm run bench:window`: the window's part alone.
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  const { record, printTable } = createRecorder();
  await benchWindow(record, { runs, trace: process.env.BENCH_TRACE !== '0', throttles: (process.env.BENCH_THROTTLES ?? '1,4').split(',').map(Number),
    counts: (process.env.BENCH_COUNTS ?? '10000,100000').split(',').filter(Boolean).map(Number),
    storm: process.env.BENCH_STORM !== '0',
    restoredList: process.env.BENCH_RESTORED !== '0',
  });
  printTable();
}
