// Start/stop go through LXC's tools; whatever LXC says is shown in words. (Where containers
// cannot run, e.g. in a CI sandbox without cgroups or lxcbr0, the start fails and the banner
// says why in the task bar; where they can, the row turns running and stop brings it back.)
import { test, expect, useStrata, snap } from './fixtures'

const env = useStrata()

test('start shows running, or LXC\'s reason in words; stop returns it to stopped', async ({ openApp }) => {
  const page = await openApp(env)
  const row = page.getByTestId('container-row-copy1')
  await row.locator('input[type=checkbox]').check()
  await page.getByTestId('start').click()
  const failure = page.locator('[data-testid="task-copy1"][data-status="failed"]')
  await expect(row.getByText('running').or(failure)).toBeVisible({ timeout: 30_000 })
  if (await failure.isVisible()) {
    await expect(failure).toContainText('copy1 did not start')
    await snap(page, 'start-error')
    return
  }
  await page.getByTestId('stop').click()
  await expect(row.getByText('stopped')).toBeVisible({ timeout: 30_000 })
})

test("a row's menu opened by a right-click or Shift+F10 has the focus: arrows move in it, Escape closes it", async ({ openApp }) => {
  const page = await openApp(env)
  const row = page.getByTestId('container-row-copy1')
  await row.click({ button: 'right' })
  const menu = page.getByRole('menu')
  await expect(menu).toBeVisible()
  await expect(menu.getByRole('menuitem').first()).toBeFocused()
  await page.keyboard.press('ArrowDown')
  await expect(menu.getByRole('menuitem').nth(1)).toBeFocused()
  await page.keyboard.press('Escape')
  await expect(menu).toBeHidden()

  await row.focus()
  await page.keyboard.press('Shift+F10')
  await expect(menu.getByRole('menuitem').first()).toBeFocused()
  await page.keyboard.press('Escape')
  await expect(menu).toBeHidden()
})
