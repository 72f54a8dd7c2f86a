// Disabled actions stay readable: in light and in dark, the label of a disabled button (Start
// and Stop with nothing selected, Snapshot on a running container) has a contrast of at least
// 4.5:1 (WCAG AA) against what it is drawn on, computed from the colours the browser uses.
import type { Locator } from '@playwright/test'
import { test, expect, useStrata, snap } from './fixtures'

const env = useStrata()

/** The label's colour and the first opaque background behind it, blended as drawn, and their contrast ratio. */
async function labelContrast(button: Locator): Promise<{ ratio: number; fg: string; bg: string }> {
  return button.evaluate((el) => {
    const parse = (c: string): number[] => (c.match(/[\d.]+/g) ?? ['0', '0', '0', '0']).map(Number).concat([1]).slice(0, 4)
    const over = (top: number[], under: number[]): number[] => [0, 1, 2].map((i) => top[i]! * top[3]! + under[i]! * (1 - top[3]!)).concat([1])
    // the background as drawn: the button's own over its ancestors', down to the page
    const layers: number[][] = []
    for (let n: Element | null = el; n; n = n.parentElement) {
      const bg = parse(getComputedStyle(n).backgroundColor)
      if (bg[3]! > 0) layers.push(bg)
      if (bg[3] === 1) break
    }
    let bg = [255, 255, 255, 1]
    for (const layer of layers.reverse()) bg = over(layer, bg)
    const label = el.querySelector('.pf-v6-c-button__text') ?? el
    const style = getComputedStyle(label)
    const opacity = [...(function* () { for (let n: Element | null = label; n; n = n.parentElement) yield Number(getComputedStyle(n).opacity) })()].reduce((a, b) => a * b, 1)
    const raw = parse(style.color)
    const fg = over([raw[0]!, raw[1]!, raw[2]!, raw[3]! * opacity], bg)
    const lum = (c: number[]): number => {
      const [r, g, b] = c.slice(0, 3).map((v) => {
        const s = v / 255
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
      })
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!
    }
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a)
    return { ratio: (hi! + 0.05) / (lo! + 0.05), fg: fg.map(Math.round).join(','), bg: bg.map(Math.round).join(',') }
  })
}

for (const theme of ['light', 'dark'] as const) {
  test(`disabled Start and Stop labels are readable in ${theme} (contrast at least 4.5:1)`, async ({ openApp }) => {
    const page = await openApp(env)
    await page.getByTestId('theme').selectOption(theme)
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme)
    for (const id of ['start', 'stop']) {
      const button = page.getByTestId(id)
      await expect(button).toBeDisabled()
      // read until the theme's colours have settled: PatternFly's buttons move to the new colours by a
      // transition, and a read just after the switch (once in CI) saw a colour halfway there
      let c = await labelContrast(button)
      await expect
        .poll(async () => (c = await labelContrast(button)).ratio, { message: `${id}: label ${c.fg} on ${c.bg}`, timeout: 3000 })
        .toBeGreaterThanOrEqual(4.5)
    }
    await snap(page, `disabled-actions-${theme}`)
  })
}
