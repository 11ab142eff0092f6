import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { itemsOfDocument, UnreadableDocumentError } from '../../main/core/manifest-document';

/** What the streaming reader makes of a document: its items and its other fields, or that it cannot be read. */
async function read(text: string): Promise<{ items: unknown[]; fields: Record<string, unknown> } | 'unreadable'> {
  const folder = await mkdtemp(join(tmpdir(), 'headshot-fetcher-document-'));
  try {
    const path = join(folder, 'manifest.json');
    await writeFile(path, text);
    let fields: Record<string, unknown> = {};
    const items: unknown[] = [];
    for await (const item of itemsOfDocument(path, (seen) => (fields = seen))) items.push(item.value);
    return { items, fields };
  } catch (error) {
    if (error instanceof UnreadableDocumentError) return 'unreadable';
    throw error;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** The reader agrees with JSON.parse of the whole document. */
async function agreesWithJsonParse(text: string) {
  let whole: { files?: unknown[] } | 'unreadable';
  try {
    whole = JSON.parse(text) as { files?: unknown[] };
    if (typeof whole !== 'object' || whole === null || Array.isArray(whole)) whole = 'unreadable';
  } catch {
    whole = 'unreadable';
  }
  const streamed = await read(text);
  if (whole === 'unreadable') return assert.equal(streamed, 'unreadable', text.slice(0, 200));
  assert.notEqual(streamed, 'unreadable', text.slice(0, 200));
  if (streamed === 'unreadable') return;
  assert.deepEqual(streamed.items, whole.files);
  assert.deepEqual(streamed.fields, { ...whole, files: [] });
}

test('the save record read as a stream gives what reading it whole gives, or refuses what that refuses', async () => {
  const record = (i: number) => ({
    jobId: String(12_200_000 + i),
    image: 1,
    sourceUrl: `https://example.com/${i}/a "quoted" [name] {x}, \\ back\\slash.png`,
    path: `Zoë ${i}/${i}-1.png`,
    bytes: 1_234 + i,
    sha256: 'ab'.repeat(32),
    savedAt: '2026-12-03T10:00:00.000Z',
    labels: { 'Full Name': `Ann "A, [${i}]`, 'x}': '{]' },
  });
  const head = '{"format": "headshot-fetcher-manifest", "version": 1, ';
  const valid = [
    `${head}"files": []}`,
    `${head}"files": [ ]}\n`,
    JSON.stringify({ format: 'headshot-fetcher-manifest', version: 1, files: [record(1), record(2)] }, null, 1),
    // Big enough that items straddle the pieces it is read in.
    JSON.stringify({ format: 'headshot-fetcher-manifest', version: 1, files: Array.from({ length: 3_000 }, (_, i) => record(i)) }, null, 1),
    `${head}"files": [1, "two", null, [3, [4]], {"a": {"b": []}}], "note": {"kept": [1]}}`,
  ];
  for (const text of valid) await agreesWithJsonParse(text);
  const broken = [
    '',
    '[]',
    '42',
    `${head}"files": [{"a": 1}`,
    `${head}"files": [{"a": 1}]`,
    `${head}"files": [{"a": 1}]} trailing`,
    `${head}"files": [{"a": 1} {"b": 2}]}`,
    `${head}"files": [, {"a": 1}]}`,
    `${head}"files": [{"a": 1},]}`,
    `${head}"files": [{"a": 1},, {"b": 2}]}`,
    `${head}"files": [{"a": "unterminated}]}`,
    `${head}"files": [{"a": tru}]}`,
  ];
  for (const text of broken) await agreesWithJsonParse(text);
});

test('a document that is not a manifest this version reads is refused as soon as its list of files starts', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'headshot-fetcher-document-'));
  try {
    const path = join(folder, 'manifest.json');
    await writeFile(path, '{"format": "headshot-fetcher-manifest", "version": 2, "files": [{"a": 1}, {"b": 2}]}');
    const items: unknown[] = [];
    await assert.rejects(async () => {
      for await (const item of itemsOfDocument(path, (fields) => {
        if (fields.version !== 1) throw new UnreadableDocumentError('it is not a manifest this version can read');
      }))
        items.push(item.value);
    }, UnreadableDocumentError);
    assert.deepEqual(items, [], 'no record of it was used');
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});
