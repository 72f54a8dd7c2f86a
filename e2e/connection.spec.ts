// Browser mode's server stopped under an open page: the page says at once that it lost the
// connection (what it shows may be out of date) instead of showing old states as if they were
// live. Electron's window has no server to lose.
import type { ChildProcess } from 'node:child_process'
import { test, expect, snap, startWeb } from './fixtures'
import { destroyLxcpath, makeLineageLxcpath } from './lxc'

const why = "browser mode only: Electron's window talks to its own process, which cannot go away under it"
if (process.env.E2E_TARGET === 'electron') console.log(`connection e2e skipped: ${why}`)
test.skip(process.env.E2E_TARGET === 'electron', why)

let lxcpath = ''
let server: { proc: ChildProcess; url: string } | null = null

test.beforeAll(async () => {
  test.setTimeout(120_000)
  lxcpath = makeLineageLxcpath()
  server = await startWeb(lxcpath)
})

test.afterAll(() => {
  if (server && server.proc.exitCode === null && server.proc.signalCode === null) server.proc.kill('SIGKILL')
  if (lxcpath) destroyLxcpath(lxcpath)
})

test('the server stopped: within a second the page says the connection is lost, above the rows it showed', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 700 })
  await page.goto(server!.url)
  await expect(page.getByTestId('container-row-base')).toBeVisible()
  await expect(page.getByTestId('connection-lost')).toHaveCount(0)
  const exited = new Promise((resolve) => server!.proc.once('exit', resolve))
  server!.proc.kill('SIGTERM')
  await exited
  const alert = page.getByTestId('connection-lost')
  await expect(alert).toBeVisible({ timeout: 1_000 })
  await expect(alert).toHaveAttribute('role', 'alert')
  await expect(alert).toContainText('Lost the connection to Strata')
  await expect(alert).toContainText('may be out of date')
  // what it showed stays, under the alert, and the alert is inside the window
  await expect(page.getByTestId('container-row-base')).toBeVisible()
  const box = (await alert.boundingBox())!
  expect(box.x).toBeGreaterThanOrEqual(0)
  expect(box.x + box.width).toBeLessThanOrEqual(1024)
  await snap(page, 'connection-lost-1024')
})
