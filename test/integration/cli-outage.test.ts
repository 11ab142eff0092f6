// The built command line through an outage of ModelsLab: the server refuses connections for a while
// (its own server here, since going down would disturb other tests' runs).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { startFakeModelsLab, type FakeModelsLab, type Step } from '../fixtures/fake-modelslab';
import { makeTempDir, validTestKey, waitUntil } from '../support/core-harness';
import { builtCliPath as cliPath, jsonLines } from '../support/cli-process';

const processing: Step[] = [{ answer: 'processing', eta: 0.05 }];
const success: Step[] = [{ answer: 'success', images: [{ serve: 'headshot-a.png' }] }];

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(scenarios: Record<string, Step[]>) {
  const server = await startFakeModelsLab({ validKey: validTestKey, scenarios });
  const out = join(await makeTempDir('headshot-fetcher-cli-outage-'), 'headshots');
  cleanups.push(async () => {
    await server.close();
    await rm(join(out, '..'), { recursive: true, force: true });
  });
  return { server, out };
}

interface RunningCli {
  stderr(): string;
  stdout(): string;
  exited: Promise<number | null>;
}

function startCli(server: FakeModelsLab, args: string[]): RunningCli {
  const child = spawn(process.execPath, [cliPath, ...args], {
    env: {
      ...process.env,
      HEADSHOT_FETCHER_ENDPOINT: server.endpointTemplate,
      HEADSHOT_FETCHER_KEYCHAIN_SERVICE: `Headshot Fetcher CLI test ${randomUUID()}`,
      MODELSLAB_API_KEY: validTestKey,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(async () => void child.kill('SIGKILL'));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { stderr: () => stderr, stdout: () => stdout, exited: new Promise((resolve) => child.on('close', (code) => resolve(code))) };
}

const pausedLine = /^Can't reach ModelsLab \(ECONNREFUSED\)\. Check your connection\. Waiting up to .* for it to come back…$/gm;
const resumedLine = /^ModelsLab can be reached again: resuming\.$/gm;

/**
 * The server goes down while the CLI works and comes back with every job ready: the CLI says once
 * that it pauses and once that it resumes, exits 0, and saves every job.
 */
async function outageThenBack(server: FakeModelsLab, cli: RunningCli, ids: string[]) {
  await server.goDown();
  await waitUntil(async () => cli.stderr(), (text) => text.includes("Can't reach ModelsLab"), 20_000, 'the CLI to say it pauses');
  for (const id of ids) server.setScenario(id, success);
  await server.comeBack();
  assert.equal(await cli.exited, 0, cli.stderr());
  assert.equal(cli.stderr().match(pausedLine)?.length, 1, cli.stderr());
  assert.equal(cli.stderr().match(resumedLine)?.length, 1, cli.stderr());
  const lines = jsonLines(cli.stdout()).filter((line) => 'id' in line);
  assert.deepEqual(lines.map((line) => line.status), ids.map(() => 'saved'), cli.stdout());
}

test('an outage mid-batch: one line when it pauses, one when it resumes, exit 0 and every image saved', async () => {
  const ids = ['5001', '5002', '5003', '5004', '5005'];
  const { server, out } = await setup(Object.fromEntries(ids.map((id) => [id, processing])));
  const cli = startCli(server, ['fetch', ...ids, '--out', out, '--json', '--concurrency', '2']);
  await waitUntil(async () => ids.every((id) => server.fetchCount(id) > 0), Boolean, 20_000, 'every job to be asked once');
  await outageThenBack(server, cli, ids);
  assert.ok(cli.stderr().indexOf("Can't reach") < cli.stderr().indexOf('can be reached again'));
  assert.deepEqual((await readdir(out)).filter((name) => name.endsWith('.png')).sort(), ids.map((id) => `${id}-1.png`));
});

test('--offline-wait bounds the wait: exit status 4, and a second run fetches what is missing', async () => {
  const { server, out } = await setup({ '5101': success, '5102': processing });
  const cli = startCli(server, ['fetch', '5101', '5102', '--out', out, '--json', '--offline-wait', '1']);
  await waitUntil(async () => jsonLines(cli.stdout()), (lines) => lines.some((line) => line.id === '5101'), 20_000, 'job 5101 to be saved');
  await server.goDown();
  assert.equal(await cli.exited, 4, cli.stderr());
  assert.match(cli.stderr(), /Can't reach ModelsLab \(ECONNREFUSED\)\. Check your connection\. Gave up after waiting 1 s\. Run the same command again/);
  const firstRun = jsonLines(cli.stdout()).filter((line) => 'id' in line);
  assert.deepEqual(firstRun.find((line) => line.id === '5101')?.status, 'saved');
  const missing = firstRun.find((line) => line.id === '5102') as { status: string; error: { code: string } } | undefined;
  assert.deepEqual([missing?.status, missing?.error.code], ['failed', 'unreachable']);

  server.setScenario('5102', success);
  await server.comeBack();
  const second = startCli(server, ['fetch', '5101', '5102', '--out', out, '--json']);
  assert.equal(await second.exited, 0, second.stderr());
  const summary = jsonLines(second.stdout()).at(-1)!.summary as { saved: number; skipped: number; failed: number };
  assert.deepEqual([summary.saved, summary.skipped, summary.failed], [1, 1, 0]);
  assert.deepEqual((await readdir(out)).filter((name) => name.endsWith('.png')).sort(), ['5101-1.png', '5102-1.png']);
});

/** The first image of a job stalls mid-way: the download is under way when the server goes down. */
const stallingDownload: Step[] = [{ answer: 'success', images: [{ serve: 'headshot-a.png', stallAfterBytes: 1_000 }] }];
const downloadsUnderWay = async (out: string) => (await readdir(out).catch(() => [])).filter((name) => name.endsWith('.headshot-fetcher-part'));
const imageRequestsFor = (server: FakeModelsLab, id: string) => server.imageRequests.filter((path) => path.startsWith(`/images/${id}/`)).length;

test('an outage while images download: the downloads wait with the queue and are taken up again, exit 0 and every image saved', { timeout: 120_000 }, async () => {
  const ids = ['5201', '5202', '5203'];
  const { server, out } = await setup(Object.fromEntries(ids.map((id) => [id, stallingDownload])));
  const cli = startCli(server, ['fetch', ...ids, '--out', out, '--json', '--concurrency', '3']);
  await waitUntil(() => downloadsUnderWay(out), (names) => names.length === 3, 20_000, 'three downloads under way');
  await outageThenBack(server, cli, ids);
  assert.deepEqual((await readdir(out)).filter((name) => !name.startsWith('headshot-fetcher-manifest')).sort(), ids.map((id) => `${id}-1.png`));
  for (const id of ids) assert.equal(imageRequestsFor(server, id), 2, `${id}: the cut download, then once more after the outage`);
});

test('--offline-wait also bounds the wait of downloads cut by an outage: exit status 4, and a second run saves what is missing', { timeout: 120_000 }, async () => {
  const { server, out } = await setup({ '5301': stallingDownload, '5302': success });
  const cli = startCli(server, ['fetch', '5301', '5302', '--out', out, '--json', '--offline-wait', '1']);
  await waitUntil(async () => jsonLines(cli.stdout()), (lines) => lines.some((line) => line.id === '5302'), 20_000, 'job 5302 to be saved');
  await waitUntil(() => downloadsUnderWay(out), (names) => names.length === 1, 20_000, 'the download of 5301 under way');
  await server.goDown();
  assert.equal(await cli.exited, 4, cli.stderr());
  assert.match(cli.stderr(), /Can't reach ModelsLab \(ECONNREFUSED\)\. Check your connection\. Gave up after waiting 1 s\. Run the same command again/);
  const firstRun = jsonLines(cli.stdout()).filter((line) => 'id' in line);
  const cut = firstRun.find((line) => line.id === '5301') as { status: string; error: { code: string; message: string } } | undefined;
  assert.deepEqual([cut?.status, cut?.error.code], ['failed', 'unreachable'], cli.stdout());
  assert.match(cut?.error.message ?? '', /^Not saved: Can't reach ModelsLab/);
  assert.deepEqual(await downloadsUnderWay(out), [], 'nothing half-written is left');

  server.setScenario('5301', success);
  await server.comeBack();
  const second = startCli(server, ['fetch', '5301', '5302', '--out', out, '--json']);
  assert.equal(await second.exited, 0, second.stderr());
  const summary = jsonLines(second.stdout()).at(-1)!.summary as { saved: number; skipped: number; failed: number };
  assert.deepEqual([summary.saved, summary.skipped, summary.failed], [1, 1, 0]);
  assert.deepEqual((await readdir(out)).filter((name) => name.endsWith('.png')).sort(), ['5301-1.png', '5302-1.png']);
});
