// The built command line (dist/cli) run as a child process against the fake ModelsLab.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { manifestJsonName } from '../../main/core/save-manifest';
import { readImage, startFakeModelsLab, type FakeModelsLab, type Step } from '../fixtures/fake-modelslab';
import { makeTempDir, validTestKey, waitUntil } from '../support/core-harness';

const cliPath = fileURLToPath(new URL('../../dist/cli/headshot-fetcher.js', import.meta.url));
const success = (...images: Extract<Step, { answer: 'success' }>['images']): Step[] => [{ answer: 'success', images }];

let server: FakeModelsLab;
let workDir: string;
before(async () => {
  server = await startFakeModelsLab({
    validKey: validTestKey,
    scenarios: {
      '4001': success({ serve: 'headshot-a.png' }, { serve: 'headshot-b.jpg' }),
      '4002': [{ answer: 'processing', eta: 0.05 }, ...success({ serve: 'headshot-c.webp' })],
      '4003': [{ answer: 'failed' }],
      '4004': success({ serve: 'headshot-b.jpg' }),
    },
  });
  workDir = await makeTempDir('headshot-fetcher-cli-');
});
after(async () => {
  await server.close();
  await rm(workDir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  stdin?: string;
  env?: Record<string, string | undefined>;
  /** Called with the child once it runs, e.g. to signal it. */
  whileRunning?: (child: ReturnType<typeof spawn>) => Promise<void>;
}

/** Runs the CLI with the fake server's endpoint, a key in the environment and an empty keychain entry. */
function runCli(args: string[], options: RunOptions = {}): Promise<Run> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    HEADSHOT_FETCHER_ENDPOINT: server.endpointTemplate,
    HEADSHOT_FETCHER_KEYCHAIN_SERVICE: `Headshot Fetcher CLI test ${randomUUID()}`,
    MODELSLAB_API_KEY: validTestKey,
    ...options.env,
  };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  const child = spawn(process.execPath, [cliPath, ...args], { env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  if (options.stdin !== undefined) child.stdin.end(options.stdin);
  else child.stdin.end();
  const exited = new Promise<Run>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return (options.whileRunning?.(child) ?? Promise.resolve()).then(() => exited).then((run) => ({ ...run, stdout, stderr }));
}

const jsonLines = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
const freshFolder = async () => join(await makeTempDir('headshot-fetcher-cli-out-'), 'headshots');

test('fetches IDs from the arguments and saves them; --json prints a line per job and a summary', async () => {
  const out = await freshFolder();
  const run = await runCli(['fetch', '4001', '4002', '--out', out, '--json']);
  assert.equal(run.code, 0, run.stderr);
  const lines = jsonLines(run.stdout);
  const jobs = lines.filter((line) => 'id' in line).sort((a, b) => String(a.id).localeCompare(String(b.id)));
  assert.deepEqual(jobs, [
    { id: '4001', status: 'saved', files: [join(out, '4001-1.png'), join(out, '4001-2.jpg')] },
    { id: '4002', status: 'saved', files: [join(out, '4002-1.webp')] },
  ]);
  const summary = lines.at(-1)!.summary as Record<string, number>;
  assert.deepEqual({ ...summary, seconds: 0 }, {
    saved: 2,
    failed: 0,
    skipped: 0,
    files: 3,
    bytes: readImage('headshot-a.png').length + readImage('headshot-b.jpg').length + readImage('headshot-c.webp').length,
    seconds: 0,
  });
  assert.deepEqual(await readFile(join(out, '4001-1.png')), readImage('headshot-a.png'));
  assert.ok((await readdir(out)).includes(manifestJsonName));
});

test('reads IDs from standard input and from --ids-file, with the layout, name and conflict options', async () => {
  const out = await freshFolder();
  const idsFile = join(workDir, 'jobs.csv');
  await writeFile(idsFile, 'job_id,prompt\n4004,"a portrait"\n');
  const run = await runCli(['fetch', '--ids-file', idsFile, '--out', out, '--layout', 'per-job', '--name', 'headshot-{n}', '--on-conflict', 'skip'], {
    stdin: '4001\nnot-an-id\n',
  });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /Skipped "not-an-id"/);
  assert.match(run.stderr, /2 saved, 0 already saved, 0 failed: 3 files/);
  assert.deepEqual((await readdir(join(out, '4001'))).sort(), ['headshot-1.png', 'headshot-2.jpg']);
  assert.deepEqual(await readdir(join(out, '4004')), ['headshot-1.jpg']);
});

test('a failed job gives exit status 1 and its reason, in JSON too; the others are saved', async () => {
  const out = await freshFolder();
  const run = await runCli(['fetch', '4003', '4004', '--out', out, '--json']);
  assert.equal(run.code, 1);
  const failed = jsonLines(run.stdout).find((line) => line.id === '4003');
  assert.equal(failed?.status, 'failed');
  assert.equal((failed?.error as { code: string }).code, 'job-failed');
  assert.ok((failed?.error as { message: string }).message.length > 0);
  assert.deepEqual((await readdir(out)).filter((name) => !name.startsWith('headshot-fetcher-manifest')), ['4004-1.jpg']);
});

test('a missing or rejected key gives exit status 3 with the fix, and the key is never printed', async () => {
  const out = await freshFolder();
  const missing = await runCli(['fetch', '4001', '--out', out], { env: { MODELSLAB_API_KEY: undefined } });
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /No API key: set MODELSLAB_API_KEY, or store one with "headshot-fetcher key set"/);

  const wrongKey = 'wrong-key-0123456789abcdef-secret';
  const rejected = await runCli(['fetch', '4001', '4004', '--out', out, '--json'], { env: { MODELSLAB_API_KEY: wrongKey } });
  assert.equal(rejected.code, 3);
  const lines = jsonLines(rejected.stdout);
  assert.deepEqual(lines.filter((line) => 'id' in line).map((line) => (line.error as { code: string }).code), ['key-rejected', 'key-rejected']);
  assert.match(rejected.stderr, /rejected the API key/);
  for (const text of [rejected.stdout, rejected.stderr, missing.stdout, missing.stderr]) {
    assert.ok(!text.includes(wrongKey) && !text.includes(validTestKey), 'the key is not in the output');
  }
});

test('usage errors give exit status 2 and name the fix', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['fetch', '4001'], /--out DIR/],
    [['fetch', '4001', '--out', workDir, '--layout', 'sideways'], /--layout must be one of flat, per-job, per-day/],
    [['fetch', '4001', '--out', workDir, '--name', '{id}'], /--name: The file name needs \{n\}/],
    [['fetch', '4001', '--out', workDir, '--concurrency', '0'], /--concurrency must be a whole number from 1 to 32/],
    [['fetch', '4001', '--out', workDir, '--endpoint', 'http://example.com/fetch/{id}'], /--endpoint: The endpoint must use https/],
    [['fetch', '4001', '--out', workDir, '--colour'], /Unknown option '--colour'/],
    [['fetch', '--out', workDir], /No job IDs given/],
    [['fetch', '--ids-file', join(workDir, 'missing.txt'), '--out', workDir], /Cannot read --ids-file .*ENOENT/],
    [['key', 'set', 'my-secret-key-123'], /never shows in your shell history/],
    [['download'], /Unknown command "download"/],
  ];
  for (const [args, message] of cases) {
    const run = await runCli(args);
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message, args.join(' '));
  }
});

test('SIGTERM mid-batch stops cleanly with no partial file; a second run saves only what is missing', async () => {
  const ids = Array.from({ length: 8 }, (_, index) => String(4100 + index));
  for (const id of ids) server.setScenario(id, success({ serve: 'headshot-a.png', trickle: { chunkBytes: 500, intervalMs: 20 } }));
  const out = await freshFolder();
  const first = await runCli(['fetch', ...ids, '--out', out, '--concurrency', '2', '--json'], {
    whileRunning: async (child) => {
      await waitUntil(
        () => readdir(out).catch(() => [] as string[]),
        (names) => names.some((name) => name.endsWith('.png')) && names.some((name) => name.endsWith('.headshot-fetcher-part')),
        15_000,
        'a saved image and one under way',
      );
      child.kill('SIGTERM');
    },
  });
  assert.equal(first.code, 143, first.stderr);
  assert.match(first.stderr, /Interrupted\. Run the same command again/);
  const afterStop = await readdir(out);
  assert.ok(!afterStop.some((name) => name.endsWith('.headshot-fetcher-part')), `no temporary file is left: ${afterStop.join(', ')}`);
  for (const name of afterStop.filter((file) => file.endsWith('.png'))) assert.deepEqual(await readFile(join(out, name)), readImage('headshot-a.png'), name);
  const savedFirst = afterStop.filter((name) => name.endsWith('.png')).length;
  assert.ok(savedFirst < ids.length, 'the stop came mid-batch');
  assert.ok(jsonLines(first.stdout).some((line) => (line.error as { code?: string } | undefined)?.code === 'interrupted'));

  const second = await runCli(['fetch', ...ids, '--out', out, '--json']);
  assert.equal(second.code, 0, second.stderr);
  const summary = jsonLines(second.stdout).at(-1)!.summary as { files: number; skipped: number };
  assert.equal(summary.files, ids.length - savedFirst, 'only the missing images were saved');
  assert.equal(summary.skipped, savedFirst);
  assert.deepEqual((await readdir(out)).filter((name) => !name.startsWith('headshot-fetcher-manifest')).sort(), ids.map((id) => `${id}-1.png`).sort());
});

test('key set reads standard input into the keychain; status and clear report it, never showing the key', async () => {
  const service = `Headshot Fetcher CLI test ${randomUUID()}`;
  const env = { HEADSHOT_FETCHER_KEYCHAIN_SERVICE: service, MODELSLAB_API_KEY: undefined };
  const set = await runCli(['key', 'set'], { env, stdin: `  ${validTestKey}\n` });
  assert.equal(set.code, 0, set.stderr);
  assert.match(set.stderr, new RegExp(`ending …${validTestKey.slice(-4)}`));

  const status = await runCli(['key', 'status'], { env });
  assert.equal(status.code, 0);
  assert.match(status.stdout, /A key ending …[0-9a-f]{4} is in the system keychain/);

  const out = await freshFolder();
  const fetched = await runCli(['fetch', '4004', '--out', out], { env });
  assert.equal(fetched.code, 0, 'the keychain key is used when MODELSLAB_API_KEY is not set');

  assert.equal((await runCli(['key', 'clear'], { env })).code, 0);
  const cleared = await runCli(['key', 'status'], { env });
  assert.equal(cleared.code, 3);
  assert.match(cleared.stdout, /No API key/);
  const badKey = await runCli(['key', 'set'], { env, stdin: 'not a key\n' });
  assert.equal(badKey.code, 2);
  for (const run of [set, status, fetched, cleared]) assert.ok(!run.stdout.includes(validTestKey) && !run.stderr.includes(validTestKey));
});
