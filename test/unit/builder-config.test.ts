// electron-builder.yml as electron-builder resolves it: the packages each system gets, their
// architectures, the Linux dependencies, the macOS hardened runtime, the fuses and the signing notice.
// Only the unpacked target can be built here (test/integration/package.test.ts), so this is where the
// other targets are held to what the README promises.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { Configuration, TargetConfiguration } from 'app-builder-lib';
import { projectRoot, resolvedBuilderConfig } from '../support/builder-config';

const require = createRequire(import.meta.url);
const { signingNotice } = require('../../scripts/signing-notice.cjs') as {
  signingNotice: (platform: string, env: Record<string, string | undefined>) => string | null;
};
/** electron-builder's own default package dependencies, from the installed version. */
const { default: FpmTarget } = require('app-builder-lib/out/targets/FpmTarget.js') as {
  default: { prototype: { getDefaultDepends(target: string): string[] } };
};
const defaultDepends = (target: 'deb' | 'rpm') => FpmTarget.prototype.getDefaultDepends.call(null, target);

let config: Configuration;
before(async () => {
  config = await resolvedBuilderConfig();
});

/** target name → its architectures, as the platform's `target` list says. */
function targets(list: unknown): Record<string, string[]> {
  const entries = (Array.isArray(list) ? list : [list]) as Array<string | TargetConfiguration>;
  return Object.fromEntries(entries.map((entry) =>
    typeof entry === 'string' ? [entry, []] : [entry.target, [entry.arch ?? []].flat().map(String)],
  ));
}

test('Linux gets an AppImage, a deb and an rpm', () => {
  assert.deepEqual(targets(config.linux?.target), { AppImage: ['x64'], deb: ['x64'], rpm: ['x64'] });
  assert.match(config.linux?.maintainer ?? '', /<.+@.+>/, 'a deb needs a maintainer with an email address');
});

test("the deb keeps every default dependency, libsecret among them (setting depends replaces the default list)", () => {
  const depends = config.deb?.depends ?? [];
  assert.ok(depends.includes('libsecret-1-0'), 'keytar stores the key through libsecret');
  const lost = defaultDepends('deb').filter((name) => !depends.includes(name));
  assert.deepEqual(lost, [], 'the deb lost some of electron-builder\'s default dependencies');
});

test('the rpm keeps the default dependencies and adds libsecret', () => {
  const depends = config.rpm?.depends ?? [];
  assert.ok(depends.includes('libsecret'));
  assert.deepEqual(defaultDepends('rpm').filter((name) => !depends.includes(name)), []);
});

test('macOS gets a dmg and a zip, each for Intel and Apple silicon, with the hardened runtime', () => {
  assert.deepEqual(targets(config.mac?.target), { dmg: ['x64', 'arm64'], zip: ['x64', 'arm64'] });
  assert.equal(config.mac?.hardenedRuntime, true);
  for (const file of [config.mac?.entitlements, config.mac?.entitlementsInherit]) {
    assert.ok(file && existsSync(join(projectRoot, file)), `entitlements ${file} missing`);
    const plist = readFileSync(join(projectRoot, file), 'utf8');
    assert.match(plist, /<key>com\.apple\.security\.cs\.allow-jit<\/key>\s*<true\/>/);
    // Nothing beyond what Electron needs under the hardened runtime.
    assert.deepEqual([...plist.matchAll(/<key>([^<]+)<\/key>/g)].map((match) => match[1]), ['com.apple.security.cs.allow-jit']);
  }
});

test('Windows gets an NSIS installer for x64 and arm64 that asks where to install', () => {
  assert.deepEqual(targets(config.win?.target), { nsis: ['x64', 'arm64'] });
  assert.equal(config.nsis?.oneClick, false);
});

test('the fuses close running as Node, NODE_OPTIONS, --inspect and code from outside the archive', () => {
  assert.deepEqual(config.electronFuses, {
    runAsNode: false,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    onlyLoadAppFromAsar: true,
    enableEmbeddedAsarIntegrityValidation: true,
    enableCookieEncryption: true,
    grantFileProtocolExtraPrivileges: false,
  });
  assert.deepEqual(config.asarUnpack, ['**/*.node']);
});

test('a build without signing secrets says so in one line naming the variables; with them it is quiet', () => {
  assert.equal(config.beforePack, 'scripts/signing-notice.cjs');
  assert.ok(existsSync(join(projectRoot, 'scripts/signing-notice.cjs')));

  const mac = signingNotice('darwin', {});
  assert.ok(mac && !mac.includes('\n'));
  assert.match(mac, /not signed/);
  assert.match(mac, /CSC_LINK/);
  assert.match(mac, /not notarized/);
  assert.match(mac, /APPLE_ID/);
  assert.match(signingNotice('darwin', { CSC_LINK: 'cert.p12' }) ?? '', /^Signing: this macOS build is not notarized/);
  assert.equal(signingNotice('darwin', { CSC_LINK: 'cert.p12', APPLE_ID: 'a@b.c' }), null);
  assert.equal(signingNotice('darwin', { CSC_LINK: 'cert.p12', APPLE_API_KEY: 'key.p8' }), null);

  const win = signingNotice('win32', {});
  assert.ok(win && !win.includes('\n'));
  assert.match(win, /not signed/);
  assert.match(win, /WIN_CSC_LINK/);
  assert.equal(signingNotice('win32', { WIN_CSC_LINK: 'cert.pfx' }), null);
  assert.equal(signingNotice('win32', { CSC_LINK: 'cert.pfx' }), null);
  // An empty variable (an unset CI secret) is not a certificate.
  assert.notEqual(signingNotice('win32', { WIN_CSC_LINK: '' }), null);

  assert.equal(signingNotice('linux', {}), null);
});

const jobIdListExtensions = ['txt', 'csv', 'tsv', 'json', 'jsonl'];

test('"Open with" offers the app for job ID lists on macOS, ranked Alternate so it never becomes their default', () => {
  const associations = config.mac?.fileAssociations;
  assert.ok(Array.isArray(associations) && associations.length > 0, 'macOS has file associations');
  assert.deepEqual(associations.flatMap((association) => [association.ext].flat()).sort(), [...jobIdListExtensions].sort());
  for (const association of associations) assert.equal(association.rank, 'Alternate');
  // Anywhere else electron-builder would register the app as the default (NSIS) or install mime definitions (Linux).
  for (const [where, value] of Object.entries({ top: config.fileAssociations, linux: config.linux?.fileAssociations, win: config.win?.fileAssociations, nsis: config.nsis })) {
    const list = where === 'nsis' ? (value as { fileAssociations?: unknown } | undefined)?.fileAssociations : value;
    assert.ok(list === undefined || (Array.isArray(list) && list.length === 0), `no fileAssociations at ${where}`);
  }
});

test('"Open with" on Linux is the MimeType line of the .desktop file', () => {
  assert.deepEqual([...(config.linux?.mimeTypes ?? [])].sort(), ['application/json', 'text/csv', 'text/plain', 'text/tab-separated-values']);
});

test('"Open with" on Windows goes through OpenWithProgids only, and the uninstaller takes back what the installer wrote', () => {
  const include = config.nsis?.include;
  assert.ok(include, 'the NSIS installer has an include');
  const script = readFileSync(join(projectRoot, include), 'utf8');
  const macro = (name: string) => {
    const match = new RegExp(`!macro ${name}\\n([\\s\\S]*?)!macroend`).exec(script);
    assert.ok(match, `the include defines ${name}`);
    return match[1] ?? '';
  };
  const install = macro('customInstall');
  const uninstall = macro('customUnInstall');
  const openWith = [...install.matchAll(/headshotFetcherOpenWith (\w+)/g)].map((match) => match[1]);
  const takenBack = [...uninstall.matchAll(/headshotFetcherNoOpenWith (\w+)/g)].map((match) => match[1]);
  assert.deepEqual(openWith.sort(), [...jobIdListExtensions].sort());
  assert.deepEqual(takenBack.sort(), [...jobIdListExtensions].sort());
  assert.match(macro('headshotFetcherOpenWith EXT'), /WriteRegStr SHELL_CONTEXT "Software\\Classes\\\.\$\{EXT\}\\OpenWithProgids" "\$\{HEADSHOT_FETCHER_PROGID\}" ""/);
  assert.match(macro('headshotFetcherNoOpenWith EXT'), /DeleteRegValue SHELL_CONTEXT "Software\\Classes\\\.\$\{EXT\}\\OpenWithProgids" "\$\{HEADSHOT_FETCHER_PROGID\}"/);
  // An extension's own default value (its default program) is never written.
  assert.doesNotMatch(script, /WriteRegStr SHELL_CONTEXT "Software\\Classes\\\.[^"\\]*" ""/);
  assert.match(install, /\\shell\\open\\command" "" '"\$appExe" "%1"'/, 'the ProgID opens the file with the app, which reads it as a drop');
  assert.match(uninstall, /DeleteRegKey SHELL_CONTEXT "Software\\Classes\\\$\{HEADSHOT_FETCHER_PROGID\}"/);
});
