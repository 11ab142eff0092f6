import assert from 'node:assert/strict';
import { test } from 'node:test';
import { looksLikeText, maxDropFileBytes, readDroppedText, type DropSource } from '../../renderer/src/lib/drop-reading';

const source = (files: File[], text = ''): DropSource => ({ files, getData: (format) => (format === 'text/plain' ? text : '') });

test('dropped text is taken as it is', async () => {
  assert.deepEqual(await readDroppedText(source([], '12202888, 12202889')), {
    sources: [{ name: null, text: '12202888, 12202889' }],
    problems: [],
  });
});

test('several text files are read, each with its name so main knows how to read it', async () => {
  const dropped = await readDroppedText(source([new File(['1\n2'], 'a.txt'), new File(['id\n3'], 'b.csv')]));
  assert.deepEqual(dropped.sources, [
    { name: 'a.txt', text: '1\n2' },
    { name: 'b.csv', text: 'id\n3' },
  ]);
  assert.deepEqual(dropped.problems, []);
});

test('empty, binary and huge files are refused by name, and the good ones still count', async () => {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const huge = new File([new Uint8Array(maxDropFileBytes + 1)], 'export.txt');
  const dropped = await readDroppedText(source([new File([], 'empty.txt'), new File([png], 'photo.png'), huge, new File(['42'], 'ok.txt')]));
  assert.deepEqual(dropped.sources, [{ name: 'ok.txt', text: '42' }]);
  assert.deepEqual(dropped.problems, [
    'empty.txt is empty.',
    'photo.png is not a text file or an Excel workbook; drop a .txt, .csv or .xlsx with job IDs.',
    'export.txt is 20.0 MB; files up to 20.0 MB can be dropped.',
  ]);
});

test('text with a few odd characters is still text; NUL bytes or many replacement characters are not', () => {
  assert.ok(looksLikeText('12202888 – café'));
  assert.ok(!looksLikeText('12\u000034'));
  assert.ok(!looksLikeText('\uFFFD'.repeat(50) + 'abc'));
});
