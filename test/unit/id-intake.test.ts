import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { IntakeSource } from '../../preload/api-contract';
import { extractJobIds, maxRejectedListed } from '../../main/core/id-intake';
import { idFromToken, isValidJobId, jobIdPattern } from '../../preload/shared/job-ids';
import { readExample } from '../fixtures/fake-modelslab';

const text = (value: string, name: string | null = null): IntakeSource[] => [{ name, text: value }];
const idsOf = (sources: IntakeSource[]) => extractJobIds(sources).ids;

test('plain text: lines, commas, semicolons, spaces and tabs, in order, each once', () => {
  const result = extractJobIds(text('12202888\n12202889, 12202890;12202891\t12202892  12202893\r\n12202888'));
  assert.deepEqual(result.ids, ['12202888', '12202889', '12202890', '12202891', '12202892', '12202893']);
  assert.equal(result.repeated, 1);
  assert.deepEqual(result.rejected, []);
});

test('fetch URLs stand for their ID; quotes and brackets from spreadsheets are stripped', () => {
  assert.deepEqual(idsOf(text('https://modelslab.com/api/v1/enterprise/flux_headshot/fetch/12202888 "134687460" (42) https://modelslab.com/api/v6/images/fetch/7/')), [
    '12202888',
    '134687460',
    '42',
    '7',
  ]);
});

test('what is not a job ID is rejected, saying why; near-misses first', () => {
  const result = extractJobIds(text('hello 0123 -5 1.5 123456789012345678901 https://example.com/photo.png 12202888'));
  assert.deepEqual(result.ids, ['12202888']);
  assert.deepEqual(
    result.rejected.map(({ token, reason }) => `${token}: ${reason}`),
    [
      '0123: job IDs do not start with 0',
      '-5: job IDs are whole positive numbers',
      '1.5: job IDs are whole positive numbers',
      '123456789012345678901: too long for a job ID (at most 20 digits)',
      'https://example.com/photo.png: a link, but not a fetch link ending in a job ID',
      'hello: not a job ID: IDs are numbers like 12202888',
    ],
  );
});

test('CSV with a header: only the ID column is read, whatever else the table holds', () => {
  const csv = 'job_id,prompt,width\n12202888,"a portrait, smiling",1024\n12202889,studio light,1024\n,empty row,512\n';
  const result = extractJobIds(text(csv, 'export.csv'));
  assert.deepEqual(result.ids, ['12202888', '12202889']);
  assert.equal(result.rejectedCount, 0);
});

test('CSV without a header, TSV, and a single column with a header', () => {
  assert.deepEqual(idsOf(text('2024-05-01,12202888,done\n2024-05-02,12202889,done', 'jobs.csv')), ['12202888', '12202889']);
  assert.deepEqual(idsOf(text('Request ID\tStatus\n501\tok\n502\tok', 'jobs.tsv')), ['501', '502']);
  assert.deepEqual(idsOf(text('id\n11\n12\n13\n', 'ids.csv')), ['11', '12', '13']);
  const withBadCell = extractJobIds(text('id,note\n11,x\nn/a,y\n12,z', 'ids.csv'));
  assert.deepEqual(withBadCell.ids, ['11', '12']);
  assert.deepEqual(withBadCell.rejected, [{ token: 'n/a', reason: 'not a job ID: IDs are numbers like 12202888' }]);
});

test('JSON: fetch and generation answers, arrays of them, and exports; their links are not IDs', () => {
  const answers = [readExample('fetch-success'), readExample('fetch-success-proxy-object'), readExample('fetch-processing-eta'), readExample('fetch-failed')];
  assert.deepEqual(idsOf(text(JSON.stringify(answers), 'answers.json')), ['12202888', '134687460', '32']);
  assert.deepEqual(idsOf(text(JSON.stringify({ exportedAt: '2026-11-01', jobs: [{ id: 5 }, { id: '6' }, { id: 5 }] }))), ['5', '6']);
  assert.deepEqual(idsOf(text('[101, "102", 103]')), ['101', '102', '103']);
  const tooBig = extractJobIds(text('{"id": 123456789012345678}'));
  assert.deepEqual(tooBig.ids, []);
  assert.match(tooBig.rejected[0]!.reason, /too large to read exactly from JSON/);
});

test('JSON Lines, and a paste that mixes IDs, URLs and JSON answers', () => {
  const jsonl = [readExample('fetch-success'), readExample('fetch-success-full')].map((body) => JSON.stringify(body)).join('\n');
  assert.deepEqual(idsOf(text(`${jsonl}\n`, 'log.jsonl')), ['12202888', '32']);
  const mixture = `7001\nhttps://modelslab.com/api/v1/enterprise/flux_headshot/fetch/7002\n${JSON.stringify(readExample('fetch-processing-legacy'), null, 2)}\n7003, 7001`;
  const result = extractJobIds(text(mixture));
  assert.deepEqual(result.ids, ['7001', '7002', '120539115', '7003']);
  assert.equal(result.repeated, 1);
  assert.equal(result.rejectedCount, 0);
});

test('several files in one drop share one list, and repeats across them are counted', () => {
  const result = extractJobIds([
    { name: 'a.txt', text: '1\n2' },
    { name: 'b.csv', text: 'id\n2\n3' },
  ]);
  assert.deepEqual(result.ids, ['1', '2', '3']);
  assert.equal(result.repeated, 1);
});

test('100,000 IDs in one drop are all taken; a flood of bad tokens is counted, not all listed', () => {
  const many = Array.from({ length: 100_000 }, (_, index) => String(10_000_000 + index)).join('\n');
  assert.equal(idsOf(text(many)).length, 100_000);
  const junk = extractJobIds(text('x '.repeat(50_000)));
  assert.equal(junk.rejectedCount, 50_000);
  assert.equal(junk.rejected.length, maxRejectedListed);
});

test('text full of stray brackets is still read as text', () => {
  const result = extractJobIds(text(`${'{ [ '.repeat(5_000)} 42`));
  assert.deepEqual(result.ids, ['42']);
});

test('JSON: numbers and words elsewhere in an answer are never taken for IDs', () => {
  const tagged = extractJobIds(text('{"id": 12202888, "tags": ["portrait 2024"], "meta": {"width": 1024, "seed": 77}}'));
  assert.deepEqual(tagged.ids, ['12202888']);
  assert.equal(tagged.rejectedCount, 0);
  const validation = extractJobIds(text('{"status": "error", "message": {"width": ["must be at least 512 pixels"]}}'));
  assert.deepEqual({ ...validation, labels: [...validation.labels] }, { ids: [], repeated: 0, rejected: [], rejectedCount: 0, labels: [], notes: [], problems: [] });
  assert.deepEqual(idsOf(text('{"job_ids": [11, "12"], "ids": [13]}')), ['11', '12', '13']);
});

test('a column found by its contents never costs an ID that plain reading would find', () => {
  const result = extractJobIds(text('12202888,12202999\n12202890,none\n12202891,none'));
  assert.deepEqual(result.ids, ['12202888', '12202999', '12202890', '12202891']);
  assert.deepEqual(result.rejected.map((item) => item.token), ['none', 'none']);
});

test('pathological input is read in one pass, not in quadratic time', { timeout: 20_000 }, () => {
  assert.equal(extractJobIds(text(`${':'.repeat(80_000)}x`)).rejectedCount, 1);
  assert.equal(extractJobIds(text(`${')'.repeat(160_000)}x`)).rejectedCount, 1);
  assert.equal(extractJobIds(text(`x${'"'.repeat(320_000)}`, 'quotes.csv')).ids.length, 0);
  const wideThenLong = `${Array.from({ length: 50 }, () => 'a,'.repeat(2_000)).join('\n')}\n${'1\n'.repeat(400_000)}`;
  assert.deepEqual(extractJobIds(text(wideThenLong, 'odd.csv')).ids, ['1']);
});

test('the ID rule: whole numbers of 1 to 20 digits, no leading zero', () => {
  for (const valid of ['1', '12202888', '9'.repeat(20)]) assert.ok(isValidJobId(valid), valid);
  for (const invalid of ['', '0', '01', '9'.repeat(21), '12a', ' 12', '١٢']) assert.ok(!isValidJobId(invalid), invalid);
});

// Property-based: the parser's promises hold for any input, not only the examples above.
const validId = fc.stringMatching(/^[1-9][0-9]{0,19}$/);
const separator = fc.constantFrom('\n', '\r\n', ',', ', ', ';', ' ', '\t', '  ');

test('property: any list of valid IDs, however separated, comes back as its distinct IDs in order', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(validId, separator), { minLength: 1, maxLength: 60 }), (pairs) => {
      const joined = pairs.map(([id, sep]) => id + sep).join('');
      const result = extractJobIds(text(joined));
      const distinct = [...new Set(pairs.map(([id]) => id))];
      assert.deepEqual(result.ids, distinct);
      assert.equal(result.repeated, pairs.length - distinct.length);
      assert.equal(result.rejectedCount, 0);
    }),
  );
});

test('property: any text gives distinct valid IDs and a bounded list of reasons, never an exception', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 400 }), fc.constantFrom(null, 'a.txt', 'b.csv', 'c.json', 'd.jsonl'), (value, name) => {
      const result = extractJobIds(text(value, name));
      assert.ok(result.ids.every((id) => jobIdPattern.test(id)));
      assert.equal(new Set(result.ids).size, result.ids.length);
      assert.ok(result.rejected.length <= Math.min(maxRejectedListed, result.rejectedCount));
      assert.ok(result.rejected.every((item) => item.token.length <= 41 && item.reason.length > 0));
    }),
  );
});

test('property: IDs survive being written as JSON answers, a CSV column or fetch URLs', () => {
  fc.assert(
    fc.property(fc.uniqueArray(validId, { minLength: 1, maxLength: 30 }), (ids) => {
      const safe = ids.filter((id) => Number.isSafeInteger(Number(id)));
      const answers = JSON.stringify(safe.map((id, index) => ({ status: 'success', id: index % 2 ? Number(id) : id, output: [] })));
      assert.deepEqual(idsOf(text(answers, 'answers.json')), safe);
      assert.deepEqual(idsOf(text(`job_id,prompt\n${ids.map((id) => `${id},"a, b"`).join('\n')}`, 'jobs.csv')), ids);
      const urls = ids.map((id) => `https://modelslab.com/api/v1/enterprise/flux_headshot/fetch/${id}`).join('\n');
      assert.deepEqual(idsOf(text(urls)), ids);
      assert.ok(ids.every((id) => idFromToken(id) === id));
    }),
  );
});

test('a pasted mixture lists the near-misses first, as written: a 25-digit number (also unquoted in JSON), a leading zero', () => {
  const paste = ['12202888', 'Ada Lovelace', 'ada@example.com', '1234567890123456789012345', 'Alan Turing', 'alan@example.com', '0123456'].join('\n');
  const result = extractJobIds(text(paste));
  assert.deepEqual(result.ids, ['12202888']);
  assert.deepEqual(result.rejected.slice(0, 2), [
    { token: '1234567890123456789012345', reason: 'too long for a job ID (at most 20 digits)' },
    { token: '0123456', reason: 'job IDs do not start with 0' },
  ]);
  assert.equal(result.rejectedCount, 8);

  const json = extractJobIds(text('{"id": 1234567890123456789012345, "note": "a \\"quoted\\" 99999999999999999 stays"}'));
  assert.deepEqual(json.rejected, [{ token: '1234567890123456789012345', reason: 'too large to read exactly from JSON: write it as a string' }]);
  assert.deepEqual(extractJobIds(text('[1234567890123456789, 101]')).rejected.map((item) => item.token), ['1234567890123456789']);

  // A near-miss after a screenful of names still makes the list, at the top.
  const names = Array.from({ length: 300 }, (_, index) => `name${index}@example.com`);
  const crowded = extractJobIds(text([...names, '00012202888'].join('\n')));
  assert.equal(crowded.rejected[0]!.token, '00012202888');
  assert.equal(crowded.rejectedCount, 301);
});

test('a one-column list under its heading reads the IDs and does not list the heading as a reject', () => {
  for (const text of ['job_id\n12202888\n12202889\n', 'Request ID\r\n12202888\r\n12202889', 'My job IDs:\n12202888\n12202889']) {
    const result = extractJobIds([{ name: null, text }]);
    assert.deepEqual(result.ids, ['12202888', '12202889'], text);
    assert.deepEqual(result.rejected, [], text);
  }
  // A first line that holds an ID is not a heading: nothing of it is lost.
  assert.deepEqual(extractJobIds([{ name: null, text: 'ids 12202887\n12202888' }]).ids, ['12202887', '12202888']);
});
