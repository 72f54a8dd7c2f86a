// An LXD host in the app, against a real LXD 5.0.2 daemon in its own network namespace
// (test/hosts/lxd-daemon.ts), in the hosts file as `strata hosts add lx1 --lxd unix:...` leaves
// it: what LXD's own client does there (`lxc launch`, `lxc stop`, `lxc snapshot`, `lxc delete`)
// shows in the list while the host is selected, without a reload (LXD's events stream).
import { type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { test, expect, startWeb } from './fixtures'
import { lxdSkipReason, startLxdFixture, type LxdFixture } from '../test/hosts/lxd-daemon'

const skip = lxdSkipReason()
if (skip) console.log(`LXD host e2e skipped: ${skip}`)

let fx: LxdFixture | null = null
let web: ChildProcess | null = null
let url = ''
let local = ''

async function pickHost(page: Page, name: string): Promise<void> {
  await page.getByTestId('host-switcher').click()
  await page.getByTestId(`host-option-${name}`).click()
}

test.describe.configure({ mode: 'serial' })
test.skip(skip !== null, skip ?? '')

async function cleanup(): Promise<void> {
  if (web && web.exitCode === null) {
    const exited = new Promise((r) => web!.once('exit', r))
    web.kill('SIGTERM')
    await exited
  }
  await fx?.cleanup()
  if (local) rmSync(local, { recursive: true, force: true })
}

test.beforeAll(async () => {
  test.setTimeout(240_000)
  try {
    fx = await startLxdFixture()
    await fx.lxc(['init', 'busybox', 'web'])
    const config = join(fx.dir, 'config')
    mkdirSync(join(config, 'strata'), { recursive: true })
    writeFileSync(join(config, 'strata', 'hosts.json'), JSON.stringify({ hosts: [{ name: 'lx1', lxd: { url: `unix:${fx.socket}` } }] }))
    // this computer's lxcpath: empty, the list under test is lx1's
    local = mkdtempSync('/tmp/strata-e2e-lxd-local-')
    const s = await startWeb(local, { XDG_CONFIG_HOME: config })
    web = s.proc
    url = s.url
  } catch (err) {
    await cleanup()
    throw err
  }
})
test.afterAll(async () => {
  test.setTimeout(120_000)
  await cleanup()
})

test("lxc launch, stop, snapshot and delete with LXD's own client show up while the LXD host is selected, without a reload", async ({ page }) => {
  test.setTimeout(180_000)
  await page.goto(url)
  await pickHost(page, 'lx1')
  await expect(page.getByTestId('container-row-web')).toBeVisible({ timeout: 30_000 })
  const row = page.getByTestId('container-row-w1')
  await expect(row).toHaveCount(0)
  // a second is the aim; 5 s leaves room for a loaded machine, a reload would take none of it
  await fx!.lxc(['launch', 'busybox', 'w1'])
  await expect(row).toContainText('running', { timeout: 5_000 })
  await fx!.lxc(['stop', 'w1', '--force'])
  await expect(row).toContainText('stopped', { timeout: 5_000 })
  // the selected container's snapshots panel follows too
  await row.click()
  await expect(page.getByTestId('snapshots-empty')).toBeVisible()
  await fx!.lxc(['snapshot', 'w1'])
  await expect(page.getByTestId('snapshot-snap0')).toBeVisible({ timeout: 5_000 })
  await fx!.lxc(['delete', 'w1'])
  await expect(row).toHaveCount(0, { timeout: 5_000 })
  await expect(page.getByTestId('container-row-web')).toBeVisible()
})
