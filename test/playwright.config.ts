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
    { name: 'browser', testDir: './browser', use: chromiumUse() },
    { name: 'electron', testDir: './electron' },
    { name: 'screenshots', testDir: './screenshots', use: chromiumUse() },
  ],
});

function chromiumUse() {
  return {
    viewport: { width: 1100, height: 760 },
    launchOptions: {
      executablePath: chromiumExecutable(),
      // Keep Chromium from phoning home at start: CI's network is closed.
      args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  };
}
