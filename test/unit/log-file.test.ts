import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createLogFile, logFileName, removePersonalData } from '../../main/core/log-file';

async function tempFolder(t: { after: (fn: () => Promise<void>) => void }) {
  const folder = await mkdtemp(join(tmpdir(), 'headshot-fetcher-logs-'));
  t.after(() => rm(folder, { recursive: true, force: true }));
  return folder;
}

test('the log is set aside by size: a few files of at most the limit, the newest lines in the current one', async (t) => {
  const folder = await tempFolder(t);
  const log = createLogFile({ folder, maxBytes: 1000, keepFiles: 3, now: () => 0 });
  for (let n = 1; n <= 200; n += 1) log.write('info', `Job ${n}: ready`);
  await log.flush();
  assert.deepEqual((await readdir(folder)).sort(), [logFileName, `${logFileName}.1`, `${logFileName}.2`]);
  for (const name of await readdir(folder)) assert.ok((await stat(join(folder, name))).size <= 1000, `${name} is over the limit`);
  const current = await readFile(log.path, 'utf8');
  assert.match(current, /INFO  Job 200: ready\n$/);
  assert.match(current, /^1970-01-01T00:00:00\.000Z INFO  Job \d+: ready\n/);
  assert.equal(await log.tail(2), '1970-01-01T00:00:00.000Z INFO  Job 199: ready\n1970-01-01T00:00:00.000Z INFO  Job 200: ready');
});

test('a log that cannot be written is reported once and never throws', async (t) => {
  const folder = await tempFolder(t);
  // A file where the log folder should be: every write fails.
  await writeFile(join(folder, 'logs'), 'not a folder');
  const failures: unknown[] = [];
  const log = createLogFile({ folder: join(folder, 'logs'), onWriteFailure: (error) => failures.push(error) });
  for (let n = 0; n < 5; n += 1) {
    log.write('error', `Something went wrong ${n}`);
    await log.flush();
  }
  assert.equal(failures.length, 1);
  assert.equal(await log.tail(10), '');
});

test('email addresses are removed from a line, whatever their letters', () => {
  assert.equal(
    removePersonalData('Could not read row "Zoë Ångström, zoe.angstrom+work@sub.example.co.uk, 123" (jörg@exämple.de)'),
    'Could not read row "Zoë Ångström, [email removed], 123" ([email removed])',
  );
});
