// E2E: browser mode in Debian's Chromium by default; E2E_TARGET=electron runs the same specs
// against Electron where a binary exists (and skips, saying why, where none does).
import { defineConfig } from '@playwright/test'

const electron = process.env.E2E_TARGET === 'electron'

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  globalSetup: './e2e/global-setup.ts',
  globalTeardown: './e2e/global-teardown.ts',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // Specs create LXC containers: keep them one at a time.
  workers: 1,
  fullyParallel: false,
  reporter: [['list']],
  use: { trace: 'retain-on-failure', screenshot: 'only-on-failure' },
  projects: electron
    ? [{ name: 'electron' }]
    : [
        {
          name: 'web',
          use: {
            browserName: 'chromium',
            viewport: { width: 1400, height: 900 },
            launchOptions: {
              executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
              // Chromium aborts when the system bus it connected to goes away, and the polkit
              // tests start and stop one: a headless renderer needs no system bus.
              env: { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: 'unix:path=/nonexistent/strata-e2e' },
              args: [
                '--headless',
                '--no-sandbox',
                '--disable-gpu',
                '--disable-background-networking',
                '--disable-component-update',
                '--no-first-run',
                '--disable-sync'
              ]
            }
          }
        }
      ]
})
