// Issue 15's walk through a running container, on an overlay snapshot clone made by LXC: start it
// from the UI, open a console, `hostname` answers its name, `touch /root/x` lands in its upper
// layer and the usage view lists it as added there, stop it from the UI; lxc-info agrees.
import { existsSync, mkdtempSync } from 'node:fs'
import { test, expect, useStrata, snap, showView } from './fixtures'
import { openConsole, runInConsole } from './console-steps'
import { copyContainer, createStartable, lxcTool } from './lxc'

const env = useStrata(() => {
  const p = mkdtempSync('/tmp/strata-e2e-console-usage-')
  createStartable(p, 'base')
  copyContainer(p, 'base', 'clone1', true)
  return p
})

const lxcState = (name: string): string => lxcTool('lxc-info', ['-P', env.lxcpath, '-n', name, '-s']).replace(/^State:\s*/, '').trim()

test('start an overlay clone, touch a file in its console, find it in its upper layer from the usage view, stop it', async ({ openApp, page }) => {
  await page.setViewportSize({ width: 1024, height: 700 })
  await openApp(env)
  const row = page.getByTestId('container-row-clone1')
  await row.click()
  await page.getByTestId('details-start').click()
  await expect(row).toContainText('running', { timeout: 30_000 })
  expect(lxcState('clone1')).toBe('RUNNING')

  const term = await openConsole(page, 'clone1')
  await runInConsole(page, term, 'hostname', 'clone1')
  await runInConsole(page, term, 'touch /root/x')
  // the clone's own layer, not its origin's rootfs
  await expect.poll(() => existsSync(`${env.lxcpath}/clone1/overlay/delta/root/x`)).toBe(true)
  expect(existsSync(`${env.lxcpath}/base/rootfs/root/x`)).toBe(false)

  await showView(page, 'usage')
  const added = page.getByTestId('diff-list').getByRole('row', { name: /\/root\/x/ })
  await expect(added).toHaveClass(/diff-added/, { timeout: 15_000 })
  await snap(page, 'console-usage-1024x700')

  await showView(page, 'containers')
  await page.getByTestId('container-row-clone1').click()
  await page.getByTestId('details-stop').click()
  await expect(page.getByTestId('container-row-clone1')).toContainText('stopped', { timeout: 90_000 })
  expect(lxcState('clone1')).toBe('STOPPED')
})
