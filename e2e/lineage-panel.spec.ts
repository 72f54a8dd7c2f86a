// The lineage view at the smallest window (1024x700): the relations and the problems are two
// tabs below the graph with their counts, closed by default, so the graph keeps at least 60% of
// the window's height; a tab opens its list, the chevron closes it. At 1440x900 the panel
// starts open. On an lxcpath LXC made with an orphan (its origin removed with rm -rf), a config
// with a legacy key and one that includes /dev/null (a character device, which Strata does not
// read; LXC reads it as empty): three problems, the last said wholly in Japanese in Japanese.
import { appendFileSync, rmSync } from 'node:fs'
import { test, expect, useStrata, snap, showView } from './fixtures'
import { copyContainer, createStartable, makeLineageLxcpath } from './lxc'

const env = useStrata(() => {
  const p = makeLineageLxcpath()
  copyContainer(p, 'snap1', 'snap1-child', true)
  copyContainer(p, 'base', 'gone')
  copyContainer(p, 'gone', 'orphan', true)
  rmSync(`${p}/gone`, { recursive: true, force: true })
  createStartable(p, 'old')
  appendFileSync(`${p}/old/config`, 'lxc.utsname = oldhost\n')
  createStartable(p, 'devinc')
  appendFileSync(`${p}/devinc/config`, 'lxc.include = /dev/null\n')
  return p
})

test('at 1024x700 the graph keeps 60% of the height; relations and problems are tabs with counts, closed until asked for', async ({ openApp, page }) => {
  await page.setViewportSize({ width: 1024, height: 700 })
  await openApp(env)
  await page.getByTestId('container-row-snap1-child').click()
  await showView(page, 'lineage')
  await expect(page.getByTestId('graph-node-base')).toBeVisible()
  const panel = page.getByTestId('lineage-panel')
  await expect(panel).toHaveAttribute('data-open', 'false')
  await expect(page.getByTestId('lineage-panel-toggle')).toHaveAttribute('aria-expanded', 'false')
  // the counts are on the tabs: snap1-child's clone-of relation and LXC's record of base; three problems
  await expect(page.getByTestId('lineage-tab-relations-count')).toHaveText('2')
  await expect(page.getByTestId('lineage-tab-problems-count')).toHaveText('3')
  await expect(page.getByTestId('findings')).toBeHidden()
  const height = async (): Promise<number> => (await page.getByTestId('graph').boundingBox())!.height
  expect(await height(), 'graph height at 1024x700 (px of 700)').toBeGreaterThanOrEqual(0.6 * 700)
  await snap(page, 'lineage-panel-closed-1024')

  await page.getByTestId('lineage-tab-problems').click()
  await expect(panel).toHaveAttribute('data-open', 'true')
  await expect(page.getByTestId('findings')).toContainText('orphan')
  await expect(page.getByTestId('findings')).toContainText('lxc.utsname')
  // the legacy key's fix is the app's button beside it, not the CLI's command
  await expect(page.getByTestId('findings')).not.toContainText('strata config')
  await page.getByTestId('lineage-modernize').click()
  await expect(page.getByTestId('modernize-preview')).toContainText('+ lxc.uts.name = oldhost')
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('modernize-dialog')).toHaveCount(0)
  await snap(page, 'lineage-panel-problems-1024')
  await page.getByTestId('lineage-tab-relations').click()
  await expect(page.getByTestId('node-relations')).toContainText('snap1')
  await expect(page.getByTestId('node-relation-transitive')).toContainText('base')
  // open, the list takes at most a third of the window: the graph still has half of it
  expect(await height()).toBeGreaterThanOrEqual(0.5 * 700)
  await page.getByTestId('lineage-panel-toggle').click()
  await expect(panel).toHaveAttribute('data-open', 'false')
  await expect(page.getByTestId('node-relations')).toBeHidden()
  expect(await height()).toBeGreaterThanOrEqual(0.6 * 700)
})

test('at 1440x900 the panel starts open on the problems', async ({ openApp, page }) => {
  await page.setViewportSize({ width: 1440, height: 900 })
  await openApp(env)
  await showView(page, 'lineage')
  await expect(page.getByTestId('lineage-panel')).toHaveAttribute('data-open', 'true')
  await expect(page.getByTestId('findings')).toContainText('orphan')
})

test.describe('in Japanese', () => {
  test.use({ locale: 'ja-JP' })
  test('at 1024x700 the tabs and the problems are Japanese, a file\'s kind too', async ({ openApp, page }) => {
    await page.setViewportSize({ width: 1024, height: 700 })
    await openApp(env)
    await showView(page, 'lineage')
    await expect(page.getByTestId('lineage-tab-problems')).toContainText('問題')
    await page.getByTestId('lineage-tab-problems').click()
    const findings = page.getByTestId('findings')
    await expect(findings).toContainText('lxc.include「/dev/null」はキャラクターデバイスで、通常のファイルではありません')
    await expect(findings).not.toContainText('character device')
    await expect(page.getByTestId('lineage-modernize')).toHaveText('古いキーを変換…')
    await snap(page, 'lineage-panel-problems-1024-ja')
    await page.emulateMedia({ colorScheme: 'dark' })
    await snap(page, 'lineage-panel-problems-1024-ja-dark')
  })
})
