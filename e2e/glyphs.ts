// Whether a string's glyphs are really drawn, or shown as the missing-glyph box ("tofu"): every
// character of a font-less script is drawn as the same box, so distinct characters that render
// to identical pixels, or to the pixels of a character no font has, mean the font is missing.
import type { Locator } from '@playwright/test'

export interface GlyphReport {
  text: string
  /** characters whose pixels equal the missing-glyph box's */
  tofu: string[]
  /** how many distinct pixel images the distinct characters drew */
  distinctImages: number
  distinctChars: number
}

/** draws each character of `text` in the font `element` uses and compares the pixels */
export async function glyphReport(element: Locator, text: string): Promise<GlyphReport> {
  return element.evaluate((el, s) => {
    const font = getComputedStyle(el).font
    const canvas = document.createElement('canvas')
    canvas.width = canvas.height = 64
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!
    const draw = (ch: string): string => {
      ctx.clearRect(0, 0, 64, 64)
      ctx.font = font.replace(/\d+(\.\d+)?px/, '40px')
      ctx.fillStyle = '#000'
      ctx.textBaseline = 'top'
      ctx.fillText(ch, 4, 4)
      return Array.from(ctx.getImageData(0, 0, 64, 64).data).join(',')
    }
    const box = draw('\u{10FFFD}') // a private-use code point: no font has it
    const chars = Array.from(new Set(Array.from(s)))
    const images = chars.map(draw)
    return {
      text: s,
      tofu: chars.filter((_c, i) => images[i] === box),
      distinctImages: new Set(images).size,
      distinctChars: chars.length
    }
  }, text)
}
