// Selecting a row shows the actions its state allows in the same frame: the enabled state comes
// from the row's known state at once (the hover reason may follow), never a disabled flash.
import { execFileSync } from 'node:child_process'
import { test, expect, useStrata } from './fixtures'
import { createStartable, destroyLxcpath, makeLineageLxcpath } from './lxc'

function withRunning(): string {
  const p = makeLineageLxcpath()
  createStartable(p, 'web')
  execFileSync('lxc-start', ['-P', p, '-n', 'web'])
  return p
}
const env = useStrata(withRunning, (p) => {
  execFileSync('lxc-stop', ['-P', p, '-n', 'web', '-k'], { stdio: 'ignore' })
  destroyLxcpath(p)
})

test('selecting a running row after a stopped one enables Stop at once, without a disabled flash', async ({ openApp }) => {
  const page = await openApp(env)
  await page.getByTestId('container-row-base').click()
  await expect(page.getByTestId('details-stop')).toBeDisabled()
  await expect(page.getByTestId('container-row-web')).toContainText('running')
  // Watch every render of the details' Stop button from the click on.
  await page.evaluate(() => {
    const w = window as unknown as { stopSeen: string[] }
    w.stopSeen = []
    const record = (): void => {
      const state = (id: string): string => {
        const b = document.querySelector(`[data-testid="${id}"]`)
        return b ? (b.hasAttribute('disabled') || b.getAttribute('aria-disabled') === 'true' ? 'disabled' : 'enabled') : 'absent'
      }
      // the details' Stop and the toolbar's Stop (for the selection)
      w.stopSeen.push(`${state('details-stop')} ${state('stop')}`)
    }
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['disabled', 'aria-disabled'] })
  })
  await page.getByTestId('container-row-web').click()
  await expect(page.getByTestId('details-stop')).toBeEnabled()
  await expect(page.getByTestId('stop')).toBeEnabled()
  await page.waitForTimeout(1500) // long enough for a late state or reason to show up in the record
  const seen = await page.evaluate(() => (window as unknown as { stopSeen: string[] }).stopSeen)
  // after the click the button turned enabled and never went back, nor came up disabled first
  // the first render after the click already has both enabled, and they stay so
  expect(seen.length, 'the click re-rendered the buttons').toBeGreaterThan(0)
  expect(seen.filter((s) => s !== 'enabled enabled'), JSON.stringify(seen)).toEqual([])
  await expect(page.getByTestId('details-start')).toBeDisabled()
  await expect(page.getByTestId('details-start')).toHaveAttribute('title', 'web is already running.')
})
