// A spreadsheet's other columns travel with the jobs: kept in jobs.json, sent to the window, used in
// {col:…} names at save time, and never written to the log.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { test } from 'node:test';
import { manifestCsvName, manifestJsonName } from '../../main/core/save-manifest';
import { successWith } from '../fixtures/fake-modelslab';
import { useCoreHarness } from '../support/core-harness';

const start = useCoreHarness();

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .filter((path) => ![manifestCsvName, manifestJsonName].includes(path))
    .sort();
}

const team = [
  'Job ID,Name,Email,Notes',
  '3001,Ann Lee,ann@example.com,"likes ""blue"", not green',
  'second line"',
  '3002,John Smith,john@example.com,',
  '3003,john smith,js2@example.com,same name as the row above',
  '3004,,noname@example.com,',
  '3005,CON,con@example.com,a name Windows reserves',
  '3006,Who? <Me>,who@example.com,characters Windows forbids',
].join('\n');

test('a table\'s rows label their jobs; {col:name} names the folders, a repeated name gets its ID, and the log holds none of it', async () => {
  const h = await start({
    scenarios: Object.fromEntries(['3001', '3002', '3003', '3004', '3005', '3006'].map((id) => [id, successWith({ serve: 'headshot-a.png' }, { serve: 'headshot-c.webp' })])),
  });
  const summary = await h.core.handlers.addJobs({ sources: [{ name: 'team.csv', text: team }] });
  assert.equal(summary.added, 6);
  assert.equal(summary.rejectedCount, 0);
  const ann = await h.waitForJob('3001', 'ready');
  assert.deepEqual(ann.labels, [
    ['Name', 'Ann Lee'],
    ['Email', 'ann@example.com'],
    ['Notes', 'likes "blue", not green\nsecond line'],
  ]);
  for (const id of ['3002', '3003', '3004', '3005', '3006']) await h.waitForJob(id, 'ready');

  await h.core.handlers.updateSettings({ fileNameTemplate: '{col:name}/{n}.{ext}', saveLayout: 'flat' });
  const { folder } = await h.core.handlers.chooseSaveFolder(undefined);
  // Saved in two batches, later rows first: which job gets its ID follows the list, not the batch.
  await h.core.handlers.saveJobs({ folder: folder!, ids: ['3003'] });
  const saved = await h.core.handlers.saveJobs({ folder: folder!, ids: 'all-ready' });
  assert.equal(saved.failedJobs, 0);
  assert.deepEqual(await filesUnder(h.saveDir), [
    '3004/1.png',
    '3004/2.webp',
    'Ann Lee/1.png',
    'Ann Lee/2.webp',
    'John Smith/1.png',
    'John Smith/2.webp',
    'Who_ _Me_/1.png',
    'Who_ _Me_/2.webp',
    '_CON/1.png',
    '_CON/2.webp',
    'john smith (3003)/1.png',
    'john smith (3003)/2.webp',
  ]);

  // Kept with the jobs across a restart, in jobs.json.
  await h.restartCore();
  const stored = JSON.parse(await readFile(join(h.userDataDir, 'jobs.json'), 'utf8')) as { content: Array<{ id: string; labels: unknown }> };
  assert.deepEqual(stored.content.find((job) => job.id === '3002')?.labels, [['Name', 'John Smith'], ['Email', 'john@example.com']]);
  assert.deepEqual((await h.job('3002'))?.labels, [['Name', 'John Smith'], ['Email', 'john@example.com']]);

  // Personal data stays out of the log.
  const log = h.logs.join('\n');
  for (const personal of ['Ann Lee', 'John Smith', 'example.com', 'blue', 'Who?']) assert.ok(!log.includes(personal), `the log mentions ${personal}`);
});

test('a table dropped for jobs already listed attaches its labels, and the summary says how many', async () => {
  const h = await start({ scenarios: { '4001': successWith({ serve: 'headshot-a.png' }), '4002': successWith({ serve: 'headshot-a.png' }) } });
  await h.addText('4001 4002');
  const summary = await h.core.handlers.addJobs({ sources: [{ name: 'names.csv', text: 'id,Full Name\n4001,Ann Lee\n4002,Bo Chen\n4003,Cy Diaz\n' }] });
  assert.equal(summary.added, 1);
  assert.equal(summary.alreadyListed, 2);
  assert.equal(summary.labelled, 2);
  assert.deepEqual((await h.job('4002'))?.labels, [['Full Name', 'Bo Chen']]);
  // The same table again changes nothing, and says so by leaving the count out.
  const again = await h.core.handlers.addJobs({ sources: [{ name: 'names.csv', text: 'id,Full Name\n4001,Ann Lee\n4002,Bo Chen\n' }] });
  assert.equal(again.labelled, undefined);
});

test('the manifest says who is who: the template\'s columns and the Name column, other columns only when ticked', async () => {
  const h = await start({ scenarios: { '6001': successWith({ serve: 'headshot-a.png' }), '6002': successWith({ serve: 'headshot-c.webp' }) } });
  await h.core.handlers.addJobs({ sources: [{ name: 'crew.csv', text: 'Employee,Team,E-mail,Job ID\nAnn Lee,Lights,ann@example.com,6001\nBo Chen,"Sound, live",bo@example.com,6002\n' }] });
  await h.waitForJob('6001', 'ready');
  await h.waitForJob('6002', 'ready');
  await h.core.handlers.updateSettings({ fileNameTemplate: '{col:team}/{id}-{n}.{ext}' });
  const { folder } = await h.core.handlers.chooseSaveFolder(undefined);
  await h.core.handlers.saveJobs({ folder: folder!, ids: ['6001'] });
  // The email is recorded only once ticked.
  await h.core.handlers.updateSettings({ manifestColumns: ['e-mail'] });
  await h.core.handlers.saveJobs({ folder: folder!, ids: ['6002'] });

  const manifest = JSON.parse(await readFile(join(h.saveDir, manifestJsonName), 'utf8')) as { files: Array<{ jobId: string; path: string; labels?: Record<string, string> }> };
  assert.deepEqual(
    manifest.files.map(({ jobId, path, labels }) => ({ jobId, path, labels })),
    [
      { jobId: '6001', path: 'Lights/6001-1.png', labels: { Employee: 'Ann Lee', Team: 'Lights' } },
      { jobId: '6002', path: 'Sound, live/6002-1.webp', labels: { Employee: 'Bo Chen', Team: 'Sound, live', 'E-mail': 'bo@example.com' } },
    ],
  );
  const csv = (await readFile(join(h.saveDir, manifestCsvName), 'utf8')).trimEnd().split('\r\n');
  assert.equal(csv[0], 'job_id,image,source_url,file_path,bytes,sha256,saved_at,Employee,Team,E-mail');
  assert.match(csv[1]!, /,Lights\/6001-1\.png,.*,Ann Lee,Lights,$/);
  assert.match(csv[2]!, /,"Sound, live\/6002-1\.webp",.*,Bo Chen,"Sound, live",bo@example\.com$/);
});
