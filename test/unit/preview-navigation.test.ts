import assert from 'node:assert/strict';
import { test } from 'node:test';
import { movePreview } from '../../renderer/src/lib/preview-navigation';

const jobs = [
  { id: '1', imageCount: 2 },
  { id: '2', imageCount: 0 },
  { id: '3', imageCount: 3 },
];

test('left and right walk through a job\'s images and on into the next or previous job with images', () => {
  assert.deepEqual(movePreview({ jobId: '1', n: 1 }, jobs, 'next-image'), { jobId: '1', n: 2 });
  assert.deepEqual(movePreview({ jobId: '1', n: 2 }, jobs, 'next-image'), { jobId: '3', n: 1 }, 'a job without images is passed over');
  assert.deepEqual(movePreview({ jobId: '3', n: 1 }, jobs, 'previous-image'), { jobId: '1', n: 2 });
  assert.deepEqual(movePreview({ jobId: '3', n: 3 }, jobs, 'next-image'), { jobId: '3', n: 3 }, 'the last image stays');
  assert.deepEqual(movePreview({ jobId: '1', n: 1 }, jobs, 'previous-image'), { jobId: '1', n: 1 }, 'the first image stays');
});

test('up and down go to the first image of the previous or next job; home and end within the job', () => {
  assert.deepEqual(movePreview({ jobId: '1', n: 2 }, jobs, 'next-job'), { jobId: '3', n: 1 });
  assert.deepEqual(movePreview({ jobId: '3', n: 2 }, jobs, 'previous-job'), { jobId: '1', n: 1 });
  assert.deepEqual(movePreview({ jobId: '3', n: 2 }, jobs, 'last-image'), { jobId: '3', n: 3 });
  assert.deepEqual(movePreview({ jobId: '3', n: 2 }, jobs, 'first-image'), { jobId: '3', n: 1 });
  assert.deepEqual(movePreview({ jobId: '9', n: 1 }, jobs, 'next-job'), { jobId: '9', n: 1 }, 'a job no longer listed stays put');
});
