// A lineage of 900 containers (configs LXC wrote, replicated): zoomed out (beyond Fit, which
// keeps the names readable), the graph is one overview canvas, since panning a thousand boxes
// was too slow; a click on it selects the node under the pointer, and search zooms back in to
// real nodes.
import { mkdtempSync, rmSync } from 'node:fs'
import { generateLxcpath } from '../bench/generated-lxcpath.mjs'
import { test, expect, useStrata } from './fixtures'

const env = useStrata(
  () => {
    const p = mkdtempSync('/tmp/strata-e2e-big-')
    generateLxcpath(p, 900, 10)
    return p
  },
  // Replicated by hand, never mounted nor started: nothing for lxc-destroy to undo.
  (p) => rmSync(p, { recursive: true, force: true })
)

test('a 900-node lineage zoomed out is one canvas that selects by click; search zooms back to nodes', async ({ openApp }) => {
  const page = await openApp(env)
  await page.getByTestId('nav-lineage').click()
  // A big graph opens at a readable zoom, with real nodes.
  await expect(page.locator('.react-flow__node').first()).toBeVisible({ timeout: 30_000 })
  await expect(page.getByTestId('graph-overview')).toHaveCount(0)

  // Fit keeps the names readable (a thousand nodes never fit at that size): still real nodes.
  await page.getByTestId('graph-fit').click()
  await expect(page.locator('.react-flow__node').first()).toBeVisible()
  await expect(page.getByTestId('graph-overview')).toHaveCount(0)
  // Zoomed out further by hand, the whole graph is one canvas.
  const overview = page.getByTestId('graph-overview')
  for (let i = 0; i < 20 && !(await overview.count()); i++) await page.getByRole('button', { name: 'Zoom out' }).click()
  await expect(overview).toBeVisible()
  await expect(page.locator('.react-flow__node')).toHaveCount(0)

  // The canvas names the node under the pointer: find a point over one, then click it.
  const box = (await overview.boundingBox())!
  const hit = await overview.evaluate((canvas: HTMLElement, b) => {
    for (let fy = 0.01; fy < 1; fy += 0.004)
      for (let fx = 0.005; fx < 0.3; fx += 0.005) {
        const x = b.x + b.width * fx
        const y = b.y + b.height * fy
        canvas.dispatchEvent(new MouseEvent('mousemove', { clientX: x, clientY: y, bubbles: true }))
        if (canvas.title) return { x, y, id: canvas.title }
      }
    return null
  }, box)
  expect(hit, 'no node under any point of the overview').not.toBeNull()
  const name = hit!.id.slice(env.lxcpath.length + 1)
  await page.mouse.click(hit!.x, hit!.y)
  await expect(page.getByTestId('details').getByRole('heading', { level: 2 })).toHaveText(name)

  // A press on the canvas still pans the graph.
  const transform = () => page.locator('.react-flow__viewport').evaluate((v: HTMLElement) => v.style.transform)
  const before = await transform()
  await page.mouse.move(hit!.x, hit!.y)
  await page.mouse.down()
  await page.mouse.move(hit!.x + 60, hit!.y + 40, { steps: 5 })
  await page.mouse.up()
  expect(await transform()).not.toBe(before)

  // Search zooms in on the match: real nodes again, the match marked.
  await page.getByTestId('graph-search').getByRole('textbox').fill('clone42-3')
  await page.getByTestId('graph-search').getByRole('textbox').press('Enter')
  await expect(page.getByTestId('graph-node-clone42-3')).toBeVisible()
  await expect(page.getByTestId('graph-node-clone42-3')).toHaveClass(/match/)
  await expect(overview).toHaveCount(0)
})

test('zoomed out to the canvas, the graph is still one Tab stop: Tab onto it brings a node back, focused, at a readable zoom', async ({ openApp }) => {
  const page = await openApp(env)
  await page.getByTestId('nav-lineage').click()
  await expect(page.locator('.react-flow__node').first()).toBeVisible({ timeout: 30_000 })
  const overview = page.getByTestId('graph-overview')
  for (let i = 0; i < 20 && !(await overview.count()); i++) await page.getByRole('button', { name: 'Zoom out' }).click()
  await expect(overview).toBeVisible()
  await page.getByTestId('clone-target').focus()
  await page.keyboard.press('Tab')
  const focusedNode = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.closest<HTMLElement>('.react-flow__node')?.dataset.id ?? null)
  // the top-left root, nothing being selected
  await expect.poll(focusedNode).toBe(`${env.lxcpath}/base0`)
  await expect(overview).toHaveCount(0)
  // the arrows go on from it, and one Tab leaves the graph
  await page.keyboard.press('ArrowDown')
  await expect.poll(focusedNode).not.toBe(`${env.lxcpath}/base0`)
  await page.keyboard.press('Tab')
  expect(await page.getByTestId('graph').evaluate((g) => g.contains(document.activeElement))).toBe(false)
})
