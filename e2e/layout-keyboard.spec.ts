// The containers view at the smallest window Strata supports (1024x700): nothing clipped, the
// size column and the details panel inside the window; and a clone and a destroy done with the
// keyboard alone (Ctrl+F, Tab, Enter, Delete, Escape; the table one Tab stop), checked against
// lxc-ls. (The table's own keys, its row menu's clone and destroy: grid-keyboard.spec.)
import type { Locator, Page } from '@playwright/test'
import { test, expect, useStrata } from './fixtures'
import { cloneInDialogByKeyboard, destroyInDialogByKeyboard } from './keyboard-steps'

const env = useStrata()

/** Press Tab until `target` has focus (at most 80 times): how a keyboard user gets there. Returns how many Tabs it took. */
async function tabTo(page: Page, target: Locator): Promise<number> {
  for (let i = 0; i < 80; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return i
    await page.keyboard.press('Tab')
  }
  throw new Error('Tab never reached the element')
}

/** Inside the window, and its content not wider than its box (which would clip or scroll it sideways). */
async function expectInside(page: Page, el: Locator): Promise<void> {
  const box = (await el.boundingBox())!
  const vp = page.viewportSize()!
  expect(box.x).toBeGreaterThanOrEqual(0)
  expect(box.y).toBeGreaterThanOrEqual(0)
  expect(box.x + box.width).toBeLessThanOrEqual(vp.width + 0.5)
  expect(box.y).toBeLessThan(vp.height)
  const overflow = await el.evaluate((e) => e.scrollWidth - e.clientWidth)
  expect(overflow, 'content wider than its box').toBeLessThanOrEqual(1)
}

test.use({ viewport: { width: 1024, height: 700 } })

test('at 1024x700 the size column, the row menu and the details panel are all inside the window', async ({ openApp }) => {
  const page = await openApp(env)
  await page.getByTestId('container-row-snap1').click()
  await expectInside(page, page.getByRole('columnheader', { name: /^Size/ }))
  await expectInside(page, page.getByTestId('size-snap1'))
  await expectInside(page, page.getByRole('button', { name: 'Actions for snap1' }))
  const details = page.getByTestId('details')
  await expectInside(page, details)
  // its long paths are cut in the middle to fit (the whole path on hover), not clipped at the edge
  for (const cut of await details.locator('.path-cut').all()) await expectInside(page, cut)
  // the table itself does not scroll sideways
  const scroller = page.locator('.table-scroll')
  expect(await scroller.evaluate((e) => e.scrollWidth - e.clientWidth)).toBeLessThanOrEqual(1)
  // names do not wrap at hyphens: a row is one line high
  const rowBox = (await page.getByTestId('container-row-snap1').boundingBox())!
  expect(rowBox.height).toBeLessThan(60)
})

test("at 1024x700 the toolbar's items keep PatternFly's inset from the pane's edges, none clipped", async ({ openApp }) => {
  const page = await openApp(env)
  await expect(page.getByTestId('container-row-snap1')).toBeVisible()
  const pane = (await page.locator('section.pane').boundingBox())!
  // the inset PatternFly gives page content (the table's first and last cells use it too)
  const inset = await page.locator('section.pane').evaluate((e) => parseFloat(getComputedStyle(e).fontSize) * parseFloat(getComputedStyle(e).getPropertyValue('--pf-t--global--spacer--inset--page-chrome')))
  expect(inset).toBeGreaterThanOrEqual(16)
  const items = {
    title: page.locator('#containers-title'),
    filter: page.getByRole('textbox', { name: 'Filter' }),
    'show hidden': page.locator('label[for="show-hidden"]'),
    'drop zone': page.getByTestId('clone-target')
  }
  for (const [what, el] of Object.entries(items)) {
    const box = (await el.boundingBox())!
    expect(box.x, `${what}: left edge`).toBeGreaterThanOrEqual(pane.x + inset - 0.5)
    expect(box.x + box.width, `${what}: right edge`).toBeLessThanOrEqual(pane.x + pane.width - inset + 0.5)
    expect(await el.evaluate((e) => e.scrollWidth - e.clientWidth), `${what}: clipped`).toBeLessThanOrEqual(1)
  }
  const toolbar = page.locator('.view-toolbar')
  expect(await toolbar.evaluate((e) => e.scrollWidth - e.clientWidth), 'toolbar scrolls sideways').toBeLessThanOrEqual(1)
})

test('clone and destroy with the keyboard only', async ({ openApp }) => {
  test.setTimeout(120_000)
  const page = await openApp(env)
  await expect(page.getByTestId('container-row-copy1')).toBeVisible()
  // Ctrl+F finds
  await page.keyboard.press('Control+f')
  await expect(page.getByRole('textbox', { name: 'Filter' })).toBeFocused()
  await page.keyboard.type('copy1')
  await expect(page.getByTestId('container-row-base')).toHaveCount(0)
  const row = page.getByTestId('container-row-copy1')
  // from the filter: its clear button, the show-hidden box, the drop zone, then the table, one Tab stop
  expect(await tabTo(page, row)).toBe(4)
  // Enter opens the details: focus moves to its heading
  await page.keyboard.press('Enter')
  await expect(page.getByRole('heading', { name: 'copy1', level: 2 })).toBeFocused()
  await tabTo(page, page.getByTestId('details-clone'))
  await page.keyboard.press('Enter')
  await cloneInDialogByKeyboard(page, 'copy1', 'kb1', env.lxcpath)

  // Delete on a focused row asks to destroy it; Tab to the button, Enter; Escape closes.
  await page.keyboard.press('Control+f')
  await page.keyboard.press('Control+a')
  await page.keyboard.type('kb1')
  const kb1 = page.getByTestId('container-row-kb1')
  // (three more: the actions on the selection, copy1, shown in the toolbar)
  expect(await tabTo(page, kb1)).toBe(7)
  await page.keyboard.press('Delete')
  await destroyInDialogByKeyboard(page, 'kb1', env.lxcpath)
})
