#!/usr/bin/env node
// Runs the test suites and ends with one line: "total: N passed, N failed, N skipped".
//   node test/run-suites.mjs [node] [browser] [electron]    (all three when none is named)
//   node test/run-suites.mjs screenshots                     (writes docs/screenshots/)
// On Linux the run gets a private Secret Service (GNOME Keyring in its own D-Bus session), so the
// keychain tests use a real keychain without touching the user's own.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary } from './support/electron-binary.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const allSuites = ['node', 'browser', 'electron'];
// Run only when named: renders the README's pictures.
const extraSuites = ['screenshots'];
const chosen = process.argv.slice(2);
const unknown = chosen.filter((name) => !allSuites.includes(name) && !extraSuites.includes(name));
if (unknown.length > 0) {
  console.error(`Unknown suite ${unknown.join(', ')}; the suites are ${allSuites.join(', ')}.`);
  process.exit(2);
}
const suites = chosen.length > 0 ? chosen : allSuites;

const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

if (process.platform === 'linux' && !process.env.HEADSHOT_FETCHER_TEST_KEYRING) {
  if (!has('dbus-run-session') || !has('gnome-keyring-daemon')) {
    console.error('The keychain tests need a Secret Service: install dbus and gnome-keyring (apt-get install dbus-x11 gnome-keyring).');
    process.exit(1);
  }
  const child = spawn('dbus-run-session', ['--', process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, HEADSHOT_FETCHER_TEST_KEYRING: 'private' },
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  if (process.env.HEADSHOT_FETCHER_TEST_KEYRING === 'private') startPrivateKeyring();
  process.exit(await runSuites());
}

function startPrivateKeyring() {
  // The keyring files live in a temp folder, so the user's own keyrings are never opened, and the
  // password only unlocks a keyring that lives and dies with this D-Bus session.
  const keyringHome = mkdtempSync(join(tmpdir(), 'headshot-fetcher-keyring-'));
  const started = spawnSync('gnome-keyring-daemon', ['--unlock', '--components=secrets'], {
    input: 'headshot-fetcher-tests',
    encoding: 'utf8',
    env: { ...process.env, XDG_DATA_HOME: keyringHome },
  });
  for (const line of started.stdout.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line);
    if (match) process.env[match[1]] = match[2];
  }
}

/** Runs a command with its output shown as it comes; resolves with its exit code and stdout. */
function run(command, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      output += chunk;
    });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

function testFiles(folder) {
  const dir = join(root, 'test', folder);
  return readdirSync(dir).filter((name) => name.endsWith('.test.ts')).map((name) => join('test', folder, name));
}

/** The counts a `node --test --test-reporter=spec` run closes with ("ℹ pass 77"). */
function nodeCounts(code, output) {
  const count = (name) => Number(new RegExp(`^ℹ ${name} (\\d+)$`, 'm').exec(output)?.[1] ?? 0);
  const counts = { passed: count('pass'), failed: count('fail') + count('cancelled'), skipped: count('skipped') + count('todo') };
  if (code !== 0 && counts.failed === 0) counts.failed = 1;
  return counts;
}

/**
 * Files whose report the runner itself could not read: Node 20's runner now and then fails to
 * decode a test file's messages ("Unable to deserialize cloned data", nodejs/node#48103), which
 * says nothing of the tests in it.
 */
function unreadableReports(output) {
  const pattern = /^✖ (\S+\.test\.ts) \([\d.]+ms\)\n\s+Error: Unable to deserialize cloned data/gm;
  return [...new Set([...output.matchAll(pattern)].map((match) => relative(root, match[1])))];
}

async function runNodeSuite() {
  const args = ['--import', 'tsx', '--test', '--test-reporter=spec'];
  const { code, output } = await run(process.execPath, [...args, ...testFiles('unit'), ...testFiles('integration')]);
  const counts = nodeCounts(code, output);
  const unreadable = unreadableReports(output);
  // Each such file counted one failure (its report), not its tests': it runs again, alone, and its own result stands.
  if (unreadable.length > 0 && counts.failed === unreadable.length) {
    console.log(`\nThe test runner could not read the report of ${unreadable.join(', ')} (a Node 20 runner fault, not a test's): running again, alone.`);
    const again = await run(process.execPath, [...args, ...unreadable]);
    const rerun = nodeCounts(again.code, again.output);
    console.log(`Run again: ${rerun.passed} passed, ${rerun.failed} failed, ${rerun.skipped} skipped.`);
    counts.failed = rerun.failed;
  }
  return counts;
}

async function runPlaywrightSuite(project) {
  const reportFile = join(root, 'test-results', `${project}.json`);
  rmSync(reportFile, { force: true });
  const args = ['test', '--config', 'test/playwright.config.ts', '--project', project, '--reporter', 'list,json'];
  const env = { PLAYWRIGHT_JSON_OUTPUT_NAME: reportFile };
  const needsDisplay = project === 'electron' && process.platform === 'linux' && !process.env.DISPLAY && has('xvfb-run');
  const playwright = join(root, 'node_modules', '.bin', 'playwright');
  const { code } = needsDisplay ? await run('xvfb-run', ['-a', playwright, ...args], env) : await run(playwright, args, env);
  const stats = existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, 'utf8')).stats : null;
  const counts = { passed: (stats?.expected ?? 0) + (stats?.flaky ?? 0), failed: stats?.unexpected ?? 0, skipped: stats?.skipped ?? 0 };
  if (code !== 0 && counts.failed === 0) counts.failed = 1;
  return counts;
}

async function runSuites() {
  mkdirSync(join(root, 'test-results'), { recursive: true });
  const totals = { passed: 0, failed: 0, skipped: 0 };
  for (const suite of suites) {
    console.log(`\n=== ${suite} suite ===`);
    if (suite === 'electron' && !electronBinary()) {
      console.log('Electron suite skipped: the Electron binary is not installed here (npm was run with ELECTRON_SKIP_BINARY_DOWNLOAD=1).');
    }
    const counts = suite === 'node' ? await runNodeSuite() : await runPlaywrightSuite(suite);
    // A suite that ran nothing has not passed: only the Electron suite may be all skipped.
    if (counts.passed + counts.failed === 0 && !(suite === 'electron' && counts.skipped > 0)) {
      console.log(`${suite}: no test ran, which counts as a failure.`);
      counts.failed += 1;
    }
    console.log(`${suite}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
    for (const key of Object.keys(totals)) totals[key] += counts[key];
  }
  console.log(`\ntotal: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  return totals.failed > 0 ? 1 : 0;
}
