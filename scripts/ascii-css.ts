/**
 * Writes the built CSS in ASCII only, non-ASCII characters as CSS escapes (`"\f101 "`). The
 * minifier writes PatternFly's icon-font glyphs (`content: "\f101"`) as raw characters: one of
 * them made Chromium decode the whole 800 KB stylesheet, and parse it, on its slow two-byte path
 * (~95 ms to decode it on the shared test machine, against ~1 ms for an ASCII sheet a third its
 * size). A hex escape ends at the one space after it, in strings and names alike.
 */
export function asciiCss(css: string): string {
  return css.replace(/[^\0-\x7f]/gu, (c) => `\\${c.codePointAt(0)!.toString(16)} `)
}

interface Asset {
  type: 'asset' | 'chunk'
  fileName: string
  source?: string | Uint8Array
}

export function asciiCssPlugin(): { name: string; apply: 'build'; enforce: 'post'; generateBundle(o: unknown, bundle: Record<string, Asset>): void } {
  return {
    name: 'strata-ascii-css',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      for (const f of Object.values(bundle))
        if (f.type === 'asset' && f.fileName.endsWith('.css'))
          f.source = asciiCss(typeof f.source === 'string' ? f.source : new TextDecoder().decode(f.source))
    }
  }
}
