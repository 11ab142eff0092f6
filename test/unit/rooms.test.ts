// The house's rooms, checked: rules every process shares live in preload/shared and import nothing
// outside it, and no process reaches into another's room for them.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const importPattern = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/g;

function sourceFiles(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.(ts|svelte)$/.test(name))
    .map((name) => join(folder, name));
}

/** Each import of a file, as a path from the repository's root (or the package name). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(importPattern)].map(([, specifier]) =>
    specifier!.startsWith('.') ? relative(root, resolve(root, dirname(file), specifier!)) : specifier!,
  );
}

test('the shared rules import nothing outside preload/shared, and use no Node, Electron or DOM', () => {
  const files = sourceFiles('preload/shared');
  assert.ok(files.length >= 6, 'the shared rules are where this test looks');
  for (const file of files) {
    for (const imported of importsOf(file)) assert.ok(imported.startsWith('preload/shared/'), `${file} imports ${imported}`);
    const code = readFileSync(join(root, file), 'utf8').replace(/\/\/.*|\/\*[\s\S]*?\*\//g, '');
    assert.doesNotMatch(code, /\b(document|window|process|require|Buffer|navigator)\b/, `${file} reaches for a runtime`);
  }
});

test('no process reaches into another\'s room: the window never imports main, main never imports the window', () => {
  for (const file of sourceFiles('renderer/src')) {
    for (const imported of importsOf(file)) assert.ok(!imported.startsWith('main/'), `${file} imports ${imported}`);
  }
  for (const file of [...sourceFiles('main'), ...sourceFiles('preload')]) {
    for (const imported of importsOf(file)) assert.ok(!imported.startsWith('renderer/'), `${file} imports ${imported}`);
  }
});
