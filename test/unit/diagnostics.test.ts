import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDiagnostics } from '../../main/core/diagnostics';
import { redactKey } from '../../main/core/modelslab-client';
import { jsonEscapedEveryCharacter } from '../fixtures/fake-modelslab';

const key = 'Abc123secretKEY456xyz789';
const urlEncoded = [...key].map((character) => `%${character.charCodeAt(0).toString(16)}`).join('');

test('Copy diagnostics names versions, the endpoint host, the jobs by state and the log, without the key or anyone\'s email', () => {
  const text = buildDiagnostics({
    appVersion: '0.1.0',
    versions: { electron: '39.2.0', chrome: '142.0.7444.59', node: '22.20.0' },
    os: 'linux 6.8.0 (x64)',
    endpointTemplate: 'https://proxy.example.com:8443/api/fetch/{id}?token=abc',
    jobs: [{ state: 'ready' }, { state: 'ready' }, { state: 'failed' }, { state: 'saved' }],
    logTail: `2026-12-03T10:00:00.000Z ERROR answer echoed ${key} / ${jsonEscapedEveryCharacter(key)} / ${urlEncoded}\n2026-12-03T10:00:01.000Z ERROR a note about ann@example.com`,
    redactKey: (text) => redactKey(text, key),
  });
  assert.match(text, /^Headshot Fetcher 0\.1\.0\nElectron 39\.2\.0, Chrome 142\.0\.7444\.59, Node 22\.20\.0\nSystem: linux 6\.8\.0 \(x64\)\n/);
  assert.match(text, /\nEndpoint host: proxy\.example\.com:8443\n/);
  assert.ok(!text.includes('token=abc') && !text.includes('/api/fetch'), 'only the host of the endpoint');
  assert.match(text, /\nJobs: 4 \(queued 0, fetching 0, processing 0, ready 2, saving 0, saved 1, failed 1\)\n/);
  assert.match(text, /answer echoed \[key removed\] \/ \[key removed\] \/ \[key removed\]\n/);
  assert.match(text, /a note about \[email removed\]$/);
  assert.ok(!text.toLowerCase().includes('secretkey'));
});

test('an empty log says so', () => {
  const text = buildDiagnostics({ appVersion: '1', versions: {}, os: 'x', endpointTemplate: 'not a url', jobs: [], logTail: '', redactKey: (t) => t });
  assert.match(text, /Endpoint host: not a valid address/);
  assert.match(text, /\(the log is empty\)$/);
});
