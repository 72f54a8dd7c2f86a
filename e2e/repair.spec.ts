// Hidden containers and the repair of lxc_snapshots in the app: a clone named ".hid" (which
// lxc-ls leaves out) is listed only with "Show hidden" (a persisted preference), but always
// counts as base's dependent; a count of 0 in z's lxc_snapshots, which makes lxc-destroy refuse
// z, is shown with its fix, and the Repair button fixes it so that lxc-destroy works.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test, expect, useStrata, snap, showView } from './fixtures'
import { createStartable, lxcLs, lxcTool } from './lxc'

function makeRepairLxcpath(): string {
  const p = mkdtempSync('/tmp/strata-e2e-repair-')
  createStartable(p, 'base')
  lxcTool('lxc-copy', ['-P', p, '-n', 'base', '-N', '.hid', '-s', '-B', 'overlay'])
  lxcTool('lxc-create', ['-P', p, '-n', 'z', '-t', 'busybox', '-f', join(p, '.net-empty.conf')])
  writeFileSync(join(p, 'z/lxc_snapshots'), '0\n')
  return p
}

const env = useStrata(makeRepairLxcpath)

const lxcDestroy = (name: string) => spawnSync('lxc-destroy', ['-P', env.lxcpath, '-n', name], { encoding: 'utf8' })

test('hidden containers are shown on request; a count of 0 is repaired from its finding', async ({ openApp }) => {
  const page = await openApp(env)
  await page.setViewportSize({ width: 1024, height: 700 })
  expect(lxcLs(env.lxcpath)).toEqual(['base', 'z'])
  const rows = page.locator('[data-testid^="container-row-"]')
  await expect(rows).toHaveCount(2)
  await expect(page.getByTestId('container-row-base').locator('td.num').first()).toHaveText('1')

  // The toggle lists .hid (as the engine returns it), and is remembered across a reload.
  await page.getByTestId('show-hidden').check()
  await expect(page.getByTestId('container-row-.hid')).toBeVisible()
  await expect(page.getByTestId('container-row-.hid')).toContainText('base')
  await page.reload()
  await expect(page.getByTestId('show-hidden')).toBeChecked()
  await expect(rows).toHaveCount(3)
  await snap(page, 'repair-hidden')
  await page.getByTestId('show-hidden').uncheck()
  await expect(rows).toHaveCount(2)

  // z: lxc-destroy refuses it, the finding says why and how to fix it.
  expect(lxcDestroy('z').stderr).toMatch(/z has clones/)
  await page.getByTestId('container-row-z').click()
  const findings = page.getByTestId('details-findings')
  await expect(findings).toContainText('lxc_snapshots blocks lxc-destroy')
  await expect(findings.getByTestId('finding-fix')).toContainText(`Fix: remove ${env.lxcpath}/z/lxc_snapshots (the LXC 1.x count 0): nothing depends on z`)
  await snap(page, 'repair-finding')
  // The lineage view lists the same finding with the same fix.
  await showView(page, 'lineage')
  await expect(page.getByTestId('findings').getByTestId('finding-fix')).toContainText(`remove ${env.lxcpath}/z/lxc_snapshots`)
  await snap(page, 'repair-lineage')
  await showView(page, 'containers')

  await findings.getByTestId('repair').click()
  await expect(page.getByTestId('repair-said')).toHaveText(`Removed ${env.lxcpath}/z/lxc_snapshots (the LXC 1.x count 0): nothing depends on z.`)
  await expect(findings).toHaveCount(0)
  await snap(page, 'repair-done')
  expect(existsSync(join(env.lxcpath, 'z/lxc_snapshots'))).toBe(false)
  expect(existsSync(join(env.lxcpath, 'z/config'))).toBe(true)
  expect(lxcDestroy('z').status).toBe(0)
  await expect(page.getByTestId('container-row-z')).toHaveCount(0)
  // base still may not go: .hid depends on it, whether or not it is listed.
  expect(execFileSync('ls', ['-a', env.lxcpath], { encoding: 'utf8' })).toContain('.hid')
  expect(lxcDestroy('base').stderr).toMatch(/base has clones/)
})
