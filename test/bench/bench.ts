// `npm run bench`: how long the engine and the window take with big batches. Figures, not tests:
// they are printed for the record and compared by people, never asserted in the test suites.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractJobIds, readIntake } from '../../main/core/id-intake';
import writeXlsxFile from 'write-excel-file/node';
import { benchCommandLine } from './cli-bench';
import { benchScale } from './scale-bench';
import { coreForBench } from './bench-core';
import { createRecorder } from './figures';
import { benchWindow } from './window-bench';

const { record, printTable } = createRecorder();

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
let largestEventBytes = 0;
const core = await coreForBench(userDataDir, (event, payload) => {
  if (event === 'jobsUpdated') largestEventBytes = Math.max(largestEventBytes, JSON.stringify(payload).length);
});
const [, addMs] = await timed(() => core.handlers.addJobs({ sources: [{ name: null, text: ids(100_000).join('\n') }] }));
record('core, add 100,000 jobs', `${addMs.toFixed(0)} ms`);
await new Promise((resolve) => setTimeout(resolve, 200));
record('core, size of the largest update event', `${(largestEventBytes / 1e6).toFixed(1)} MB`);
(globalThis as { gc?: () => void }).gc?.();
record('core, heap holding 100,000 jobs', `${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`);
const [, writeMs] = await timed(() => core.dispose());
record('core, write a 100,000-job list', `${writeMs.toFixed(0)} ms`);
await rm(userDataDir, { recursive: true, force: true });

await benchCommandLine(record);
// Big batches without latency beside xargs + curl + jq + aria2c, and two savers in one folder.
// BENCH_SCALE=0 leaves them out (they take several minutes).
if (process.env.BENCH_SCALE !== '0') await benchScale(record);

// The window: how soon a big list shows, how smooth it stays while jobs change, its memory.
await benchWindow(record);

printTable();
