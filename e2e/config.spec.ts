// The Config view on PatternFly components, at the smallest window (1024x700): the expanded
// entries with their file:line and legacy keys flagged, the raw file in a code block, tabs
// moved between with the keyboard, nothing clipped; the legacy-key conversion previewed in a
// modal and applied to the file on disk; Japanese drawn with real glyphs.
import { appendFileSync, readFileSync } from 'node:fs'
import type { Locator, Page } from '@playwright/test'
import { test, expect, useStrata, snap } from './fixtures'
import { createStartable, makeLineageLxcpath } from './lxc'
import { glyphReport } from './glyphs'

const env = useStrata(() => {
  const p = makeLineageLxcpath()
  createStartable(p, 'old')
  // a key LXC 1.x/2.0 wrote, which LXC 5 names lxc.uts.name
  appendFileSync(`${p}/old/config`, 'lxc.utsname = oldhost\n')
  return p
})

/** The config of `name`, chosen in the table at 1440x900, then looked at in the smallest window (where the sidebar folds away). */
async function openConfig(page: Page, name: string): Promise<void> {
  await page.getByTestId(`container-row-${name}`).click()
  await page.getByTestId('nav-config').click()
  await page.setViewportSize({ width: 1024, height: 700 })
  await expect(page.getByTestId('config-view')).toBeVisible()
}

/** Inside the window sideways, and its content not wider than its box. */
async function expectUnclipped(page: Page, el: Locator): Promise<void> {
  const box = (await el.boundingBox())!
  expect(box.x).toBeGreaterThanOrEqual(0)
  expect(box.x + box.width).toBeLessThanOrEqual(page.viewportSize()!.width + 0.5)
  expect(await el.evaluate((e) => e.scrollWidth - e.clientWidth), 'content wider than its box').toBeLessThanOrEqual(1)
}

test('config at 1024x700: legacy key flagged, tabs by keyboard, raw file in a code block, conversion previewed and applied', async ({ openApp }) => {
  const page = await openApp(env)
  await openConfig(page, 'old')
  await expect(page.getByTestId('config-pick')).toHaveValue(`${env.lxcpath}/old`)
  const expanded = page.getByTestId('config-expanded')
  const legacyRow = expanded.getByRole('row').filter({ hasText: 'lxc.utsname' })
  await expect(legacyRow).toContainText('oldhost')
  await expect(legacyRow).toContainText(`${env.lxcpath}/old/config:`)
  await expect(legacyRow.locator('.pf-v6-c-label')).toContainText('lxc.uts.name')
  // its problem says what is wrong; the fix is the toolbar's button, not the CLI's command
  await expect(page.getByTestId('config-problems')).toContainText('"lxc.utsname" is an LXC 1.x/2.0 key; LXC 5 rejects it; the modern key is lxc.uts.name.')
  await expect(page.getByTestId('config-problems')).not.toContainText('strata config')
  await expect(page.getByTestId('modernize')).toHaveText('Convert legacy keys…')
  await expectUnclipped(page, page.getByTestId('config-view'))
  await expectUnclipped(page, expanded)
  await snap(page, 'config-1024')

  // the tabs: a tablist, the selected one focusable, arrow keys move to the other
  const expandedTab = page.getByRole('tab', { name: 'Expanded' })
  const rawTab = page.getByRole('tab', { name: 'Raw file' })
  await expect(expandedTab).toHaveAttribute('aria-selected', 'true')
  await expandedTab.focus()
  await page.keyboard.press('ArrowRight')
  await expect(rawTab).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(rawTab).toHaveAttribute('aria-selected', 'true')
  const raw = page.getByTestId('config-raw')
  await expect(raw).toContainText('lxc.utsname = oldhost')
  await expect(raw.locator('pre code, code')).toHaveCount(1)
  await expectUnclipped(page, raw)

  // the conversion: an action, a preview in a modal, applied to the file
  await page.getByTestId('modernize').focus()
  await page.keyboard.press('Enter')
  const dialog = page.getByTestId('modernize-dialog')
  await expect(dialog).toBeVisible()
  const preview = page.getByTestId('modernize-preview')
  await expect(preview).toContainText('− lxc.utsname = oldhost')
  await expect(preview).toContainText('+ lxc.uts.name = oldhost')
  await expectUnclipped(page, preview)
  await snap(page, 'config-modernize-1024')
  await page.getByTestId('modernize-apply').click()
  await expect(page.getByTestId('modernize-done')).toContainText('old: 1 line converted.')
  expect(readFileSync(`${env.lxcpath}/old/config`, 'utf8')).toMatch(/^lxc\.uts\.name = oldhost$/m)
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
  // the view follows: no legacy key left, so no conversion offered
  await expect(page.getByTestId('modernize')).toHaveCount(0)
  await page.getByRole('tab', { name: 'Raw file' }).click()
  await expect(raw).toContainText('lxc.uts.name = oldhost')
})

test.describe('in Japanese', () => {
  test.use({ locale: 'ja-JP' })
  test('the config tabs and headers are drawn with real glyphs', async ({ openApp }) => {
    const page = await openApp(env)
    await openConfig(page, 'base')
    const tab = page.getByRole('tab', { name: '展開後' })
    await expect(tab).toHaveAttribute('aria-selected', 'true')
    await expect(page.getByRole('tab', { name: 'ファイルそのまま' })).toBeVisible()
    await expect(page.getByTestId('config-expanded').getByRole('columnheader').first()).toHaveText('キー')
    const glyphs = await glyphReport(tab, '展開後ファイルそのままキー値出所')
    expect(glyphs.tofu, 'characters drawn as the missing-glyph box').toEqual([])
    expect(glyphs.distinctImages).toBe(glyphs.distinctChars)
    await expectUnclipped(page, page.getByTestId('config-view'))
    await snap(page, 'config-ja-1024')
  })
})
