// The containers table with the keyboard alone, as WAI-ARIA's grid pattern has it: the table is
// one Tab stop (one Tab into it, one Tab out of it, Shift+Tab back to where the focus was), the
// arrows move between rows and, Left/Right, between a row's checkbox, the row and its kebab or the
// header's sort buttons and resize handles; Enter and Space act, Shift+F10 opens the row's menu,
// Escape goes back to the row. A clone and a destroy are done that way, checked with lxc-ls; a
// column is sorted and resized; the focus ring is PatternFly's focus colour in light and dark.
// The lxcpath: base, snap1 (overlay clone of base), copy1 (a copy) and six overlay clones kid1..6
// of base, made by LXC: 9 rows, kid6 the 8th by name.
import { mkdtempSync } from 'node:fs'
import type { Locator, Page } from '@playwright/test'
import { test, expect, useStrata } from './fixtures'
import { copyContainer, createStartable, lxcTool, makeLineageLxcpath } from './lxc'
import { cloneInDialogByKeyboard, destroyInDialogByKeyboard } from './keyboard-steps'

const env = useStrata(() => {
  const p = makeLineageLxcpath()
  for (let i = 1; i <= 6; i++) copyContainer(p, 'base', `kid${i}`, true)
  return p
})

const table = (page: Page): Locator => page.getByTestId('containers-table')
const inTable = (page: Page): Promise<boolean> => table(page).evaluate((t) => t.contains(document.activeElement))
/** the focused element's test id, else its accessible name */
const focusedIs = (page: Page): Promise<string | null> =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null
    return el?.getAttribute('data-testid') ?? el?.getAttribute('aria-label') ?? null
  })

/** Press a key, counting it. */
function counter(page: Page): { press(key: string, times?: number): Promise<void>; count: number } {
  const c = {
    count: 0,
    async press(key: string, times = 1) {
      for (let i = 0; i < times; i++) {
        await page.keyboard.press(key)
        c.count++
      }
    }
  }
  return c
}

/** Open the app with the toolbar's last control focused: the control just before the table. */
async function beforeTable(page: Page): Promise<void> {
  await expect(page.getByTestId('container-row-snap1')).toBeVisible()
  await page.getByTestId('clone-target').focus()
}

test('one Tab into the table and one out; the 8th row\'s kebab in a few keys; a clone and a destroy by keyboard only', async ({ openApp }) => {
  test.setTimeout(120_000)
  const page = await openApp(env)
  await beforeTable(page)
  const keys = counter(page)
  // one Tab: the first row
  await keys.press('Tab')
  await expect(page.getByTestId('container-row-base')).toBeFocused()
  expect(keys.count, 'Tabs to enter the table').toBe(1)
  // down to the 8th row, right to its kebab
  await keys.press('ArrowDown', 7)
  await expect(page.getByTestId('container-row-kid6')).toBeFocused()
  await expect(page.getByTestId('container-row-kid6')).toHaveAttribute('aria-selected', 'true')
  await keys.press('ArrowRight')
  await expect(page.getByTestId('row-menu-kid6')).toBeFocused()
  expect(keys.count, 'keys from the toolbar to the 8th row\'s kebab').toBeLessThanOrEqual(9)

  // one Tab out: the details panel of the row, past every other row, header item and kebab
  await keys.press('Tab')
  expect(await inTable(page), 'one Tab leaves the table').toBe(false)
  expect(await page.getByTestId('details').evaluate((d) => d.contains(document.activeElement))).toBe(true)
  // and Shift+Tab comes back to where the focus was
  await page.keyboard.press('Shift+Tab')
  await expect(page.getByTestId('row-menu-kid6')).toBeFocused()
  // Shift+Tab from inside leaves it too, to the toolbar
  await page.keyboard.press('Shift+Tab')
  await expect(page.getByTestId('clone-target')).toBeFocused()
  await page.keyboard.press('Tab')
  await expect(page.getByTestId('row-menu-kid6')).toBeFocused()

  // Enter opens the menu, its first item focused; Escape closes it (the kebab keeps the focus), Escape again: the row
  await page.keyboard.press('Enter')
  const menu = page.getByRole('menu')
  await expect(menu.getByRole('menuitem').first()).toBeFocused()
  await page.keyboard.press('Escape')
  await expect(menu).toBeHidden()
  await expect(page.getByTestId('row-menu-kid6')).toBeFocused()
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('container-row-kid6')).toBeFocused()

  // Shift+F10 on the row: its menu; down to Clone, Enter
  await page.keyboard.press('Shift+F10')
  await expect(menu.getByRole('menuitem').first()).toBeFocused()
  await pressUntilFocused(page, menu.getByRole('menuitem', { name: /^Clone kid6/ }))
  await page.keyboard.press('Enter')
  await cloneInDialogByKeyboard(page, 'kid6', 'kb-grid', env.lxcpath)
  // the focus came back to the kebab the menu was opened from
  await expect(page.getByTestId('row-menu-kid6')).toBeFocused()

  // the new row, by Up from kid6 ("kb-grid" sorts before "kid1"), its menu by the context-menu key from its checkbox
  await page.keyboard.press('Escape')
  const newRow = page.getByTestId('container-row-kb-grid')
  for (let i = 0; i < 9 && !(await newRow.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('ArrowUp')
  await expect(newRow).toBeFocused()
  await page.keyboard.press('ArrowLeft')
  await expect(newRow.getByRole('checkbox')).toBeFocused()
  await page.keyboard.press('ContextMenu')
  await expect(menu.getByRole('menuitem').first()).toBeFocused()
  await pressUntilFocused(page, menu.getByRole('menuitem', { name: 'Destroy…' }))
  await page.keyboard.press('Enter')
  await destroyInDialogByKeyboard(page, 'kb-grid', env.lxcpath)
  // the focus is back in the table, on the kebab in the destroyed row's place; it is still one Tab stop
  await expect(newRow).toHaveCount(0)
  expect(await inTable(page)).toBe(true)
  const there = await focusedIs(page)
  expect(there).toMatch(/^row-menu-/)
  await page.keyboard.press('Tab')
  expect(await inTable(page)).toBe(false)
  await page.keyboard.press('Shift+Tab')
  expect(await focusedIs(page)).toBe(there)
})

test('the checkbox column: Space checks, Up/Down move along the checkboxes without changing the selection, Escape goes back to the row', async ({ openApp }) => {
  const page = await openApp(env)
  await beforeTable(page)
  await page.keyboard.press('Tab')
  await page.keyboard.press('ArrowLeft')
  await expect(page.getByTestId('container-row-base').getByRole('checkbox')).toBeFocused()
  await page.keyboard.press('Space')
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('ArrowDown')
  await expect(page.getByTestId('container-row-kid1').getByRole('checkbox')).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(page.getByText('2 selected')).toBeVisible()
  await expect(page.getByTestId('container-row-base')).toHaveAttribute('aria-selected', 'true')
  await expect(page.getByTestId('container-row-copy1')).toHaveAttribute('aria-selected', 'false')
  await expect(page.getByTestId('container-row-kid1')).toHaveAttribute('aria-selected', 'true')
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('container-row-kid1')).toBeFocused()
  // Up from the first row's checkbox: the select-all box
  await page.keyboard.press('ArrowLeft')
  await page.keyboard.press('Home')
  await expect(page.getByTestId('container-row-base').getByRole('checkbox')).toBeFocused()
  await page.keyboard.press('ArrowUp')
  await expect(page.getByRole('checkbox', { name: 'Select all' })).toBeFocused()
  await page.keyboard.press('Space')
  await expect(page.getByText('9 selected')).toBeVisible()
})

test('a column sorted and resized by keyboard: Up to the header, Left/Right along it, Enter sorts, arrows on a handle resize', async ({ openApp }) => {
  const page = await openApp(env)
  await page.setViewportSize({ width: 1440, height: 900 })
  await beforeTable(page)
  const rows = page.locator('tbody > tr[data-key]')
  await page.keyboard.press('Tab')
  await page.keyboard.press('ArrowUp')
  await expect(page.getByTestId('sort-name').getByRole('button')).toBeFocused()
  // Enter on Name: descending
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('sort-name')).toHaveAttribute('aria-sort', 'descending')
  await expect(rows.first()).toHaveAttribute('data-testid', 'container-row-snap1')
  // Right: Name's handle, then State's sort button; Enter sorts by state
  await page.keyboard.press('ArrowRight')
  await expect(page.getByTestId('resize-name')).toBeFocused()
  // on a handle the arrows resize; Ctrl+Right moves on
  const width = async (column: string): Promise<number> => (await page.getByTestId(`sort-${column}`).boundingBox())!.width
  const before = await width('name')
  await page.keyboard.press('ArrowRight')
  await page.keyboard.press('ArrowRight')
  expect(Math.abs((await width('name')) - (before + 32))).toBeLessThan(2)
  await expect(page.getByTestId('resize-name')).toBeFocused()
  await page.keyboard.press('Control+ArrowRight')
  await expect(page.getByTestId('sort-state').getByRole('button')).toBeFocused()
  expect(Math.abs((await width('name')) - (before + 32))).toBeLessThan(2)
  await page.keyboard.press('Space')
  await expect(page.getByTestId('sort-state')).toHaveAttribute('aria-sort', 'ascending')
  await expect(page.getByTestId('sort-name')).not.toHaveAttribute('aria-sort')
  // Escape on a handle: back to its sort button; Home gives the natural width back
  await page.keyboard.press('ArrowLeft')
  await expect(page.getByTestId('resize-name')).toBeFocused()
  await page.keyboard.press('Home')
  await expect.poll(() => width('name')).toBeLessThan(before + 2)
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('sort-name').getByRole('button')).toBeFocused()
  // End and Home: the last column's sort button, the header's first item
  await page.keyboard.press('End')
  await expect(page.getByTestId('sort-size').getByRole('button')).toBeFocused()
  await page.keyboard.press('Home')
  await expect(page.getByRole('checkbox', { name: 'Select all' })).toBeFocused()
  await page.keyboard.press('ArrowRight')
  // the header is where Tab comes back to; Down goes to the first row
  await page.keyboard.press('Tab')
  expect(await inTable(page)).toBe(false)
  await page.keyboard.press('Shift+Tab')
  await expect(page.getByTestId('sort-name').getByRole('button')).toBeFocused()
  await page.keyboard.press('ArrowDown')
  await expect(rows.first()).toBeFocused()
  await expect(rows.first()).toHaveAttribute('aria-selected', 'true')
})

// The last row's element goes with its container (the window holds one row less): the focus
// goes to the row before it, not to the page, whether the destroy came from the table (Delete, the
// dialog closing after) or from a terminal; a table left empty by the filter hands it to its empty
// state's action. It stays one Tab stop.
test('the focused last row destroyed: the focus goes to the row before it, by Delete and from a terminal; an emptied table gives it to its empty state', async ({ openApp }) => {
  test.setTimeout(120_000)
  const page = await openApp(env)
  await beforeTable(page)
  // zz-1 sorts last
  copyContainer(env.lxcpath, 'base', 'zz-1', true)
  await expect(page.getByTestId('container-row-zz-1')).toBeVisible()
  await page.keyboard.press('Tab')
  await page.keyboard.press('End')
  await expect(page.getByTestId('container-row-zz-1')).toBeFocused()
  await page.keyboard.press('Delete')
  await destroyInDialogByKeyboard(page, 'zz-1', env.lxcpath)
  await expect(page.getByTestId('container-row-zz-1')).toHaveCount(0)
  await expect(page.getByTestId('container-row-snap1')).toBeFocused()
  await expectOneTabStop(page, 'container-row-snap1')

  // from a terminal, the focus on the last row's kebab
  copyContainer(env.lxcpath, 'base', 'zz-2', true)
  await expect(page.getByTestId('container-row-zz-2')).toBeVisible()
  await page.keyboard.press('End')
  await page.keyboard.press('ArrowRight')
  await expect(page.getByTestId('row-menu-zz-2')).toBeFocused()
  lxcTool('lxc-destroy', ['-P', env.lxcpath, '-n', 'zz-2'])
  await expect(page.getByTestId('container-row-zz-2')).toHaveCount(0)
  await expect(page.getByTestId('row-menu-snap1')).toBeFocused()
  await expectOneTabStop(page, 'row-menu-snap1')

  // the filter's only row destroyed: the empty state's way out
  copyContainer(env.lxcpath, 'base', 'zz-3', true)
  await page.getByRole('textbox', { name: 'Filter' }).fill('zz-')
  await expect(page.locator('tbody > tr[data-key]')).toHaveCount(1)
  await page.getByTestId('container-row-zz-3').click()
  await expect(page.getByTestId('container-row-zz-3')).toBeFocused()
  lxcTool('lxc-destroy', ['-P', env.lxcpath, '-n', 'zz-3'])
  await expect(page.getByTestId('no-match')).toBeVisible()
  await expect(page.getByTestId('clear-filter')).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('container-row-base')).toBeVisible()
})

test('a click on a header cell\'s blank area leaves the table one Tab stop', async ({ openApp }) => {
  const page = await openApp(env)
  await beforeTable(page)
  for (const column of ['state', 'size']) {
    // above the sort button: the cell itself
    const cell = (await page.getByTestId(`sort-${column}`).boundingBox())!
    await page.mouse.click(cell.x + 4, cell.y + 3)
    expect(await inTable(page), 'the click focuses something in the table').toBe(true)
    await page.keyboard.press('Tab')
    expect(await inTable(page), 'one Tab leaves the table').toBe(false)
    await page.keyboard.press('Shift+Tab')
    expect(await inTable(page), 'Shift+Tab comes back').toBe(true)
    await page.keyboard.press('Shift+Tab')
    await expect(page.getByTestId('clone-target')).toBeFocused()
  }
})

// The last container of the lxcpath destroyed: the table gives way to the first-run page, whose
// main region takes the focus (its create form one Tab away), not the page's <body>.
test.describe('an lxcpath of one container', () => {
  const one = useStrata(() => {
    const p = mkdtempSync('/tmp/strata-e2e-one-')
    createStartable(p, 'only')
    return p
  })
  test('its container destroyed by Delete, then one made and destroyed from a terminal: the focus goes to the first-run page', async ({ openApp }) => {
    test.setTimeout(120_000)
    const page = await openApp(one)
    await expect(page.getByTestId('container-row-only')).toBeVisible()
    await page.getByTestId('clone-target').focus()
    await page.keyboard.press('Tab')
    await expect(page.getByTestId('container-row-only')).toBeFocused()
    await page.keyboard.press('Delete')
    // the dialog closed after the table gave way (its opener gone with it)
    const dialog = page.getByRole('dialog', { name: 'Destroy only' })
    await expect(dialog).toBeVisible()
    const confirm = page.getByTestId('destroy-confirm')
    for (let i = 0; i < 10 && !(await confirm.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab')
    await page.keyboard.press('Enter')
    await expect(page.getByTestId('destroy-done')).toBeVisible()
    await expect(page.getByTestId('empty-state')).toBeAttached()
    await page.keyboard.press('Escape')
    await expect(dialog).toBeHidden()
    await expect(page.locator('main')).toBeFocused()
    await expect(page.getByTestId('empty-state').getByRole('textbox').first()).toBeVisible()
    await page.keyboard.press('Tab')
    expect(await page.getByTestId('empty-state').evaluate((e) => e.contains(document.activeElement)), 'one Tab: the first-run page\'s form').toBe(true)

    createStartable(one.lxcpath, 'again')
    await expect(page.getByTestId('container-row-again')).toBeVisible()
    await page.getByTestId('container-row-again').click()
    await expect(page.getByTestId('container-row-again')).toBeFocused()
    lxcTool('lxc-destroy', ['-P', one.lxcpath, '-n', 'again'])
    await expect(page.getByTestId('empty-state')).toBeVisible()
    await expect(page.locator('main')).toBeFocused()
  })
})

/** One Tab leaves the table, Shift+Tab comes back to `testId`, Shift+Tab again leaves it. */
async function expectOneTabStop(page: Page, testId: string): Promise<void> {
  await page.keyboard.press('Tab')
  expect(await inTable(page), 'one Tab leaves the table').toBe(false)
  await page.keyboard.press('Shift+Tab')
  await expect(page.getByTestId(testId)).toBeFocused()
  await page.keyboard.press('Shift+Tab')
  expect(await inTable(page), 'Shift+Tab leaves it').toBe(false)
  await page.keyboard.press('Tab')
  await expect(page.getByTestId(testId)).toBeFocused()
}

for (const theme of ['light', 'dark'] as const) {
  test(`the focus ring is PatternFly's focus colour on each part of the table, in ${theme}`, async ({ openApp }) => {
    const page = await openApp(env)
    await page.getByTestId('theme').selectOption(theme)
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme)
    await beforeTable(page)
    const focusColour = await page.evaluate(() => {
      const probe = document.createElement('div')
      probe.style.color = 'var(--pf-t--global--focus-ring--color--default)'
      document.body.append(probe)
      const c = getComputedStyle(probe).color
      probe.remove()
      return c
    })
    /** the focused element's ring: its outline, or a handle's bar (drawn by its ::after) */
    const ring = (): Promise<{ style: string; colour: string }> =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement
        const bar = el.classList.contains('column-resizer')
        const s = getComputedStyle(el, bar ? '::after' : null)
        return bar ? { style: 'solid', colour: s.backgroundColor } : { style: s.outlineStyle, colour: s.outlineColor }
      })
    const expectRing = async (what: string): Promise<void> => {
      const r = await ring()
      expect(r.style, `${what}: a ring`).not.toBe('none')
      expect(r.colour, `${what}: the focus colour`).toBe(focusColour)
    }
    await page.keyboard.press('Tab')
    await expectRing('row')
    await page.keyboard.press('ArrowLeft')
    await expectRing('checkbox')
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('ArrowRight')
    await expectRing('kebab')
    await page.keyboard.press('Escape')
    await page.keyboard.press('ArrowUp')
    await expectRing('sort button')
    await page.keyboard.press('ArrowRight')
    await expectRing('resize handle')
  })
}

/** ArrowDown in a menu until `item` has the focus (at most 10). */
async function pressUntilFocused(page: Page, item: Locator): Promise<void> {
  for (let i = 0; i < 10; i++) {
    if (await item.evaluate((el) => el === document.activeElement || el.contains(document.activeElement))) return
    await page.keyboard.press('ArrowDown')
  }
  throw new Error('the arrows never reached the item')
}
