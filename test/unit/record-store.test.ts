// The folder record's store on disk: what a batch reads back from it is what it kept, in the order
// the documents list it, however long a record is, and the scratch file never outlives the store.
import assert from 'node:assert/strict';
import { readdir, rm } from 'node:fs/promises';
import { test } from 'node:test';
import { createRecordStore } from '../../main/core/record-store';
import { makeTempDir } from '../support/core-harness';

test('records read back by key and in the order first kept; a record kept again keeps its place', async () => {
  const directory = await makeTempDir('headshot-fetcher-records-');
  try {
    const store = createRecordStore(directory);
    for (let index = 0; index < 5_000; index += 1) store.set(`job-${index}`, JSON.stringify({ index }));
    // A label's text can be long: longer than any piece the store reads at once.
    const long = JSON.stringify({ index: 7, note: 'é'.repeat(3 * 1024 * 1024) });
    store.set('job-7', long);
    assert.equal(store.size, 5_000);
    assert.equal(store.get('job-7'), long);
    assert.equal(store.get('job-4999'), '{"index":4999}');
    assert.equal(store.get('job-5000'), undefined);
    const lines = [...store.values()];
    assert.equal(lines.length, 5_000);
    assert.equal(lines[7], long);
    assert.deepEqual(
      lines.filter((_, index) => index !== 7).map((line) => (JSON.parse(line) as { index: number }).index),
      Array.from({ length: 5_000 }, (_, index) => index).filter((index) => index !== 7),
    );
    store.close();
    assert.deepEqual(await readdir(directory), [], 'the scratch file is gone');
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});

test('records kept while the documents are being written from the store are read too', async () => {
  const directory = await makeTempDir('headshot-fetcher-records-');
  try {
    const store = createRecordStore(directory);
    for (let index = 0; index < 3; index += 1) store.set(`job-${index}`, `{"index":${index}}`);
    const read: string[] = [];
    for (const line of store.values()) {
      read.push(line);
      // A save finishing while the fold writes: its record is kept mid-way.
      if (read.length === 2) store.set('job-3', '{"index":3}');
    }
    assert.deepEqual(read, ['{"index":0}', '{"index":1}', '{"index":2}', '{"index":3}']);
    store.close();
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});
