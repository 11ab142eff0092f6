// What a packaged build holds, checked without Electron's binary: electron-builder's unpacked (--dir)
// target for Linux, built from a stand-in Electron folder whose "binary" carries Electron's fuse wire,
// so electron-builder flips the fuses in it as it would in the real one. Then app.asar is opened.
// Needs dist/ (npm test builds it first). Runs offline: every connection electron-builder's Node
// process opens to anything but this computer is refused and logged, and the log must stay empty.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { extractFile, listPackage } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { resolvedBuilderConfig } from '../support/builder-config';
import { makeTempDir } from '../support/core-harness';
import { onlyThisComputer } from '../support/cli-process';

const root = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);
const packageJson = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
  main: string;
  devDependencies: Record<string, string>;
};
const builderConfig = await resolvedBuilderConfig();
const electronVersion = (require('electron/package.json') as { version: string }).version;

// Electron's fuse wire: the sentinel, the wire's version (1), its length, then one byte per fuse
// ('0' off, '1' on). The stand-in starts with Electron's own defaults, the opposite of what
// electron-builder.yml asks for, so a fuse electron-builder did not flip reads back wrong.
const sentinel = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const electronDefaults = '10110001';

/** The config key in electron-builder.yml for each fuse of @electron/fuses. */
const fuseKeys: Record<string, FuseV1Options> = {
  runAsNode: FuseV1Options.RunAsNode,
  enableCookieEncryption: FuseV1Options.EnableCookieEncryption,
  enableNodeOptionsEnvironmentVariable: FuseV1Options.EnableNodeOptionsEnvironmentVariable,
  enableNodeCliInspectArguments: FuseV1Options.EnableNodeCliInspectArguments,
  enableEmbeddedAsarIntegrityValidation: FuseV1Options.EnableEmbeddedAsarIntegrityValidation,
  onlyLoadAppFromAsar: FuseV1Options.OnlyLoadAppFromAsar,
  loadBrowserProcessSpecificV8Snapshot: FuseV1Options.LoadBrowserProcessSpecificV8Snapshot,
  grantFileProtocolExtraPrivileges: FuseV1Options.GrantFileProtocolExtraPrivileges,
};

let work: string;
let appDir: string;
let asarPath: string;
let files: string[];

before(async () => {
  assert.ok(existsSync(join(root, packageJson.main)), 'Build first (node scripts/build.mjs): the package check packs dist/.');
  work = await makeTempDir('headshot-fetcher-package-');
  const electronDist = join(work, 'electron');
  await mkdir(join(electronDist, 'resources'), { recursive: true });
  const wire = Buffer.concat([
    Buffer.from('stand-in for the Electron binary\n'),
    Buffer.from(sentinel),
    Buffer.from([1, electronDefaults.length]),
    Buffer.from(electronDefaults),
    Buffer.from('\n'),
  ]);
  await writeFile(join(electronDist, 'electron'), wire, { mode: 0o755 });
  await writeFile(join(electronDist, 'LICENSE'), 'stand-in\n');
  await writeFile(join(electronDist, 'version'), electronVersion);

  const outsideLog = join(work, 'outside.log');
  await writeFile(outsideLog, '');
  const output = join(work, 'out');
  const { code, log } = await run(process.execPath, [
    '--import', onlyThisComputer,
    require.resolve('electron-builder/cli.js'),
    '--linux', 'dir', '--x64',
    '--config', 'electron-builder.yml',
    `-c.electronDist=${electronDist}`,
    `-c.electronVersion=${electronVersion}`,
    `-c.directories.output=${output}`,
    // Rebuilding keytar against Electron's headers would download them; the check is about what ships.
    '-c.npmRebuild=false',
    '--publish', 'never',
  ], { HEADSHOT_FETCHER_TEST_OUTSIDE_LOG: outsideLog, ELECTRON_SKIP_BINARY_DOWNLOAD: '1', CSC_IDENTITY_AUTO_DISCOVERY: 'false' });
  assert.equal(code, 0, `electron-builder --dir failed:\n${log}`);
  assert.equal(await readFile(outsideLog, 'utf8'), '', 'electron-builder tried to reach another computer');
  appDir = join(output, 'linux-unpacked');
  asarPath = join(appDir, 'resources', 'app.asar');
  files = listPackage(asarPath, { isPack: false }).map((path) => path.replaceAll('\\', '/'));
});

after(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

function run(command: string, args: string[], env: Record<string, string>): Promise<{ code: number; log: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (chunk) => (log += chunk));
    child.stderr.on('data', (chunk) => (log += chunk));
    child.on('close', (code) => resolve({ code: code ?? 1, log }));
  });
}

const ours = () => files.filter((path) => !path.startsWith('/node_modules'));

test('the archive holds the entry points the app starts from', () => {
  for (const entry of ['/package.json', `/${packageJson.main}`, '/dist/preload/preload.js', '/dist/renderer/index.html', '/dist/package.json']) {
    assert.ok(files.includes(entry), `${entry} is missing from app.asar`);
  }
  const shipped = JSON.parse(extractFile(asarPath, 'package.json').toString('utf8')) as { main: string };
  assert.equal(shipped.main, packageJson.main);
  assert.ok(files.includes(`/${shipped.main}`), 'package.json names a main that is not in the archive');
});

test('no sources, tests, source maps or project files ship', () => {
  const leaks = ours().filter((path) =>
    /\.(ts|mts|cts|svelte|map)$/.test(path) ||
    /^\/(test|main|preload|renderer|scripts|docs|release)(\/|$)/.test(path) ||
    /^\/(tsconfig\.json|electron-builder\.yml|package-lock\.json|README\.md)$/.test(path),
  );
  assert.deepEqual(leaks, []);
  // Everything of ours is under dist/ (the built app), plus package.json and what build/ ships.
  assert.deepEqual(ours().filter((path) => !/^\/(dist|build)(\/|$)/.test(path) && path !== '/package.json'), []);
});

test('no development dependency ships', () => {
  const shippedPackages = new Set(files.map((path) => /^\/node_modules\/((@[^/]+\/)?[^/]+)/.exec(path)?.[1]).filter(Boolean));
  assert.ok(shippedPackages.has('keytar'), 'keytar, the one runtime module, is missing');
  const dev = Object.keys(packageJson.devDependencies).filter((name) => shippedPackages.has(name));
  assert.deepEqual(dev, []);
  for (const name of ['electron', 'electron-builder', 'svelte', 'vite', 'esbuild', 'typescript', 'undici']) {
    assert.ok(!shippedPackages.has(name), `${name} ships in app.asar`);
  }
});

test("keytar's native module is unpacked beside the archive, where it can be loaded", () => {
  const nativeInArchive = files.filter((path) => path.endsWith('.node'));
  assert.ok(nativeInArchive.length > 0);
  for (const path of nativeInArchive) {
    assert.ok(existsSync(join(appDir, 'resources', 'app.asar.unpacked', path)), `${path} is not in app.asar.unpacked`);
  }
  assert.ok(existsSync(join(appDir, 'resources', 'app.asar.unpacked', 'node_modules', 'keytar', 'build', 'Release', 'keytar.node')));
});

test('the fuses read back from the packaged binary as electron-builder.yml sets them', async () => {
  const wire = await getCurrentFuseWire(join(appDir, 'headshot-fetcher'));
  const configured = Object.entries(builderConfig.electronFuses ?? {}).filter(([key]) => key !== 'strictlyRequireAllFuses' && key !== 'resetAdHocDarwinSignature');
  assert.ok(configured.length >= 7);
  for (const [key, wanted] of configured) {
    const index = fuseKeys[key];
    if (index === undefined) assert.fail(`unknown fuse ${key} in electron-builder.yml`);
    assert.equal(wire[index], (wanted ? '1' : '0').charCodeAt(0), `fuse ${key} should be ${wanted ? 'on' : 'off'}`);
  }
  // The one that matters most for the keychain: the app cannot be run as plain Node.
  assert.equal(wire[FuseV1Options.RunAsNode], '0'.charCodeAt(0));
});

test("the window's icon ships in the archive: the product's own, 1024 pixels square", () => {
  assert.ok(files.includes('/build/icon.png'), 'build/icon.png is missing from app.asar');
  const shipped = extractFile(asarPath, 'build/icon.png');
  assert.deepEqual(shipped, readFileSync(join(root, 'build/icon.png')), "the archive's icon is not build/icon.png");
  assert.equal(shipped.readUInt32BE(16), 1024);
  assert.equal(shipped.readUInt32BE(20), 1024);
  // Only the icon from build/: not its sources or the other platforms' files.
  assert.deepEqual(files.filter((path) => path.startsWith('/build/')), ['/build/icon.png']);
});
