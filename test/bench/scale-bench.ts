// Big batches without injected latency: the command line beside the shell pipeline people trust
// (xargs -P running curl and jq for the API, then aria2c for the images), on 10,000 small jobs and
// on 400 portrait-size images; its peak memory at 10,000 and 100,000 jobs; and two command lines
// saving into one folder at once. Figures, never asserted: printed as median and range.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { manifestJsonName } from '../../main/core/save-manifest';
import { startFakeModelsLab, type FakeModelsLab, type Step } from '../fixtures/fake-modelslab';
import { makeTempDir, validTestKey } from '../support/core-harness';
import { runMeasured } from './cli-bench';
import { spread as spreadOfRuns, type Record } from './figures';

const cliPath = fileURLToPath(new URL('../../dist/cli/headshot-fetcher.js', import.meta.url));
const concurrency = 8;

const ids = (count: number, from: number) => Array.from({ length: count }, (_, index) => String(from + index));
const spread = (values: number[], unit: string, digits = 1) => spreadOfRuns(values, unit, digits, 'a run takes minutes');
/** Runs of a measure that takes minutes: 5 by default, fewer when the environment says (BENCH_…_RUNS), and the figure says so. */
const runsFrom = (variable: string, fallback: number) => {
  const value = Number(process.env[variable]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};

export const aria2cMissing = (): string | null =>
  spawnSync('aria2c', ['--version'], { stdio: 'ignore' }).status === 0 ? null : 'aria2c is not installed (apt-get install aria2): the pipeline is left out';

/** A PNG signature and incompressible bytes: what a 1024 px portrait weighs, without its cost to make. */
export function portraitImage(bytes = 3 * 1024 * 1024): Buffer {
  const image = randomBytes(bytes);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(image);
  return image;
}

function serverFor(jobIds: string[], images?: { 'headshot-a.png': Buffer }): Promise<FakeModelsLab> {
  const ready = (): Step[] => [{ answer: 'success', images: [{ serve: 'headshot-a.png' }] }];
  return startFakeModelsLab({ validKey: validTestKey, images, scenarios: Object.fromEntries(jobIds.map((id) => [id, ready()])) });
}

const cliArgs = (idsFile: string, out: string) => [cliPath, 'fetch', '--ids-file', idsFile, '--out', out, '--concurrency', String(concurrency), '--quiet'];

/** xargs -P runs curl and jq for each ID, writing aria2c's input file; aria2c then downloads the images, as many at once. */
function pipelineScript(idsFile: string, out: string): string {
  return (
    `mkdir -p "${out}" && xargs -P ${concurrency} -I{} sh -c 'u=$(curl -s -X POST -H "Content-Type: application/json" -d "{\\"key\\":\\"$MODELSLAB_API_KEY\\"}" "$(echo "$HEADSHOT_FETCHER_ENDPOINT" | sed "s/{id}/{}/")" | jq -r ".output[0]") && printf "%s\\n  out={}.png\\n" "$u"' < "${idsFile}" > "${out}.aria2" ` +
    `&& aria2c -q -j ${concurrency} --auto-file-renaming=false --allow-overwrite=true -d "${out}" -i "${out}.aria2"`
  );
}

/** The CLI and the pipeline taking turns on the same jobs, each into a fresh folder every run. */
async function sideBySide(record: Record, label: string, server: FakeModelsLab, jobIds: string[], runs: number, workDir: string, warmUp = true) {
  const env = { ...process.env, HEADSHOT_FETCHER_ENDPOINT: server.endpointTemplate, MODELSLAB_API_KEY: validTestKey };
  const idsFile = join(workDir, `${label}.txt`);
  await writeFile(idsFile, jobIds.join('\n'));
  const peer = aria2cMissing();
  const cliMs: number[] = [];
  const cliRss: number[] = [];
  const pipelineMs: number[] = [];
  const ratios: number[] = [];
  // One warm-up of each, not counted (none for runs of minutes: the first of them warms up the rest).
  for (let run = warmUp ? -1 : 0; run < runs; run += 1) {
    const out = join(workDir, `${label}-cli-${run}`);
    const cli = await runMeasured(process.execPath, cliArgs(idsFile, out), env);
    const saved = (await readdir(out)).filter((name) => name.endsWith('.png')).length;
    if (cli.code !== 0 || saved !== jobIds.length) console.log(`  CLI run ${run}: exit ${cli.code}, ${saved} of ${jobIds.length} images`);
    await rm(out, { recursive: true, force: true });
    let pipeline: number | null = null;
    if (peer === null) {
      const pipeOut = join(workDir, `${label}-pipeline-${run}`);
      const measured = await runMeasured('sh', ['-c', pipelineScript(idsFile, pipeOut)], env);
      pipeline = measured.ms;
      await rm(pipeOut, { recursive: true, force: true });
      await rm(`${pipeOut}.aria2`, { force: true });
    }
    if (run < 0) continue;
    cliMs.push(cli.ms / 1000);
    if (cli.peakRssMb !== null) cliRss.push(cli.peakRssMb);
    if (pipeline !== null) {
      pipelineMs.push(pipeline / 1000);
      ratios.push(cli.ms / pipeline);
    }
  }
  record(`CLI, ${label}, concurrency ${concurrency}, no latency`, spread(cliMs, 's'));
  if (cliRss.length > 0) record(`CLI, ${label}: peak RSS`, spread(cliRss, 'MB', 0));
  if (peer !== null) record(`pipeline (xargs + curl + jq + aria2c), ${label}`, peer);
  else {
    record(`pipeline (xargs -P ${concurrency} curl + jq, then aria2c -j ${concurrency}), ${label}`, spread(pipelineMs, 's'));
    record(`CLI ÷ pipeline, ${label} (run by run)`, spread(ratios, '×', 2));
  }
}

export async function benchScale(record: Record, { runs = 5, bigRuns = runsFrom('BENCH_10K_RUNS', 5) } = {}): Promise<void> {
  const workDir = await makeTempDir('headshot-fetcher-bench-scale-');
  try {
    {
      const jobIds = ids(400, 21_000_000);
      const server = await serverFor(jobIds, { 'headshot-a.png': portraitImage() });
      try {
        await sideBySide(record, '400 portrait-size jobs (3 MB incompressible PNG each)', server, jobIds, runs, workDir);
      } finally {
        await server.close();
      }
    }
    await benchTwoSavers(record, workDir, runs);
    {
      const jobIds = ids(10_000, 20_000_000);
      const server = await serverFor(jobIds);
      try {
        // Minutes a run (the pipeline starts five processes per ID): a warm-up and 5 runs unless
        // BENCH_10K_RUNS asks for fewer, which the figure then says.
        await sideBySide(record, '10,000 small one-image jobs', server, jobIds, bigRuns, workDir);
      } finally {
        await server.close();
      }
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Two command lines saving the same 2,000 jobs into one folder at once, beside one alone. */
async function benchTwoSavers(record: Record, workDir: string, runs: number) {
  const jobIds = ids(2_000, 22_000_000);
  const server = await serverFor(jobIds);
  const env = { ...process.env, HEADSHOT_FETCHER_ENDPOINT: server.endpointTemplate, MODELSLAB_API_KEY: validTestKey };
  const idsFile = join(workDir, 'two-savers.txt');
  await writeFile(idsFile, jobIds.join('\n'));
  const alone: number[] = [];
  const together: number[] = [];
  try {
    for (let run = -1; run < runs; run += 1) {
      const single = join(workDir, `alone-${run}`);
      const one = await runMeasured(process.execPath, cliArgs(idsFile, single), env);
      await rm(single, { recursive: true, force: true });
      const shared = join(workDir, `shared-${run}`);
      const started = performance.now();
      const both = await Promise.all([runMeasured(process.execPath, cliArgs(idsFile, shared), env), runMeasured(process.execPath, cliArgs(idsFile, shared), env)]);
      const ms = performance.now() - started;
      const records = (JSON.parse(await readFile(join(shared, manifestJsonName), 'utf8')) as { files: unknown[] }).files.length;
      const names = await readdir(shared);
      const images = names.filter((name) => name.endsWith('.png')).length;
      if (both.some((each) => each.code !== 0) || records !== jobIds.length || images !== jobIds.length || names.length !== images + 2) {
        console.log(`  two savers, run ${run}: exits ${both.map((each) => each.code).join(', ')}, ${images} images, ${records} records, ${names.length - images} other entries`);
      }
      await rm(shared, { recursive: true, force: true });
      if (run < 0) continue;
      alone.push(one.ms / 1000);
      together.push(ms / 1000);
    }
  } finally {
    await server.close();
  }
  record('CLI alone, 2,000 small jobs', spread(alone, 's'));
  record('two CLIs at once into one folder, the same 2,000 jobs (until both end; every image once, every record)', spread(together, 's'));
}

/**
 * Peak memory of one command line at 10,000 and at 100,000 jobs (saving each): a warm-up, then 5
 * runs at 10,000; at 100,000, a run takes ten minutes and more, so 3 runs without a warm-up
 * (BENCH_100K_RUNS changes it), said with the figure.
 */
export async function benchPeakMemory(
  record: Record,
  counts: Array<[count: number, runs: number, warmUp: boolean]> = [
    [10_000, runsFrom('BENCH_10K_RUNS', 5), true],
    [100_000, runsFrom('BENCH_100K_RUNS', 3), false],
  ],
): Promise<void> {
  const workDir = await makeTempDir('headshot-fetcher-bench-memory-');
  try {
    for (const [count, runs, warmUp] of counts) {
      const jobIds = ids(count, 23_000_000);
      const server = await serverFor(jobIds);
      const peaks: number[] = [];
      const seconds: number[] = [];
      try {
        const idsFile = join(workDir, `ids-${count}.txt`);
        await writeFile(idsFile, jobIds.join('\n'));
        const env = { ...process.env, HEADSHOT_FETCHER_ENDPOINT: server.endpointTemplate, MODELSLAB_API_KEY: validTestKey };
        for (let run = warmUp ? -1 : 0; run < runs; run += 1) {
          const out = join(workDir, `out-${count}-${run}`);
          const measured = await runMeasured(process.execPath, cliArgs(idsFile, out), env);
          const saved = (await readdir(out)).filter((name) => name.endsWith('.png')).length;
          if (measured.code !== 0 || saved !== count) console.log(`  CLI run ${run}: exit ${measured.code}, ${saved} of ${count} images`);
          await rm(out, { recursive: true, force: true });
          if (run < 0) continue;
          if (measured.peakRssMb !== null) peaks.push(measured.peakRssMb);
          seconds.push(measured.ms / 1000);
        }
      } finally {
        await server.close();
      }
      const what = `CLI, ${count.toLocaleString('en')} jobs saved`;
      if (peaks.length === 0) record(`${what}: peak RSS`, 'not measured (needs /proc)');
      else record(`${what}: peak RSS (aim < 150 MB)`, spread(peaks, 'MB', 0));
      record(`${what}: time`, spread(seconds, 's', 0));
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
