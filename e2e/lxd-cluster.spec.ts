// "Copy to host…" onto an LXD cluster, against two real LXD 5.0.2 daemons joined into one cluster
// (test/hosts/lxd-daemon.ts, each in its own network namespace): the dialog offers the cluster's
// members with the pool the target answers (cloneChoices), and the copy lands on the member chosen,
// as LXD's own client says.
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test, expect } from './fixtures'
import { lxdSkipReason } from '../test/hosts/lxd-daemon'
import { NO_NET_CONFIG } from '../test/helpers/lxc'
import { startLxdApp, pickHost } from './lxd-app'
import { useHostSpec } from './hosts-app'

const app = useHostSpec(
  'LXD cluster e2e',
  lxdSkipReason(),
  () =>
    startLxdApp({
      host: 'cl',
      members: 2,
      prepare: async (fx) => {
        await fx.lxc(['init', 'busybox', 'on-m1', '--target', 'm1'])
      },
      prepareLocal: (local) => {
        writeFileSync(join(local, 'net.conf'), NO_NET_CONFIG)
        execFileSync('lxc-create', ['-P', local, '-n', 'base', '-t', 'busybox', '-f', join(local, 'net.conf')], { stdio: 'ignore' })
      }
    }),
  { setup: 300_000, teardown: 180_000 }
)

test('"Copy to host…" onto an LXD cluster offers its members, and the copy lands on the member chosen', async ({ page }) => {
  test.setTimeout(240_000)
  await page.goto(app().url)
  // the cluster connected first: the dialog offers the hosts connected now
  await pickHost(page, 'cl')
  await expect(page.getByTestId('container-row-on-m1')).toBeVisible({ timeout: 30_000 })
  await pickHost(page, 'local')
  await page.getByTestId('row-menu-base').click()
  await page.getByTestId('row-copy-host-base').click()
  await expect(page.getByTestId('copy-host-to')).toHaveValue('cl')
  await expect(page.getByTestId('copy-host-backend')).toHaveValue('pool:default')
  const member = page.getByTestId('copy-host-member')
  await expect(member).toHaveValue('')
  await expect(member.locator('option')).toHaveText(['Where LXD places it', 'm1', 'm2'])
  await member.selectOption('m2')
  await page.getByTestId('copy-host-name').fill('base-m2')
  await expect(page.getByTestId('copy-host-name-problem')).toContainText('This name is free on cl')
  await page.getByTestId('copy-host-confirm').click()
  await expect(page.getByTestId('toast').filter({ hasText: 'base-m2 copied' })).toBeVisible({ timeout: 120_000 })
  const list = JSON.parse(await app().fx.lxc(['list', '--format', 'json'])) as { name: string; location: string }[]
  expect(list.find((i) => i.name === 'base-m2')?.location).toBe('m2')
})
