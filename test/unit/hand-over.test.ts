import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parseHandOver, programArgumentCount } from '../../main/desktop/hand-over';
import { readIdsFiles } from '../../main/desktop/ids-files';
import { maxDropFileBytes } from '../../preload/shared/text-files';
import { makeTempDir } from '../support/core-harness';

let folder: string;
before(async () => {
  folder = await makeTempDir('headshot-fetcher-handover-');
  await writeFile(join(folder, 'ids.txt'), '12202888\n12202889\n');
  await writeFile(join(folder, 'list.csv'), 'job_id\n5\n');
  await mkdir(join(folder, 'a-folder'));
});
after(() => rm(folder, { recursive: true, force: true }));

test('a launch\'s arguments give its job IDs and existing files; switches, URLs, folders and missing files are left alone', () => {
  const argv = ['/usr/bin/headshot-fetcher', '--no-sandbox', '12202888', 'ids.txt', join(folder, 'list.csv'), 'missing.txt', 'a-folder', 'https://example.com/1', '-x', '12202888', 'ids.txt'];
  assert.deepEqual(parseHandOver(argv, { workingDirectory: folder, skip: 1 }), { ids: ['12202888'], files: [join(folder, 'ids.txt'), join(folder, 'list.csv')] });
});

test('the program itself is skipped: the executable, and the app folder when run as `electron .`', () => {
  assert.equal(programArgumentCount(true, false), 1);
  assert.equal(programArgumentCount(false, true), 2);
  assert.deepEqual(parseHandOver(['electron', '123', '456'], { workingDirectory: folder, skip: programArgumentCount(false, true) }), { ids: ['456'], files: [] });
});

test('files are read main side under a drop\'s limits, each refusal with its reason', async () => {
  await writeFile(join(folder, 'empty.txt'), '');
  await writeFile(join(folder, 'binary.txt'), Buffer.from([1, 0, 2, 0, 3]));
  await writeFile(join(folder, 'huge.txt'), Buffer.alloc(maxDropFileBytes + 1, 0x31));
  const read = await readIdsFiles(['ids.txt', 'empty.txt', 'binary.txt', 'huge.txt', 'gone.txt', 'a-folder'].map((name) => join(folder, name)));
  assert.deepEqual(read.sources, [{ name: 'ids.txt', text: '12202888\n12202889\n' }]);
  assert.deepEqual(read.problems, [
    'empty.txt is empty.',
    'binary.txt is not a text file or an Excel workbook; drop a .txt, .csv or .xlsx with job IDs.',
    'huge.txt is 20.0 MB; files up to 20.0 MB can be dropped.',
    'gone.txt was not found; it may have been moved or deleted.',
    'a-folder is not a file; choose a .txt or .csv with job IDs.',
  ]);
});
