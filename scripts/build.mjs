// Builds the parts: the renderer with Vite; main, the sandboxed preload and the command line with esbuild.
import { build as buildWithEsbuild } from 'esbuild';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { build as buildWithVite } from 'vite';

const nodeBundle = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // keytar is a native addon: it stays in node_modules and electron-builder ships it. The rest
  // (undici, electron-updater) is bundled, so keytar stays the one runtime dependency.
  external: ['electron', 'keytar'],
  // import('keytar') becomes require('keytar'): plain CommonJS loading, also from inside the asar.
  supported: { 'dynamic-import': false },
};

await rm('dist', { recursive: true, force: true });
await Promise.all([
  buildWithVite({ configFile: 'renderer/vite.config.ts', logLevel: 'warn' }),
  buildWithEsbuild({ ...nodeBundle, entryPoints: ['main/main.ts'], outfile: 'dist/main/main.js' }),
  // A sandboxed preload may only require 'electron', so everything else is bundled in.
  buildWithEsbuild({ ...nodeBundle, entryPoints: ['preload/preload.ts'], outfile: 'dist/preload/preload.js' }),
  // The command line: the same core under plain Node.
  buildWithEsbuild({ ...nodeBundle, entryPoints: ['main/cli/headshot-fetcher.ts'], outfile: 'dist/cli/headshot-fetcher.js', banner: { js: '#!/usr/bin/env node' } }),
]);
await chmod('dist/cli/headshot-fetcher.js', 0o755);
// The project is ESM; the Electron bundles are CommonJS, which this marker tells Node and Electron.
await mkdir('dist', { recursive: true });
await writeFile('dist/package.json', JSON.stringify({ type: 'commonjs' }) + '\n');
console.log('Built dist/renderer, dist/main, dist/preload and dist/cli.');
