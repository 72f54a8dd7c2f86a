// A container whose rootfs is configured outside its own directory: lxc-destroy would delete
// that rootfs without a word. The destroy dialog names the path and destroys only once the
// user has ticked that it goes too; then the container and that rootfs are gone.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test, expect, useStrata, snap } from './fixtures'
import { createStartable, lxcLs, lxcTool } from './lxc'

/** base, and `ext`: a copy whose rootfs lives in <lxcpath>/shared/rootfs. */
function makeOutsideLxcpath(): string {
  const p = mkdtempSync('/tmp/strata-e2e-outside-')
  createStartable(p, 'base')
  lxcTool('lxc-copy', ['-P', p, '-n', 'base', '-N', 'ext'])
  mkdirSync(join(p, 'shared'))
  execFileSync('cp', ['-a', join(p, 'base', 'rootfs'), join(p, 'shared', 'rootfs')])
  const config = join(p, 'ext', 'config')
  writeFileSync(config, readFileSync(config, 'utf8').replace(/^lxc\.rootfs\.path = .*$/m, `lxc.rootfs.path = dir:${p}/shared/rootfs`))
  return p
}

const env = useStrata(makeOutsideLxcpath)

test('the destroy dialog names a rootfs outside the container and destroys only once that is ticked', async ({ openApp }) => {
  const outside = join(env.lxcpath, 'shared', 'rootfs')
  const page = await openApp(env)
  await page.getByTestId('container-row-ext').click()
  await page.getByTestId('details-destroy').click()
  await expect(page.getByTestId('destroy-dialog')).toBeVisible()
  await expect(page.getByTestId('destroy-outside')).toContainText(outside)
  await expect(page.getByTestId('destroy-confirm')).toBeDisabled()
  await snap(page, 'destroy-outside')
  await page.getByTestId('destroy-outside-confirm').check()
  await expect(page.getByTestId('destroy-confirm')).toBeEnabled()
  await page.getByTestId('destroy-confirm').click()
  // a finished destroy says so, then the dialog closes
  await expect(page.getByTestId('destroy-done')).toHaveText('ext was destroyed.')
  await page.getByRole('button', { name: 'Close', exact: true }).last().click()
  await expect(page.getByTestId('destroy-dialog')).toBeHidden()
  await expect(page.getByTestId('container-row-ext')).toHaveCount(0)
  expect(lxcLs(env.lxcpath)).toEqual(['base'])
  expect(existsSync(outside)).toBe(false)
  expect(existsSync(join(env.lxcpath, 'base', 'rootfs', 'bin', 'busybox'))).toBe(true)

  // A container without such a rootfs shows no such question.
  await page.getByTestId('container-row-base').click()
  await page.getByTestId('details-destroy').click()
  await expect(page.getByTestId('destroy-dialog')).toBeVisible()
  await expect(page.getByTestId('destroy-outside')).toHaveCount(0)
  await expect(page.getByTestId('destroy-confirm')).toBeEnabled()
})
