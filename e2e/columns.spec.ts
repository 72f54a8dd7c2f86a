// Resizable columns in the containers table: a handle on each header's edge, dragged with the
// pointer or moved with the arrow keys; widths kept across reloads; dragging never sorts; at
// 1024x700 the handles fit and nothing is clipped.
import type { Page } from '@playwright/test'
import { test, expect, useStrata } from './fixtures'

const env = useStrata()

const widthOf = async (page: Page, column: string): Promise<number> => (await page.getByTestId(`sort-${column}`).boundingBox())!.width

test('a column dragged wider stays so after a reload; the keyboard resizes too; Home gives back the natural width; no sort on drag', async ({ openApp }) => {
  const page = await openApp(env)
  await page.setViewportSize({ width: 1440, height: 900 })
  await expect(page.getByTestId('container-row-base')).toBeVisible()
  const nameTh = page.getByTestId('sort-name')
  const sortBefore = await nameTh.getAttribute('aria-sort')
  expect(sortBefore).toBe('ascending')
  const natural = await widthOf(page, 'state')
  const handle = page.getByTestId('resize-state')
  await expect(handle).toHaveAttribute('role', 'separator')
  await expect(handle).toHaveAccessibleName('Resize the State column')
  const box = (await handle.boundingBox())!
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
  await page.mouse.down()
  await page.mouse.move(box.x + 60, box.y + box.height / 2, { steps: 5 })
  await page.mouse.move(box.x + 120, box.y + box.height / 2, { steps: 5 })
  await page.mouse.up()
  const dragged = await widthOf(page, 'state')
  expect(dragged).toBeGreaterThan(natural + 100)
  await expect(nameTh).toHaveAttribute('aria-sort', 'ascending')
  await expect(page.getByTestId('sort-state')).not.toHaveAttribute('aria-sort')

  await page.reload()
  await expect(page.getByTestId('container-row-base')).toBeVisible()
  expect(Math.abs((await widthOf(page, 'state')) - dragged)).toBeLessThan(2)

  // keyboard: focus the handle, two steps right, then Home back to the natural width
  await page.getByTestId('resize-state').focus()
  await page.keyboard.press('ArrowRight')
  await page.keyboard.press('ArrowRight')
  expect(Math.abs((await widthOf(page, 'state')) - (dragged + 32))).toBeLessThan(2)
  await expect(page.getByTestId('resize-state')).toHaveAttribute('aria-valuenow', String(Math.round(dragged + 32)))
  await page.keyboard.press('Home')
  expect(Math.abs((await widthOf(page, 'state')) - natural)).toBeLessThan(2)
  expect(await page.evaluate(() => localStorage.getItem('strata.columnWidths'))).toContain('"widths":{}')
})

test('at 1024x700 every shown header has its handle, and the table does not scroll sideways', async ({ openApp }) => {
  const page = await openApp(env)
  await page.setViewportSize({ width: 1024, height: 700 })
  await expect(page.getByTestId('container-row-base')).toBeVisible()
  for (const column of ['name', 'state', 'backend', 'problems', 'size']) await expect(page.getByTestId(`resize-${column}`)).toBeVisible()
  const scroll = page.locator('.table-scroll')
  expect(await scroll.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0)
  // the Size column and its header text are whole on screen
  const size = (await page.getByTestId('sort-size').boundingBox())!
  const view = (await scroll.boundingBox())!
  expect(size.x + size.width).toBeLessThanOrEqual(view.x + view.width + 1)
})
