// The build writes the renderer's stylesheets ASCII-only, with escapes that mean the same text.
import { describe, expect, it } from 'vitest'
import { asciiCss } from '../../scripts/ascii-css'

describe('asciiCss', () => {
  it('writes non-ASCII characters as CSS escapes that end at one space', () => {
    expect(asciiCss('.i:before{content:"\u{f101}"}.n:after{content:"\u2026 x"}')).toBe('.i:before{content:"\\f101 "}.n:after{content:"\\2026  x"}')
    expect(asciiCss('a{color:red}')).toBe('a{color:red}')
  })
})
