// Start/stop go through LXC's tools; whatever LXC says is shown in words. (Where containers
// cannot run, e.g. in a CI sandbox without cgroups or lxcbr0, the start fails and the banner
// must say why; where they can, the row turns running and stop brings it back.)
import { test, expect, useStrata, snap } from './fixtures'

const env = useStrata()

test('start shows running, or LXC\'s reason in words; stop returns it to stopped', async ({ openApp }) => {
  const page = await openApp(env)
  const row = page.getByTestId('container-row-copy1')
  await row.locator('input[type=checkbox]').check()
  await page.getByTestId('start').click()
  const error = page.getByTestId('error')
  await expect(row.getByText('running').or(error)).toBeVisible({ timeout: 30_000 })
  if (await error.isVisible()) {
    await expect(error).toContainText('copy1: ')
    await expect(error).toContainText('failed to start')
    await snap(page, 'start-error')
    return
  }
  await page.getByTestId('stop').click()
  await expect(row.getByText('stopped')).toBeVisible({ timeout: 30_000 })
})
