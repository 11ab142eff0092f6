import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCommandLine, usage, UsageError } from '../../main/cli/arguments';

test('fetch: defaults, and every option read into its setting', () => {
  assert.deepEqual(parseCommandLine(['fetch', '12', '13', '--out', 'dir']), {
    command: 'fetch',
    ids: ['12', '13'],
    idsFiles: [],
    out: 'dir',
    endpointTemplate: null,
    concurrency: 4,
    saveLayout: 'flat',
    fileNameTemplate: '{id}-{n}.{ext}',
    conflictPolicy: 'rename',
    pollDeadlineSeconds: 1800,
    offlineWaitSeconds: 1800,
    timeoutSeconds: null,
    allowPrivateNetwork: false,
    json: false,
    quiet: false,
  });
  const every = parseCommandLine([
    'fetch', '--ids-file', 'a.csv', '--ids-file=b.txt', '--out=dir', '--endpoint', 'https://example.com/f/{id}', '--concurrency', '8',
    '--layout', 'per-job', '--name', '{n}', '--on-conflict', 'skip', '--poll-deadline', '60', '--timeout', '5', '--allow-private-network', '--json', '--quiet', '--offline-wait', '90', '--', '14',
  ]);
  assert.deepEqual(every, {
    command: 'fetch', ids: ['14'], idsFiles: ['a.csv', 'b.txt'], out: 'dir', endpointTemplate: 'https://example.com/f/{id}', concurrency: 8,
    saveLayout: 'per-job', fileNameTemplate: '{n}', conflictPolicy: 'skip', pollDeadlineSeconds: 60, offlineWaitSeconds: 90, timeoutSeconds: 5, allowPrivateNetwork: true, json: true, quiet: true,
  });
  // The wait for an unreachable ModelsLab follows the poll deadline unless it is given.
  assert.equal((parseCommandLine(['fetch', '1', '--out', 'd', '--poll-deadline', '300']) as { offlineWaitSeconds: number }).offlineWaitSeconds, 300);
});

test('--help or -h anywhere asks for the help, not a usage error', () => {
  for (const argv of [[], ['help'], ['--help'], ['-h'], ['fetch', '--help'], ['fetch', '12', '--out', 'dir', '-h'], ['key', '--help'], ['key', 'set', '-h']]) {
    assert.deepEqual(parseCommandLine(argv), { command: 'help' }, argv.join(' '));
  }
});

test('the help names every exit status and what leads to it', () => {
  const statuses = usage.slice(usage.indexOf('Exit status:')).replace(/\s+/g, ' ');
  for (const said of [/0 every job saved/, /1 a job failed/, /2 usage error/, /3 API key missing or rejected, or the account refused \(no credits, HTTP 402; plan or permission, HTTP 403\)/, /4 could not reach ModelsLab/, /130 or 143/, /141/]) {
    assert.match(statuses, said);
  }
});

test('numbers are whole and in range; choices are checked; the key is never an argument', () => {
  const refused: Array<[string[], RegExp]> = [
    [['fetch', '1', '--out', 'd', '--concurrency', '33'], /from 1 to 32/],
    [['fetch', '1', '--out', 'd', '--concurrency', '2.5'], /whole number/],
    [['fetch', '1', '--out', 'd', '--offline-wait', 'soon'], /--offline-wait must be a whole number/],
    [['fetch', '1', '--out', 'd', '--timeout', '0'], /--timeout must be a whole number from 1/],
    [['fetch', '1', '--out', 'd', '--poll-deadline', '-1'], /--poll-deadline/],
    [['fetch', '1', '--out', 'd', '--on-conflict', 'merge'], /skip, overwrite, rename/],
    [['fetch', '1', '--out', 'd', '--json=yes'], /does not take an argument/],
    [['fetch', '1', '--out'], /argument missing/],
    [['key', 'set', 'sk-123'], /never shows in your shell history/],
    [['key'], /key set/],
  ];
  for (const [argv, message] of refused) assert.throws(() => parseCommandLine(argv), (error: unknown) => error instanceof UsageError && message.test(error.message), argv.join(' '));
});
