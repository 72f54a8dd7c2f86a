// The usage view on an overlay clone whose upper layer holds what a user makes: files in a
// directory, a modified file, a whiteout over a 3 MiB file of the base, an opaque directory.
// Its own picker; figures a user can check with du; the treemap zooms into a directory and the
// breadcrumb goes back; a whiteout is never a big block; the change table sorts.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Locator } from '@playwright/test'
import { test, expect, useStrata, snap } from './fixtures'
import { copyContainer, createStartable } from './lxc'
import { formatBytes } from '../src/shared/format-bytes'

const env = useStrata(() => {
  const p = mkdtempSync('/tmp/strata-e2e-usage-')
  createStartable(p, 'base')
  mkdirSync(join(p, 'base/rootfs/opt'), { recursive: true })
  writeFileSync(join(p, 'base/rootfs/opt/huge.bin'), Buffer.alloc(3 << 20, 1))
  copyContainer(p, 'base', 'web1', true)
  copyContainer(p, 'base', 'solo')
  const upper = join(p, 'web1/overlay/delta')
  mkdirSync(join(upper, 'root/deep'), { recursive: true })
  writeFileSync(join(upper, 'root/deep/big.bin'), Buffer.alloc(2 << 20, 2))
  writeFileSync(join(upper, 'root/small.bin'), Buffer.alloc(200 << 10, 3))
  mkdirSync(join(upper, 'etc'), { recursive: true })
  writeFileSync(join(upper, 'etc/hostname'), 'web1\n')
  // a whiteout (the deletion of the base's 3 MiB file) and an opaque directory, as overlayfs writes them
  mkdirSync(join(upper, 'opt'), { recursive: true })
  execFileSync('mknod', [join(upper, 'opt/huge.bin'), 'c', '0', '0'])
  mkdirSync(join(upper, 'var/cache'), { recursive: true })
  execFileSync('setfattr', ['-n', 'trusted.overlay.opaque', '-v', 'y', join(upper, 'var/cache')])
  writeFileSync(join(upper, 'var/cache/fresh'), Buffer.alloc(64 << 10, 4))
  return p
})

const du = (path: string): number => Number(execFileSync('du', ['-sx', '-B1', path], { encoding: 'utf8' }).split('\t')[0])
/** sizes as the app shows them everywhere (the one formatter) */
const mib = formatBytes

test('picker, figures du agrees with, help, treemap zoom and breadcrumb, a whiteout as a sliver, sortable changes', async ({ openApp, page }) => {
  await openApp(env)
  await page.getByTestId('nav-usage').click()
  await page.getByTestId('usage-picker').click()
  await page.getByTestId('usage-pick-web1').click()
  await expect(page.getByTestId('usage-picker')).toHaveText('web1')

  // exclusive is du of its directory; nothing depends on it, so deleting it frees exactly that
  await expect(page.getByTestId('usage-exclusive')).toHaveText(mib(du(join(env.lxcpath, 'web1'))), { timeout: 15_000 })
  // the figures follow the engine's usage watch, which is running (it once failed for naming no lxcpath)
  await expect(page.getByText(/Disk usage is not available/)).toHaveCount(0)
  await expect(page.getByTestId('usage-freed')).toHaveText(await page.getByTestId('usage-exclusive').innerText())
  await expect(page.getByTestId('usage-shared')).toHaveText(mib(du(join(env.lxcpath, 'base/rootfs'))))
  // one tree (base and web1), the base counted once; solo, a copy, is no tree of its own
  await expect(page.getByTestId('usage-tree-base')).toContainText(mib(du(join(env.lxcpath, 'base')) + du(join(env.lxcpath, 'web1'))))
  await expect(page.locator('[data-testid^="usage-tree-"]')).toHaveCount(1)

  await page.getByTestId('usage-help-button').click()
  await expect(page.getByTestId('usage-help')).toContainText('du -sx')
  await page.keyboard.press('Escape')
  // the bars' colours are named where the bars are: the legend heads their column, in their colours
  const legend = page.getByTestId('usage-bar-legend')
  await expect(legend).toContainText('Exclusive')
  await expect(legend).toContainText('Shared')
  // one case rule (sentence case, as PatternFly writes): the figures' names as the other headers
  await expect(page.getByTestId('usage-summary').locator('dt')).toHaveText(['Exclusive', 'Shared', 'Freed if deleted'])
  for (const header of ['Name', 'Backend', 'Exclusive', 'Shared', 'Freed if deleted']) await expect(page.getByRole('columnheader', { name: header, exact: true })).toBeVisible()
  const colour = (l: Locator): Promise<string> => l.evaluate((e) => getComputedStyle(e).backgroundColor)
  for (const part of ['.ubar-ex', '.ubar-sh']) {
    expect(await colour(legend.locator(part))).toBe(await colour(page.getByTestId('usage-bar-web1').locator(part)))
  }

  // the treemap: /root is the biggest block; the whiteout over 3 MiB is a sliver
  const treemap = page.getByTestId('treemap')
  await expect(treemap).toBeVisible()
  const area = async (path: string): Promise<number> => {
    const b = (await page.getByTestId(`tm-${path}`).locator('rect').first().boundingBox())!
    return b.width * b.height
  }
  expect(await area('/opt/huge.bin')).toBeLessThan((await area('/root')) / 20)
  await expect(page.getByTestId('treemap-legend')).toContainText('Opaque directory')
  await snap(page, 'usage-1440x900')

  // zoom into /root: its entries only, in the treemap and the table; the breadcrumb goes back
  await page.getByTestId('tm-/root').click({ position: { x: 20, y: 8 } }) // on its title strip
  await expect(page.getByTestId('treemap-breadcrumb')).toContainText('root')
  await expect(page.getByTestId('tm-/root/deep')).toBeVisible()
  await expect(page.getByTestId('tm-/etc')).toHaveCount(0)
  const rows = page.getByTestId('diff-list').locator('tbody tr')
  for (const text of await rows.allInnerTexts()) expect(text).toMatch(/^\/root\//)
  await page.getByTestId('treemap-breadcrumb').getByRole('button', { name: '/' }).click()
  await expect(page.getByTestId('tm-/etc')).toBeVisible()

  // the change table sorts by its named columns: biggest first, then by path
  await expect(rows.first()).toContainText('/root/deep/big.bin')
  await expect(rows.first()).toContainText('2.0 MiB')
  await page.getByTestId('diff-list').getByRole('button', { name: 'Path' }).click()
  const paths = (await rows.allInnerTexts()).map((r) => r.split('\t')[0]!.trim())
  expect(paths).toEqual([...paths].sort((a, b) => a.localeCompare(b)))
  await expect(page.getByTestId('diff-list').getByRole('row', { name: /huge\.bin/ })).toHaveClass(/diff-deleted/)

  await page.setViewportSize({ width: 1024, height: 700 })
  await snap(page, 'usage-1024x700')
  await page.getByTestId('usage-trees').scrollIntoViewIfNeeded()
  await snap(page, 'usage-tables-1024x700')
})

test('a running container written to is measured again by itself: "Measuring again…" shows, then the new size', async ({ openApp, page }) => {
  test.setTimeout(120_000)
  const lxc = (...args: string[]): void => void execFileSync(args[0]!, ['-P', env.lxcpath, '-n', 'web1', ...args.slice(1)], { stdio: 'ignore', timeout: 60_000 })
  lxc('lxc-start')
  try {
    await openApp(env)
    await page.getByTestId('nav-usage').click()
    await page.getByTestId('usage-picker').click()
    await page.getByTestId('usage-pick-web1').click()
    const exclusive = page.getByTestId('usage-exclusive')
    await expect(exclusive).toHaveText(mib(du(join(env.lxcpath, 'web1'))), { timeout: 15_000 })
    await expect(page.getByTestId('usage-status')).toHaveCount(0, { timeout: 15_000 })
    const before = await exclusive.innerText()
    // Every text the status line shows from now on, as the page renders it (it may come and go
    // while the write is still running, before the next check could look).
    await page.evaluate(() => {
      const w = window as unknown as { statusTexts: string[] }
      w.statusTexts = []
      new MutationObserver(() => {
        const s = document.querySelector('[data-testid="usage-status"]')?.textContent?.trim()
        if (s && w.statusTexts.at(-1) !== s) w.statusTexts.push(s)
      }).observe(document.body, { subtree: true, childList: true, characterData: true })
    })
    // 6 MiB written inside the container: into its upper layer, through the overlay
    lxc('lxc-attach', '--', 'dd', 'if=/dev/zero', 'of=/root/grown.bin', 'bs=1M', 'count=6')
    await expect.poll(() => page.evaluate(() => (window as unknown as { statusTexts: string[] }).statusTexts), { message: 'what the status line showed' }).toContain('Measuring again…')
    // then the new figure, the one du gives, and the status line goes
    await expect(exclusive).not.toHaveText(before)
    await expect(exclusive).toHaveText(mib(du(join(env.lxcpath, 'web1'))))
    await expect(page.getByTestId('usage-status')).toHaveCount(0)
  } finally {
    lxc('lxc-stop', '-k')
  }
})
