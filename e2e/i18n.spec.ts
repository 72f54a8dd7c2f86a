// Japanese when the system locale is ja; switchable to English and back; the choice persists.
import { test, expect, useStrata, snap } from './fixtures'
import { glyphReport } from './glyphs'

const env = useStrata()
test.use({ locale: 'ja-JP' })

test('Japanese strings appear when the locale is ja', async ({ openApp }) => {
  const page = await openApp(env)
  await expect(page.getByTestId('nav-containers')).toHaveText('コンテナ')
  await expect(page.getByTestId('container-count')).toHaveText('3 個のコンテナ')
  await expect(page.getByTestId('container-row-base')).toContainText('停止')
  await page.getByTestId('nav-lineage').click()
  await expect(page.getByTestId('legend')).toContainText('下位レイヤーに依存')
  await snap(page, 'lineage-ja')
  // drawn with a CJK font, not as empty boxes (Debian installs none by default)
  const glyphs = await glyphReport(page.getByTestId('nav-containers'), 'コンテナ個停止下位依存')
  expect(glyphs.tofu, 'characters drawn as the missing-glyph box').toEqual([])
  expect(glyphs.distinctImages).toBe(glyphs.distinctChars)

  // the filter's placeholder fits its box in the smallest window (the longer Japanese one was cut off)
  await page.getByTestId('nav-containers').click()
  await page.setViewportSize({ width: 1024, height: 700 })
  const filter = page.getByPlaceholder(/名前/)
  await expect(filter).toBeVisible()
  const fit = await filter.evaluate(async (el: HTMLInputElement) => {
    await document.fonts.ready
    const cs = getComputedStyle(el)
    const ctx = document.createElement('canvas').getContext('2d')!
    ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`
    return { text: ctx.measureText(el.placeholder).width, room: el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) }
  })
  expect(fit.text, 'placeholder width against the room in the box').toBeLessThanOrEqual(fit.room)
  // the masthead's host and lxcpath pickers show their whole Japanese words (the logo's box took their room)
  const host = page.locator('.host-toggle-name')
  await expect(host).toHaveText('このコンピューター')
  expect(await host.evaluate((el) => el.scrollWidth - el.clientWidth), 'the host name cut by').toBeLessThanOrEqual(0)
  const scope = page.getByTestId('lxcpath-scope')
  const scopeFit = await scope.evaluate((el: HTMLSelectElement) => {
    const cs = getComputedStyle(el)
    const ctx = document.createElement('canvas').getContext('2d')!
    ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`
    return { text: ctx.measureText(el.selectedOptions[0]!.label).width, room: el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) }
  })
  expect(scopeFit.text, 'the lxcpath picker\'s words against its room').toBeLessThanOrEqual(scopeFit.room)
  await page.setViewportSize({ width: 1400, height: 900 })

  // Switch to English; it sticks across a reload (localStorage).
  await page.getByTestId('lang').click()
  await page.getByTestId('lang-en').click()
  await expect(page.getByTestId('nav-containers')).toHaveText('Containers')
  await page.reload()
  await expect(page.getByTestId('nav-containers')).toHaveText('Containers')
})

test('the theme follows the system and can be switched', async ({ openApp }) => {
  const page = await openApp(env)
  await page.emulateMedia({ colorScheme: 'dark' })
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
  await page.getByTestId('theme').selectOption('light')
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light')
  await page.getByTestId('theme').selectOption('dark')
  await snap(page, 'containers-dark-ja')
})
