// The command line as the npm registry would carry it (`npm install -g headshot-fetcher`): the
// tarball `npm pack` makes holds the built CLI and nothing of the sources, and the CLI runs from the
// unpacked tarball with keytar as the only module beside it. Needs dist/ (npm test builds it first).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, symlinkSync, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { projectRoot } from '../support/builder-config';
import { makeTempDir } from '../support/core-harness';

type PackedFile = { path: string; mode: number };
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const packageJson = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
  name: string;
  private?: boolean;
  bin: Record<string, string>;
  engines: { node: string };
  dependencies: Record<string, string>;
  scripts: Record<string, string>;
};

let work: string;
let packed: string[];
let unpacked: string;

before(async () => {
  work = await makeTempDir('headshot-fetcher-npm-');
  // --ignore-scripts: packing must not rebuild; the suite's build is what is packed.
  const result = spawnSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: projectRoot, encoding: 'utf8', shell: process.platform === 'win32' });
  assert.equal(result.status, 0, result.stderr);
  const [info] = JSON.parse(result.stdout) as [{ filename: string; files: PackedFile[] }];
  packed = info.files.map((file) => file.path).sort();
  const untar = spawnSync('tar', ['-xzf', join(work, info.filename), '-C', work], { encoding: 'utf8' });
  assert.equal(untar.status, 0, untar.stderr);
  unpacked = join(work, 'package');
});

after(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

test('the package can be published: not private, with a command, an engine range and a build before publishing', () => {
  assert.equal(packageJson.name, 'headshot-fetcher');
  assert.notEqual(packageJson.private, true);
  assert.deepEqual(packageJson.bin, { 'headshot-fetcher': 'dist/cli/headshot-fetcher.js' });
  assert.match(packageJson.engines.node, /^>=\d+/);
  assert.match(packageJson.scripts.prepublishOnly ?? '', /scripts\/build\.mjs/);
  // undici and the rest are bundled into dist/cli by esbuild; keytar is a native addon and cannot be.
  assert.deepEqual(Object.keys(packageJson.dependencies), ['keytar']);
});

test('the tarball holds the built command line and no sources, tests or source maps', () => {
  for (const file of ['package.json', 'README.md', 'LICENSE', 'dist/cli/headshot-fetcher.js', 'dist/package.json']) {
    assert.ok(packed.includes(file), `${file} is not in the tarball`);
  }
  const leaks = packed.filter((path) =>
    /\.(ts|mts|cts|svelte|map)$/.test(path) || /^(test|main|preload|renderer|scripts|build|docs|\.ci)\//.test(path) || path.startsWith('dist/renderer/'),
  );
  assert.deepEqual(leaks, []);
  // dist/main/main.js is the desktop app's entry (package.json "main"), which npm always packs.
  assert.deepEqual(packed.filter((path) => !['package.json', 'README.md', 'LICENSE', 'dist/cli/headshot-fetcher.js', 'dist/package.json', 'dist/main/main.js'].includes(path)), []);
});

test('the command runs from the unpacked tarball with only keytar installed beside it', () => {
  mkdirSync(join(unpacked, 'node_modules'));
  symlinkSync(join(projectRoot, 'node_modules', 'keytar'), join(unpacked, 'node_modules', 'keytar'), 'junction');
  const bin = join(unpacked, packageJson.bin['headshot-fetcher'] ?? 'no bin');
  assert.match(readFileSync(bin, 'utf8').split('\n')[0] ?? '', /^#!\/usr\/bin\/env node$/);
  const run = spawnSync(process.execPath, [bin, '--help'], { cwd: work, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /headshot-fetcher fetch/);
});
