// The copy dialog and storage that keeps no xattrs: a container of this computer with a file
// capability and a user xattr, copied to a host (a network namespace with its own sshd,
// test/hosts/netns-hosts.ts) whose lxcpath sits beside a zfs-fuse pool. The copy is refused
// before a task starts, the dialog shows what would be lost with a checkbox, Copy waits for it,
// and once ticked the copy is made on the host as a zfs dataset.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test, expect } from './fixtures'
import { destroyLxcpath, lxcLs } from './lxc'
import { hostsSkipReason, type NetnsHost } from '../test/hosts/netns-hosts'
import { startHostsApp, useHostSpec } from './hosts-app'
import { makeZfsPool, zfsUnavailable, type ZfsPool } from '../test/helpers/zfs-pool'

const lxcPoolTaken = (): boolean => spawnSync('zpool', ['list', '-H', 'lxc']).status === 0
const skip = hostsSkipReason() ?? zfsUnavailable() ?? (lxcPoolTaken() ? 'a zfs pool named lxc exists on this machine; this spec makes its own of that name and will not touch it' : null)

let pool: ZfsPool | null = null
let pZfs = ''

const app = useHostSpec('hosts lossy-copy e2e', skip, () =>
  startHostsApp({
    count: 1,
    prepare: async (fx) => {
      const [h1] = fx.hosts as [NetnsHost]
      // the copy's dataset goes under lxc.bdev.zfs.root, by default the pool `lxc`
      pool = await makeZfsPool('strata-e2e-lossy-', 512, 'lxc')
      pZfs = join(pool.dir, 'lxc')
      mkdirSync(pZfs, { mode: 0o755 })
      return { allow: [pZfs], trusted: [{ host: h1, lxcpaths: [pZfs] }] }
    },
    local: (fx) => {
      const local = mkdtempSync('/tmp/strata-e2e-lossy-')
      try {
        execFileSync('lxc-create', ['-P', local, '-n', 'caps', '-t', 'busybox', '-f', join(fx.dir, 'net.conf')], { stdio: 'ignore', timeout: 120_000 })
        const file = join(local, 'caps', 'rootfs', 'bin', 'pinger')
        writeFileSync(file, '#!/bin/sh\n', { mode: 0o755 })
        execFileSync('setcap', ['cap_net_raw+ep', file])
        execFileSync('setfattr', ['-n', 'user.kept', '-v', 'yes', file])
      } catch (err) {
        destroyLxcpath(local)
        throw err
      }
      return local
    },
    // the copy goes with its pool (and its lxcpath with the pool's directory); zfs-fuse may call
    // the dataset busy for a moment after the helper on h1 exited
    afterHostsGo: async () => {
      for (let i = 0; i < 50 && pool?.property('lxc/capscopy', 'mounted') === 'yes'; i++) {
        spawnSync('zfs', ['umount', 'lxc/capscopy'])
        await new Promise((r) => setTimeout(r, 200))
      }
      await pool?.cleanup()
    }
  })
)

test('a copy into zfs-fuse of a container with xattrs shows what it would lose with a checkbox; Copy waits for it, then the copy is made there', async ({ page }) => {
  test.setTimeout(180_000)
  await page.setViewportSize({ width: 1024, height: 700 })
  await page.goto(app().url)
  // the dialog offers the hosts connected now: h1 is connected first, from the switcher
  await page.getByTestId('host-switcher').click()
  await page.getByTestId('host-option-h1').click()
  await expect(page.getByTestId('host-switcher')).toContainText('h1')
  await page.getByTestId('host-switcher').click()
  await page.getByTestId('host-option-local').click()
  await expect(page.getByTestId('container-row-caps')).toBeVisible({ timeout: 30_000 })
  await page.getByTestId('row-menu-caps').click()
  // enabled once the app knows h1 is connected (the hosts' states come in their own stream)
  await expect(page.getByTestId('row-copy-host-caps').getByRole('menuitem')).not.toHaveAttribute('aria-disabled', 'true', { timeout: 30_000 })
  await page.getByTestId('row-copy-host-caps').click()
  await expect(page.getByTestId('copy-host-to')).toHaveValue('h1')
  await expect(page.getByTestId('copy-host-lxcpath')).toHaveValue(pZfs)
  await page.getByTestId('copy-host-backend').selectOption('zfs')
  await page.getByTestId('copy-host-name').fill('capscopy')
  await expect(page.getByTestId('copy-host-name-problem')).toContainText('This name is free on h1')
  await page.getByTestId('copy-host-confirm').click()

  // refused before a task starts: the dialog stays, with the sentence and the box
  const loses = page.getByTestId('copy-host-loses')
  await expect(loses).toBeVisible({ timeout: 60_000 })
  await expect(loses).toContainText('A zfs copy of caps from this computer as capscopy on h1')
  await expect(loses).toContainText('the zfs pool lxc keeps no extended attributes')
  await expect(loses).toContainText("caps's /bin/pinger has")
  await expect(page.getByTestId('copy-host-confirm')).toBeDisabled()
  expect(pool!.datasets()).toEqual(['lxc'])
  expect(lxcLs(pZfs)).toEqual([])
  const box = (await loses.boundingBox())!
  expect(box.y + box.height).toBeLessThanOrEqual(700)

  await page.getByTestId('copy-host-allow-lossy').check()
  await expect(page.getByTestId('copy-host-confirm')).toBeEnabled()
  await page.getByTestId('copy-host-confirm').click()
  await expect(page.getByTestId('copy-host-dialog')).toBeHidden()
  await expect(page.getByTestId('toast').filter({ hasText: 'capscopy copied' })).toBeVisible({ timeout: 120_000 })
  expect(lxcLs(pZfs)).toEqual(['capscopy'])
  expect(pool!.datasets()).toEqual(['lxc', 'lxc/capscopy'])
})
