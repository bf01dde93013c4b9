import { defineConfig } from '@playwright/test';
import { electronAvailable } from './test/e2e/electron-available';

// One e2e suite, two projects: `web` drives Debian's Chromium against the web host and runs everywhere;
// `electron` launches the desktop app under Xvfb where the Electron binary exists, and is skipped otherwise.
export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results/playwright',
  timeout: 180_000,
  workers: 1,
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  use: {
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
    viewport: { width: 1440, height: 900 },
  },
  projects: [
    { name: 'web', testMatch: /.*\.spec\.ts/, testIgnore: /electron\.spec\.ts/ },
    { name: 'electron', testMatch: /electron\.spec\.ts/, metadata: { electron: electronAvailable() } },
  ],
});
