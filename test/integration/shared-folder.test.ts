// Two savers in one folder at once: two command lines (the same jobs, overlapping jobs), the app's
// core beside a command line, a saver killed while it held the folder's lock, and one killed
// between its journal and the documents. Each ends with every image once, every record present
// (once) and nothing else left behind.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { after, afterEach, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { manifestCsvName, manifestJsonName, type ManifestEntry } from '../../main/core/save-manifest';
import { readImage, startFakeModelsLab, type FakeModelsLab, type Step } from '../fixtures/fake-modelslab';
import { makeTempDir, useCoreHarness, validTestKey } from '../support/core-harness';
import { builtCliPath as cliPath, onlyThisComputer } from '../support/cli-process';

const saverInChild = fileURLToPath(new URL('../support/saver-in-child.ts', import.meta.url));
const fixtureImage = fileURLToPath(new URL('../fixtures/images/headshot-a.png', import.meta.url));
const start = useCoreHarness();

const children = new Set<ReturnType<typeof spawn>>();
afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
});
const folders: string[] = [];
after(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

const range = (from: number, count: number) => Array.from({ length: count }, (_, index) => String(from + index));
const twoImages = (): Step[] => [{ answer: 'success', images: [{ serve: 'headshot-a.png' }, { serve: 'headshot-b.jpg' }] }];

async function serverFor(ids: string[], imageLatencyMs = 5): Promise<FakeModelsLab> {
  return startFakeModelsLab({ validKey: validTestKey, imageLatencyMs, scenarios: Object.fromEntries(ids.map((id) => [id, twoImages()])) });
}

async function newFolder(): Promise<string> {
  const folder = await makeTempDir('headshot-fetcher-shared-');
  folders.push(folder);
  return folder;
}

function runCli(server: FakeModelsLab, folder: string, ids: string[]): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const env = { ...process.env, HEADSHOT_FETCHER_ENDPOINT: server.endpointTemplate, MODELSLAB_API_KEY: validTestKey, HEADSHOT_FETCHER_KEYCHAIN_SERVICE: `Headshot Fetcher test ${randomUUID()}` };
  const child = spawn(process.execPath, ['--import', onlyThisComputer, cliPath, 'fetch', ...ids, '--out', folder, '--json', '--quiet', '--concurrency', '4'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr, stdout })));
}

/** Every file and folder under a folder, relative, with "/", sorted. */
async function everythingUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.map((entry) => relative(folder, join(entry.parentPath, entry.name)).split(sep).join('/')).sort();
}

async function manifestOf(folder: string): Promise<ManifestEntry[]> {
  return (JSON.parse(await readFile(join(folder, manifestJsonName), 'utf8')) as { files: ManifestEntry[] }).files;
}

/** Each job's two images once, a record for each once (JSON and CSV alike), and nothing else in the folder. */
async function assertEveryImageOnce(folder: string, ids: string[]) {
  const expected = ids.flatMap((id) => [`${id}-1.png`, `${id}-2.jpg`]);
  assert.deepEqual(await everythingUnder(folder), [...expected, manifestCsvName, manifestJsonName].sort(), 'every image once, and nothing left behind');
  const records = await manifestOf(folder);
  assert.deepEqual(records.map((entry) => entry.path).sort(), [...expected].sort(), 'every record, each once');
  const csvRows = (await readFile(join(folder, manifestCsvName), 'utf8')).trimEnd().split('\r\n');
  assert.equal(csvRows.length, expected.length + 1, 'the CSV holds every record once');
  for (const id of ids) assert.deepEqual(await readFile(join(folder, `${id}-2.jpg`)), readImage('headshot-b.jpg'));
}

test('two command lines saving the same jobs into one folder at once: both finish, every image once, every record', async () => {
  const ids = range(51_000, 40);
  const server = await serverFor(ids);
  const folder = await newFolder();
  try {
    const [one, two] = await Promise.all([runCli(server, folder, ids), runCli(server, folder, ids)]);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(two.code, 0, two.stderr);
    await assertEveryImageOnce(folder, ids);
  } finally {
    await server.close();
  }
});

test('two command lines with overlapping jobs in one folder: every image once, every record of both', async () => {
  const ids = range(52_000, 60);
  const server = await serverFor(ids);
  const folder = await newFolder();
  try {
    const [one, two] = await Promise.all([runCli(server, folder, ids.slice(0, 40)), runCli(server, folder, ids.slice(20))]);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(two.code, 0, two.stderr);
    await assertEveryImageOnce(folder, ids);
  } finally {
    await server.close();
  }
});

test('the app and a command line saving into one folder at once: every image once, every record of both', async () => {
  const ids = range(53_000, 40);
  const h = await start({ scenarios: Object.fromEntries(ids.map((id) => [id, twoImages()])) });
  await h.addText(ids.slice(0, 30).join(' '));
  for (const id of ids.slice(0, 30)) await h.waitForJob(id, 'ready');
  const { folder } = await h.core.handlers.chooseSaveFolder(undefined);
  const [app, cli] = await Promise.all([h.core.handlers.saveJobs({ folder: folder!, ids: 'all-ready' }), runCli(h.server, folder!, ids.slice(10))]);
  assert.equal(app.failedJobs, 0);
  assert.equal(cli.code, 0, cli.stderr);
  await assertEveryImageOnce(folder!, ids);
});

interface ChildSaver {
  child: ReturnType<typeof spawn>;
  temporaryName: string;
  /** Resolves with the first line that starts so. */
  line(prefix: string): Promise<string>;
}

async function startChildSaver(folder: string, ids: string[]): Promise<ChildSaver> {
  const child = spawn(process.execPath, ['--import', 'tsx', saverInChild, folder, fixtureImage, ...ids], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.add(child);
  const lines: string[] = [];
  const waiting: Array<() => void> = [];
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    lines.push(...parts);
    for (const wake of waiting.splice(0)) wake();
  });
  const line = async (prefix: string): Promise<string> => {
    for (;;) {
      const found = lines.find((each) => each.startsWith(prefix));
      if (found !== undefined) return found;
      if (child.exitCode !== null) throw new Error(`the child saver ended before "${prefix}"`);
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
  };
  const temporaryName = (await line('ready ')).slice('ready '.length);
  return { child, temporaryName, line };
}

const kill = async (child: ReturnType<typeof spawn>) => {
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGKILL');
  await exited;
};

test('another saver\'s files stay while it runs; killed while holding the lock, its lock, journal and temporary file go, and its records stay', async () => {
  const ids = range(54_000, 10);
  const server = await serverFor(ids);
  const folder = await newFolder();
  const other = ['54900', '54901'];
  try {
    const saver = await startChildSaver(folder, other);
    const first = await runCli(server, folder, ids.slice(0, 5));
    assert.equal(first.code, 0, first.stderr);
    const names = await everythingUnder(folder);
    assert.ok(names.includes(saver.temporaryName), 'the live saver\'s temporary file was left alone');
    // Its records reached the documents, folded from its journal while it runs.
    assert.deepEqual((await manifestOf(folder)).map((entry) => entry.jobId).filter((id) => other.includes(id)).sort(), other);

    saver.child.stdin!.write('lock\n');
    await saver.line('locked');
    await kill(saver.child);
    assert.ok((await everythingUnder(folder)).includes('.headshot-fetcher/lock'), 'the killed saver left its lock');

    const second = await runCli(server, folder, ids.slice(5));
    assert.equal(second.code, 0, second.stderr);
    const expected = [...ids.flatMap((id) => [`${id}-1.png`, `${id}-2.jpg`]), ...other.map((id) => `${id}-1.png`)];
    assert.deepEqual(await everythingUnder(folder), [...expected, manifestCsvName, manifestJsonName].sort(), 'lock, journal, heartbeat and temporary file gone');
    assert.deepEqual((await manifestOf(folder)).map((entry) => entry.path).sort(), [...expected].sort());
  } finally {
    await server.close();
  }
});

test('killed between its journal and the documents, a saver\'s records are folded in by the next run, which does not download them again', async () => {
  const ids = range(55_000, 6);
  const server = await serverFor(ids);
  const folder = await newFolder();
  try {
    const saver = await startChildSaver(folder, ids.slice(0, 4));
    await kill(saver.child);
    // The crash came after the journal lines, before any document.
    assert.ok(!(await everythingUnder(folder)).includes(manifestJsonName));

    const run = await runCli(server, folder, ids);
    assert.equal(run.code, 0, run.stderr);
    const requested = (id: string) => server.imageRequests.filter((path) => path.startsWith(`/images/${id}/`)).length;
    // The journal told it the first images of four jobs are saved: only their second images were downloaded.
    assert.deepEqual(ids.map(requested), [1, 1, 1, 1, 2, 2]);
    const expected = ids.flatMap((id) => [`${id}-1.png`, `${id}-2.jpg`]);
    assert.deepEqual(await everythingUnder(folder), [...expected, manifestCsvName, manifestJsonName].sort());
    const records = await manifestOf(folder);
    assert.deepEqual(records.map((entry) => entry.path).sort(), [...expected].sort());
    assert.equal((await readFile(join(folder, manifestCsvName), 'utf8')).trimEnd().split('\r\n').length, expected.length + 1);
  } finally {
    await server.close();
  }
});
