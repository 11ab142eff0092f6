// The command line reads a team's spreadsheet (an .xlsx, a UTF-16 TSV) with --ids-file and names
// folders from its columns with --name '{col:…}', as the window does.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import writeXlsxFile from 'write-excel-file/node';
import { manifestCsvName, manifestJsonName } from '../../main/core/save-manifest';
import { startFakeModelsLab, successWith, type FakeModelsLab } from '../fixtures/fake-modelslab';
import { builtCliPath as cliPath, onlyThisComputer } from '../support/cli-process';
import { makeTempDir, validTestKey } from '../support/core-harness';


let server: FakeModelsLab;
let workDir: string;
before(async () => {
  server = await startFakeModelsLab({
    validKey: validTestKey,
    scenarios: Object.fromEntries(['5001', '5002', '5003', '5004'].map((id) => [id, successWith({ serve: 'headshot-a.png' }, { serve: 'headshot-b.jpg' })])),
  });
  workDir = await makeTempDir('headshot-fetcher-cli-labels-');
});
after(async () => {
  await server.close();
  await rm(workDir, { recursive: true, force: true });
});

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    HEADSHOT_FETCHER_ENDPOINT: server.endpointTemplate,
    HEADSHOT_FETCHER_KEYCHAIN_SERVICE: `Headshot Fetcher CLI test ${randomUUID()}`,
    MODELSLAB_API_KEY: validTestKey,
    HEADSHOT_FETCHER_TEST_OUTSIDE_LOG: join(workDir, `outside-${randomUUID()}.log`),
  };
  const child = spawn(process.execPath, ['--import', onlyThisComputer, cliPath, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end('');
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

const listed = async (folder: string) =>
  (await readdir(folder, { recursive: true })).map((path) => path.split('\\').join('/')).filter((path) => ![manifestCsvName, manifestJsonName].includes(path)).sort();

test("--ids-file team.xlsx --name '{col:Full Name}/{n}.{ext}': a folder per person, a repeated name with its ID, a missing one as the ID", async () => {
  const workbook = join(workDir, 'team.xlsx');
  const buffer = await writeXlsxFile([
    [{ value: 'Full Name' }, { value: 'Job ID' }, { value: 'Email' }],
    [{ value: 'Ann Lee' }, { value: 5001 }, { value: 'ann@example.com' }],
    [{ value: 'ann lee' }, { value: 5002 }, { value: 'ann2@example.com' }],
    [null, { value: 5003 }, { value: 'x@example.com' }],
  ]).toBuffer();
  await writeFile(workbook, buffer);
  const out = join(await makeTempDir('headshot-fetcher-cli-out-'), 'team');
  const run = await runCli(['fetch', '--ids-file', workbook, '--out', out, '--name', '{col:Full Name}/{n}.{ext}']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(await listed(out), [
    '5003',
    '5003/1.png',
    '5003/2.jpg',
    'Ann Lee',
    'Ann Lee/1.png',
    'Ann Lee/2.jpg',
    'ann lee (5002)',
    'ann lee (5002)/1.png',
    'ann lee (5002)/2.jpg',
  ]);
  // Names and emails are not echoed to the terminal.
  assert.ok(!/Ann Lee|example\.com/.test(run.stderr + run.stdout), run.stderr);
});

test('--ids-file reads a UTF-16 TSV as Excel saves "Unicode text"', async () => {
  const tsv = join(workDir, 'team.txt');
  await writeFile(tsv, Buffer.from('\uFEFFRequest ID\tName\r\n5004\tZoë Ng\r\n', 'utf16le'));
  const out = join(await makeTempDir('headshot-fetcher-cli-out-'), 'team');
  const run = await runCli(['fetch', '--ids-file', tsv, '--out', out, '--name', '{col:name}-{n}.{ext}']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(await listed(out), ['Zoë Ng-1.png', 'Zoë Ng-2.jpg']);
});
