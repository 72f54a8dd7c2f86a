// Fit at the smallest window (1024x700) on a lineage too tall to be shown whole at a readable
// size (base and twelve overlay clones LXC made, one a clone of a clone): Fit never shrinks the
// names below 11 px on screen; the rest is reached by panning, the minimap showing where.
import { mkdtempSync } from 'node:fs'
import { test, expect, useStrata, showView } from './fixtures'
import { copyContainer, createStartable } from './lxc'

const env = useStrata(() => {
  const p = mkdtempSync('/tmp/strata-e2e-fit-')
  createStartable(p, 'base')
  for (let i = 1; i <= 11; i++) copyContainer(p, 'base', `web${i}`, true)
  copyContainer(p, 'web1', 'web1-child', true)
  return p
})

test.use({ viewport: { width: 1024, height: 700 } })

test('at 1024x700 Fit keeps node names at 11 px or more on screen; the minimap shows the rest', async ({ openApp }) => {
  const page = await openApp(env)
  await showView(page, 'lineage')
  await expect(page.getByTestId('graph-node-base')).toBeVisible()
  const graph = page.getByTestId('graph')
  const onScreen = async (): Promise<{ px: number; inView: number; total: number }> =>
    graph.evaluate((g) => {
      const scale = new DOMMatrix(getComputedStyle(g.querySelector('.react-flow__viewport')!).transform).a
      const pane = g.getBoundingClientRect()
      const names = [...g.querySelectorAll<HTMLElement>('.gnode-name')]
      const inView = names.filter((n) => {
        const r = n.getBoundingClientRect()
        return r.bottom > pane.top && r.top < pane.bottom && r.right > pane.left && r.left < pane.right
      })
      return { px: Math.min(...inView.map((n) => parseFloat(getComputedStyle(n).fontSize) * scale)), inView: inView.length, total: 13 }
    })
  // zoomed out by hand below the readable size first, so Fit has to zoom back in (and its
  // short animation ends at the readable size, which the poll waits for)
  await page.getByRole('button', { name: 'Zoom out' }).click()
  await expect.poll(async () => (await onScreen()).px).toBeLessThan(10)
  await page.getByTestId('graph-fit').click()
  await expect.poll(async () => (await onScreen()).px, { message: 'smallest node name on screen (px) after Fit' }).toBeGreaterThanOrEqual(10.99)
  const seen = await onScreen()
  expect(seen.inView, 'names in view after Fit').toBeGreaterThan(0)
  // the graph is taller than the pane at that size (the case this is about): the minimap shows the rest
  expect(seen.inView).toBeLessThan(seen.total)
  await expect(page.getByTestId('graph-minimap')).toBeVisible()
})

test('the lineage opens on the container selected in the table when the graph is too big to show whole', async ({ openApp }) => {
  const page = await openApp(env)
  const name = (n: string) => page.getByTestId(`graph-node-${n}`).locator('.gnode-name')
  // a node the top-left first view leaves out (the graph is taller than the pane at 1024x700)
  await showView(page, 'lineage')
  await expect(name('base')).toBeInViewport()
  const pane = (await page.getByTestId('graph').boundingBox())!
  let away = ''
  for (let i = 11; i >= 1 && !away; i--) {
    const r = await name(`web${i}`).boundingBox()
    if (!r || r.y > pane.y + pane.height || r.y + r.height < pane.y) away = `web${i}`
  }
  expect(away, 'a clone out of the first view').not.toBe('')
  await showView(page, 'containers')
  await page.getByTestId(`container-row-${away}`).click()
  await showView(page, 'lineage')
  // the details show it: the graph shows it too, without a hunt through the minimap
  await expect(page.locator('#details-title')).toHaveText(away)
  await expect(name(away)).toBeInViewport()
  const r = (await name(away).boundingBox())!
  const g = (await page.getByTestId('graph').boundingBox())!
  expect(r.y + r.height).toBeLessThanOrEqual(g.y + g.height)
  expect(r.y).toBeGreaterThanOrEqual(g.y)
})
