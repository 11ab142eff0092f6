// Tables as people keep them: quoted CSV, Excel's ";" with a BOM, UTF-16 "Unicode text", .xlsx
// workbooks (written here by write-excel-file), and what must be refused (an old .xls, a zip bomb).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import writeXlsxFile from 'write-excel-file/node';
import { extractJobIds, readIntake } from '../../main/core/id-intake';
import { decodeFileBytes } from '../../main/core/table-reading';
import { readIdsFiles } from '../../main/desktop/ids-files';
import { bytesToBase64, needsDecodingInMain } from '../../preload/shared/text-files';

const labelsOf = (result: ReturnType<typeof extractJobIds>, id: string) => Object.fromEntries(result.labels.get(id) ?? []);

test('CSV: quoted commas, doubled quotes and line breaks stay inside their cell', () => {
  const csv = [
    'job_id,Full Name,notes',
    '12202888,"Smith, John","Met at ""the"" studio',
    'second line of the note, 12202999 is not an ID here"',
    '12202889,Ann Lee,',
    '',
  ].join('\r\n');
  const result = extractJobIds([{ name: 'team.csv', text: csv }]);
  assert.deepEqual(result.ids, ['12202888', '12202889']);
  assert.equal(result.rejectedCount, 0);
  assert.deepEqual(labelsOf(result, '12202888'), {
    'Full Name': 'Smith, John',
    notes: 'Met at "the" studio\r\nsecond line of the note, 12202999 is not an ID here',
  });
  // The empty notes cell is left out, not kept as "".
  assert.deepEqual(result.labels.get('12202889'), [['Full Name', 'Ann Lee']]);
});

test('";" as Excel writes it in many locales, with a BOM', () => {
  const csv = '\uFEFFID;Name;E-mail\r\n12202888;Jürgen Müller;jm@example.com\r\n12202889;Zoë;\r\n';
  const result = extractJobIds([{ name: 'export.csv', text: csv }]);
  assert.deepEqual(result.ids, ['12202888', '12202889']);
  assert.deepEqual(labelsOf(result, '12202888'), { Name: 'Jürgen Müller', 'E-mail': 'jm@example.com' });
});

function utf16(text: string, order: 'le' | 'be', bom = true): Uint8Array {
  const le = Buffer.from((bom ? '\uFEFF' : '') + text, 'utf16le');
  if (order === 'le') return le;
  const be = Buffer.alloc(le.length);
  for (let index = 0; index < le.length; index += 2) {
    be[index] = le[index + 1]!;
    be[index + 1] = le[index]!;
  }
  return be;
}

test('UTF-16 TSV ("Unicode text" from Excel), little- and big-endian, with or without a BOM, carried as bytes', async () => {
  const tsv = 'Request ID\tName\r\n12202888\tJosé Álvarez\r\n12202889\t李雷\r\n';
  for (const [order, bom] of [['le', true], ['be', true], ['le', false]] as const) {
    const bytes = utf16(tsv, order, bom);
    assert.ok(needsDecodingInMain('team.txt', bytes), `${order} ${bom} goes to main as bytes`);
    const result = await readIntake([{ name: 'team.txt', text: '', bytes: bytesToBase64(bytes) }]);
    assert.deepEqual(result.ids, ['12202888', '12202889'], `${order} ${bom}`);
    assert.deepEqual(labelsOf(result, '12202889'), { Name: '李雷' });
    assert.deepEqual(result.problems, []);
  }
});

test('base64 made in the window is what Node reads', () => {
  for (const length of [0, 1, 2, 3, 4, 5, 100, 24_577]) {
    const bytes = Uint8Array.from({ length }, (_, index) => (index * 37) % 256);
    assert.equal(bytesToBase64(bytes), Buffer.from(bytes).toString('base64'), `length ${length}`);
  }
});

test('.xlsx: every sheet with an ID column is read, IDs keep every digit, the note names the sheets', async () => {
  const workbook = await writeXlsxFile([
    {
      sheet: 'Staff',
      data: [
        [{ value: 'Employee' }, { value: 'Job ID' }, { value: 'Start' }],
        [{ value: 'Ann Lee' }, { value: 12202888 }, { value: new Date(Date.UTC(2026, 10, 24)), format: 'yyyy-mm-dd' }],
        // 20 digits are more than an Excel number holds: kept as text, as people must.
        [{ value: 'Bo Chen' }, { value: '12345678901234567890' }, null],
      ],
    },
    { sheet: 'Notes', data: [[{ value: 'Remember the lighting' }]] },
    {
      sheet: 'Clients',
      data: [
        [{ value: 'Client' }, { value: 'id' }],
        [{ value: 'Dee' }, { value: 12202890 }],
      ],
    },
  ]).toBuffer();
  const result = await readIntake([{ name: 'team.xlsx', text: '', bytes: workbook.toString('base64') }]);
  assert.deepEqual(result.ids, ['12202888', '12345678901234567890', '12202890']);
  assert.deepEqual(labelsOf(result, '12202888'), { Employee: 'Ann Lee', Start: '2026-11-24' });
  assert.deepEqual(labelsOf(result, '12202890'), { Client: 'Dee' });
  assert.deepEqual(result.notes, ['team.xlsx: job IDs read from sheets "Staff", "Clients"; "Notes" held none.']);
  // The same bytes read main side (Open IDs file…, --ids-file) decode to the same sheets.
  const decoded = await decodeFileBytes('team.xlsx', workbook);
  assert.ok('sheets' in decoded && decoded.sheets.length === 3);
});

test('a workbook that unpacks past the cap is refused before it fills memory; an old .xls and a picture are refused by name', async () => {
  // A sheet of 300 MB of spaces packs into well under 1 MB: a zip bomb in the shape of a workbook.
  const bomb = zipSync({ 'xl/worksheets/sheet1.xml': new Uint8Array(300 * 1024 * 1024).fill(0x20) }, { level: 9 });
  assert.ok(bomb.length < 2 * 1024 * 1024);
  const before = process.memoryUsage().arrayBuffers;
  const bombResult = await readIntake([{ name: 'bomb.xlsx', text: '', bytes: Buffer.from(bomb).toString('base64') }]);
  assert.deepEqual(bombResult.ids, []);
  assert.match(bombResult.problems[0]!, /^bomb\.xlsx unpacks to more than 256 MB/);
  assert.ok(process.memoryUsage().arrayBuffers - before < 400 * 1024 * 1024);

  const xls = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const refused = await readIntake([
    { name: 'old.xls', text: '', bytes: xls.toString('base64') },
    { name: 'photo.png', text: '', bytes: png.toString('base64') },
    { name: 'ok.txt', text: '42' },
  ]);
  assert.deepEqual(refused.ids, ['42']);
  assert.deepEqual(refused.problems, [
    'old.xls is an Excel 97–2003 workbook (.xls), which is not read: open it in Excel and save it as .xlsx or CSV.',
    'photo.png is not a text file or an Excel workbook; drop a .txt, .csv or .xlsx with job IDs.',
  ]);
});

test('a repeated ID keeps the labels of its first row; a table without a header names its columns', () => {
  const result = extractJobIds([{ name: 'a.csv', text: 'id,name\n11,Ann\n11,Bob\n12,Cy\n' }, { name: 'b.csv', text: '13,Dee Ray\n14,Eve Ng\n' }]);
  assert.deepEqual(result.ids, ['11', '12', '13', '14']);
  assert.equal(result.repeated, 1);
  assert.deepEqual(labelsOf(result, '11'), { name: 'Ann' });
  assert.deepEqual(labelsOf(result, '13'), { 'Column 2': 'Dee Ray' });
});

test('Excel\'s "sep=;" first line and ="…" cells that keep long numbers whole', () => {
  const csv = 'sep=;\r\nName;Job ID\r\nAnn Lee;="12345678901234567890"\r\nBo Chen;12202889\r\n';
  const result = extractJobIds([{ name: 'team.csv', text: csv }]);
  assert.deepEqual(result.ids, ['12345678901234567890', '12202889']);
  assert.equal(result.rejectedCount, 0);
  assert.deepEqual(labelsOf(result, '12202889'), { Name: 'Bo Chen' });
});

test('"Open IDs file…" and files handed to the app read workbooks and UTF-16 text as a drop does', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'headshot-fetcher-ids-files-'));
  await writeFile(join(folder, 'team.xlsx'), await writeXlsxFile([[{ value: 'id' }, { value: 'Name' }], [{ value: 7001 }, { value: 'Ann' }]]).toBuffer());
  await writeFile(join(folder, 'team.txt'), Buffer.from('\uFEFFid\tName\r\n7002\tBo\r\n', 'utf16le'));
  const read = await readIdsFiles([join(folder, 'team.xlsx'), join(folder, 'team.txt')]);
  assert.deepEqual(read.problems, []);
  const result = extractJobIds(read.sources);
  assert.deepEqual(result.ids, ['7001', '7002']);
  assert.deepEqual([labelsOf(result, '7001'), labelsOf(result, '7002')], [{ Name: 'Ann' }, { Name: 'Bo' }]);
});
