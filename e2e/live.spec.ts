// Live updates: a container made or destroyed by LXC's own tools in a terminal shows up in
// the list and the graph within a second, without a reload.
import { execFileSync } from 'node:child_process'
import { test, expect, useStrata } from './fixtures'
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
