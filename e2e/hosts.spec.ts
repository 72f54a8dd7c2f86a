// Several hosts in the app, against real "remote" hosts: network namespaces with their own sshd
// (test/hosts/netns-hosts.ts), Strata's helper started there over ssh as root. h1 is in the
// hosts file with its key trusted; h2 is added from the app, its key shown before it is trusted.
// Each host serves its own lxcpath, checked against lxc-ls; the host going down (its sshd and
// every process in its namespace stopped) shows as unreachable with ssh's reason, and Reconnect
// brings it back once sshd runs again.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { test, expect, snap, showView, openTasks } from './fixtures'
import { openConsole, runInConsole } from './console-steps'
import { formatBytes } from '../src/shared/format-bytes'
import { BUILD_PREFIX } from '../src/shared/names'
import { destroyLxcpath, lxcLs, makeLineageLxcpath } from './lxc'
import { HELPER_COMMAND, hostsSkipReason, netnsPids, type HostsFixture, type NetnsHost } from '../test/hosts/netns-hosts'
import { pickHost, startHostsApp, useHostSpec } from './hosts-app'

let fx: HostsFixture | null = null
let url = ''
let local = ''
const lxcpathOf = (h: NetnsHost): string => join(fx!.dir, `lxc-${h.name}`)

useHostSpec('hosts e2e', hostsSkipReason(), async () => {
  const app = await startHostsApp({
    count: 2,
    prepare: (f) => {
      fx = f
      for (const h of f.hosts) mkdirSync(lxcpathOf(h), { mode: 0o755 })
      const [h1, h2] = f.hosts as [NetnsHost, NetnsHost]
      lxcCreate(lxcpathOf(h1), 'r1')
      lxcCreate(lxcpathOf(h1), 'r2')
      lxcCreate(lxcpathOf(h2), 'other1')
      // h1 is in the hosts file with its key trusted; h2 is added from the app
      return { allow: f.hosts.map(lxcpathOf), trusted: [{ host: h1, lxcpaths: [lxcpathOf(h1)] }] }
    },
    local: () => makeLineageLxcpath(),
    beforeHostsGo: (f) => {
      for (const h of f.hosts) destroyLxcpath(lxcpathOf(h))
    }
  })
  ;({ url, local } = app)
  return app
})

function lxcCreate(lxcpath: string, name: string): void {
  execFileSync('lxc-create', ['-P', lxcpath, '-n', name, '-t', 'busybox', '-f', join(fx!.dir, 'net.conf')], { stdio: 'ignore', timeout: 120_000 })
}

/**
 * Once a copy's hidden build appears in h's lxcpath, stops h's helpers and the tar that unpacks
 * into it (SIGSTOP: the copy's bytes wait in ssh, whatever the machine's speed) until the
 * returned function lets them go on.
 */
async function holdHelperWhileBuilding(h: NetnsHost): Promise<() => void> {
  await expect
    .poll(() => readdirSync(lxcpathOf(h)).some((n) => n.startsWith(BUILD_PREFIX)), { message: `a copy building in ${lxcpathOf(h)}`, timeout: 60_000, intervals: [2] })
    .toBe(true)
  const held: number[] = []
  const hold = (which: (argv: string[]) => boolean): void => {
    for (const pid of netnsPids(h)) {
      try {
        if (!held.includes(pid) && which(readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0'))) {
          process.kill(pid, 'SIGSTOP')
          held.push(pid)
        }
      } catch {
        // gone meanwhile
      }
    }
  }
  // the helpers first: stopped, they start no other tar
  hold((argv) => argv.some((a) => a.includes('strata-helper')))
  hold((argv) => argv[0] === 'tar')
  if (held.length === 0) throw new Error(`no Strata helper runs on ${h.name}`)
  return () => {
    for (const pid of held) {
      try {
        process.kill(pid, 'SIGCONT')
      } catch {
        // gone meanwhile
      }
    }
  }
}

const du = (path: string): number => Number(execFileSync('du', ['-sx', '-B1', path], { encoding: 'utf8' }).split('\t')[0])

/** The host goes down: its sshd and everything running in its namespace (the session, the helper). */
function hostDown(h: NetnsHost): Promise<void> {
  for (const pid of netnsPids(h)) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // gone already
    }
  }
  return fx!.stopSshd(h)
}

/** The element lies wholly inside the window. */
async function inWindow(page: Page, el: ReturnType<Page['locator']>): Promise<void> {
  await expect(el).toBeVisible()
  const box = (await el.boundingBox())!
  const size = page.viewportSize()!
  expect(box.x).toBeGreaterThanOrEqual(0)
  expect(box.y).toBeGreaterThanOrEqual(0)
  expect(box.x + box.width).toBeLessThanOrEqual(size.width)
  expect(box.y + box.height).toBeLessThanOrEqual(size.height)
}

test("the switcher lists this computer and h1; on h1 every view shows h1's containers, and a clone made there appears", async ({ page }) => {
  test.setTimeout(120_000)
  const [h1] = fx!.hosts as [NetnsHost]
  await page.goto(url)
  await expect(page.getByTestId('container-row-base')).toBeVisible()
  await expect(page.getByTestId('host-switcher')).toContainText('This computer')
  await page.getByTestId('host-switcher').click()
  await expect(page.getByTestId('host-option-h1')).toContainText(`root@${h1.address}`)
  await expect(page.getByTestId('host-state-h1')).toHaveText('not connected')
  await page.getByTestId('host-option-h1').click()

  // h1's containers, as LXC there lists them, and none of this computer's under h1's name
  const rows = page.locator('[data-testid^="container-row-"]')
  await expect(page.getByTestId('container-row-r1')).toBeVisible({ timeout: 30_000 })
  await expect(rows).toHaveCount(lxcLs(lxcpathOf(h1)).length)
  expect(lxcLs(lxcpathOf(h1))).toEqual(['r1', 'r2'])
  await expect(page.getByTestId('container-row-base')).toHaveCount(0)
  await expect(page.getByTestId('host-switcher')).toContainText('h1')
  // the lxcpath switcher shows h1's lxcpaths
  await expect(page.getByTestId('lxcpath-scope').locator('option')).toHaveText(['All lxcpaths', lxcpathOf(h1)])

  // clone r1 there (a copy), through the same dialog as on this computer
  await page.getByTestId('container-row-r1').click()
  await page.getByTestId('clone-target').click()
  const dialog = page.getByTestId('clone-dialog')
  await expect(dialog.getByRole('heading')).toHaveText('Clone r1')
  await page.getByTestId('clone-name').fill('r1copy')
  await expect(page.getByTestId('clone-name-problem')).toContainText('This name is free')
  await page.getByTestId('clone-mode-copy').check()
  await page.getByTestId('clone-confirm').click()
  await expect(page.getByTestId('toast').filter({ hasText: 'r1copy created' })).toBeVisible({ timeout: 60_000 })
  await expect(page.getByTestId('container-row-r1copy')).toBeVisible()
  expect(lxcLs(lxcpathOf(h1))).toContain('r1copy')

  // its config, as the file on h1 holds it
  await page.getByTestId('container-row-r1copy').click()
  await showView(page, 'config')
  await expect(page.getByTestId('config-expanded')).toContainText(`${lxcpathOf(h1)}/r1copy/config:`)
  await page.getByRole('tab', { name: 'Raw file' }).click()
  await expect(page.getByTestId('config-raw')).toContainText(`lxc.rootfs.path = dir:${lxcpathOf(h1)}/r1copy/rootfs`)
  // its lineage graph: h1's containers only
  await showView(page, 'lineage')
  await expect(page.getByTestId('graph-node-r1copy')).toBeVisible()
  await expect(page.getByTestId('graph-node-base')).toHaveCount(0)

  // back on this computer: its own containers again
  await showView(page, 'containers')
  await pickHost(page, 'local')
  await expect(page.getByTestId('container-row-base')).toBeVisible()
  await expect(page.getByTestId('container-row-r1')).toHaveCount(0)
})

test("lxc-copy, lxc-start, lxc-stop and lxc-destroy run in a shell on h1 show up while h1 is selected", async ({ page }) => {
  test.setTimeout(120_000)
  const [h1] = fx!.hosts as [NetnsHost]
  const onH1 = (tool: string, args: string[]): void => {
    execFileSync('ip', ['netns', 'exec', h1.netns, tool, '-P', lxcpathOf(h1), ...args], { stdio: 'ignore', timeout: 60_000 })
  }
  await page.goto(url)
  await pickHost(page, 'h1')
  await expect(page.getByTestId('container-row-r1')).toBeVisible({ timeout: 30_000 })
  // Within seconds: the change goes from h1's watchers through its helper and ssh to this page.
  const row = page.getByTestId('container-row-r2live')
  onH1('lxc-copy', ['-n', 'r2', '-N', 'r2live'])
  try {
    await expect(row).toBeVisible({ timeout: 5_000 })
    await expect(row).toContainText('stopped')
    onH1('lxc-start', ['-n', 'r2live', '-d'])
    await expect(row).toContainText('running', { timeout: 5_000 })
    onH1('lxc-stop', ['-n', 'r2live', '-k'])
    await expect(row).toContainText('stopped', { timeout: 5_000 })
    onH1('lxc-destroy', ['-n', 'r2live'])
    await expect(row).toHaveCount(0, { timeout: 5_000 })
  } finally {
    if (lxcLs(lxcpathOf(h1)).includes('r2live')) onH1('lxc-destroy', ['-n', 'r2live', '-f'])
  }
  // this computer's list is not h1's: nothing of h1 showed up there
  await pickHost(page, 'local')
  await expect(page.getByTestId('container-row-base')).toBeVisible()
  await expect(page.getByTestId('container-row-r2')).toHaveCount(0)
})

test("on h1 the usage, snapshots and console work as on this computer; h1's console stays in the dock, named for h1", async ({ page }) => {
  test.setTimeout(180_000)
  const [h1] = fx!.hosts as [NetnsHost]
  const onH1 = (tool: string, args: string[]): string =>
    execFileSync('ip', ['netns', 'exec', h1.netns, tool, '-P', lxcpathOf(h1), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 })
  await page.goto(url)
  await pickHost(page, 'h1')
  await expect(page.getByTestId('container-row-r1')).toBeVisible({ timeout: 30_000 })

  // usage: r1's figures, measured over there, as du sees its directory
  await showView(page, 'usage')
  await page.getByTestId('usage-picker').click()
  await page.getByTestId('usage-pick-r1').click()
  await expect(page.getByTestId('usage-exclusive')).toHaveText(formatBytes(du(join(lxcpathOf(h1), 'r1'))), { timeout: 30_000 })

  // snapshots of r2 on h1: made, listed as lxc-snapshot -L lists them there, deleted
  await showView(page, 'containers')
  await page.getByTestId('container-row-r2').click()
  await page.getByTestId('snapshot-comment').fill('taken on h1')
  await page.getByTestId('snapshot-create').click()
  await expect(page.getByTestId('snapshot-snap0')).toContainText('taken on h1', { timeout: 30_000 })
  const listed = onH1('lxc-snapshot', ['-n', 'r2', '-L', '-C'])
  expect(listed).toContain('snap0')
  expect(listed).toContain('taken on h1')
  await page.getByTestId('snapshot-delete-snap0').click()
  await page.getByTestId('snapshot-confirm').click()
  await expect(page.getByTestId('snapshot-snap0')).toHaveCount(0, { timeout: 30_000 })
  expect(onH1('lxc-snapshot', ['-n', 'r2', '-L'])).not.toContain('snap0')

  // a console in r1, running on h1: the shell there answers with r1's hostname
  onH1('lxc-start', ['-n', 'r1', '-d'])
  try {
    await expect(page.getByTestId('container-row-r1')).toContainText('running', { timeout: 10_000 })
    const term = await openConsole(page, 'r1')
    await runInConsole(page, term, 'echo "inside=$(hostname)"', 'inside=r1')
    await expect(page.getByTestId('console-tab-r1')).toContainText('r1 — h1')
    // back on this computer: h1's console is still there, still named for h1, still answering
    await pickHost(page, 'local')
    await expect(page.getByTestId('container-row-base')).toBeVisible()
    await expect(page.getByTestId('console-tab-r1')).toContainText('r1 — h1')
    await runInConsole(page, term, 'echo "still=$(hostname)"', 'still=r1')
    await snap(page, 'host-console-kept')
    await page.getByTestId('console-close-r1').click()
    await expect(page.getByTestId('console-dock')).toHaveCount(0)
  } finally {
    onH1('lxc-stop', ['-n', 'r1', '-k'])
  }
})

test('"Copy to host…" copies a stopped container of this computer to h1, where it starts; a cancelled copy leaves both hosts as they were', async ({ page }) => {
  test.setTimeout(480_000)
  const [h1] = fx!.hosts as [NetnsHost]
  const onH1 = (tool: string, args: string[]): string =>
    execFileSync('ip', ['netns', 'exec', h1.netns, tool, '-P', lxcpathOf(h1), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 })
  // a container with 128 MiB of random bytes: a copy that takes long enough to be cancelled
  lxcCreate(local, 'bulky')
  execFileSync('dd', ['if=/dev/urandom', `of=${join(local, 'bulky/rootfs/bulk.bin')}`, 'bs=1M', 'count=128', 'status=none'])
  await page.goto(url)
  // h1 connected first: the dialog offers this computer and the hosts connected now
  await pickHost(page, 'h1')
  await expect(page.getByTestId('container-row-r1')).toBeVisible({ timeout: 30_000 })
  await pickHost(page, 'local')
  await expect(page.getByTestId('container-row-base')).toBeVisible()

  // at 1024x700, dark here and light for the second copy: nothing of the dialog clipped
  await page.setViewportSize({ width: 1024, height: 700 })
  await page.getByTestId('theme').selectOption('dark')
  await page.getByTestId('row-menu-copy1').click()
  // enabled once the app knows h1 is connected (the hosts' states come in their own stream)
  await expect(page.getByTestId('row-copy-host-copy1').getByRole('menuitem')).not.toHaveAttribute('aria-disabled', 'true', { timeout: 30_000 })
  await page.getByTestId('row-copy-host-copy1').click()
  const dialog = page.getByTestId('copy-host-dialog')
  await inWindow(page, dialog)
  await expect(dialog.getByRole('heading')).toHaveText('Copy copy1 to another host')
  await expect(page.getByTestId('copy-host-to')).toHaveValue('h1')
  await expect(page.getByTestId('copy-host-lxcpath')).toHaveValue(lxcpathOf(h1))
  // the storage offered is what h1's engine answers: dir (the default) among it, overlay (no copies) only under "why not?" with its reason
  await expect(page.getByTestId('copy-host-backend')).toHaveValue('dir')
  await expect(page.getByTestId('copy-host-backend').locator('option', { hasText: 'overlay' })).toHaveCount(0)
  const whyNot = page.getByTestId('copy-host-why-not')
  await whyNot.getByRole('button').first().click()
  await expect(whyNot.getByTestId('clone-backend-overlay')).toContainText('takes no copy clones')
  await whyNot.getByRole('button').first().click()
  // the name is checked by h1's engine: r1 is taken there, not here
  await page.getByTestId('copy-host-name').fill('r1')
  await expect(page.getByTestId('copy-host-name-problem')).toContainText('already exists')
  await expect(page.getByTestId('copy-host-confirm')).toBeDisabled()
  await page.getByTestId('copy-host-name').fill('fromlocal')
  await expect(page.getByTestId('copy-host-name-problem')).toContainText('This name is free on h1')
  await snap(page, 'copy-to-host-1024x700-dark')
  await page.getByTestId('copy-host-confirm').click()
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('toast').filter({ hasText: 'fromlocal copied' })).toBeVisible({ timeout: 120_000 })
  expect(lxcLs(lxcpathOf(h1))).toContain('fromlocal')
  onH1('lxc-start', ['-n', 'fromlocal', '-d'])
  try {
    expect(onH1('lxc-info', ['-n', 'fromlocal', '-s'])).toContain('RUNNING')
  } finally {
    onH1('lxc-stop', ['-n', 'fromlocal', '-k'])
  }
  await pickHost(page, 'h1')
  await expect(page.getByTestId('container-row-fromlocal')).toBeVisible({ timeout: 30_000 })

  // cancelled from the task drawer while it copies: nothing new on h1 (not even a hidden build), bulky untouched here
  await pickHost(page, 'local')
  await page.getByTestId('theme').selectOption('light')
  await expect(page.getByTestId('container-row-bulky')).toBeVisible()
  const h1Before = readdirSync(lxcpathOf(h1)).sort()
  const localBefore = lxcLs(local)
  await page.getByTestId('row-menu-bulky').click()
  await page.getByTestId('row-copy-host-bulky').click()
  await expect(page.getByTestId('copy-host-name-problem')).toContainText('This name is free on h1')
  await inWindow(page, page.getByTestId('copy-host-dialog'))
  await snap(page, 'copy-to-host-1024x700-light')
  await page.getByTestId('copy-host-confirm').click()
  // Held still once its build is begun on h1, so that the cancel comes while it copies on any
  // machine: on a quiet one the 128 MiB crossed before the click, and the test waited on a
  // Cancel that was gone.
  const release = await holdHelperWhileBuilding(h1)
  try {
    await openTasks(page)
    await expect(page.getByTestId('task-bulky')).toHaveAttribute('data-status', 'running')
    await page.getByTestId('task-cancel-bulky').click()
  } finally {
    release()
  }
  await expect(page.getByTestId('task-bulky')).toHaveAttribute('data-status', 'cancelled', { timeout: 60_000 })
  await expect.poll(() => readdirSync(lxcpathOf(h1)).sort(), { timeout: 30_000 }).toEqual(h1Before)
  expect(lxcLs(lxcpathOf(h1))).not.toContain('bulky')
  expect(lxcLs(local)).toEqual(localBefore)
  expect(statSync(join(local, 'bulky/rootfs/bulk.bin')).size).toBe(128 << 20)
})

test('h1 going down shows as unreachable with the reason within seconds; Reconnect works once its sshd is back', async ({ page }) => {
  test.setTimeout(120_000)
  const [h1] = fx!.hosts as [NetnsHost]
  await page.goto(url)
  await pickHost(page, 'h1')
  await expect(page.getByTestId('container-row-r1')).toBeVisible({ timeout: 30_000 })
  await hostDown(h1)
  const alert = page.getByTestId('host-unreachable')
  await expect(alert).toBeVisible({ timeout: 5_000 })
  await expect(alert).toContainText('h1 cannot be reached')
  // the reconnect attempt's answer: ssh's own words
  await expect(page.getByTestId('host-reason')).toContainText('Connection refused', { timeout: 15_000 })
  await expect(page.getByTestId('host-switcher')).toContainText('unreachable')
  await snap(page, 'host-unreachable')
  await fx!.startSshd(h1)
  await page.getByTestId('host-reconnect').click()
  await expect(alert).toBeHidden({ timeout: 30_000 })
  await expect(page.getByTestId('container-row-r1')).toBeVisible({ timeout: 30_000 })
})

test("adding h2 shows its host key's fingerprint and stores nothing until it is confirmed", async ({ page }) => {
  test.setTimeout(120_000)
  const [, h2] = fx!.hosts as [NetnsHost, NetnsHost]
  const knownHosts = (): string => readFileSync(join(fx!.dir, 'known_hosts'), 'utf8')
  const hostsFile = (): string => readFileSync(join(fx!.env.XDG_CONFIG_HOME!, 'strata', 'hosts.json'), 'utf8')
  const pub = readFileSync(`${h2.hostKey}.pub`, 'utf8').split(' ')[1]!
  await page.goto(url)
  await page.getByTestId('host-switcher').click()
  await page.getByTestId('host-add').click()
  const dialog = page.getByTestId('add-host')
  await expect(dialog).toBeVisible()
  await page.getByTestId('host-name').fill('h2')
  await page.getByTestId('host-destination').fill(`root@${h2.address}`)
  await page.getByTestId('host-lxcpath').fill(lxcpathOf(h2))
  await dialog.getByRole('button', { name: /helper runs there/ }).click()
  await page.getByTestId('host-helper').fill(HELPER_COMMAND)
  await page.getByTestId('host-elevate').selectOption('none')
  await page.getByTestId('host-check-key').click()
  const keys = page.getByTestId('host-keys')
  await expect(keys).toHaveAttribute('data-known', 'new')
  await expect(page.getByTestId('host-fingerprint')).toHaveText([new RegExp(`^${(await fx!.fingerprint(h2.hostKey)).replace(/[+/]/g, '\\$&')} \\(ED25519\\)$`)])
  await snap(page, 'host-add-key')
  // shown, not stored
  expect(knownHosts()).not.toContain(pub)
  expect(hostsFile()).not.toContain('"h2"')
  await page.getByTestId('host-add-confirm').click()
  await expect(dialog).toBeHidden()
  expect(knownHosts()).toContain(pub)
  expect(JSON.parse(hostsFile()).hosts.map((h: { name: string }) => h.name)).toEqual(['h1', 'h2'])
  // the new host is shown at once
  await expect(page.getByTestId('container-row-other1')).toBeVisible({ timeout: 30_000 })
  await expect(page.locator('[data-testid^="container-row-"]')).toHaveCount(lxcLs(lxcpathOf(h2)).length)
  await openTasks(page)
})

test('a changed host key is an error saying what to do, and nothing is added', async ({ page }) => {
  const [h1] = fx!.hosts as [NetnsHost]
  // known_hosts holds another key for h1's address
  const before = readFileSync(join(fx!.dir, 'known_hosts'), 'utf8')
  writeFileSync(join(fx!.dir, 'known_hosts'), before.replace(/^(\S+) ssh-ed25519 \S+/m, '$1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBm6bHnSYkD8r2EzqVhLtE9vKk1dhPJ/2hV8pA6hpU6n'))
  try {
    await page.goto(url)
    await page.getByTestId('host-switcher').click()
    await page.getByTestId('host-add').click()
    await page.getByTestId('host-name').fill('h1again')
    await page.getByTestId('host-destination').fill(`root@${h1.address}`)
    await page.getByTestId('host-check-key').click()
    const keys = page.getByTestId('host-keys')
    await expect(keys).toHaveAttribute('data-known', 'changed')
    await expect(keys).toContainText('has changed')
    await expect(keys).toContainText('ssh-keygen -R')
    await expect(page.getByTestId('host-add-confirm')).toHaveCount(0)
  } finally {
    writeFileSync(join(fx!.dir, 'known_hosts'), before)
  }
})

test('the switcher at 1024x700 and 1440x900, light and dark: nothing clipped', async ({ page }) => {
  for (const [w, h] of [
    [1024, 700],
    [1440, 900]
  ] as const) {
    for (const theme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width: w, height: h })
      await page.goto(url)
      await expect(page.getByTestId('container-row-base')).toBeVisible()
      await page.getByTestId('theme').selectOption(theme)
      await expect(page.locator('html')).toHaveClass(theme === 'dark' ? /pf-v6-theme-dark/ : /^(?!.*pf-v6-theme-dark)/)
      await page.getByTestId('host-switcher').click()
      const menu = page.getByRole('listbox', { name: 'Host' })
      await expect(menu).toBeVisible()
      for (const el of [page.getByTestId('host-switcher'), menu, page.getByTestId('lang'), page.getByTestId('theme')]) {
        const box = (await el.boundingBox())!
        expect(box.x).toBeGreaterThanOrEqual(0)
        expect(box.x + box.width).toBeLessThanOrEqual(w)
        expect(box.y + box.height).toBeLessThanOrEqual(h)
      }
      await snap(page, `host-switcher-${w}x${h}-${theme}`)
      await page.keyboard.press('Escape')
    }
  }
})
