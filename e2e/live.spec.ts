// Live updates: a container made or destroyed by LXC's own tools in a terminal shows up in
// the list and the graph within a second, without a reload.
import { execFileSync } from 'node:child_process'
import { renameSync, rmSync, writeFileSync } from 'node:fs'
import { test, expect, useStrata, snap } from './fixtures'
import { copyContainer } from './lxc'

const env = useStrata()

test('lxc-copy and lxc-destroy in a terminal appear within a second', async ({ openApp }) => {
  const page = await openApp(env)
  await expect(page.getByTestId('container-row-base')).toBeVisible()

  copyContainer(env.lxcpath, 'base', 'live1', true)
  await expect(page.getByTestId('container-row-live1')).toBeVisible({ timeout: 1000 })
  await expect(page.getByTestId('container-row-live1')).toContainText('overlay')

  await page.getByTestId('nav-lineage').click()
  await expect(page.getByTestId('graph-node-live1')).toBeVisible()
  await expect(page.getByTestId(`rf__edge-${env.lxcpath}/live1->${env.lxcpath}/base`)).toHaveCount(1)

  execFileSync('lxc-destroy', ['-P', env.lxcpath, '-n', 'live1'])
  await expect(page.getByTestId('graph-node-live1')).toHaveCount(0, { timeout: 1000 })
})

test('an origin that vanishes is marked red with the reason', async ({ openApp }) => {
  const page = await openApp(env)
  await page.getByTestId('nav-lineage').click()
  await expect(page.getByTestId('graph-node-snap1')).toBeVisible()
  // Move base away behind LXC's back (moved back afterwards so cleanup can destroy it).
  renameSync(`${env.lxcpath}/base`, `${env.lxcpath}/.base-away`)
  try {
    await expect(page.getByTestId('graph-node-snap1')).toHaveClass(/bad/)
    await expect(page.getByTestId('findings')).toContainText('Origin missing')
    await page.getByTestId('graph-node-snap1').click()
    await expect(page.getByTestId('details-findings')).toContainText('Origin missing')
    await snap(page, 'lineage-finding')
  } finally {
    renameSync(`${env.lxcpath}/.base-away`, `${env.lxcpath}/base`)
  }
})

test('a warning marks a node in the warning colour, not as broken', async ({ openApp }) => {
  const page = await openApp(env)
  await page.getByTestId('nav-lineage').click()
  await expect(page.getByTestId('graph-node-copy1')).toBeVisible()
  // an lxc_rdepends naming an origin that does not exist: LXC still starts copy1, so it is a warning
  writeFileSync(`${env.lxcpath}/copy1/lxc_rdepends`, `${env.lxcpath}\nghost\n`)
  try {
    await expect(page.getByTestId('graph-node-copy1')).toHaveClass(/warned/)
    await expect(page.getByTestId('graph-node-copy1')).not.toHaveClass(/\bbad\b/)
    await expect(page.getByTestId('graph-node-copy1').locator('.gnode-finding')).toHaveClass(/warn/)
  } finally {
    rmSync(`${env.lxcpath}/copy1/lxc_rdepends`, { force: true })
  }
})
