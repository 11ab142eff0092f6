// The command line against the fake ModelsLab with injected latency, beside the shell pipeline a
// user would write instead (xargs -P running curl, jq and curl), and its peak memory.
import { spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeModelsLab, type Step } from '../fixtures/fake-modelslab';
import { makeTempDir, validTestKey } from '../support/core-harness';

const cliPath = fileURLToPath(new URL('../../dist/cli/headshot-fetcher.js', import.meta.url));

/** Runs a command to its end; on Linux also reads its peak resident memory from /proc. */
export async function runMeasured(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  stderr: 'inherit' | 'ignore' = 'inherit',
): Promise<{ ms: number; peakRssMb: number | null; code: number | null }> {
  const started = performance.now();
  const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', stderr] });
  let peakKb: number | null = null;
  const readPeak = async () => {
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    if (match) peakKb = Math.max(peakKb ?? 0, Number(match[1]));
  };
  const sampler = setInterval(() => void readPeak(), 20);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(sampler);
  return { ms: performance.now() - started, peakRssMb: peakKb === null ? null : peakKb / 1024, code };
}

export async function benchCommandLine(record: (what: string, value: string) => void): Promise<void> {
  const apiLatencyMs = 100;
  const imageLatencyMs = 50;
  const concurrency = 8;
  const ids = (count: number, from: number) => Array.from({ length: count }, (_, index) => String(from + index));
  const ready = (): Step[] => [{ answer: 'success', delayMs: apiLatencyMs, images: [{ serve: 'headshot-a.png' }] }];
  const jobIds = [...ids(200, 5_000_000), ...ids(1_000, 6_000_000)];
  const server = await startFakeModelsLab({
    validKey: validTestKey,
    imageLatencyMs,
    scenarios: Object.fromEntries(jobIds.map((id) => [id, ready()])),
  });
  const workDir = await makeTempDir('headshot-fetcher-bench-cli-');
  const env = { ...process.env, HEADSHOT_FETCHER_ENDPOINT: server.endpointTemplate, MODELSLAB_API_KEY: validTestKey };
  try {
    const count = 200;
    const idsFile = join(workDir, 'ids.txt');
    await writeFile(idsFile, ids(count, 5_000_000).join('\n'));
    const boundMs = Math.ceil(count / concurrency) * apiLatencyMs + imageLatencyMs;

    const cli = await runMeasured(process.execPath, [cliPath, 'fetch', '--ids-file', idsFile, '--out', join(workDir, 'cli'), '--concurrency', String(concurrency), '--quiet'], env);
    const pipelineOut = join(workDir, 'pipeline');
    const pipeline = await runMeasured(
      'sh',
      [
        '-c',
        `mkdir -p "${pipelineOut}" && xargs -P ${concurrency} -I{} sh -c 'url=$(curl -s -X POST -H "Content-Type: application/json" -d "{\\"key\\":\\"$MODELSLAB_API_KEY\\"}" "$(echo "$HEADSHOT_FETCHER_ENDPOINT" | sed "s/{id}/{}/")" | jq -r ".output[0]") && curl -s -o "${pipelineOut}/{}.png" "$url"' < "${idsFile}"`,
      ],
      env,
    );
    record(`CLI, ${count} jobs, ${apiLatencyMs} ms per API call, ${imageLatencyMs} ms per image, concurrency ${concurrency}`, `${cli.ms.toFixed(0)} ms (exit ${cli.code})`);
    record('CLI, the bound ⌈N / concurrency⌉ × API latency + one image', `${boundMs} ms; the CLI took ${(cli.ms / boundMs).toFixed(2)}× (aim ≤ 1.3×)`);
    record(`shell pipeline (xargs -P ${concurrency}, curl, jq, curl), same ${count} jobs`, `${pipeline.ms.toFixed(0)} ms (exit ${pipeline.code}); the CLI took ${(cli.ms / pipeline.ms).toFixed(2)}× its time (aim ≤ 0.8×)`);

    const bigFile = join(workDir, 'ids-1000.txt');
    await writeFile(bigFile, ids(1_000, 6_000_000).join('\n'));
    const big = await runMeasured(process.execPath, [cliPath, 'fetch', '--ids-file', bigFile, '--out', join(workDir, 'cli-1000'), '--concurrency', String(concurrency), '--quiet'], env);
    record('CLI, 1,000 jobs', `${big.ms.toFixed(0)} ms (exit ${big.code})`);
    record('CLI, peak RSS at 1,000 jobs', big.peakRssMb === null ? 'not measured (needs /proc)' : `${big.peakRssMb.toFixed(0)} MB (aim < 150 MB)`);

    // What the command line itself costs per ID, without the network: 100,000 IDs read, queued and
    // answered with one JSON line each, the key being refused at the first answer.
    const hugeFile = join(workDir, 'ids-100000.txt');
    await writeFile(hugeFile, ids(100_000, 7_000_000).join('\n'));
    const huge = await runMeasured(
      process.execPath,
      [cliPath, 'fetch', '--ids-file', hugeFile, '--out', join(workDir, 'cli-100000'), '--json', '--quiet'],
      { ...env, MODELSLAB_API_KEY: 'refused-key-0123456789abcdef' },
      'ignore', // the refused key is the point here, not news
    );
    record(
      'CLI, 100,000 IDs to 100,000 JSON lines (key refused at the first answer)',
      `${huge.ms.toFixed(0)} ms (exit ${huge.code}), peak RSS ${huge.peakRssMb === null ? 'not measured' : `${huge.peakRssMb.toFixed(0)} MB`}`,
    );
  } finally {
    await server.close();
    await rm(workDir, { recursive: true, force: true });
  }
  await benchRunawayAnswers(record);
}

/** Four answers of 48 MB arriving at once: the CLI reads each only up to its 2 MB cap, then asks again. */
export async function benchRunawayAnswers(record: (what: string, value: string) => void): Promise<void> {
  const jobIds = ['8000001', '8000002', '8000003', '8000004'];
  const scenario = (): Step[] => [{ answer: 'flood', megabytes: 48 }, { answer: 'success', images: [{ serve: 'headshot-a.png' }] }];
  const server = await startFakeModelsLab({ validKey: validTestKey, scenarios: Object.fromEntries(jobIds.map((id) => [id, scenario()])) });
  const workDir = await makeTempDir('headshot-fetcher-bench-flood-');
  try {
    const env = { ...process.env, HEADSHOT_FETCHER_ENDPOINT: server.endpointTemplate, MODELSLAB_API_KEY: validTestKey };
    const run = await runMeasured(process.execPath, [cliPath, 'fetch', ...jobIds, '--out', join(workDir, 'out'), '--concurrency', '4', '--quiet'], env, 'ignore');
    const sent = [...server.floods.values()].flat().reduce((sum, flood) => sum + flood.bytesSent, 0);
    record(
      'CLI, peak RSS while four 48 MB answers arrive at once (cut at 2 MB each, then asked again)',
      `${run.peakRssMb === null ? 'not measured (needs /proc)' : `${run.peakRssMb.toFixed(0)} MB`} (exit ${run.code}; ${(sent / 1048576).toFixed(0)} MB of 192 MB sent before the CLI hung up; aim < 150 MB)`,
    );
  } finally {
    await server.close();
    await rm(workDir, { recursive: true, force: true });
  }
}
