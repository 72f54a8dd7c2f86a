// The new dialogs in Japanese when the locale is ja: clone (with a name rule), destroy
// (refusal naming the dependents), snapshots panel, usage view.
import { test, expect, useStrata, snap } from './fixtures'

const env = useStrata()
test.use({ locale: 'ja-JP' })

test('clone, destroy, snapshots and usage speak Japanese', async ({ openApp }) => {
  const page = await openApp(env)
  await page.getByTestId('container-row-base').dragTo(page.getByTestId('clone-target'))
  const clone = page.getByTestId('clone-dialog')
  await expect(clone.getByRole('heading', { level: 2 })).toHaveText('base を複製')
  await expect(page.getByTestId('clone-mode-snapshot').locator('..')).toContainText('スナップショット')
  await page.getByTestId('clone-name').fill('snap1')
  await expect(page.getByTestId('clone-name-problem')).toContainText('snap1 は')
  await expect(page.getByTestId('clone-confirm')).toHaveText('スナップショット複製を作成')
  await snap(page, 'clone-dialog-ja')
  await page.keyboard.press('Escape')

  await page.getByTestId('container-row-base').click()
  await expect(page.getByTestId('snapshots')).toContainText('スナップショットはまだありません')
  await page.getByTestId('details-destroy').click()
  await expect(page.getByTestId('destroy-dialog').getByRole('heading', { level: 2 })).toHaveText('base を削除')
  await expect(page.getByTestId('destroy-refused')).toContainText('snap1 が依存しているため base は削除できません')
  await snap(page, 'destroy-dialog-ja')
  await page.keyboard.press('Escape')

  await page.getByTestId('nav-usage').click()
  await expect(page.getByTestId('nav-usage')).toHaveText('ディスク使用量')
  await expect(page.getByTestId('usage-table')).toContainText('専有')
  await page.getByTestId('usage-help-button').click()
  await expect(page.getByTestId('usage-help')).toContainText('削除で解放')
})
