import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createLogFile } from '../../main/core/log-file';
import { jsonEscapedEveryCharacter } from '../fixtures/fake-modelslab';
import { useCoreHarness, validTestKey } from '../support/core-harness';
import { holdsKey, urlEncodedKey } from '../support/key-echo';

const start = useCoreHarness();

test('the log file tells what happened by job ID, and never holds the key or the people in a dropped file', async (t) => {
  const folder = await mkdtemp(join(tmpdir(), 'headshot-fetcher-logs-'));
  t.after(() => rm(folder, { recursive: true, force: true }));
  const logFile = createLogFile({ folder });
  const h = await start({
    scenarios: {
      '7': [{ answer: 'success', images: [{ serve: 'headshot-a.png' }] }],
      '8': [{ answer: 'raw', status: 500, body: `upstream said key=${validTestKey} ${jsonEscapedEveryCharacter(validTestKey)} ${urlEncodedKey()}` }],
    },
    core: { log: (message, level) => logFile.write(level ?? 'error', message) },
  });
  const csv = 'name,email,job id\nAlice Liddell,alice.liddell@example.org,7\nBob Stone,bob@example.net,8\n';
  await h.core.handlers.addJobs({ sources: [{ name: 'clients.csv', text: csv }] });
  await h.waitForJob('7', 'ready');
  await h.waitForJob('8', 'failed');
  const { folder: saveFolder } = await h.core.handlers.chooseSaveFolder(undefined);
  await h.core.handlers.saveJobs({ folder: saveFolder, ids: 'all-ready' });
  // What an error message might carry, in every form the key can take.
  h.core.log(`Request failed with key ${validTestKey}, ${jsonEscapedEveryCharacter(validTestKey)} and ${urlEncodedKey()}`);
  await logFile.flush();

  const text = await readFile(logFile.path, 'utf8');
  assert.ok(!holdsKey(text), 'the key reached the log');
  assert.match(text, /\[key removed\], \[key removed\] and \[key removed\]/);
  for (const personal of ['Alice', 'Liddell', 'alice.liddell', 'Bob', 'bob@', 'example.org', 'clients.csv']) {
    assert.ok(!text.includes(personal), `${personal} reached the log`);
  }
  assert.match(text, /INFO  ModelsLab request: POST 127\.0\.0\.1:\d+\/api\/v1\/enterprise\/flux_headshot\/fetch\/7\n/);
  assert.match(text, /INFO  ModelsLab answer: 500 from /);
  assert.match(text, /INFO  2 job\(s\) added, 0 already listed, \d+ not job IDs\n/);
  assert.ok(!text.includes('Job 7: queued'), 'a new job is in the drop\'s line, not one line each');
  assert.match(text, /INFO  Job 7: fetching\n/);
  assert.match(text, /INFO  Job 7: ready\n/);
  assert.match(text, /INFO  Job 8: failed\n/);
  assert.match(text, /INFO  Save batch started: 1 job\(s\)\n/);
  assert.match(text, /INFO  Save batch finished: 1 job\(s\) saved, 0 not saved, 1 file\(s\) written/);
});
