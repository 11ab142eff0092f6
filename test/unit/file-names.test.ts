import assert from 'node:assert/strict';
import { posix } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import type { SaveLayout } from '../../preload/api-contract';
import { saveLayouts } from '../../preload/shared/save-layouts';
import { checkFileNameTemplate, exampleSavePath, safeNameSegment, savePathSegments } from '../../preload/shared/file-names';
import { manifestCsv } from '../../main/core/save-manifest';

const savedAt = new Date(2026, 10, 24, 9, 5, 7);
const values = { id: '12202888', n: 2, count: 4, savedAt, ext: 'jpg' };
const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

test('tokens fill in; the extension always ends the name and follows the image', () => {
  assert.deepEqual(savePathSegments('flat', '{id}-{n}.{ext}', values), ['12202888-2.jpg']);
  assert.deepEqual(savePathSegments('flat', '{date} {time} {id} {n} of {count}', values), ['2026-11-24 09-05-07 12202888 2 of 4.jpg']);
  assert.deepEqual(savePathSegments('flat', '{ext}-{id}-{n}', values), ['jpg-12202888-2.jpg']);
  assert.deepEqual(savePathSegments('per-job', 'headshot-{n}', values), ['12202888', 'headshot-2.jpg']);
  assert.deepEqual(savePathSegments('per-day', '{id}/{n}', values), ['2026-11-24', '12202888', '2.jpg']);
  assert.equal(exampleSavePath('per-job', '{id}-{n}.{ext}', savedAt), '12202888/12202888-1.png');
});

test('names are made safe for Windows, macOS and Linux', () => {
  assert.equal(safeNameSegment('a<b>c:d"e|f?g*h'), 'a_b_c_d_e_f_g_h');
  assert.equal(safeNameSegment('tab\there\u0000'), 'tab_here_');
  assert.equal(safeNameSegment('CON'), '_CON');
  assert.equal(safeNameSegment('lpt1', '.png'), '_lpt1.png');
  assert.equal(safeNameSegment('aux.tar'), '_aux.tar');
  assert.equal(safeNameSegment('com¹'), '_com¹');
  assert.equal(safeNameSegment('console'), 'console');
  assert.equal(safeNameSegment('name. . '), 'name');
  assert.equal(safeNameSegment('.hidden'), '_hidden');
  assert.equal(safeNameSegment(''), '_');
  const long = safeNameSegment('é'.repeat(300), '.webp');
  assert.ok(utf8Bytes(long) <= 240 && long.endsWith('.webp'), `${utf8Bytes(long)} bytes`);
});

test('no template climbs out of the folder', () => {
  assert.deepEqual(savePathSegments('flat', '../../{id}-{n}', values), ['12202888-2.jpg']);
  assert.deepEqual(savePathSegments('flat', '/etc/{id}-{n}', values), ['etc', '12202888-2.jpg']);
  assert.deepEqual(savePathSegments('flat', 'C:\\Windows\\..\\{id}-{n}', values), ['C_', 'Windows', '12202888-2.jpg']);
  assert.deepEqual(savePathSegments('flat', '{id}/ .. /{n}', values), ['12202888', '2.jpg']);
});

test('whatever the template, every segment is a plain, non-empty name of at most 255 bytes that stays inside the folder', () => {
  const layout = fc.constantFrom<SaveLayout>(...saveLayouts);
  const pieces = fc.array(fc.oneof(fc.constantFrom('{id}', '{n}', '{count}', '{date}', '{time}', '{ext}', '/', '\\', '..', '.', ' ', ':', 'CON'), fc.string({ maxLength: 40 })), { maxLength: 12 });
  fc.assert(
    fc.property(layout, pieces, fc.constantFrom('png', 'jpg', 'webp'), (chosenLayout, parts, ext) => {
      const template = parts.join('');
      const segments = savePathSegments(chosenLayout, template, { ...values, ext });
      assert.ok(segments.length >= 1);
      for (const segment of segments) {
        assert.ok(segment.length > 0 && segment !== '.' && segment !== '..', JSON.stringify(segments));
        assert.ok(!/[/\\<>:"|?*\u0000-\u001f]/.test(segment), JSON.stringify(segment));
        assert.ok(utf8Bytes(segment) <= 255, JSON.stringify(segment));
        assert.ok(!segment.startsWith('.') && !/[. ]$/.test(segment), JSON.stringify(segment));
      }
      assert.ok(segments.at(-1)!.endsWith(`.${ext}`));
      const resolved = posix.resolve('/chosen', ...segments);
      assert.ok(resolved.startsWith('/chosen/'), resolved);
    }),
    { numRuns: 2_000 },
  );
});

test('templates that could give two images one name are refused: only digits between numbers, names cut to fit, {ext} in a folder', () => {
  for (const template of ['{id}{n}', '{n}7{id}.{ext}', '{id}{count}-{n}', 'shots/{id}-{n}{count}']) {
    assert.match(checkFileNameTemplate(template, 'flat') ?? '', /Put something other than a digit between/, template);
  }
  for (const template of ['{id}-{n}', '{id}{date}{n}', '{id}/{n}', '{id}_{n}_of_{count}', '{id} 1-{n}']) assert.equal(checkFileNameTemplate(template, 'flat'), null, template);

  // Cut to 240 bytes, this name would lose {id} and {n}: every image would be called the same.
  const long = `${'é'.repeat(118)}-{id}-{n}`;
  assert.deepEqual(savePathSegments('flat', long, values), savePathSegments('flat', long, { ...values, id: '1', n: 1 }));
  assert.match(checkFileNameTemplate(long, 'flat') ?? '', /longer than 240 bytes/);
  assert.match(checkFileNameTemplate(`${'é'.repeat(115)} {id}/{n}`, 'flat') ?? '', /longer than 240 bytes/);
  assert.equal(checkFileNameTemplate(`${'é'.repeat(100)}-{id}-{n}`, 'flat'), null);

  // Folders are made before the image's type is known: a JPEG would land in "png/".
  assert.match(checkFileNameTemplate('{ext}/{id}-{n}.{ext}', 'flat') ?? '', /\{ext\} can only be in the file name/);
});

test('every template that is accepted gives each image of each job a name of its own', () => {
  // IDs of different lengths, counts that differ: the cases where numbers run into each other.
  const jobs = [
    { id: '1', count: 12 },
    { id: '11', count: 2 },
    { id: '12', count: 12 },
    { id: '112', count: 1 },
    { id: '12202888', count: 4 },
    { id: '9'.repeat(20), count: 4 },
  ];
  const layout = fc.constantFrom<SaveLayout>(...saveLayouts);
  const piece = fc.oneof(
    fc.constantFrom('{id}', '{n}', '{count}', '{date}', '{time}', '{ext}', '/', '-', '1', ' ', '.', 'CON', 'é'.repeat(70)),
    fc.string({ maxLength: 8 }),
  );
  fc.assert(
    fc.property(layout, fc.array(piece, { maxLength: 10 }), (chosenLayout, parts) => {
      const template = parts.join('');
      fc.pre(checkFileNameTemplate(template, chosenLayout) === null);
      const seen = new Map<string, string>();
      for (const { id, count } of jobs) {
        for (let n = 1; n <= count; n += 1) {
          // Case-insensitive, as on Windows and macOS.
          const path = savePathSegments(chosenLayout, template, { ...values, id, n, count, ext: 'png' }).join('/').toLowerCase();
          assert.equal(seen.get(path), undefined, `${JSON.stringify(template)}: ${id}/${n} and ${seen.get(path)} are both ${path}`);
          seen.set(path, `${id}/${n}`);
        }
      }
    }),
    { numRuns: 1_000 },
  );
});

test('templates are checked with their layout', () => {
  assert.equal(checkFileNameTemplate('{id}-{n}.{ext}', 'flat'), null);
  assert.match(checkFileNameTemplate('', 'flat') ?? '', /empty/);
  assert.match(checkFileNameTemplate('{id}', 'flat') ?? '', /needs \{n\}/);
  assert.match(checkFileNameTemplate('{n}', 'flat') ?? '', /needs \{id\}/);
  assert.equal(checkFileNameTemplate('{n}', 'per-job'), null);
  assert.match(checkFileNameTemplate('{id}-{n}-{ID}', 'flat') ?? '', /Unknown token \{ID\}/);
  assert.match(checkFileNameTemplate('{id}-{n', 'flat') ?? '', /not closed/);
  assert.match(checkFileNameTemplate(`{id}{n}${'x'.repeat(300)}`, 'flat') ?? '', /longer than/);
});

test('the CSV manifest quotes what needs quoting and defuses spreadsheet formulas', () => {
  const csv = manifestCsv([
    { jobId: '1', image: 1, sourceUrl: 'https://cdn.example/a,b.png', path: '=HYPERLINK("x")/1-1.png', bytes: 10, sha256: 'ab', savedAt: '2026-11-24T09:05:07.000Z' },
  ]);
  assert.equal(
    csv,
    'job_id,image,source_url,file_path,bytes,sha256,saved_at\r\n1,1,"https://cdn.example/a,b.png","\'=HYPERLINK(""x"")/1-1.png",10,ab,2026-11-24T09:05:07.000Z\r\n',
  );
});
