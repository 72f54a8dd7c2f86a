// The screenshot tour (npm run screenshots): each view and dialog the README shows, at 1440x900
// and the containers view at 1024x700 too, light and dark, on an lxcpath made by real LXC:
// base, a running container, a snapshot clone with files in its upper layer (what the usage
// view's treemap shows), a clone of that clone, a full copy.
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test, expect, useStrata } from './fixtures'
import { copyContainer, createStartable, makeLineageLxcpath } from './lxc'

const OUT = 'docs/screenshots'

function tourLxcpath(): string {
  const p = makeLineageLxcpath()
  copyContainer(p, 'snap1', 'snap1-child', true)
  // what a user made in snap1, as overlayfs keeps it: its upper layer's files and a whiteout
  const upper = join(p, 'snap1/overlay/delta')
  const files: [string, number][] = [['srv/www/site.tar', 3 << 20], ['srv/www/index.html', 24 << 10], ['root/build/app.bin', 2 << 20], ['root/notes.txt', 8 << 10], ['var/log/app.log', 640 << 10], ['etc/hostname', 6]]
  for (const [file, bytes] of files) {
    mkdirSync(join(upper, file, '..'), { recursive: true })
    writeFileSync(join(upper, file), Buffer.alloc(bytes, 1))
  }
  execFileSync('mknod', [join(upper, 'etc/motd'), 'c', '0', '0'])
  createStartable(p, 'web')
  execFileSync('lxc-start', ['-P', p, '-n', 'web'])
  return p
}

const env = useStrata(tourLxcpath)

test('the screenshot tour', async ({ openApp }) => {
  test.setTimeout(180_000)
  mkdirSync(OUT, { recursive: true })
  const page = await openApp(env)
  await page.setViewportSize({ width: 1440, height: 900 })
  await page.evaluate(() => localStorage.setItem('strata.prefs', JSON.stringify({ state: { lang: 'en', theme: 'light', view: 'containers', showHidden: false }, version: 0 })))
  await page.reload()
  await expect(page.getByTestId('size-base')).toContainText(/B$/)
  await page.getByTestId('container-row-snap1').click()
  await page.screenshot({ path: `${OUT}/containers.png` })

  await page.setViewportSize({ width: 1024, height: 700 })
  // below 1200 px the sidebar folds behind the menu button once the page has seen the resize
  await expect(page.locator('.pf-v6-c-page__sidebar')).toHaveClass(/pf-m-collapsed/)
  await page.screenshot({ path: `${OUT}/containers-1024.png` })
  await page.setViewportSize({ width: 1440, height: 900 })

  await page.getByTestId('container-row-base').click()
  await page.getByTestId('details-clone').click()
  await expect(page.getByTestId('clone-name-problem')).toContainText('free')
  await page.getByTestId('clone-why-not').getByRole('button').click()
  await page.screenshot({ path: `${OUT}/clone-dialog.png` })
  await page.keyboard.press('Escape')

  await page.getByTestId('details-destroy').click()
  await expect(page.getByTestId('destroy-dependents')).toContainText('snap1')
  await expect(page.getByTestId('destroy-freed')).toContainText(/B/)
  await page.getByTestId('destroy-with-dependents').check()
  await expect(page.getByTestId('destroy-confirm')).toBeEnabled()
  // PatternFly's buttons change colour by a transition: taken once the enabled colour is there
  await page.waitForTimeout(500)
  await page.screenshot({ path: `${OUT}/destroy-impact.png` })
  await page.keyboard.press('Escape')

  await page.getByTestId('nav-lineage').click()
  await expect(page.getByTestId('graph-node-snap1-child')).toBeVisible()
  // a clone of a clone selected: its relations below the graph (the one drawn, and LXC's record of base)
  await page.getByTestId('graph-node-snap1-child').click()
  await page.getByTestId('lineage-tab-relations').click()
  await expect(page.getByTestId('node-relation-transitive')).toContainText('base')
  await page.waitForTimeout(500)
  await page.screenshot({ path: `${OUT}/lineage.png` })

  await page.getByTestId('nav-usage').click()
  // snap1's upper layer: the treemap and its changes
  await page.getByTestId('usage-picker').click()
  await page.getByTestId('usage-pick-snap1').click()
  await expect(page.getByTestId('treemap')).toBeVisible({ timeout: 15_000 })
  await page.waitForTimeout(1500)
  await page.screenshot({ path: `${OUT}/usage.png` })

  await page.getByTestId('nav-containers').click()
  // Destroy on a selection: base and snap1 ticked, snap1-child not (so both stay, named), copy1 goes;
  // a plain click first leaves the lineage's selection (snap1-child) behind
  await page.getByTestId('container-row-base').click()
  for (const name of ['base', 'snap1', 'copy1']) await page.getByTestId(`container-row-${name}`).getByRole('checkbox').check()
  await page.getByTestId('bulk-destroy').click()
  await expect(page.getByTestId('bulk-destroy-stays-snap1')).toContainText('snap1-child')
  await expect(page.getByTestId('bulk-destroy-freed')).toContainText(/B/)
  await expect(page.getByTestId('bulk-destroy-confirm')).toBeEnabled()
  await page.screenshot({ path: `${OUT}/bulk-destroy.png` })
  await page.keyboard.press('Escape')
  for (const name of ['base', 'snap1', 'copy1']) await page.getByTestId(`container-row-${name}`).getByRole('checkbox').uncheck()

  await page.getByTestId('container-row-snap1').click()
  await page.getByTestId('nav-config').click()
  await expect(page.getByTestId('config-expanded')).toContainText('lxc.rootfs.path')
  await page.screenshot({ path: `${OUT}/config.png` })

  await page.getByTestId('nav-containers').click()
  await page.getByTestId('theme').selectOption('dark')
  await page.getByTestId('container-row-web').click()
  // the actions follow the running container's state once the details have it
  await expect(page.getByTestId('details').getByRole('button', { name: /^Stop/ })).toBeEnabled()
  await page.screenshot({ path: `${OUT}/dark.png` })
  await page.getByTestId('theme').selectOption('light')
})
