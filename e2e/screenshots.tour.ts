// The screenshot tour (npm run screenshots): each view and dialog the README shows, at 1440x900
// and the containers view at 1024x700 too, light and dark, on an lxcpath made by real LXC:
// base, a running container, a snapshot clone, a clone of that clone, a full copy.
import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { test, expect, useStrata } from './fixtures'
import { copyContainer, createStartable, makeLineageLxcpath } from './lxc'

const OUT = 'docs/screenshots'

function tourLxcpath(): string {
  const p = makeLineageLxcpath()
  copyContainer(p, 'snap1', 'snap1-child', true)
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
  await page.screenshot({ path: `${OUT}/destroy-impact.png` })
  await page.keyboard.press('Escape')

  await page.getByTestId('nav-lineage').click()
  await expect(page.getByTestId('graph-node-snap1-child')).toBeVisible()
  await page.waitForTimeout(500)
  await page.screenshot({ path: `${OUT}/lineage.png` })

  await page.getByTestId('nav-usage').click()
  await page.waitForTimeout(1500)
  await page.screenshot({ path: `${OUT}/usage.png` })

  await page.getByTestId('nav-containers').click()
  // Destroy on a selection: base and snap1 ticked, snap1-child not (so both stay, named), copy1 goes
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
