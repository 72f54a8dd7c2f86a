// A long containers table (300 containers from configs LXC wrote, replicated, and one real busybox
// container that sorts last), at 1024x700. The table is windowed (only the rows in view and a few
// beyond are in the DOM), and what a user checks still holds over all the rows: scrolling to the
// end shows the last container, the keyboard moves through all of them (arrows, PageDown, Home,
// End, the focused row scrolled into view below the sticky header with its focus ring), a range
// and select-all take rows that were never on screen (the bulk destroy counts them), the filter
// finds a container far down, screen readers are told the row count and each row's place, the
// columns keep their widths while scrolling, the table stays one Tab stop while its row is scrolled
// away, and a container started in a terminal at the bottom of the list shows its state in place.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { generateLxcpath } from '../bench/generated-lxcpath.mjs'
import { test, expect, useStrata } from './fixtures'
import { createStartable, lxcTool } from './lxc'

const GENERATED = 300
const LAST = 'zz-live'
const env = useStrata(
  () => {
    const p = mkdtempSync('/tmp/strata-e2e-long-')
    generateLxcpath(p, GENERATED, 10)
    createStartable(p, LAST)
    return p
  },
  // the replicated containers were never mounted nor started; the real one is stopped and destroyed
  (p) => {
    try {
      execFileSync('lxc-stop', ['-P', p, '-n', LAST, '-k'], { stdio: 'ignore' })
    } catch {
      /* not running */
    }
    try {
      execFileSync('lxc-destroy', ['-P', p, '-n', LAST], { stdio: 'ignore' })
    } finally {
      rmSync(p, { recursive: true, force: true })
    }
  }
)
test.use({ viewport: { width: 1024, height: 700 } })

const ROWS = GENERATED + 1
const rowsIn = (page: Page) => page.locator('tbody > tr[data-testid^="container-row-"]')
const nameOf = (testId: string | null | undefined): string | undefined => testId?.slice('container-row-'.length)
const focusedName = (page: Page): Promise<string | undefined> => page.evaluate(() => document.activeElement?.getAttribute('data-testid')).then(nameOf)

/** Open the app on the table, its first rows shown. */
async function open(openApp: () => Promise<Page>): Promise<Page> {
  const page = await openApp()
  await expect(page.getByTestId('container-count')).toHaveText(`${ROWS} containers`, { timeout: 30_000 })
  await expect(rowsIn(page).first()).toBeVisible()
  return page
}

test('scrolling to the end shows the last container; the columns keep their widths; screen readers get the count and each row\'s place', async ({ openApp }) => {
  const page = await open(() => openApp(env))
  const table = page.getByTestId('containers-table')
  await expect(table).toHaveAttribute('aria-rowcount', String(ROWS + 1))
  await expect(rowsIn(page).first()).toHaveAttribute('aria-rowindex', '2')
  // windowed: far fewer rows in the DOM than in the list
  expect(await rowsIn(page).count()).toBeLessThan(ROWS / 3)
  const widths = (): Promise<number[]> => page.locator('thead th').evaluateAll((ths) => ths.map((th) => Math.round(th.getBoundingClientRect().width)))
  const before = await widths()

  // the wheel, as a user scrolls, until the last container is on screen
  const last = page.getByTestId(`container-row-${LAST}`)
  await page.locator('.table-scroll').hover()
  await expect(async () => {
    await page.mouse.wheel(0, 2000)
    await expect(last).toBeInViewport({ timeout: 500 })
  }).toPass({ timeout: 30_000 })
  await expect(last).toHaveAttribute('aria-rowindex', String(ROWS + 1))
  await expect(last).toContainText('stopped')
  expect(await widths()).toEqual(before)
})

/**
 * Wheels the rows under a still pointer and presses at once, while the scroll's cover lies over
 * them (until 150 ms after the last scroll: tried again if the press came late); `release` lets
 * go at once (a click), else the button stays down (a drag). Returns the row under the pointer.
 */
async function pressRightAfterWheel(page: Page, release: boolean, button: 'left' | 'right' = 'left'): Promise<string> {
  const box = (await page.locator('.table-scroll').boundingBox())!
  const x = box.x + box.width / 3
  const y = box.y + box.height / 2
  await page.mouse.move(x, y)
  await page.evaluate(() => window.addEventListener('pointerdown', (e) => ((window as unknown as { pressed?: string }).pressed = (e.target as Element).className), true))
  await expect(async () => {
    await page.mouse.wheel(0, 400)
    await page.waitForSelector('.table-scroll.ct-scrolling', { timeout: 2_000 })
    await page.mouse.down({ button })
    const pressed = await page.evaluate(() => (window as unknown as { pressed?: string }).pressed)
    if (release || pressed !== 'ct-shield') await page.mouse.up({ button })
    expect(pressed).toBe('ct-shield')
  }).toPass({ timeout: 30_000 })
  const under = await page.evaluate(([px, py]) => document.elementsFromPoint(px!, py!).find((e) => e.matches('tr[data-testid^="container-row-"]'))?.getAttribute('data-testid'), [x, y])
  expect(under).toBeTruthy()
  return under!
}

test('a click right after the wheel, the pointer still, selects and focuses the row under it (the rows are covered while they scroll)', async ({ openApp }) => {
  const page = await open(() => openApp(env))
  const under = await pressRightAfterWheel(page, true)
  await expect(page.getByTestId(under)).toHaveAttribute('aria-selected', 'true')
  await expect(page.locator('tbody > tr[aria-selected="true"]')).toHaveCount(1)
  // and focused, as a click on it would: the scrolling box, which the press focused, is no Tab stop
  await expect(page.getByTestId(under)).toBeFocused()
})

test("a right-click right after the wheel, the pointer still, opens the menu of the row under it, and Escape gives the focus back to that row", async ({ openApp }) => {
  const page = await open(() => openApp(env))
  const under = await pressRightAfterWheel(page, true, 'right')
  const menu = page.getByRole('menu')
  await expect(menu).toBeVisible()
  await expect(page.getByTestId(`row-menu-${nameOf(under)}`)).toHaveAttribute('aria-expanded', 'true')
  await expect(menu.getByRole('menuitem').first()).toBeFocused()
  await page.keyboard.press('Escape')
  await expect(menu).toBeHidden()
  // back on the row's kebab, the Tab stop, as after a right-click on the row itself
  await expect(page.getByTestId(`row-menu-${nameOf(under)}`)).toBeFocused()
  await expect(page.getByTestId(under).locator('[tabindex="0"]')).toHaveCount(1)
})

test('a drag right after the wheel, the pointer still, drags the row under it to the clone target', async ({ openApp }) => {
  const page = await open(() => openApp(env))
  const under = await pressRightAfterWheel(page, false)
  const target = (await page.getByTestId('clone-target').boundingBox())!
  await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 4 })
  await page.mouse.up()
  const dialog = page.getByRole('dialog', { name: `Clone ${nameOf(under)}` })
  await expect(dialog).toBeVisible()
  await dialog.getByRole('button', { name: 'Cancel' }).click()
  await expect(dialog).toBeHidden()
})

test('the keyboard moves through all the rows: arrows, End, Home, PageDown, Shift+arrows', async ({ openApp }) => {
  const page = await open(() => openApp(env))
  const first = rowsIn(page).first()
  const firstName = nameOf(await first.getAttribute('data-testid'))!
  const secondName = nameOf(await rowsIn(page).nth(1).getAttribute('data-testid'))!
  await first.click()
  await page.keyboard.press('ArrowDown')
  const second = page.getByTestId(`container-row-${secondName}`)
  await expect(second).toBeFocused()
  await expect(second).toHaveAttribute('aria-selected', 'true')
  await expect(page.getByRole('heading', { name: secondName, level: 2 })).toBeVisible()
  // the focus ring is drawn
  expect(await second.evaluate((el) => getComputedStyle(el).outlineStyle)).not.toBe('none')

  await page.keyboard.press('End')
  const last = page.getByTestId(`container-row-${LAST}`)
  await expect(last).toBeFocused()
  await expect(last).toBeInViewport()
  await expect(page.getByRole('heading', { name: LAST, level: 2 })).toBeVisible()

  await page.keyboard.press('Home')
  const top = page.getByTestId(`container-row-${firstName}`)
  await expect(top).toBeFocused()
  await expect(top).toBeInViewport()
  // not hidden under the sticky header: the header's bottom is above the row's middle
  const header = (await page.locator('thead').boundingBox())!
  const topBox = (await top.boundingBox())!
  expect(topBox.y + topBox.height / 2).toBeGreaterThan(header.y + header.height)

  await page.keyboard.press('PageDown')
  const paged = await focusedName(page)
  const at = Number(await page.getByTestId(`container-row-${paged}`).getAttribute('aria-rowindex')) - 2
  expect(at, 'PageDown moves by about a view of rows').toBeGreaterThan(5)
  await expect(page.getByTestId(`container-row-${paged}`)).toBeInViewport()
  await page.keyboard.press('ArrowUp')
  await expect(page.locator(`tbody > tr[aria-rowindex="${at + 1}"]`)).toBeFocused()
  // Shift+arrow extends the selection
  await page.keyboard.press('Shift+ArrowDown')
  await page.keyboard.press('Shift+ArrowDown')
  await expect(page.getByText('3 selected')).toBeVisible()
  // Shift+End: a range down to the last row, none of the rows between ever rendered
  await page.keyboard.press('Shift+End')
  await expect(last).toBeFocused()
  await expect(page.getByText(`${ROWS - at + 1} selected`)).toBeVisible()
})

// The row elements are the window's places, not the containers': a move hands the elements of
// the rows that left to the rows that came in, and once the scroll stops the elements are put back
// in the rows' order, each then showing another container. What belongs to a container goes with
// it: its focus, its checked box and its open menu.
test('the focus, a checked box and an open menu stay with their container while the rows scroll under them', async ({ openApp }) => {
  const page = await open(() => openApp(env))
  const box = page.locator('.table-scroll')
  const at = (index: number) => page.locator(`tbody > tr[aria-rowindex="${index + 2}"]`)
  const nameAt = (index: number): Promise<string> => at(index).getAttribute('data-testid').then((id) => nameOf(id)!)
  const firstInView = (): Promise<number> => box.evaluate((el) => Math.ceil(el.scrollTop / 40))
  /** the row elements in the rows' order: the window has settled */
  const inOrder = (): Promise<boolean> =>
    rowsIn(page).evaluateAll((rows) => rows.every((r, i) => i === 0 || Number(r.getAttribute('aria-rowindex')) === Number(rows[i - 1]!.getAttribute('aria-rowindex')) + 1))
  /** marks the element now showing `name`'s row */
  const mark = (name: string): Promise<void> => page.getByTestId(`container-row-${name}`).evaluate((el) => void ((el as HTMLElement & { mark?: string }).mark = el.dataset.testid))
  /** whether `name`'s row is shown by another element than the one marked */
  const movedAway = (name: string): Promise<boolean> => page.getByTestId(`container-row-${name}`).evaluate((el) => (el as HTMLElement & { mark?: string }).mark !== el.dataset.testid)
  /** scrolled by `rows` rows, a row at a time (two frames each, for the scroll event and the window's render); the window settled */
  const scroll = async (rows: number): Promise<void> => {
    for (let i = 0; i < Math.abs(rows); i++)
      await box.evaluate(
        (el, by) =>
          new Promise<void>((done) => {
            el.scrollBy(0, by)
            requestAnimationFrame(() => requestAnimationFrame(() => done()))
          }),
        Math.sign(rows) * 40
      )
    await expect.poll(inOrder, 'the rows are back in order').toBe(true)
  }
  await scroll(30)
  const top = await firstInView()
  const checked = await nameAt(top + 2)
  const menu = await nameAt(top + 3)
  const focused = await nameAt(top + 4)
  const next = await nameAt(top + 5)
  await page.getByTestId(`container-row-${checked}`).getByRole('checkbox').check()
  await page.getByTestId(`row-menu-${menu}`).click()
  await expect(page.getByRole('menu')).toBeVisible()
  await mark(checked)
  await mark(menu)
  // up a few rows: the window moves, then the rows are shown by other elements
  await scroll(-7)
  expect(await movedAway(menu), 'the open menu\'s container is shown by another element').toBe(true)
  expect(await movedAway(checked)).toBe(true)
  await expect(page.getByTestId(`row-menu-${menu}`)).toHaveAttribute('aria-expanded', 'true')
  await expect(page.locator('.kebab-toggle[aria-expanded="true"]')).toHaveCount(1)
  await page.keyboard.press('Escape')
  await expect(page.getByRole('menu')).toBeHidden()
  await expect(page.getByTestId(`row-menu-${menu}`)).toBeFocused()
  await expect(page.getByTestId(`container-row-${checked}`).getByRole('checkbox')).toBeChecked()
  await expect(page.locator('tbody input[type="checkbox"]:checked')).toHaveCount(1)
  // a focused row keeps the focus as the window moves (down again); the arrows go on from it
  await page.getByTestId(`container-row-${focused}`).evaluate((el) => el.focus({ preventScroll: true }))
  await mark(focused)
  await scroll(7)
  expect(await movedAway(focused)).toBe(true)
  await expect(page.getByTestId(`container-row-${focused}`)).toBeFocused()
  await page.keyboard.press('ArrowDown')
  await expect(page.getByTestId(`container-row-${next}`)).toBeFocused()
})

test('the table is one Tab stop also when its row is scrolled away: Shift+Tab back onto it brings the row back, focused', async ({ openApp }) => {
  const page = await open(() => openApp(env))
  const table = page.getByTestId('containers-table')
  const second = nameOf(await rowsIn(page).nth(1).getAttribute('data-testid'))!
  await rowsIn(page).first().click()
  await page.keyboard.press('ArrowDown')
  await expect(page.getByTestId(`container-row-${second}`)).toBeFocused()
  await page.keyboard.press('Tab')
  expect(await table.evaluate((t) => t.contains(document.activeElement))).toBe(false)
  // the wheel takes the row out of the window
  await page.locator('.table-scroll').hover()
  await expect(async () => {
    await page.mouse.wheel(0, 2000)
    await expect(page.getByTestId(`container-row-${second}`)).toHaveCount(0, { timeout: 500 })
  }).toPass({ timeout: 30_000 })
  await page.keyboard.press('Shift+Tab')
  await expect(page.getByTestId(`container-row-${second}`)).toBeFocused()
  await expect(page.getByTestId(`container-row-${second}`)).toBeInViewport()
  // and the arrows go on from it
  await page.keyboard.press('ArrowUp')
  await expect(rowsIn(page).first()).toBeFocused()
})

test('a shift-click range and select-all take rows never on screen; the bulk destroy counts them', async ({ openApp }) => {
  const page = await open(() => openApp(env))
  await rowsIn(page).nth(2).click()
  // to the bottom by the scrollbar, then a shift-click on the last container
  await page.locator('.table-scroll').evaluate((el) => el.scrollTo(0, el.scrollHeight))
  await page.getByTestId(`container-row-${LAST}`).click({ modifiers: ['Shift'] })
  await expect(page.getByText(`${ROWS - 2} selected`)).toBeVisible()
  await page.getByRole('button', { name: 'Destroy the selected containers…' }).click()
  const dialog = page.getByTestId('bulk-destroy-dialog')
  await expect(dialog).toContainText(`Destroy ${ROWS - 2} selected containers`)
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()

  await page.getByRole('checkbox', { name: 'Select all' }).check()
  await expect(page.getByText(`${ROWS} selected`)).toBeVisible()
  await page.getByRole('checkbox', { name: 'Select all' }).uncheck()
  await expect(page.getByText(/\d+ selected/)).toHaveCount(0)

  // select-all takes the filtered rows only
  await page.keyboard.press('Control+f')
  await expect(page.getByRole('textbox', { name: 'Filter' })).toBeFocused()
  await page.keyboard.type('clone1-')
  await expect(rowsIn(page)).toHaveCount(9)
  await page.getByRole('checkbox', { name: 'Select all' }).check()
  await expect(page.getByText('9 selected')).toBeVisible()
})

test('the filter finds a container far down the list', async ({ openApp }) => {
  const page = await open(() => openApp(env))
  const last = page.getByTestId(`container-row-${LAST}`)
  await expect(last).toHaveCount(0) // not rendered: far below the view
  await page.keyboard.press('Control+f')
  await page.keyboard.type('zz-')
  await expect(last).toBeInViewport()
  await expect(rowsIn(page)).toHaveCount(1)
  await expect(page.getByTestId('containers-table')).toHaveAttribute('aria-rowcount', '2')
  // cleared: the whole list again, from the top
  await page.getByRole('textbox', { name: 'Filter' }).fill('')
  await expect(page.getByTestId('containers-table')).toHaveAttribute('aria-rowcount', String(ROWS + 1))
  await expect(rowsIn(page).first()).toBeInViewport()
  // a filter that matches nothing says so, and offers the way back
  await page.getByRole('textbox', { name: 'Filter' }).fill('no-such-container')
  await expect(rowsIn(page)).toHaveCount(0)
  await expect(page.getByTestId('no-match')).toContainText('No results found')
  await page.getByTestId('clear-filter').click()
  await expect(page.getByRole('textbox', { name: 'Filter' })).toHaveValue('')
  await expect(page.getByTestId('containers-table')).toHaveAttribute('aria-rowcount', String(ROWS + 1))
})

// A state from a terminal reaches the table by the state watcher's poll (300 ms) and then a new
// listing of the whole lxcpath, here 301 containers: at load ~17 the state did not show within the
// 1.5 s this spec once allowed, the row rendered and in view all along (its flake, most likely
// that listing's time under load; not measured apart). Showing a state within a second is
// live.spec's (a small lxcpath); what is checked here is that a row at the bottom of a long,
// windowed list is updated in place, so the wait is the listing's, not a second.
const LISTING_MS = 15_000

test('lxc-start in a terminal of the last row shows in place; sorting brings it to the top', async ({ openApp }) => {
  const page = await open(() => openApp(env))
  await rowsIn(page).first().click()
  await page.keyboard.press('End')
  const last = page.getByTestId(`container-row-${LAST}`)
  await expect(last).toBeInViewport()
  await expect(last).toContainText('stopped')
  lxcTool('lxc-start', ['-P', env.lxcpath, '-n', LAST, '-d'])
  try {
    await expect(last).toContainText('running', { timeout: LISTING_MS })
    // sorting by name, descending: the last row comes first
    await page.getByRole('columnheader', { name: /^Name/ }).getByRole('button').click()
    await page.locator('.table-scroll').evaluate((el) => el.scrollTo(0, 0))
    await expect(rowsIn(page).first()).toHaveAttribute('data-testid', `container-row-${LAST}`)
    await expect(rowsIn(page).first()).toHaveAttribute('aria-rowindex', '2')
  } finally {
    lxcTool('lxc-stop', ['-P', env.lxcpath, '-n', LAST, '-k'])
  }
  await expect(last).toContainText('stopped', { timeout: LISTING_MS })
})
