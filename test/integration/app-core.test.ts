import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { requestNames } from '../../preload/api-contract';
import { KeychainUnavailableError } from '../../main/core/keychain';
import { dispatchRequest } from '../../main/core/request-dispatch';
import { jsonEscapedEveryCharacter, startFakeModelsLab, type Step } from '../fixtures/fake-modelslab';
import { useCoreHarness, validTestKey, waitUntil } from '../support/core-harness';
import { holdsKey, urlEncodedKey } from '../support/key-echo';

const start = useCoreHarness();

test('the window learns only that a key is set and its last four characters', async () => {
  const h = await start({ withKey: false });
  assert.deepEqual(await h.core.handlers.getKeyStatus(undefined), { isSet: false, lastFour: null, storedIn: null });
  const status = await h.core.handlers.setKey({ key: `  ${validTestKey}\n` });
  assert.deepEqual(status, { isSet: true, lastFour: validTestKey.slice(-4), storedIn: 'keychain' });
  assert.equal(await h.secretStore.read(), validTestKey, 'stored trimmed, in the keychain');
  assert.deepEqual(await h.core.handlers.clearKey(undefined), { isSet: false, lastFour: null, storedIn: null });
  assert.equal(await h.secretStore.read(), null);
});

test('a key that cannot be a ModelsLab key is refused before it is stored', async () => {
  const h = await start({ withKey: false });
  for (const key of ['short', 'has spaces in the middle', 'x'.repeat(600), 42]) {
    await assert.rejects(h.core.handlers.setKey({ key }), (error: { code: string }) => ['invalid-key-format', 'invalid-request'].includes(error.code));
  }
  assert.equal(await h.secretStore.read(), null);
});

test('a key already in the keychain is used at start, and survives a restart of the core', async () => {
  const h = await start({ scenarios: { '7': [{ answer: 'success', images: [{ serve: 'headshot-a.png' }] }] } });
  await h.restartCore();
  assert.deepEqual(await h.core.handlers.getKeyStatus(undefined), { isSet: true, lastFour: validTestKey.slice(-4), storedIn: 'keychain' });
  await h.addText('7');
  await h.waitForJob('7', 'ready');
});

test('the key never reaches an event, a log, an answer or a file outside the keychain', async () => {
  const h = await start({
    scenarios: {
      '8': [{ answer: 'raw', status: 500, body: `upstream said key=${validTestKey}` }],
      '9': [{ answer: 'raw', status: 200, body: `{"status":"failed","message":"job for ${validTestKey} failed"}`, contentType: 'application/json' }],
    },
  });
  const answers = [
    await h.addText('8 9'),
    await h.waitForJob('8', 'failed'),
    await h.waitForJob('9', 'failed'),
    await h.core.handlers.getKeyStatus(undefined),
    await h.core.handlers.getSettings(undefined),
    await h.core.handlers.updateSettings({ concurrency: 2 }),
    await h.core.handlers.listJobs(undefined),
  ];
  await h.core.dispose(); // writes the job list, which must hold no key either
  const everything = JSON.stringify({ answers, events: h.events, logs: h.logs });
  assert.ok(!everything.includes(validTestKey), 'key leaked');
  assert.match(everything, /\[key removed\]/, 'the echoed key was removed, so the check above saw the text');
  assert.deepEqual((await readdir(h.userDataDir)).sort(), ['jobs.json', 'settings.json']);
  for (const name of await readdir(h.userDataDir)) {
    assert.ok(!(await readFile(join(h.userDataDir, name), 'utf8')).includes(validTestKey), `key found in ${name}`);
  }
});

test('settings are checked, saved one change after another, and read again after a restart', async () => {
  const h = await start();
  const defaults = await h.core.handlers.getSettings(undefined);
  assert.equal(defaults.endpointTemplate, h.server.endpointTemplate);
  assert.deepEqual(defaults, {
    endpointTemplate: h.server.endpointTemplate,
    concurrency: 4,
    downloadConcurrency: 4,
    pollDeadlineSeconds: 1800,
    saveLayout: 'flat',
    fileNameTemplate: '{id}-{n}.{ext}',
    conflictPolicy: 'rename',
    saveAsTheyArrive: false,
    allowPrivateNetworkLinks: false,
  });

  for (const patch of [
    { endpointTemplate: 'https://example.com/fetch/' },
    { endpointTemplate: 'http://example.com/fetch/{id}' },
    { endpointTemplate: 'not a url {id}' },
    { concurrency: 0 },
    { concurrency: 2.5 },
    { downloadConcurrency: 17 },
    { pollDeadlineSeconds: -1 },
    { unknownSetting: true },
  ]) {
    await assert.rejects(h.core.handlers.updateSettings(patch), (error: { code: string; message: string }) => {
      assert.ok(['invalid-settings', 'invalid-request'].includes(error.code), JSON.stringify(patch));
      assert.ok(error.message.length > 10);
      return true;
    });
  }
  // Two changes at once both land.
  const [, changed] = await Promise.all([
    h.core.handlers.updateSettings({ endpointTemplate: 'https://modelslab.com/api/v6/images/fetch/{id}' }),
    h.core.handlers.updateSettings({ concurrency: 8 }),
  ]);
  assert.deepEqual(changed, { ...defaults, endpointTemplate: 'https://modelslab.com/api/v6/images/fetch/{id}', concurrency: 8 });
  assert.deepEqual(await readdir(h.userDataDir), ['settings.json'], 'no temporary file is left behind');
  await h.restartCore();
  assert.deepEqual(await h.core.handlers.getSettings(undefined), changed);
});

test('an unreadable or newer settings file is set aside with a message, never lost', async () => {
  const h = await start();
  const settingsPath = join(h.userDataDir, 'settings.json');
  await writeFile(settingsPath, '{"version": 1, "settings": {"concurrency": ');
  await h.restartCore();
  assert.equal((await h.core.handlers.getSettings(undefined)).concurrency, 4);
  let files = await readdir(h.userDataDir);
  assert.equal(files.length, 1);
  assert.match(files[0]!, /^settings\.json\.unreadable-\d+$/);
  assert.match(h.logs.join('\n'), /settings could not be read/);

  await writeFile(settingsPath, JSON.stringify({ version: 99, settings: { concurrency: 9 } }));
  await h.restartCore();
  files = await readdir(h.userDataDir);
  assert.equal(files.filter((name) => name.startsWith('settings.json.unreadable-')).length, 2);
});

test('requests answer with a Result envelope; bad names and payloads get a code and a message', async () => {
  const h = await start();
  const log: string[] = [];
  assert.deepEqual(await dispatchRequest(h.core.handlers, 'getKeyStatus', undefined, (m) => log.push(m)), {
    ok: true,
    value: { isSet: true, lastFour: validTestKey.slice(-4), storedIn: 'keychain' },
  });
  assert.deepEqual(await dispatchRequest(h.core.handlers, 'readFile', '/etc/passwd', (m) => log.push(m)), {
    ok: false,
    error: { code: 'invalid-request', message: 'Unknown request.' },
  });
  assert.deepEqual(await dispatchRequest(h.core.handlers, 'addJobs', { sources: [{ name: null, text: 5 }] }, (m) => log.push(m)), {
    ok: false,
    error: { code: 'invalid-request', message: 'The dropped text must be text.' },
  });
  assert.deepEqual(await dispatchRequest(h.core.handlers, 'setKey', null, (m) => log.push(m)), {
    ok: false,
    error: { code: 'invalid-request', message: 'The key request must be an object.' },
  });
  assert.deepEqual(log, [], 'expected refusals are not logged as faults');
  assert.deepEqual(Object.keys(h.core.handlers).sort(), [...requestNames].sort(), 'one handler per request in the contract');
});

test('moving the endpoint to a new host needs a yes given outside the window', async () => {
  const asked: string[] = [];
  let answer = false;
  const h = await start({ core: { confirmEndpointHost: async (host) => (asked.push(host), answer) } });
  const original = (await h.core.handlers.getSettings(undefined)).endpointTemplate;

  await assert.rejects(h.core.handlers.updateSettings({ endpointTemplate: 'https://collector.example.net/fetch/{id}' }), {
    code: 'endpoint-not-confirmed',
    message: 'The endpoint was not changed: your key stays away from collector.example.net.',
  });
  assert.equal((await h.core.handlers.getSettings(undefined)).endpointTemplate, original);

  await h.core.handlers.updateSettings({ endpointTemplate: 'https://modelslab.com/api/v6/images/fetch/{id}' });
  await h.core.handlers.updateSettings({ endpointTemplate: 'https://modelslab.com/api/v3/fetch/{id}' });
  assert.deepEqual(asked, ['collector.example.net'], "ModelsLab's own hosts need no confirmation");

  answer = true;
  await h.core.handlers.updateSettings({ endpointTemplate: 'https://proxy.example.org/modelslab/{id}' });
  assert.equal((await h.core.handlers.getSettings(undefined)).endpointTemplate, 'https://proxy.example.org/modelslab/{id}');
});

test('an endpoint from the environment that would send the key in clear text is ignored, with a notice', async () => {
  const h = await start({ core: { defaultEndpointTemplate: 'http://example.com/fetch/{id}' } });
  assert.equal((await h.core.handlers.getSettings(undefined)).endpointTemplate, 'https://modelslab.com/api/v1/enterprise/flux_headshot/fetch/{id}');
  const notices = await h.core.handlers.listNotices(undefined);
  assert.match(notices.map((notice) => notice.message).join('\n'), /HEADSHOT_FETCHER_ENDPOINT was ignored: The endpoint must use https/);
  assert.deepEqual(
    h.events.filter((event) => event.event === 'notice').map((event) => event.payload),
    notices,
    'each notice is sent once as an event, with the id the list gives it',
  );
});

test('without a keychain the app still starts and says what is missing when the key is needed', async () => {
  // The same error keytar's wrapper throws when no Secret Service answers (see keychain.test.ts).
  const unavailable = () => Promise.reject(new KeychainUnavailableError('The system keychain is not available (no Secret Service).'));
  const h = await start({ core: { secretStore: { read: unavailable, write: unavailable, erase: unavailable } } });
  await assert.rejects(h.core.handlers.getKeyStatus(undefined), { code: 'keychain-unavailable', message: /keychain is not available/ });
  await assert.rejects(h.core.handlers.setKey({ key: validTestKey }), { code: 'keychain-unavailable' });
  assert.equal((await h.core.handlers.getQueueStatus(undefined)).pausedBecause, 'no-key');
});

test('without a keychain, a key given for this session only fetches, is never written, and is gone after a restart', async () => {
  let writes = 0;
  const unavailable = () => Promise.reject(new KeychainUnavailableError('The system keychain is not available (no Secret Service).'));
  const secretStore = { read: unavailable, write: () => ((writes += 1), unavailable()), erase: unavailable };
  const h = await start({ core: { secretStore }, scenarios: { '31': [{ answer: 'success', images: [{ serve: 'headshot-a.png' }] }] } });
  await assert.rejects(h.core.handlers.setKey({ key: validTestKey }), { code: 'keychain-unavailable' });
  assert.deepEqual(await h.core.handlers.setKey({ key: validTestKey, sessionOnly: true }), {
    isSet: true,
    lastFour: validTestKey.slice(-4),
    storedIn: 'session',
  });
  assert.equal(writes, 1, 'only the refused keychain write: the session key was not written');
  await h.addText('31');
  await h.waitForJob('31', 'ready');
  assert.ok(h.server.fetches.some((fetch) => fetch.id === '31' && fetch.keyWasValid), 'sent with the session key');
  assert.deepEqual(await h.core.handlers.getKeyStatus(undefined), { isSet: true, lastFour: validTestKey.slice(-4), storedIn: 'session' });
  assert.ok(!JSON.stringify(await readdir(h.userDataDir, { recursive: true })).includes('key'));
  for (const name of await readdir(h.userDataDir)) {
    if (name.endsWith('.json')) assert.ok(!holdsKey(await readFile(join(h.userDataDir, name), 'utf8')), `${name} holds the key`);
  }
  // Forgetting it asks nothing of the keychain that cannot answer.
  assert.deepEqual(await h.core.handlers.clearKey(undefined), { isSet: false, lastFour: null, storedIn: null });
  await h.core.handlers.setKey({ key: validTestKey, sessionOnly: true });
  await h.restartCore();
  await assert.rejects(h.core.handlers.getKeyStatus(undefined), { code: 'keychain-unavailable' });
  assert.equal((await h.core.handlers.getQueueStatus(undefined)).pausedBecause, 'no-key');
});

test('a big drop reaches the window as a first screenful, then messages of at most 10,000 jobs, all of them, in order', async () => {
  const h = await start({ withKey: false });
  const ids = Array.from({ length: 25_000 }, (_, index) => String(50_000_000 + index));
  await h.addText(ids.join('\n'));
  const messages = () => h.events.filter((event) => event.event === 'jobsUpdated').map((event) => event.payload as Array<{ id: string }>);
  await waitUntil(async () => messages().length, (count) => count >= 4, 5_000, 'the whole drop to be sent');
  assert.deepEqual(messages().map((views) => views.length), [200, 10_000, 10_000, 4_800]);
  assert.deepEqual(messages().flat().map((view) => view.id), ids);
});

test('a window opening reads a big list in pieces, a screenful first, all from the list as it was when the reading started', async () => {
  const h = await start({ withKey: false });
  const ids = Array.from({ length: 25_000 }, (_, index) => String(60_000_000 + index));
  await h.addText(ids.join('\n'));
  const first = await h.core.handlers.listJobPiece({ reading: null, from: 0 });
  assert.deepEqual([first.views.length, first.total], [200, 25_000]);
  // Removed while the window reads: the reading still has it (the window learns of the removal as an event).
  await h.core.handlers.removeJobs({ ids: [ids.at(-1)!] });
  const pieces = [first];
  for (let from = first.views.length; from < first.total; from += pieces.at(-1)!.views.length) pieces.push(await h.core.handlers.listJobPiece({ reading: first.reading, from }));
  assert.deepEqual(pieces.map((piece) => piece.views.length), [200, 10_000, 10_000, 4_800]);
  assert.deepEqual(pieces.flatMap((piece) => piece.views.map((view) => view.id)), ids);
  await assert.rejects(h.core.handlers.listJobPiece({ reading: first.reading, from: 0 }), { code: 'not-found' }, 'a reading read to its end is over');
  const next = await h.core.handlers.listJobPiece({ reading: null, from: 0 });
  assert.equal(next.total, 24_999, 'a new reading sees the list as it is now');
  await assert.rejects(h.core.handlers.listJobPiece({ reading: 'first', from: 0 } as never), { code: 'invalid-request' });
});

test('an endpoint changed in settings.json by hand asks before the key goes out, requests waiting; the yes is kept in the keychain beside the key', async () => {
  const elsewhere = await startFakeModelsLab({ validKey: validTestKey, scenarios: { '5101': [{ answer: 'success', images: [{ serve: 'headshot-a.png' }] }] } });
  elsewhere.setScenario('5102', [{ answer: 'success', images: [{ serve: 'headshot-b.jpg' }] }]);
  const host = new URL(elsewhere.origin).host;
  const asked: string[] = [];
  let answer: (yes: boolean) => void = () => undefined;
  try {
    const h = await start({ core: { confirmEndpointHost: (asking) => (asked.push(asking), new Promise((resolve) => (answer = resolve))) } });
    await writeFile(join(h.userDataDir, 'settings.json'), JSON.stringify({ version: 1, content: { endpointTemplate: elsewhere.endpointTemplate } }));
    await h.restartCore();
    await h.addText('5101');
    await waitUntil(async () => asked.length, (count) => count === 1, 5_000, 'the confirmation to be asked');
    assert.deepEqual(asked, [host]);
    assert.equal(elsewhere.fetches.length, 0, 'no request went out while the question was open');
    assert.equal(h.server.fetches.length, 0);

    // "No": the queue pauses, with the reason; nothing is sent; resuming asks again.
    answer(false);
    await waitUntil(() => h.core.handlers.getQueueStatus(undefined), (status) => status.pausedBecause === 'user', 5_000, 'the queue to pause');
    assert.match((await h.core.handlers.listNotices(undefined)).map((notice) => notice.message).join('\n'), new RegExp(`not sent to ${host}`));
    assert.equal(elsewhere.fetches.length, 0);
    await h.core.handlers.resumeQueue(undefined);
    await waitUntil(async () => asked.length, (count) => count === 2, 5_000, 'the question to be asked again');
    answer(true);
    await h.waitForJob('5101', 'ready');
    assert.equal(elsewhere.fetches.length, 1);
    assert.equal(await h.endpointHostStore.read(), host, 'the confirmed host is kept beside the key');

    // Kept across a restart: asked once, not at every start.
    await h.restartCore();
    await h.addText('5102');
    await h.waitForJob('5102', 'ready');
    assert.equal(asked.length, 2);
  } finally {
    await elsewhere.close();
  }
});

test('the trust list names ModelsLab\'s hosts exactly: a subdomain or look-alike is asked for', async () => {
  const asked: string[] = [];
  const h = await start({ core: { confirmEndpointHost: async (host) => (asked.push(host), false) } });
  await h.core.handlers.updateSettings({ endpointTemplate: 'https://modelslab.com/api/v6/images/fetch/{id}' });
  for (const template of ['https://files.modelslab.com/fetch/{id}', 'https://modelslab.com.example.net/fetch/{id}', 'https://modelslab.com:8443/fetch/{id}']) {
    await assert.rejects(h.core.handlers.updateSettings({ endpointTemplate: template }), { code: 'endpoint-not-confirmed' });
  }
  assert.deepEqual(asked, ['files.modelslab.com', 'modelslab.com.example.net', 'modelslab.com:8443']);
});

test('answers that echo the key, plain, JSON-escaped or URL-encoded, leave it in no job, file, log, event or notice', async () => {
  const escaped = jsonEscapedEveryCharacter(validTestKey);
  const encoded = urlEncodedKey();
  const json = (status: number, body: unknown): Step => ({ answer: 'raw', status, body: JSON.stringify(body).replace('ESCAPED', escaped), contentType: 'application/json' });
  const h = await start({
    scenarios: {
      '5201': [json(200, { status: 'error', message: `Invalid request for key ${validTestKey} (ESCAPED)` })],
      '5202': [{ answer: 'raw', status: 502, body: `<html>upstream said key=${encoded} or ${escaped} or ${validTestKey}</html>` }],
      '5203': [json(200, { status: 'queued-oddly', echo: `${validTestKey} ESCAPED` })],
      '5204': [{ answer: 'flood', megabytes: 12 }],
      '5205': [json(429, { status: 'error', message: `Rate limit exceeded for ${validTestKey} ESCAPED` }), { answer: 'success', images: [{ serve: 'headshot-a.png' }] }],
    },
  });
  assert.ok(holdsKey(escaped) && holdsKey(encoded), 'the check sees through both encodings');
  await h.addText('5201 5202 5203 5204 5205');
  for (const id of ['5201', '5202', '5203', '5204']) await h.waitForJob(id, 'failed');
  await h.waitForJob('5205', 'ready');
  const jobs = await h.jobs();
  assert.match(jobs.find((job) => job.id === '5201')?.message ?? '', /key \[key removed\] \(\[key removed\]\)/);
  assert.match(jobs.find((job) => job.id === '5202')?.message ?? '', /key=\[key removed\] or \[key removed\] or \[key removed\]/);
  assert.match(jobs.find((job) => job.id === '5204')?.message ?? '', /larger than 2 MB/);
  await h.restartCore(); // writes jobs.json

  const outputs: Record<string, string> = {
    jobs: JSON.stringify(jobs),
    'jobs.json': await readFile(join(h.userDataDir, 'jobs.json'), 'utf8'),
    events: JSON.stringify(h.events),
    logs: h.logs.join('\n'),
    notices: JSON.stringify(await h.core.handlers.listNotices(undefined)),
  };
  for (const [where, text] of Object.entries(outputs)) assert.ok(!holdsKey(text), `${where} holds the key: ${text.slice(0, 2000)}`);
  assert.ok(h.events.some((event) => event.event === 'queueStatus' && JSON.stringify(event.payload).includes('[key removed]')), 'the rate-limit notice was shown, redacted');
});

test('lists of IDs from the window are capped at 100,000 and every ID must follow the job-ID rule', async () => {
  const h = await start();
  const ids = (count: number) => Array.from({ length: count }, (_, index) => String(10_000_000 + index));
  assert.deepEqual(await h.core.handlers.removeJobs({ ids: ids(100_000) }), { removed: 0 });
  await assert.rejects(h.core.handlers.removeJobs({ ids: ids(100_001) }), { code: 'invalid-request', message: /At most 100,000 jobs/ });
  for (const bad of [['12', '../x'], ['0123'], ['1e5'], [''], ['123456789012345678901'], [12]]) {
    await assert.rejects(h.core.handlers.cancelJobs({ ids: bad }), { code: 'invalid-request', message: /job IDs/ }, JSON.stringify(bad));
    await assert.rejects(h.core.handlers.retryJobs({ ids: bad }), { code: 'invalid-request' }, JSON.stringify(bad));
  }
  await assert.rejects(h.core.handlers.showInFolder({ jobId: '../../etc/passwd' }), { code: 'invalid-request' });
  assert.deepEqual(await h.core.handlers.retryJobs({ ids: 'all-failed' }), { retried: 0 });
});
