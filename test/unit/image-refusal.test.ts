import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeRefusedImage } from '../../main/core/image-download';

test('a gone image is said to have probably expired only on ModelsLab\'s temporary hosts', () => {
  for (const link of ['https://pub-3626123a908346a7a8be8d9295f44e26.r2.dev/generations/a.png', 'https://cdn.modelslab.com/x/a.png', 'https://cdn2.stablediffusionapi.com/a.png']) {
    assert.match(describeRefusedImage('Image 1 of job 7', 404, new URL(link)), /no longer on the server \(HTTP 404\)\. ModelsLab deletes images after 24 hours, so the link has probably expired\./, link);
  }
  // A customer's own bucket keeps its images: a refusal there is not an expiry.
  const bucket = describeRefusedImage('Image 1 of job 7', 403, new URL('https://acme-headshots.s3.amazonaws.com/a.png'));
  assert.equal(bucket, 'Image 1 of job 7 is not available from acme-headshots.s3.amazonaws.com (HTTP 403): the storage it is on refused it or no longer holds it.');
  assert.doesNotMatch(bucket, /expire/);
  // A look-alike of a temporary host is not one.
  assert.doesNotMatch(describeRefusedImage('Image 1', 404, new URL('https://cdn.modelslab.com.evil.example/a.png')), /expire/);
  assert.equal(describeRefusedImage('Image 2', 500, new URL('https://cdn.modelslab.com/a.png')), 'Image 2 could not be downloaded (HTTP 500).');
});
