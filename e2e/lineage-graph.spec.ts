// The lineage graph on a lineage LXC made: base, its overlay snapshot clone c1, a clone of that
// clone c2 (which LXC also records in base's lxc_snapshots), an lxc-snapshot of c1 and a full
// copy. Each relation is drawn once; the keyboard moves between nodes; the context menu acts
// through the app's own calls; the graph keeps still when a node is added.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { test, expect, useStrata, snap } from './fixtures'
import { copyContainer, createStartable, lxcLs } from './lxc'
import { destroyInDialogByKeyboard } from './keyboard-steps'

const env = useStrata(() => {
  const p = mkdtempSync('/tmp/strata-e2e-graph-')
  createStartable(p, 'base')
  copyContainer(p, 'base', 'c1', true)
  copyContainer(p, 'c1', 'c2', true)
  copyContainer(p, 'base', 'copy1')
  execFileSync('lxc-snapshot', ['-P', p, '-n', 'c1'], { stdio: 'ignore' })
  return p
})

const id = (name: string): string => `${env.lxcpath}/${name}`
const openGraph = async (page: Page): Promise<void> => {
  await page.getByTestId('nav-lineage').click()
  await expect(page.getByTestId('graph-node-c2')).toBeVisible()
}
/** Where each node is drawn, in flow coordinates (React Flow's transform on the node). */
const nodeTransforms = (page: Page): Promise<Record<string, string>> =>
  page.locator('.react-flow__node').evaluateAll((els) => Object.fromEntries(els.map((e) => [(e as HTMLElement).dataset.id!, (e as HTMLElement).style.transform])))

test('each relation is drawn once, arrowheads in their kind\'s colour, the legend lists what is drawn', async ({ openApp, page }) => {
  await openApp(env)
  await openGraph(page)
  // c2 -> c1 is drawn; LXC's transitive c2 -> base is not, but the details say it
  await expect(page.getByTestId(`rf__edge-${id('c2')}->${id('c1')}`)).toHaveCount(1)
  await expect(page.locator(`[data-testid^="rf__edge-${id('c2')}->${id('base')}"]`)).toHaveCount(0)
  // c1 -> base, c2 -> c1, snap0 -> c1; copy1 is a full copy of a dir rootfs: LXC records no origin
  await expect(page.locator('.react-flow__edge')).toHaveCount(3)
  // every arrowhead is filled with its edge's colour
  const colours = await page.locator('.react-flow__edge').evaluateAll((edges) =>
    edges.map((e) => {
      const path = e.querySelector('.react-flow__edge-path') as SVGPathElement
      const markerId = path.getAttribute('marker-end')!.replace(/^url\(['"]?#(.*?)['"]?\)$/, '$1')
      const marker = document.getElementById(markerId)
      return [getComputedStyle(path).stroke, getComputedStyle(marker!.querySelector('polyline')!).fill]
    })
  )
  for (const [stroke, fill] of colours) expect(fill).toBe(stroke)
  // the legend lists the kinds drawn, no others
  const drawnKinds = await page.locator('.react-flow__edge').evaluateAll((edges) => [...new Set(edges.map((e) => [...e.classList].find((c) => c.startsWith('edge-'))!.slice(5)))].sort())
  const legendKinds = await page.locator('[data-testid^="legend-"]').evaluateAll((items) => items.map((i) => i.getAttribute('data-testid')!.slice(7)).sort())
  expect(legendKinds).toEqual(drawnKinds)
  // nodes say their exclusive size; the minimap is there
  await expect(page.getByTestId('graph-node-size-c1')).toHaveText(/\d+(\.\d)? (B|KiB|MiB)/, { timeout: 15_000 })
  await expect(page.getByTestId('graph-minimap')).toBeVisible()

  await page.getByTestId('graph-node-c2').click()
  await page.getByTestId('lineage-tab-relations').click()
  await expect(page.getByTestId('node-relations')).toContainText('c1')
  await expect(page.getByTestId('node-relation-transitive').first()).toContainText('base')
  await snap(page, 'lineage-1440x900')
  await page.setViewportSize({ width: 1024, height: 700 })
  await page.getByTestId('graph-fit').click()
  await snap(page, 'lineage-1024x700')
})

test('keyboard: the graph is one Tab stop; arrows move between nodes with a focus ring, Enter selects, Shift+F10 opens the menu and Escape comes back, Delete asks to destroy', async ({ openApp, page }) => {
  await openApp(env)
  await openGraph(page)
  const focused = (): Promise<string | undefined> => page.evaluate(() => (document.activeElement as HTMLElement | null)?.closest<HTMLElement>('.react-flow__node')?.dataset.id)
  await page.getByTestId(`rf__node-${id('base')}`).focus()
  await page.keyboard.press('ArrowRight')
  await expect.poll(focused).not.toBe(id('base'))
  const right = await focused()
  expect([id('c1'), id('copy1')]).toContain(right)
  await page.keyboard.press('ArrowLeft')
  await expect.poll(focused).toBe(id('base'))
  // the focus ring is drawn
  const outline = await page.getByTestId('graph-node-base').evaluate((el) => getComputedStyle(el).outlineStyle)
  expect(outline).toBe('solid')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('details').getByRole('heading', { level: 2 })).toHaveText('base')
  // the graph is one Tab stop, as the containers table is: no edge and no other node is one
  const graph = page.getByTestId('graph')
  await expect(graph.locator('[tabindex="0"]')).toHaveCount(1)
  await expect(page.getByTestId(`rf__node-${id('base')}`)).toHaveAttribute('tabindex', '0')
  await expect(graph.locator('.react-flow__edge[tabindex]')).toHaveCount(0)
  // one Tab leaves it, Shift+Tab comes back to the node last focused
  await page.keyboard.press('Tab')
  expect(await graph.evaluate((g) => g.contains(document.activeElement))).toBe(false)
  await page.keyboard.press('Shift+Tab')
  await expect.poll(focused).toBe(id('base'))
  // one Tab from the control before it reaches it
  await page.getByTestId('clone-target').focus()
  await page.keyboard.press('Tab')
  await expect.poll(focused).toBe(id('base'))
  // Shift+F10: the node's menu, its first item focused; Escape gives the focus back to the node
  await page.keyboard.press('Shift+F10')
  await expect(page.getByTestId('node-menu')).toBeVisible()
  expect(await page.getByTestId('node-menu').evaluate((m) => m.contains(document.activeElement))).toBe(true)
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('node-menu')).toHaveCount(0)
  await expect.poll(focused).toBe(id('base'))
  // screen readers are told the graph's keys in the app's language, not React Flow's English
  const described = await page.getByTestId(`rf__node-${id('base')}`).evaluate((n) => document.getElementById(n.getAttribute('aria-describedby')!)?.textContent)
  expect(described).toContain('Shift+F10')
  await page.getByTestId(`rf__node-${id('c2')}`).focus()
  await page.keyboard.press('Delete')
  await expect(page.getByTestId('destroy-dialog')).toBeVisible()
  await expect(page.getByTestId('destroy-dialog')).toContainText('c2')
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('destroy-dialog')).toHaveCount(0)
  expect(lxcLs(env.lxcpath)).toContain('c2')
})

test('keyboard: a focused node destroyed, by Delete or from a terminal, leaves the focus on a node beside it, not on the page', async ({ openApp, page }) => {
  await openApp(env)
  await openGraph(page)
  const focused = (): Promise<string | undefined> => page.evaluate(() => (document.activeElement as HTMLElement | null)?.closest<HTMLElement>('.react-flow__node')?.dataset.id)
  const nodes = (): Promise<string[]> => page.locator('.react-flow__node').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.id!))
  // the node drawn nearest to a node (all nodes are the same size: between their centres), once
  // the layout has placed it (where a new node goes depends on what the stable layout held before)
  const nearestTo = async (name: string): Promise<string> => {
    const at = (): Promise<string | null> =>
      page.evaluate((gone) => {
        const els = [...document.querySelectorAll<HTMLElement>('.react-flow__node')]
        const centre = (e: Element): [number, number] => {
          const r = e.getBoundingClientRect()
          return [r.x + r.width / 2, r.y + r.height / 2]
        }
        const g = els.find((e) => e.dataset.id === gone)
        if (!g) return null
        const [gx, gy] = centre(g)
        const others = els.filter((e) => e !== g).map((e) => ({ id: e.dataset.id!, d: Math.hypot(centre(e)[0] - gx, centre(e)[1] - gy) }))
        return `${others.sort((a, b) => a.d - b.d)[0]!.id}@${gx},${gy}`
      }, id(name))
    let last = await at()
    await expect.poll(async () => (last === (last = await at()) ? last : null)).not.toBeNull()
    return last!.split('@')[0]!
  }
  copyContainer(env.lxcpath, 'c2', 'gone1', true)
  await expect(page.getByTestId('graph-node-gone1')).toBeVisible()
  const besideGone1 = await nearestTo('gone1')
  await page.getByTestId(`rf__node-${id('gone1')}`).focus()
  await page.keyboard.press('Delete')
  await destroyInDialogByKeyboard(page, 'gone1', env.lxcpath)
  await expect(page.getByTestId('graph-node-gone1')).toHaveCount(0)
  await expect.poll(focused).toBe(besideGone1)
  // from a terminal
  copyContainer(env.lxcpath, 'c2', 'gone2', true)
  await expect(page.getByTestId('graph-node-gone2')).toBeVisible()
  const besideGone2 = await nearestTo('gone2')
  await page.getByTestId(`rf__node-${id('gone2')}`).focus()
  execFileSync('lxc-destroy', ['-P', env.lxcpath, '-n', 'gone2'], { stdio: 'ignore' })
  await expect(page.getByTestId('graph-node-gone2')).toHaveCount(0)
  await expect.poll(focused).toBe(besideGone2)
  expect(await nodes()).not.toContain(id('gone2'))
  // still one Tab stop: that node
  await expect(page.getByTestId('graph').locator('[tabindex="0"]')).toHaveCount(1)
  await expect(page.getByTestId(`rf__node-${besideGone2}`)).toHaveAttribute('tabindex', '0')
})

test('context menu: the app\'s actions on a node, a snapshot taken keeps the graph still, a clone from a snapshot node, show usage', async ({ openApp, page }) => {
  await openApp(env)
  await openGraph(page)
  await page.getByTestId('graph-node-c1').click({ button: 'right' })
  const menu = page.getByTestId('node-menu')
  await expect(menu).toBeVisible()
  for (const item of ['clone', 'snapshot', 'start', 'config', 'usage', 'destroy']) await expect(page.getByTestId(`node-menu-${item}`)).toBeVisible()
  await snap(page, 'lineage-menu')
  await page.keyboard.press('Escape')
  await expect(menu).toHaveCount(0)

  // A snapshot from the menu: the new node appears, every other node stays where it was.
  const before = await nodeTransforms(page)
  await page.getByTestId('graph-node-c2').click({ button: 'right' })
  await page.getByTestId('node-menu-snapshot').click()
  await expect(page.getByTestId(`rf__node-${id('c2')}/snaps/snap0`)).toBeVisible({ timeout: 15_000 })
  const after = await nodeTransforms(page)
  for (const [node, transform] of Object.entries(before)) expect(after[node], node).toBe(transform)

  // Clone from c1's snapshot: a new container, made by the engine, appears in lxc-ls and the graph.
  await page.getByTestId(`rf__node-${id('c1')}/snaps/snap0`).click({ button: 'right' })
  await page.getByTestId('node-menu-clone-snapshot').click()
  await page.getByTestId('snapshot-clone-name').fill('from-snap')
  await page.getByTestId('snapshot-dialog-confirm').click()
  await expect(page.getByTestId('graph-node-from-snap')).toBeVisible({ timeout: 60_000 })
  expect(lxcLs(env.lxcpath)).toContain('from-snap')

  // Show usage: the usage view, with its picker on that container.
  await page.getByTestId('graph-node-c1').click({ button: 'right' })
  await page.getByTestId('node-menu-usage').click()
  await expect(page.getByTestId('usage-view')).toBeVisible()
  await expect(page.getByTestId('usage-picker')).toHaveText('c1')
})

test('the node menu of an origin that is gone has its item disabled, with the reason on hover', async ({ openApp, page }) => {
  // An overlay clone whose origin was removed with rm -rf: the origin is a missing node.
  copyContainer(env.lxcpath, 'base', 'gone')
  copyContainer(env.lxcpath, 'gone', 'orphan', true)
  rmSync(`${env.lxcpath}/gone`, { recursive: true, force: true })
  await openApp(env)
  await page.getByTestId('nav-lineage').click()
  const missing = page.getByTestId('graph-node-gone')
  await expect(missing).toBeVisible()
  await missing.click({ button: 'right' })
  const item = page.getByTestId('node-menu-none')
  await expect(item).toBeVisible()
  await expect(item.locator('button, a').first()).toHaveAttribute('aria-disabled', 'true')
  // the reason is on screen without a hover (a keyboard user reads it too)
  await expect(item).toContainText('This origin is gone: nothing to act on.')
  await item.hover()
  await expect(page.getByRole('tooltip')).toHaveText('This origin is gone: nothing to act on.')
  // choosing it does nothing: the menu stays, no dialog opens
  await item.click()
  await expect(page.getByTestId('clone-dialog')).toHaveCount(0)
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('node-menu')).toHaveCount(0)
})
