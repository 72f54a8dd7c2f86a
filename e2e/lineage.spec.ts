// The list and the graph show exactly what LXC has: base, its overlay snapshot clone snap1
// and its full copy copy1, with the edge snap1 -> base.
import { test, expect, useStrata, snap } from './fixtures'
import { lxcLs } from './lxc'

const env = useStrata()

test('the container list shows exactly what lxc-ls lists', async ({ openApp }) => {
  const page = await openApp(env)
  const names = lxcLs(env.lxcpath)
  expect(names).toEqual(['base', 'copy1', 'snap1'])
  const rows = page.locator('[data-testid^="container-row-"]')
  await expect(rows).toHaveCount(names.length)
  for (const n of names) await expect(page.getByTestId(`container-row-${n}`)).toBeVisible()
  await expect(page.getByTestId('container-row-snap1')).toContainText('overlay')
  await expect(page.getByTestId('container-row-snap1')).toContainText('base')

  // A click (and Enter) selects and shows the details.
  await page.getByTestId('container-row-snap1').click()
  await expect(page.getByTestId('details')).toContainText(`${env.lxcpath}/snap1/config`)
  await page.getByTestId('container-row-base').focus()
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('details')).toContainText('snap1')
  await snap(page, 'containers')

  // Sorting by name descending puts snap1 first.
  await page.getByTestId('sort-name').click()
  await expect(rows.first()).toHaveAttribute('data-testid', 'container-row-snap1')
  // Filtering.
  await page.getByRole('textbox', { name: 'Filter' }).fill('overlay')
  await expect(rows).toHaveCount(1)
})

test('the lineage graph has a node for each container and the edge snap1 -> base', async ({ openApp }) => {
  const page = await openApp(env)
  await page.getByTestId('nav-lineage').click()
  for (const n of lxcLs(env.lxcpath)) await expect(page.getByTestId(`graph-node-${n}`)).toBeVisible()
  // snap1 -> base (its overlay lower); copy1 is a full copy, so nothing points from it.
  const edge = page.getByTestId(`rf__edge-${env.lxcpath}/snap1->${env.lxcpath}/base`)
  await expect(edge).toHaveCount(1)
  await expect(edge).toHaveClass(/edge-(depends-on-lower|cloned-from)/)
  await expect(page.locator(`[data-testid^="rf__edge-${env.lxcpath}/copy1->"]`)).toHaveCount(0)
  await expect(page.getByTestId('legend')).toBeVisible()

  // Selecting a node shows its details, by mouse and by keyboard (Enter on a focused node).
  await page.getByTestId('graph-node-snap1').click()
  await expect(page.getByTestId('details')).toContainText('overlay')
  await snap(page, 'lineage')
  await page.getByTestId(`rf__node-${env.lxcpath}/copy1`).focus()
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('details').getByRole('heading', { level: 2 })).toHaveText('copy1')

  // Search highlights the match.
  await page.getByTestId('graph-search').getByRole('textbox').fill('copy')
  await page.getByTestId('graph-search').getByRole('textbox').press('Enter')
  await expect(page.getByTestId('graph-node-copy1')).toHaveClass(/match/)
})

test('the config view shows the raw file and each entry with its file:line', async ({ openApp }) => {
  const page = await openApp(env)
  await page.getByTestId('container-row-snap1').click()
  await page.getByTestId('nav-config').click()
  const expanded = page.getByTestId('config-expanded')
  await expect(expanded).toContainText('lxc.rootfs.path')
  await expect(expanded).toContainText(`${env.lxcpath}/snap1/config:`)
  await snap(page, 'config')
  await page.getByRole('tab', { name: 'Raw file' }).click()
  await expect(page.getByTestId('config-raw')).toContainText(`overlay:${env.lxcpath}/base/rootfs`)
})
