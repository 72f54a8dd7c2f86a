// `npm run screenshots`: the README's screenshot tour, taken from the e2e fixtures (a real
// lxcpath made by LXC, browser mode in Chromium), written to docs/screenshots/.
import { defineConfig } from '@playwright/test'
import base from './playwright.config'

export default defineConfig({
  ...base,
  testMatch: /tour\.ts$/,
  reporter: [['list']]
})
