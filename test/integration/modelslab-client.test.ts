import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import { createModelsLabClient, type FetchOutcome } from '../../main/core/modelslab-client';
import { jsonEscapedEveryCharacter, startFakeModelsLab, type FakeModelsLab } from '../fixtures/fake-modelslab';
import { validTestKey } from '../support/core-harness';

let server: FakeModelsLab;
let fetchJob: (id: string, key?: string) => Promise<FetchOutcome>;
/** A client whose requests time out soon: only for the answer the server holds forever. */
let impatientClient: ReturnType<typeof createModelsLabClient>;
let client: ReturnType<typeof createModelsLabClient>;

before(async () => {
  server = await startFakeModelsLab({
    validKey: validTestKey,
    scenarios: {
      '100': [{ answer: 'success', images: [{ serve: 'headshot-a.png' }, { serve: 'headshot-b.jpg' }] }],
      '101': [{ answer: 'processing', eta: 12 }],
      '102': [{ answer: 'failed' }],
      '103': [{ answer: 'rate-limit', via: 'header', retryAfter: 4 }],
      '104': [{ answer: 'raw', status: 503, body: '<html><h1>503 Service Unavailable</h1></html>' }],
      '105': [{ answer: 'hang' }],
      '106': [{ answer: 'reset' }],
      '107': [{ answer: 'raw', status: 200, body: '{"status":"success","output":[', contentType: 'application/json' }],
      '108': [{ answer: 'raw', status: 200, body: `{"status":"error","message":"bad key ${validTestKey}"}`, contentType: 'application/json' }],
      '109': [{ answer: 'flood', megabytes: 40 }],
      '110': [{ answer: 'flood', megabytes: 40, declareLength: true }],
      '111': [
        {
          answer: 'raw',
          status: 502,
          body: `<p>echo ${jsonEscapedEveryCharacter(validTestKey)} ${encodeURIComponent(validTestKey).replaceAll('-', '%2D')} ${JSON.stringify(validTestKey)}</p>`,
        },
      ],
    },
  });
  // Generous: a first request on a busy machine can be slow, and only the hang test is about timeouts.
  client = createModelsLabClient({ fetch, endpointTemplate: () => server.endpointTemplate, requestTimeoutMs: 30_000 });
  fetchJob = (id, key = validTestKey) => client.fetchJob(id, key);
  impatientClient = createModelsLabClient({ fetch, endpointTemplate: () => server.endpointTemplate, requestTimeoutMs: 300 });
});
after(() => server.close());

test('posts the key in a JSON body to the endpoint with the ID in the path', async () => {
  const outcome = await fetchJob('100');
  assert.equal(outcome.kind, 'success');
  assert.equal(outcome.kind === 'success' && outcome.outputUrls.length, 2);
  assert.deepEqual(server.fetches.at(-1), { ...server.fetches.at(-1), id: '100', keyWasValid: true });
});

test('processing, failed, unknown job and rate limit arrive as their kinds', async () => {
  assert.deepEqual(await fetchJob('101'), { kind: 'processing', etaSeconds: 12 });
  assert.equal((await fetchJob('102')).kind, 'failed');
  const unknown = await fetchJob('999');
  assert.equal(unknown.kind, 'failed');
  assert.equal(unknown.kind === 'failed' && unknown.httpStatus, 404);
  assert.deepEqual(await fetchJob('103'), {
    kind: 'rate-limited',
    message: 'Rate limit exceeded. Maximum 5 queued requests allowed.',
    retryAfterSeconds: 4,
  });
});

test('a wrong key is reported as key-rejected', async () => {
  assert.equal((await fetchJob('100', 'wrong-key-000000')).kind, 'key-rejected');
});

test('HTML error pages, invalid JSON, hangs and resets become retryable outcomes with a plain message', async () => {
  const html = await fetchJob('104');
  assert.equal(html.kind, 'unexpected');
  assert.match(html.kind === 'unexpected' ? html.rawExcerpt : '', /503 Service Unavailable/);
  assert.equal((await fetchJob('107')).kind, 'unexpected');
  // The server never answers 105, so the timeout alone ends the request, however slow the machine.
  const hang = await impatientClient.fetchJob('105', validTestKey);
  assert.deepEqual(hang, { kind: 'network-error', message: 'ModelsLab did not answer within 300 ms', failure: 'timeout' });
  const reset = await fetchJob('106');
  assert.equal(reset.kind, 'network-error');
  assert.match(reset.kind === 'network-error' ? reset.message : '', /Could not reach ModelsLab \((ECONNRESET|UND_ERR_SOCKET|other side closed)/);
  assert.equal(reset.kind === 'network-error' && reset.failure, 'reset', 'a cut connection is told apart from other faults');
});

test('the key never comes back in a message, even when the server echoes it', async () => {
  const outcome = await fetchJob('108');
  assert.equal(outcome.kind, 'failed');
  const text = JSON.stringify(outcome);
  assert.ok(!text.includes(validTestKey), text);
  assert.match(text, /\[key removed\]/);
});

test('a connection refused is a network error, not a crash', async () => {
  const closedPort = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
  const client = createModelsLabClient({ fetch, endpointTemplate: () => `http://127.0.0.1:${closedPort}/fetch/{id}`, requestTimeoutMs: 30_000 });
  const outcome = await client.fetchJob('1', validTestKey);
  assert.equal(outcome.kind, 'network-error');
  assert.match(outcome.kind === 'network-error' ? outcome.message : '', /ECONNREFUSED/);
  assert.equal(outcome.kind === 'network-error' && outcome.failure, 'refused');
  assert.deepEqual(await client.probe(), { reachable: false, message: 'Could not reach ModelsLab (ECONNREFUSED)', failure: 'refused' });
});

test('a probe counts any HTTP answer as reachable, and a name that does not resolve as a DNS failure', async () => {
  // The fake server answers 404 at its root: an answer all the same.
  assert.deepEqual(await client.probe(), { reachable: true });
  const nowhere = createModelsLabClient({ fetch, endpointTemplate: () => 'https://no-such-host.invalid/fetch/{id}', requestTimeoutMs: 30_000 });
  const outcome = await nowhere.probe();
  assert.equal(outcome.reachable === false && outcome.failure, 'dns', JSON.stringify(outcome));
});

test('an answer of tens of megabytes is cut off at 2 MB: the connection is closed and the job gets a retryable "too large" outcome', async () => {
  const outcome = await fetchJob('109');
  assert.equal(outcome.kind, 'unexpected');
  // Said without a promise: the queue adds "Retrying (1 of 5)…" or, in the end, "Gave up after 5 retries.".
  assert.equal(outcome.kind === 'unexpected' ? outcome.message : '', 'ModelsLab sent an answer larger than 2 MB, which is not a real answer; it was cut off');
  // The excerpt is of what was read, with the key (echoed plain and \u-escaped) taken out.
  const text = JSON.stringify(outcome);
  assert.ok(!text.includes(validTestKey) && !text.includes(jsonEscapedEveryCharacter(validTestKey).slice(0, 30)), text);
  assert.match(outcome.kind === 'unexpected' ? outcome.rawExcerpt : '', /key \[key removed\] and \[key removed\]/);
  const [flood] = server.floods.get('109') ?? [];
  await flood!.closed;
  // The server could only push what the client read plus the sockets' buffers, far from the 40 MB.
  assert.equal(flood!.complete, false);
  assert.ok(flood!.bytesSent < 16 * 1024 * 1024, `${flood!.bytesSent} bytes were sent`);
});

test('an answer that declares more than 2 MB is refused before its body is read', async () => {
  const outcome = await fetchJob('110');
  assert.equal(outcome.kind, 'unexpected');
  assert.match(outcome.kind === 'unexpected' ? outcome.message : '', /larger than 2 MB/);
  const [flood] = server.floods.get('110') ?? [];
  await flood!.closed;
  assert.equal(flood!.complete, false);
});

test('the key is taken out of excerpts also when the server echoes it JSON-escaped or URL-encoded', async () => {
  const outcome = await fetchJob('111');
  assert.equal(outcome.kind, 'unexpected');
  const excerptText = outcome.kind === 'unexpected' ? outcome.rawExcerpt : '';
  assert.equal(excerptText, '<p>echo [key removed] [key removed] "[key removed]"</p>');
});
