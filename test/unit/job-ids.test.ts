import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isValidJobId, parseJobIds } from '../../main/core/job-ids';

test('takes IDs from lines, commas, semicolons, spaces and tabs, in order', () => {
  const parsed = parseJobIds('12202888\n12202889, 12202890;12202891\t12202892  12202893\r\n');
  assert.deepEqual(parsed.ids, ['12202888', '12202889', '12202890', '12202891', '12202892', '12202893']);
  assert.equal(parsed.repeats, 0);
  assert.deepEqual(parsed.rejected, []);
});

test('counts repeats once and keeps the first occurrence', () => {
  const parsed = parseJobIds('5 6 5 5 7 6');
  assert.deepEqual(parsed.ids, ['5', '6', '7']);
  assert.equal(parsed.repeats, 3);
});

test('takes the ID out of a fetch URL and strips quotes copied from spreadsheets', () => {
  const parsed = parseJobIds('https://modelslab.com/api/v1/enterprise/flux_headshot/fetch/12202888 "134687460" [42]');
  assert.deepEqual(parsed.ids, ['12202888', '134687460', '42']);
});

test('rejects what is not a job ID, saying why', () => {
  const parsed = parseJobIds('hello 0123 -5 1.5 123456789012345678901 12202888');
  assert.deepEqual(parsed.ids, ['12202888']);
  assert.deepEqual(
    parsed.rejected.map((item) => item.token),
    ['hello', '0123', '-5', '1.5', '123456789012345678901'],
  );
  assert.match(parsed.rejected[0]!.reason, /not a job ID/);
  assert.match(parsed.rejected[1]!.reason, /start with 0/);
  assert.match(parsed.rejected[4]!.reason, /too long/);
});

test('shortens a huge rejected token so the message stays readable', () => {
  const parsed = parseJobIds('x'.repeat(10_000));
  assert.equal(parsed.rejected.length, 1);
  assert.ok(parsed.rejected[0]!.token.length <= 41);
});

test('the ID rule: whole numbers of 1 to 20 digits, no leading zero', () => {
  for (const valid of ['1', '12202888', '9'.repeat(20)]) assert.ok(isValidJobId(valid), valid);
  for (const invalid of ['', '0', '01', '9'.repeat(21), '12a', ' 12', '١٢']) assert.ok(!isValidJobId(invalid), invalid);
});

test('empty or blank text gives nothing and rejects nothing', () => {
  assert.deepEqual(parseJobIds('  \n\t,, ;'), { ids: [], repeats: 0, rejected: [] });
});
