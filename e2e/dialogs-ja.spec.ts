// The new dialogs in Japanese when the locale is ja: clone (with a name rule), destroy
// (refusal naming the dependents), snapshots panel, usage view.
import { test, expect, useStrata, snap } from './fixtures'
import { glyphReport } from './glyphs'

const env = useStrata()
test.use({ locale: 'ja-JP' })

test('clone, destroy, snapshots and usage speak Japanese', async ({ openApp }) => {
  const page = await openApp(env)
  await page.getByTestId('container-row-base').dragTo(page.getByTestId('clone-target'))
  const clone = page.getByTestId('clone-dialog')
  await expect(clone.getByRole('heading', { name: 'base を複製' })).toBeVisible()
  await expect(clone.getByRole('radio', { name: 'スナップショット' })).toBeChecked()
  // the backends that cannot make it, and why, in Japanese too
  await clone.getByRole('button', { name: /ほかの \d+ 個のバックエンドが使えない理由/ }).click()
  await expect(page.getByTestId('clone-backend-dir')).toContainText('dir はスナップショット複製を作れません。')
  // the PatternFly modal draws Japanese with a CJK font, not as missing-glyph boxes
  const glyphs = await glyphReport(clone.getByRole('heading', { name: 'base を複製' }), '複製作成削除依存理由')
  expect(glyphs.tofu, 'characters drawn as the missing-glyph box').toEqual([])
  expect(glyphs.distinctImages).toBe(glyphs.distinctChars)
  await page.getByTestId('clone-name').fill('snap1')
  await expect(page.getByTestId('clone-name-problem')).toContainText('snap1 は')
  await expect(page.getByTestId('clone-confirm')).toHaveText('スナップショット複製を作成')
  await snap(page, 'clone-dialog-ja')
  await page.keyboard.press('Escape')

  await page.getByTestId('container-row-base').click()
  await expect(page.getByTestId('snapshots')).toContainText('スナップショットはまだありません')
  await page.getByTestId('details-destroy').click()
  await expect(page.getByTestId('destroy-dialog').getByRole('heading', { name: 'base を削除' })).toBeVisible()
  await expect(page.getByTestId('destroy-refused')).toContainText('base は単独では削除できません: 1 個のコンテナが依存しています。')
  await expect(page.getByTestId('destroy-dependents')).toContainText('snap1')
  await snap(page, 'destroy-dialog-ja')
  await page.keyboard.press('Escape')

  await page.getByTestId('nav-usage').click()
  await expect(page.getByTestId('nav-usage')).toHaveText('ディスク使用量')
  await expect(page.getByTestId('usage-table')).toContainText('専有')
  await page.getByTestId('usage-help-button').click()
  await expect(page.getByTestId('usage-help')).toContainText('削除で解放')
})
