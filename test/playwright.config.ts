import { defineConfig } from '@playwright/test';
import { chromiumExecutable } from './support/chromium';

export default defineConfig({
  testDir: '.',
  outputDir: '../test-results',
  fullyParallel: true,
  workers: process.env.CI ? 2 : undefined,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: '../test-results/playwright-report.json' }]],
  projects: [
    {
      name: 'browser',
      testDir: './browser',
      use: {
        viewport: { width: 1100, height: 760 },
        launchOptions: {
          executablePath: chromiumExecutable(),
          // The machine's network is closed: keep Chromium from trying to phone home at start.
          args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
        },
      },
    },
    { name: 'electron', testDir: './electron' },
  ],
});
