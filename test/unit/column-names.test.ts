// {col:HEADER} in file and folder names: matched loosely, made safe, kept apart, shortened without losing the ID.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkFileNameTemplate, exampleSavePath, jobsNeedingIdInNames, savePathSegments } from '../../preload/shared/file-names';
import { guessNameColumn, type JobLabels } from '../../preload/shared/job-labels';

const savedAt = new Date(2026, 10, 24, 14, 5, 9);
const path = (template: string, id: string, labels: JobLabels, addIdToLabels = false, layout: 'flat' | 'per-job' = 'flat') =>
  savePathSegments(layout, template, { id, n: 1, count: 2, savedAt, ext: 'png', labels, addIdToLabels }).join('/');

test('{col:HEADER} takes the cell under that header, whatever its case and spaces; a job without it uses its ID', () => {
  const labels: JobLabels = [['Full Name', 'Ann Lee'], ['Dept', 'Sales']];
  assert.equal(path('{col:fullname}/{n}.{ext}', '12202888', labels), 'Ann Lee/1.png');
  assert.equal(path('{col:DEPT}/{col: Full  name }-{n}.{ext}', '12202888', labels), 'Sales/Ann Lee-1.png');
  assert.equal(path('{col:Full Name}/{n}.{ext}', '12202889', [['Dept', 'Sales']]), '12202889/1.png');
  assert.equal(path('{col:Full Name}/{n}.{ext}', '12202890', []), '12202890/1.png');
});

test('values become safe names: characters Windows forbids, slashes, reserved names, dots', () => {
  const name = (value: string) => path('{col:name}/{n}.{ext}', '7', [['name', value]]).split('/')[0];
  assert.equal(name('A/B: "C"? <D>|*'), 'A_B_ _C__ _D___');
  assert.equal(name('back\\slash'), 'back_slash');
  assert.equal(name('CON'), '_CON');
  assert.equal(name('lpt1'), '_lpt1');
  assert.equal(name('nul.txt'), '_nul.txt');
  assert.equal(name('..'), '__');
  assert.equal(name('Trailing dots...'), 'Trailing dots');
  assert.equal(name('tab\there'), 'tab_here');
});

test('two jobs with the same value: the later one in the list gets its ID, compared as the file system will', () => {
  const jobs = [
    { id: '1', labels: [['name', 'John Smith']] as JobLabels },
    { id: '2', labels: [['name', 'john smith ']] as JobLabels },
    { id: '3', labels: [['name', 'Jos\u0065\u0301']] as JobLabels }, // é as e + accent (NFD)
    { id: '4', labels: [['name', 'Jos\u00e9']] as JobLabels }, // é as one character (NFC)
    { id: '5', labels: [['name', 'A:B']] as JobLabels },
    { id: '6', labels: [['name', 'a_b']] as JobLabels },
    { id: '7', labels: [] as JobLabels },
    { id: '8', labels: [['name', 'Ann']] as JobLabels },
  ];
  assert.deepEqual([...jobsNeedingIdInNames('{col:name}/{n}.{ext}', 'flat', jobs)], ['2', '4', '6']);
  assert.equal(path('{col:name}/{n}.{ext}', '2', jobs[1]!.labels, true), 'john smith (2)/1.png');
  // With {id} in the name, or a folder per job, names cannot meet: nothing is added.
  assert.equal(jobsNeedingIdInNames('{col:name}-{id}-{n}.{ext}', 'flat', jobs).size, 0);
  assert.equal(jobsNeedingIdInNames('{col:name}-{n}.{ext}', 'per-job', jobs).size, 0);
  // Several columns: the whole combination must repeat, and the ID goes after the last one.
  const two = [
    { id: '1', labels: [['dept', 'Sales'], ['name', 'Ann']] as JobLabels },
    { id: '2', labels: [['dept', 'Ops'], ['name', 'Ann']] as JobLabels },
    { id: '3', labels: [['dept', 'sales'], ['name', 'ANN']] as JobLabels },
  ];
  assert.deepEqual([...jobsNeedingIdInNames('{col:dept}/{col:name}-{n}.{ext}', 'flat', two)], ['3']);
  assert.equal(path('{col:dept}/{col:name}-{n}.{ext}', '3', two[2]!.labels, true), 'sales/ANN (3)-1.png');
});

test('a long value is shortened to fit 240 bytes; the ID added to keep it apart never is', () => {
  const id = '12345678901234567890';
  const long = 'Ä'.repeat(400);
  for (const template of ['{col:name}/{n}.{ext}', '{col:name}-{n}-{count}.{ext}']) {
    const segments = savePathSegments('flat', template, { id, n: 1, count: 2, savedAt, ext: 'webp', labels: [['name', long]], addIdToLabels: true });
    for (const segment of segments) assert.ok(Buffer.byteLength(segment) <= 240, `${segment.length} characters`);
    assert.ok(segments.join('/').includes(` (${id})`), segments.join('/'));
  }
});

test('the template check: a column stands in for {id}; {n} is still needed; an empty column is refused', () => {
  assert.equal(checkFileNameTemplate('{col:name}/{n}.{ext}', 'flat'), null);
  assert.equal(checkFileNameTemplate('{col:Full Name}-{n}', 'per-day'), null);
  assert.match(checkFileNameTemplate('{n}.{ext}', 'flat') ?? '', /needs \{id\} or a column/);
  assert.match(checkFileNameTemplate('{col:name}.{ext}', 'flat') ?? '', /needs \{n\}/);
  assert.match(checkFileNameTemplate('{col: }-{n}', 'flat') ?? '', /header after "col:"/);
  assert.match(checkFileNameTemplate('{column}-{n}', 'flat') ?? '', /Unknown token \{column\}/);
  // A long fixed part still cannot fit, whatever the label.
  assert.match(checkFileNameTemplate(`${'é'.repeat(110)}{col:name}-{n}`, 'flat') ?? '', /longer than 240 bytes/);
});

test('the live example uses a real job, and its ID where it has no such cell', () => {
  assert.equal(exampleSavePath('flat', '{col:name}/{n}.{ext}', savedAt, { id: '42', labels: [['Name', 'Bo Chen']] }), 'Bo Chen/1.png');
  assert.equal(exampleSavePath('flat', '{col:name}/{n}.{ext}', savedAt, { id: '42', labels: [] }), '42/1.png');
});

test('the Name column: a header that reads like a name, else the first column of text', () => {
  const values: Record<string, string[]> = { Email: ['a@b.c'], Start: ['2026-11-24'], Team: ['Sales', 'Ops'], Employee: ['Ann'] };
  assert.equal(guessNameColumn(['Email', 'Start', 'Team', 'Employee'], (header) => values[header] ?? []), 'Employee');
  assert.equal(guessNameColumn(['Email', 'Start', 'Team'], (header) => values[header] ?? []), 'Team');
  assert.equal(guessNameColumn(['full_name', 'x'], () => []), 'full_name');
  assert.equal(guessNameColumn(['Email'], (header) => values[header] ?? []), null);
});

test('headers match without regard to "_" and "-" too; a header with "name" that names a person is a Name, a file name is not', () => {
  assert.equal(path('{col:Full Name}/{n}.{ext}', '9', [['full_name', 'Ann Lee'], ['E-mail', 'a@b.c']]), 'Ann Lee/1.png');
  assert.equal(path('{col:email}-{n}.{ext}', '9', [['E-mail', 'a@b.c']]), 'a@b.c-1.png');
  assert.equal(guessNameColumn(['File name', 'Company Name', 'Name (as on badge)'], () => []), 'Name (as on badge)');
  assert.equal(guessNameColumn(['Team', 'Client Name'], () => []), 'Client Name');
  assert.equal(guessNameColumn(['Last_Name', 'First Name'], () => []), 'Last_Name');
});
