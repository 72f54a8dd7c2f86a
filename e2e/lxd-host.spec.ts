// An LXD host in the app, against a real LXD 5.0.2 daemon in its own network namespace
// (test/hosts/lxd-daemon.ts), in the hosts file as `strata hosts add lx1 --lxd unix:...` leaves
// it: what LXD's own client does there (`lxc launch`, `lxc stop`, `lxc snapshot`, `lxc delete`)
// shows in the list while the host is selected, without a reload (LXD's events stream), and its
// state in the switcher follows the daemon stopping and starting.
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test, expect } from './fixtures'
import { lxdSkipReason } from '../test/hosts/lxd-daemon'
import { NO_NET_CONFIG } from '../test/helpers/lxc'
import { startLxdApp, pickHost } from './lxd-app'
import { useHostSpec } from './hosts-app'

// this computer's lxcpath starts empty: the list under test is lx1's
const app = useHostSpec(
  'LXD host e2e',
  lxdSkipReason(),
  () =>
    startLxdApp({
      host: 'lx1',
      prepare: async (fx) => {
        await fx.lxc(['init', 'busybox', 'web'])
        // a second pool of the same driver, offered by its name
        await fx.lxc(['storage', 'create', 'fast', 'dir'])
      }
    }),
  { setup: 240_000, teardown: 120_000 }
)

test("lxc launch, stop, snapshot and delete with LXD's own client show up while the LXD host is selected, without a reload", async ({ page }) => {
  test.setTimeout(180_000)
  await page.goto(app().url)
  await pickHost(page, 'lx1')
  await expect(page.getByTestId('container-row-web')).toBeVisible({ timeout: 30_000 })
  const row = page.getByTestId('container-row-w1')
  await expect(row).toHaveCount(0)
  // a second is the aim; 5 s leaves room for a loaded machine, a reload would take none of it
  await app().fx.lxc(['launch', 'busybox', 'w1'])
  await expect(row).toContainText('running', { timeout: 5_000 })
  await app().fx.lxc(['stop', 'w1', '--force'])
  await expect(row).toContainText('stopped', { timeout: 5_000 })
  // the selected container's snapshots panel follows too
  await row.click()
  await expect(page.getByTestId('snapshots-empty')).toBeVisible()
  await app().fx.lxc(['snapshot', 'w1'])
  await expect(page.getByTestId('snapshot-snap0')).toBeVisible({ timeout: 5_000 })
  await app().fx.lxc(['delete', 'w1'])
  await expect(row).toHaveCount(0, { timeout: 5_000 })
  await expect(page.getByTestId('container-row-web')).toBeVisible()
})

test('"Copy to host…" between this computer and the LXD host: the dialog offers what the target answers (each pool on LXD by name), and each copy arrives, in the pool chosen', async ({ page }) => {
  test.setTimeout(240_000)
  writeFileSync(join(app().local, 'net.conf'), NO_NET_CONFIG)
  execFileSync('lxc-create', ['-P', app().local, '-n', 'base', '-t', 'busybox', '-f', join(app().local, 'net.conf')], { stdio: 'ignore' })
  await page.goto(app().url)
  // lx1 connected first: the dialog offers the hosts connected now
  await pickHost(page, 'lx1')
  await expect(page.getByTestId('container-row-web')).toBeVisible({ timeout: 30_000 })
  await pickHost(page, 'local')
  await page.getByTestId('row-menu-base').click()
  await page.getByTestId('row-copy-host-base').click()
  await expect(page.getByTestId('copy-host-to')).toHaveValue('lx1')
  // LXD answers with its pools, each by name: two dir pools, the default profile's first
  await expect(page.getByTestId('copy-host-backend')).toHaveValue('pool:default')
  await expect(page.getByTestId('copy-host-backend').locator('option')).toHaveText(['dir: pool default (default)', 'dir: pool fast'])
  await expect(page.getByTestId('copy-host-why-not')).toHaveCount(0)
  await page.getByTestId('copy-host-backend').selectOption('pool:fast')
  await page.getByTestId('copy-host-name').fill('base_1')
  await expect(page.getByTestId('copy-host-name-problem')).toContainText('not an LXD instance name')
  await page.getByTestId('copy-host-name').fill('base')
  await expect(page.getByTestId('copy-host-name-problem')).toContainText('This name is free on lx1')
  await page.getByTestId('copy-host-confirm').click()
  await expect(page.getByTestId('toast').filter({ hasText: 'base copied' })).toBeVisible({ timeout: 120_000 })
  expect(await app().fx.lxc(['list', '--format', 'csv', '-c', 'n'])).toContain('base')
  // in the pool chosen
  expect((JSON.parse(await app().fx.lxc(['query', '/1.0/instances/base'])) as { expanded_devices: { root: { pool: string } } }).expanded_devices.root.pool).toBe('fast')

  // and back: web on lx1 to this computer, whose engine answers with its backends (overlay takes no copy)
  await pickHost(page, 'lx1')
  await page.getByTestId('row-menu-web').click()
  await page.getByTestId('row-copy-host-web').click()
  await expect(page.getByTestId('copy-host-to')).toHaveValue(' local')
  await expect(page.getByTestId('copy-host-backend')).toHaveValue('dir')
  await expect(page.getByTestId('copy-host-backend').locator('option', { hasText: 'overlay' })).toHaveCount(0)
  await page.getByTestId('copy-host-why-not').getByRole('button').first().click()
  await expect(page.getByTestId('copy-host-why-not').getByTestId('clone-backend-overlay')).toContainText('takes no copy clones')
  await page.getByTestId('copy-host-name').fill('webhere')
  await expect(page.getByTestId('copy-host-name-problem')).toContainText('This name is free')
  await page.getByTestId('copy-host-confirm').click()
  await expect(page.getByTestId('toast').filter({ hasText: 'webhere copied' })).toBeVisible({ timeout: 120_000 })
  expect(execFileSync('lxc-ls', ['-P', app().local, '-1'], { encoding: 'utf8' }).split('\n')).toContain('webhere')
})

test("the switcher shows the LXD host unreachable, with LXD's reason, within seconds of its daemon stopping, and connected again once it is back", async ({ page }) => {
  test.setTimeout(180_000)
  await page.goto(app().url)
  await pickHost(page, 'lx1')
  await expect(page.getByTestId('container-row-web')).toBeVisible({ timeout: 30_000 })
  // connected: the toggle names the host without a state label
  await expect(page.getByTestId('host-switcher').getByTestId('host-state-lx1')).toHaveCount(0)
  await app().fx.stop()
  // no click, no call: LXD's events stream ending says it (a second or two is the aim; 10 s for a loaded machine)
  await expect(page.getByTestId('host-switcher').getByTestId('host-state-lx1')).toHaveAttribute('data-state', 'unreachable', { timeout: 10_000 })
  await expect(page.getByTestId('host-unreachable')).toContainText('is not running')
  await app().fx.start()
  await expect(page.getByTestId('host-switcher').getByTestId('host-state-lx1')).toHaveCount(0, { timeout: 10_000 })
  await expect(page.getByTestId('host-unreachable')).toHaveCount(0)
  await expect(page.getByTestId('container-row-web')).toBeVisible({ timeout: 10_000 })
})
