// The built command line (dist/cli) run as a child process against the fake ModelsLab.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { manifestJsonName } from '../../main/core/save-manifest';
import { jsonEscapedEveryCharacter, readImage, startFakeModelsLab, type FakeModelsLab, type Step, successWith } from '../fixtures/fake-modelslab';
import { builtCliPath as cliPath, jsonLines, onlyThisComputer } from '../support/cli-process';
import { makeTempDir, validTestKey, waitUntil } from '../support/core-harness';
import { holdsKey, urlEncodedKey } from '../support/key-echo';


let server: FakeModelsLab;
let workDir: string;
before(async () => {
  server = await startFakeModelsLab({
    validKey: validTestKey,
    scenarios: {
      '4001': successWith({ serve: 'headshot-a.png' }, { serve: 'headshot-b.jpg' }),
      '4002': [{ answer: 'processing', eta: 0.05 }, ...successWith({ serve: 'headshot-c.webp' })],
      '4003': [{ answer: 'failed' }],
      '4004': successWith({ serve: 'headshot-b.jpg' }),
    },
  });
  workDir = await makeTempDir('headshot-fetcher-cli-');
});
after(async () => {
  await server.close();
  await rm(workDir, { recursive: true, force: true });
});

// A test that fails (or times out) while a CLI still runs must not leave it running: it would hold the file's run open.
const runningChildren = new Set<ReturnType<typeof spawn>>();
afterEach(() => {
  for (const child of runningChildren) child.kill('SIGKILL');
  runningChildren.clear();
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Connections the run tried to open to anything but this computer (each refused unsent), as host:port. */
  outside: string[];
}

interface RunOptions {
  /** Written to standard input, which is then closed; null leaves it open for `whileRunning`. */
  stdin?: string | null;
  env?: Record<string, string | undefined>;
  /** Called with the child once it runs, e.g. to signal it. */
  whileRunning?: (child: ReturnType<typeof spawn>) => Promise<void>;
}

/** The fake server's endpoint, a key in the environment and an empty keychain entry; `undefined` removes a variable. */
function cliEnvironment(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = {
    ...process.env,
    HEADSHOT_FETCHER_ENDPOINT: server.endpointTemplate,
    HEADSHOT_FETCHER_KEYCHAIN_SERVICE: `Headshot Fetcher CLI test ${randomUUID()}`,
    MODELSLAB_API_KEY: validTestKey,
    ...overrides,
  };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  return env as NodeJS.ProcessEnv;
}

/** Runs the CLI with cliEnvironment(). */
async function runCli(args: string[], options: RunOptions = {}): Promise<Run> {
  const outsideLog = join(workDir, `outside-${randomUUID()}.log`);
  const env = { ...cliEnvironment(options.env), HEADSHOT_FETCHER_TEST_OUTSIDE_LOG: outsideLog };
  const child = spawn(process.execPath, ['--import', onlyThisComputer, cliPath, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  runningChildren.add(child);
  child.on('exit', () => runningChildren.delete(child));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.on('error', () => undefined); // the CLI may be gone before a late write
  if (options.stdin !== null) child.stdin.end(options.stdin ?? '');
  const exited = new Promise<Omit<Run, 'outside'>>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  await (options.whileRunning?.(child) ?? Promise.resolve());
  const run = await exited;
  const outside = (await readFile(outsideLog, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  return { ...run, stdout, stderr, outside };
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
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

test('reads IDs from standard input and from --ids-file, with the layout and name options', async () => {
  const out = await freshFolder();
  const idsFile = join(workDir, 'jobs.csv');
  await writeFile(idsFile, 'job_id,prompt\n4004,"a portrait"\n');
  const run = await runCli(['fetch', '--ids-file', idsFile, '--out', out, '--layout', 'per-job', '--name', 'headshot-{n}'], {
    stdin: '4001\nnot-an-id\n',
  });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /Skipped "not-an-id"/);
  assert.match(run.stderr, /2 saved, 0 already saved, 0 failed: 3 files/);
  assert.deepEqual((await readdir(join(out, '4001'))).sort(), ['headshot-1.png', 'headshot-2.jpg']);
  assert.deepEqual(await readdir(join(out, '4004')), ['headshot-1.jpg']);
});

test('--on-conflict decides what happens to another file under the name: skip keeps it, overwrite replaces it, rename keeps both', async () => {
  // Someone else's picture under the name 4004's image would get, and no save record: a real conflict.
  const theirs = Buffer.from('not the headshot of job 4004, but a file the person keeps');
  const ours = readImage('headshot-b.jpg');
  const runWithPolicy = async (policy: 'skip' | 'overwrite' | 'rename') => {
    const out = await freshFolder();
    await mkdir(out, { recursive: true });
    await writeFile(join(out, '4004-1.jpg'), theirs);
    const run = await runCli(['fetch', '4004', '--out', out, '--on-conflict', policy, '--json']);
    assert.equal(run.code, 0, `${policy}: ${run.stderr}`);
    const names = (await readdir(out)).filter((name) => !name.startsWith('headshot-fetcher-manifest')).sort();
    return { out, names, lines: jsonLines(run.stdout), file: (name: string) => readFile(join(out, name)) };
  };

  const skip = await runWithPolicy('skip');
  assert.deepEqual(skip.names, ['4004-1.jpg'], 'no second file appears');
  assert.deepEqual(await skip.file('4004-1.jpg'), theirs, 'the file already there is untouched');
  const skipSummary = skip.lines.at(-1)!.summary as { files: number; skipped: number };
  assert.deepEqual({ files: skipSummary.files, skipped: skipSummary.skipped }, { files: 0, skipped: 1 }, 'nothing was written');

  const overwrite = await runWithPolicy('overwrite');
  assert.deepEqual(overwrite.names, ['4004-1.jpg']);
  assert.deepEqual(await overwrite.file('4004-1.jpg'), ours, 'the file under the name is replaced');

  const rename = await runWithPolicy('rename');
  assert.deepEqual(rename.names, ['4004-1 (2).jpg', '4004-1.jpg']);
  assert.deepEqual(await rename.file('4004-1.jpg'), theirs, 'the file already there is kept');
  assert.deepEqual(await rename.file('4004-1 (2).jpg'), ours, 'and the headshot is saved beside it');
  assert.deepEqual(rename.lines[0], { id: '4004', status: 'saved', files: [join(rename.out, '4004-1 (2).jpg')] });
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

// A CLI that ignored the stop would wait on its stalled download: the timeout makes that a failure.
test('SIGTERM mid-batch stops cleanly with no partial file; a second run saves only what is missing', { timeout: 60_000 }, async () => {
  const ids = Array.from({ length: 8 }, (_, index) => String(4100 + index));
  // The first job's image downloads whole; the others stall part-way, so the batch is still under
  // way when the stop comes, however slow the machine.
  const [first, ...stalling] = ids;
  server.setScenario(first!, successWith({ serve: 'headshot-a.png' }));
  for (const id of stalling) server.setScenario(id, successWith({ serve: 'headshot-a.png', stallAfterBytes: 2_000 }));
  const out = await freshFolder();
  const stopped = await runCli(['fetch', ...ids, '--out', out, '--concurrency', '2', '--json'], {
    whileRunning: async (child) => {
      await waitUntil(
        () => readdir(out).catch(() => [] as string[]),
        (names) => names.includes(`${first}-1.png`) && names.some((name) => name.endsWith('.headshot-fetcher-part')),
        15_000,
        'a saved image and one under way',
      );
      child.kill('SIGTERM');
    },
  });
  assert.equal(stopped.code, 143, stopped.stderr);
  assert.match(stopped.stderr, /Interrupted\. Run the same command again/);
  const afterStop = await readdir(out);
  assert.ok(!afterStop.some((name) => name.endsWith('.headshot-fetcher-part')), `no temporary file is left: ${afterStop.join(', ')}`);
  for (const name of afterStop.filter((file) => file.endsWith('.png'))) assert.deepEqual(await readFile(join(out, name)), readImage('headshot-a.png'), name);
  const savedFirst = afterStop.filter((name) => name.endsWith('.png')).length;
  assert.ok(savedFirst < ids.length, 'the stop came mid-batch');
  assert.ok(jsonLines(stopped.stdout).some((line) => (line.error as { code?: string } | undefined)?.code === 'interrupted'));

  for (const id of stalling) server.setScenario(id, successWith({ serve: 'headshot-a.png' }));
  const second = await runCli(['fetch', ...ids, '--out', out, '--json']);
  assert.equal(second.code, 0, second.stderr);
  const summary = jsonLines(second.stdout).at(-1)!.summary as { files: number; skipped: number };
  assert.equal(summary.files, ids.length - savedFirst, 'only the missing images were saved');
  assert.equal(summary.skipped, savedFirst);
  assert.deepEqual((await readdir(out)).filter((name) => !name.startsWith('headshot-fetcher-manifest')).sort(), ids.map((id) => `${id}-1.png`).sort());
});

/** A fetch endpoint that holds every request unanswered and notes when the client hangs up on one. */
async function startHoldingEndpoint() {
  const held: Array<{ id: string; abandoned: Promise<void> }> = [];
  let onArrival: () => void = () => undefined;
  const server = createServer((request, response) => {
    let abandon: () => void = () => undefined;
    const abandoned = new Promise<void>((resolve) => (abandon = resolve));
    // No answer is ever sent, so a close is always the client walking away.
    response.on('close', () => abandon());
    request.resume();
    held.push({ id: /\/fetch\/([^/?]+)$/.exec(request.url ?? '')?.[1] ?? '', abandoned });
    onArrival();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpointTemplate: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/enterprise/flux_headshot/fetch/{id}`,
    held,
    firstRequest: () => new Promise<void>((resolve) => (held.length > 0 ? resolve() : (onArrival = resolve))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve()).closeAllConnections()),
  };
}

test('Ctrl-C while the API request is out stops at once with status 130: the request is dropped, nothing is saved', async () => {
  const endpoint = await startHoldingEndpoint();
  const out = await freshFolder();
  let abandoned = false;
  try {
    const run = await runCli(['fetch', '4701', '--out', out, '--json', '--timeout', '3600'], {
      env: { HEADSHOT_FETCHER_ENDPOINT: endpoint.endpointTemplate },
      whileRunning: async (child) => {
        await endpoint.firstRequest(); // the CLI is mid-request: the answer is held
        child.kill('SIGINT');
        // The request would otherwise wait for its answer for an hour; the bound only turns such a hang into a failure.
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        const bound = new Promise<false>((resolve) => setTimeout(() => resolve(false), 20_000).unref());
        abandoned = await Promise.race([Promise.all([endpoint.held[0]!.abandoned, exited]).then(() => true as const), bound]);
        if (!abandoned) child.kill('SIGKILL');
      },
    });
    assert.ok(abandoned, `the held request was dropped and the CLI ended: ${run.stderr}`);
    assert.equal(run.code, 130, run.stderr);
    assert.match(run.stderr, /Ctrl-C: stopping…/);
    assert.match(run.stderr, /Interrupted\. Run the same command again to fetch what is missing/);
    assert.deepEqual(jsonLines(run.stdout)[0], { id: '4701', status: 'failed', files: [], error: { code: 'interrupted', message: 'Interrupted before it was saved.' } });
    assert.deepEqual(await readdir(out), [], 'no file, partial or whole, was written');
    assert.deepEqual(endpoint.held.map((request) => request.id), ['4701'], 'the dropped request was not sent again');
  } finally {
    await endpoint.close();
  }
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
  const fetched = await runCli(['fetch', '4004', '4001', '--out', out], { env });
  assert.equal(fetched.code, 0, 'the keychain key is used when MODELSLAB_API_KEY is not set');
  // The stored key goes to a host that is not ModelsLab's: said once, whatever the number of jobs.
  const host = new URL(server.origin).host;
  assert.equal(fetched.stderr.split(`Sending the API key from the keychain to ${host}, which is not ModelsLab's (set by HEADSHOT_FETCHER_ENDPOINT).`).length - 1, 1, fetched.stderr);
  const fromEnvironment = await runCli(['fetch', '4004', '--out', out]);
  assert.doesNotMatch(fromEnvironment.stderr, /Sending the API key/, 'a key from MODELSLAB_API_KEY is given for this run');

  assert.equal((await runCli(['key', 'clear'], { env })).code, 0);
  const cleared = await runCli(['key', 'status'], { env });
  assert.equal(cleared.code, 3);
  assert.match(cleared.stdout, /No API key/);
  const badKey = await runCli(['key', 'set'], { env, stdin: 'not a key\n' });
  assert.equal(badKey.code, 2);
  for (const run of [set, status, fetched, cleared]) assert.ok(!run.stdout.includes(validTestKey) && !run.stderr.includes(validTestKey));

  // A stored key that ModelsLab refuses: the fix is to store another one.
  const wrongKey = 'wrong-key-0123456789abcdef-stored';
  assert.equal((await runCli(['key', 'set'], { env, stdin: wrongKey })).code, 0);
  const refused = await runCli(['fetch', '4004', '--out', out], { env });
  assert.equal(refused.code, 3);
  assert.match(refused.stderr, /Store a valid key with "headshot-fetcher key set"/);
  assert.ok(!refused.stderr.includes(wrongKey));
  await runCli(['key', 'clear'], { env });
});


/**
 * Resolves once the process waits on its standard input: on Linux fd 0 then shows in its epoll set
 * (so its signal handlers are in place too); elsewhere after a generous pause.
 */
async function readingStdin(pid: number): Promise<void> {
  const inEpoll = async () => {
    for (const fd of await readdir(`/proc/${pid}/fd`)) {
      if ((await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')) !== 'anon_inode:[eventpoll]') continue;
      if (/^tfd:\s+0\s/m.test(await readFile(`/proc/${pid}/fdinfo/${fd}`, 'utf8').catch(() => ''))) return true;
    }
    return false;
  };
  if (!(await readdir('/proc/self/fd').then(() => true, () => false))) {
    await delay(1_500);
    return;
  }
  await waitUntil(inEpoll, Boolean, 10_000, 'the CLI to read standard input');
}

test('a stop while the IDs are still being read ends the run at once, before any job is fetched', async () => {
  const out = await freshFolder();
  const run = await runCli(['fetch', '--out', out, '--json'], {
    stdin: null,
    whileRunning: async (child) => {
      await readingStdin(child.pid!);
      child.kill('SIGTERM');
      const exited = await Promise.race([new Promise((resolve) => child.once('exit', () => resolve(true))), delay(3_000).then(() => false)]);
      // A CLI that missed the stop would go on to fetch whatever comes next.
      if (!exited) child.stdin!.end('4004\n');
    },
  });
  assert.equal(run.code, 143, run.stderr);
  assert.match(run.stderr, /Interrupted/);
  assert.deepEqual(await readdir(out).catch(() => []), [], 'nothing was saved');
  assert.equal(run.stdout, '');
});

test('HEADSHOT_FETCHER_ENDPOINT is checked like --endpoint: a usage error, and the key is sent nowhere', async () => {
  const out = await freshFolder();
  const before = server.fetches.length;
  const cases: Array<[string, RegExp]> = [
    [`${server.origin}/api/v1/enterprise/flux_headshot/fetch/4004`, /HEADSHOT_FETCHER_ENDPOINT: The endpoint must be a URL with \{id\}/],
    ['http://example.com/fetch/{id}', /HEADSHOT_FETCHER_ENDPOINT: The endpoint must use https/],
  ];
  for (const [endpoint, message] of cases) {
    const run = await runCli(['fetch', '4004', '--out', out], { env: { HEADSHOT_FETCHER_ENDPOINT: endpoint } });
    assert.equal(run.code, 2, `${endpoint}: ${run.stderr}`);
    assert.match(run.stderr, message);
  }
  assert.equal(server.fetches.length, before, 'no request was made');
  // --endpoint wins over the variable, so a bad variable does not matter then; an empty one is unset.
  const overridden = await runCli(['fetch', '4004', '--out', out, '--endpoint', server.endpointTemplate], { env: { HEADSHOT_FETCHER_ENDPOINT: 'nonsense' } });
  assert.equal(overridden.code, 0, overridden.stderr);
});

test('a key rejected mid-batch: downloads under way still finish, the rest fail as key-rejected, and the fix names the key used', async () => {
  server.setScenario('4301', successWith({ serve: 'headshot-a.png', trickle: { chunkBytes: 500, intervalMs: 30 } }));
  server.setScenario('4302', [{ answer: 'raw', delayMs: 200, status: 401, contentType: 'application/json', body: '{"status":"error","message":"Invalid Api Key"}' }]);
  server.setScenario('4303', successWith({ serve: 'headshot-b.jpg' }));
  const out = await freshFolder();
  // One call at a time: 4301 is fetched and downloading (slowly) when 4302's answer refuses the key.
  const run = await runCli(['fetch', '4301', '4302', '4303', '--out', out, '--concurrency', '1', '--json']);
  assert.equal(run.code, 3, run.stderr);
  const byId = new Map(jsonLines(run.stdout).filter((line) => 'id' in line).map((line) => [line.id, line]));
  assert.deepEqual(byId.get('4301'), { id: '4301', status: 'saved', files: [join(out, '4301-1.png')] }, 'the download under way was not thrown away');
  assert.deepEqual(await readFile(join(out, '4301-1.png')), readImage('headshot-a.png'));
  for (const id of ['4302', '4303']) assert.equal((byId.get(id)?.error as { code: string }).code, 'key-rejected', id);
  // The key came from MODELSLAB_API_KEY, which wins over the keychain: "key set" alone would not help.
  assert.match(run.stderr, /MODELSLAB_API_KEY holds a key ModelsLab rejected/);
});

test('no credits (402) or a plan refusal (403) stops the run with exit status 3 and ModelsLab\'s message, once', async () => {
  server.setScenario('4701', successWith({ serve: 'headshot-a.png' }));
  server.setScenario('4702', [{ answer: 'no-credits' }]);
  server.setScenario('4703', successWith({ serve: 'headshot-b.jpg' }));
  const out = await freshFolder();
  const run = await runCli(['fetch', '4701', '4702', '4703', '--out', out, '--concurrency', '1', '--json']);
  assert.equal(run.code, 3, run.stderr);
  const byId = new Map(jsonLines(run.stdout).filter((line) => 'id' in line).map((line) => [line.id, line]));
  assert.deepEqual(byId.get('4701'), { id: '4701', status: 'saved', files: [join(out, '4701-1.png')] });
  for (const id of ['4702', '4703']) assert.equal((byId.get(id)?.error as { code: string }).code, 'account-refused', id);
  assert.equal(server.fetchCount('4703'), 0, 'nothing more is asked once the account is refused');
  const said = run.stderr.split('\n').filter((line) => line.includes('Insufficient credits'));
  assert.deepEqual(said, [
    'ModelsLab says the account has no credits left ("Insufficient credits. Please recharge your wallet to continue."). Add credits to your ModelsLab account, then try again. Run the same command again once that is done: files already saved are not downloaded again.',
  ]);

  server.setScenario('4704', [{ answer: 'forbidden' }]);
  const refused = await runCli(['fetch', '4704', '--out', out]);
  assert.equal(refused.code, 3, refused.stderr);
  assert.match(refused.stderr, /plan or the key's permissions do not allow it \("Your plan does not include this API\."\)/);

  // On the terminal too the message comes once: the jobs left are named together, not failed one by one.
  server.setScenario('4705', [{ answer: 'no-credits' }]);
  const told = await runCli(['fetch', '4705', '4706', '4707', '--out', await freshFolder(), '--concurrency', '1'], { env: { HEADSHOT_FETCHER_ENDPOINT: server.endpointTemplate } });
  assert.equal(told.code, 3, told.stderr);
  assert.equal(told.stderr.split('\n').filter((line) => line.includes('Insufficient credits')).length, 1, told.stderr);
  assert.match(told.stderr, /^3 jobs not finished: 4705, 4706, 4707\.$/m);
  assert.doesNotMatch(told.stderr, /Job 470\d failed/);
});

test('a job ModelsLab flagged as NSFW says so: "nsfw": true in its JSON line, a line on the terminal', async () => {
  server.setScenario('4711', [{ answer: 'success', images: [{ serve: 'headshot-a.png' }], nsfw: true }]);
  server.setScenario('4712', [{ answer: 'success', images: [{ serve: 'headshot-b.jpg' }], nsfw: [false] }]);
  const json = await runCli(['fetch', '4711', '4712', '--out', await freshFolder(), '--json']);
  assert.equal(json.code, 0, json.stderr);
  const byId = new Map(jsonLines(json.stdout).filter((line) => 'id' in line).map((line) => [line.id, line]));
  assert.equal(byId.get('4711')?.nsfw, true);
  assert.equal(byId.get('4711')?.status, 'saved', 'the images are saved all the same');
  assert.equal('nsfw' in (byId.get('4712') ?? {}), false, 'a list of false flags flags nothing');

  const shown = await runCli(['fetch', '4711', '4712', '--out', await freshFolder()]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.deepEqual(shown.stderr.split('\n').filter((line) => line.includes('NSFW')), ['Job 4711 was flagged as NSFW by ModelsLab; its images may be blank.']);
});

test('a 429 holds the requests for the time asked and says so; the jobs then finish', async () => {
  server.setScenario('4601', [{ answer: 'rate-limit', retryAfter: 1 }, ...successWith({ serve: 'headshot-c.webp' })]);
  const out = await freshFolder();
  const started = Date.now();
  const run = await runCli(['fetch', '4601', '--out', out, '--json']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /ModelsLab asked us to slow down .*Resuming in 1 s/);
  assert.ok(Date.now() - started >= 900, 'the hold was kept');
  assert.deepEqual(jsonLines(run.stdout)[0], { id: '4601', status: 'saved', files: [join(out, '4601-1.webp')] });
});

test('a key that slipped in among the IDs is not shown back as a skipped piece', async () => {
  const out = await freshFolder();
  const withKey = await runCli(['fetch', '--out', out], { stdin: `4004\nMODELSLAB_API_KEY=${validTestKey}\n${validTestKey}\nnot-an-id\n` });
  assert.equal(withKey.code, 0, withKey.stderr);
  assert.match(withKey.stderr, /Skipped "not-an-id"/);
  assert.ok(!withKey.stderr.includes(validTestKey.slice(0, 12)) && !withKey.stderr.includes(validTestKey.slice(-12)), withKey.stderr);
  // Also when nothing else is usable and the run ends with a usage error.
  const only = await runCli(['fetch', '--out', out], { stdin: `${validTestKey}\n` });
  assert.equal(only.code, 2);
  assert.ok(!only.stderr.includes(validTestKey.slice(0, 12)), only.stderr);
});

test('the summary counts the bytes of saved files, not of downloads that were thrown away', async () => {
  server.setScenario('4401', successWith({ html: true }));
  const out = await freshFolder();
  const run = await runCli(['fetch', '4401', '4004', '--out', out, '--json']);
  assert.equal(run.code, 1, run.stderr);
  const summary = jsonLines(run.stdout).at(-1)!.summary as { files: number; bytes: number };
  assert.deepEqual({ files: summary.files, bytes: summary.bytes }, { files: 1, bytes: readImage('headshot-b.jpg').length });
});

// A CLI that ignored the stop would wait on its stalled download: the timeout makes that a failure.
test('standard output closed by the reader (| head) stops the run cleanly, without a crash or a partial file', { timeout: 60_000 }, async () => {
  const ids = Array.from({ length: 6 }, (_, index) => String(4500 + index));
  for (const id of ids) server.setScenario(id, successWith({ serve: 'headshot-a.png', trickle: { chunkBytes: 1000, intervalMs: 30 } }));
  server.setScenario('4500', [{ answer: 'failed' }]);
  // A download that never ends: the run cannot finish before the closed output is noticed.
  server.setScenario('4505', successWith({ serve: 'headshot-a.png', stallAfterBytes: 2_000 }));
  const out = await freshFolder();
  const run = await runCli(['fetch', ...ids, '--out', out, '--json', '--concurrency', '2'], {
    whileRunning: async (child) => {
      await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
      child.stdout!.destroy(); // what `head -n 1` does once it has its line
    },
  });
  assert.doesNotMatch(run.stderr, /EPIPE|Unhandled|at .*\.js:\d+/, run.stderr);
  assert.equal(run.code, 141, run.stderr);
  assert.ok(!(await readdir(out)).some((name) => name.endsWith('.headshot-fetcher-part')));
});

const hasScript = spawnSync('script', ['--version']).status === 0;
const shellQuote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/** Runs the CLI with a pseudo-terminal for its standard streams (util-linux `script`); returns what the terminal showed. */
function runInTerminal(args: string[], options: { env?: Record<string, string | undefined>; whileRunning?: (child: ReturnType<typeof spawn>, shown: () => string) => Promise<void> } = {}) {
  const command = [process.execPath, cliPath, ...args].map(shellQuote).join(' ');
  const env = cliEnvironment(options.env);
  const child = spawn('script', ['-qec', command, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  runningChildren.add(child);
  child.on('exit', () => runningChildren.delete(child));
  let shown = '';
  child.stdout.on('data', (chunk: Buffer) => (shown += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return (options.whileRunning?.(child, () => shown) ?? Promise.resolve()).then(() => exited).then((code) => ({ code, shown }));
}

test('on a terminal a progress line is drawn in place, and a JSON line never runs into it', { skip: !hasScript && 'needs util-linux script' }, async () => {
  const out = await freshFolder();
  const run = await runInTerminal(['fetch', '4001', '4003', '4004', '--out', out, '--json']);
  assert.equal(run.code, 1, run.shown);
  assert.match(run.shown, /\r\x1b\[K3\/3 done · 2 saved · 1 failed · 0 processing · \d+ KB/);
  // What stays visible of each terminal line is what follows its last erase (\x1b[K).
  const visibleLines = run.shown.split('\n').map((line) => line.split('\x1b[K').at(-1)!);
  const jsonShown = visibleLines.filter((text) => text.includes('{'));
  for (const line of jsonShown) assert.match(line, /^\{.*\}\r?$/, `each JSON line stands alone: ${JSON.stringify(line)}`);
  // A line per job and the summary, each whole: a JSON line that ran into the progress line would not be found here.
  const parsed = jsonShown.map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.deepEqual(parsed.filter((line) => 'id' in line).map((line) => line.id).sort(), ['4001', '4003', '4004'], run.shown);
  assert.ok('summary' in parsed.at(-1)!, 'the summary comes last');
  // Not a terminal: no progress line at all.
  const piped = await runCli(['fetch', '4004', '--out', out, '--json']);
  assert.doesNotMatch(piped.stderr, /\x1b\[K|done ·/);
});

test('key set on a terminal asks without echoing; Ctrl-C at the prompt cancels with status 130', { skip: !hasScript && 'needs util-linux script' }, async () => {
  const service = `Headshot Fetcher CLI test ${randomUUID()}`;
  const env = { HEADSHOT_FETCHER_KEYCHAIN_SERVICE: service, MODELSLAB_API_KEY: undefined };
  const typeAtPrompt = (keys: string) => async (child: ReturnType<typeof spawn>, shown: () => string) => {
    await waitUntil(async () => shown(), (text) => text.includes('ModelsLab API key: '), 10_000, 'the prompt');
    child.stdin!.write(keys);
  };
  const set = await runInTerminal(['key', 'set'], { env, whileRunning: typeAtPrompt(`${validTestKey}\r`) });
  assert.equal(set.code, 0, set.shown);
  assert.ok(!set.shown.includes(validTestKey), 'the typed key is not echoed');
  assert.match(set.shown, /Saved the key ending/);

  const cancelled = await runInTerminal(['key', 'set'], { env, whileRunning: typeAtPrompt('abc\x03') });
  assert.equal(cancelled.code, 130, cancelled.shown);
  assert.doesNotMatch(cancelled.shown, /--help/);
});

test('an answer linking to a private or link-local address is refused, nothing is asked of it; the local server\'s own links are saved', async () => {
  server.setScenario('4501', [{ answer: 'success', images: [{ link: 'https://10.0.0.1/headshot.png' }, { link: 'https://169.254.169.254/latest/meta-data/' }] }]);
  server.setScenario('4502', successWith({ serve: 'headshot-a.png' }));
  const out = await freshFolder();
  const run = await runCli(['fetch', '4501', '4502', '--out', out, '--json']);
  assert.deepEqual(run.outside, [], 'no connection was even tried off this computer');
  assert.equal(run.code, 1, run.stderr);
  const refused = jsonLines(run.stdout).find((line) => line.id === '4501');
  assert.match((refused?.error as { message: string }).message, /private network address \(10\.0\.0\.1\).*run again with --allow-private-network/);
  assert.equal(jsonLines(run.stdout).find((line) => line.id === '4502')?.status, 'saved');
});

test('an answer of tens of megabytes is cut off at 2 MB: the job is tried again and then saved; nothing of it reaches the output', async () => {
  server.setScenario('4511', [{ answer: 'flood', megabytes: 40 }, ...successWith({ serve: 'headshot-b.jpg' })]);
  const out = await freshFolder();
  const run = await runCli(['fetch', '4511', '--out', out, '--json']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual((await readdir(out)).filter((name) => name.endsWith('.jpg')), ['4511-1.jpg']);
  const [flood] = server.floods.get('4511') ?? [];
  assert.equal(flood?.complete, false);
  assert.ok(!run.stdout.includes(validTestKey) && !run.stderr.includes(validTestKey));
});

test('answers that echo the key, plain, JSON-escaped or URL-encoded, leave it out of standard output and error, with --json and without', async () => {
  const escaped = jsonEscapedEveryCharacter(validTestKey);
  const json = (status: number, body: unknown): Step => ({ answer: 'raw', status, body: JSON.stringify(body).replace('ESCAPED', escaped), contentType: 'application/json' });
  server.setScenario('4521', [json(200, { status: 'error', message: `Invalid request for key ${validTestKey} (ESCAPED)` })]);
  // A 502 and a flood are tried again once, and then the job fails for good: a run of a second or two.
  server.setScenario('4522', [{ answer: 'raw', status: 502, body: `<html>upstream said key=${urlEncodedKey()} or ${escaped}</html>` }, { answer: 'failed' }]);
  server.setScenario('4523', [json(429, { status: 'error', message: `Rate limit exceeded for ${validTestKey} ESCAPED`, retry_after: 0 }), ...successWith({ serve: 'headshot-a.png' })]);
  server.setScenario('4524', [{ answer: 'flood', megabytes: 8 }, json(200, { status: 'failed', message: `no luck, ${validTestKey}` })]);
  const ids = ['4521', '4522', '4523', '4524'];
  for (const args of [['--json'], []]) {
    const out = await freshFolder();
    const run = await runCli(['fetch', ...ids, '--out', out, '--timeout', '5', ...args]);
    assert.equal(run.code, 1, run.stderr);
    assert.ok(!holdsKey(run.stdout) && !holdsKey(run.stderr), `${run.stdout}\n${run.stderr}`);
    assert.match(args.length > 0 ? run.stdout : run.stderr, /\[key removed\]/);
  }
});
