import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { contentSecurityPolicy } from '../preload/shared/content-security-policy.ts';

const rendererRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: rendererRoot,
  base: './',
  plugins: [
    svelte(),
    {
      name: 'content-security-policy',
      transformIndexHtml: (html) => html.replace('%CONTENT_SECURITY_POLICY%', contentSecurityPolicy),
    },
  ],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome120',
    // Inline assets would need data: in more CSP directives; files keep the policy tight.
    assetsInlineLimit: 0,
    // Readable function names in a CPU profile (`npm run bench:window` with BENCH_PROFILE=1).
    minify: process.env.HEADSHOT_FETCHER_NO_MINIFY === '1' ? false : 'esbuild',
  },
});
