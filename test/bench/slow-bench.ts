// `npm run bench:slow`: the runs of minutes, kept out of `npm run bench`. The app's core holding
// 100,000 jobs (run under Node, as the tests run it): its memory, the job list's size on disk, the
// time to write it and to restore it at start; and the command line's peak memory saving 10,000
// and 100,000 jobs. Fewer runs than the quick bench (said with each figure).
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { coreForBench } from './bench-core';
import { createRecorder, spread } from './figures';
import { benchPeakMemory } from './scale-bench';

const { record, printTable } = createRecorder();
const collect = () => (globalThis as { gc?: () => void }).gc?.();

const coreIn = (userDataDir: string) => coreForBench(userDataDir);

const count = 100_000;
const ids = Array.from({ length: count }, (_, index) => String(30_000_000 + index));
const heapMb: number[] = [];
const rssMb: number[] = [];
const writeMs: number[] = [];
const restoreMs: number[] = [];
let fileMb = 0;
const runs = 3;
for (let run = -1; run < runs; run += 1) {
  const userDataDir = await mkdtemp(join(tmpdir(), 'headshot-fetcher-bench-core-'));
  try {
    const core = await coreIn(userDataDir);
    await core.handlers.addJobs({ sources: [{ name: null, text: ids.join('\n') }] });
    collect();
    const memory = process.memoryUsage();
    const started = performance.now();
    await core.dispose();
    const wrote = performance.now() - started;
    const jobsFile = join(userDataDir, 'jobs.json');
    fileMb = (await stat(jobsFile)).size / 1e6;
    // A start: the core made again on the same folder, until its list holds every job.
    const restoreStarted = performance.now();
    const restored = await coreIn(userDataDir);
    const listed = (await restored.handlers.listJobs(undefined)).length;
    const restored_ = performance.now() - restoreStarted;
    await restored.dispose();
    if (listed !== count) console.log(`  run ${run}: ${listed} jobs restored of ${count}`);
    if (run < 0) continue;
    heapMb.push(memory.heapUsed / 1e6);
    rssMb.push(memory.rss / 1e6);
    writeMs.push(wrote);
    restoreMs.push(restored_);
  } finally {
    await rm(userDataDir, { recursive: true, force: true });
  }
}
record(`app core, ${count.toLocaleString('en')} jobs: heap in use`, spread(heapMb, 'MB'));
record(`app core, ${count.toLocaleString('en')} jobs: resident memory of the process`, spread(rssMb, 'MB'));
record(`app core, ${count.toLocaleString('en')} jobs: jobs.json`, `${fileMb.toFixed(1)} MB`);
record(`app core, ${count.toLocaleString('en')} jobs: writing jobs.json`, spread(writeMs, 'ms'));
record(`app core, ${count.toLocaleString('en')} jobs: restoring the list at start (until it lists every job)`, `${spread(restoreMs, 'ms')} (aim < 1 s)`);

await benchPeakMemory(record);

printTable();
