import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'
import { asciiCssPlugin } from './scripts/ascii-css'
import { bootScriptPlugin } from './scripts/boot-script'

const shared = { '@shared': resolve('src/shared') }

/**
 * PatternFly's CSS carries its theme variants: high contrast, felt and glass, alone and combined
 * with dark. Strata turns on only the dark one (usePrefsEffects), so the rules that need one of
 * the others (about 140 KB, mostly token blocks) never apply; dropped at build time, they are no
 * longer parsed and indexed before the first paint.
 */
const UNUSED_THEME = /\.pf-v6-theme-(high-contrast|felt|glass)\b/
interface CssRule {
  selectors: string[]
  remove(): void
}
interface CssAtRule {
  nodes?: unknown[]
  remove(): void
}
const dropUnusedThemes = {
  postcssPlugin: 'strata-drop-unused-pf-themes',
  Rule(rule: CssRule) {
    const kept = rule.selectors.filter((s) => !UNUSED_THEME.test(s))
    if (kept.length === 0) rule.remove()
    else if (kept.length < rule.selectors.length) rule.selectors = kept
  },
  AtRuleExit(at: CssAtRule) {
    if (at.nodes?.length === 0) at.remove()
  }
}

export default defineConfig({
  main: {
    resolve: { alias: shared },
    // Two entries: the Electron shell, and browser mode (`node out/main/web.js`), which must
    // never load Electron.
    build: {
      rollupOptions: {
        input: { index: resolve('src/main/index.ts'), web: resolve('src/main/web/main.ts') }
      }
    }
  },
  preload: {
    resolve: { alias: shared },
    // Sandboxed preloads cannot be ESM: bundle everything into one CJS file.
    build: { externalizeDeps: false, rollupOptions: { output: { format: 'cjs' } } }
  },
  renderer: {
    resolve: { alias: { ...shared, '@renderer': resolve('src/renderer/src') } },
    plugins: [react(), asciiCssPlugin(), bootScriptPlugin()],
    css: { postcss: { plugins: [dropUnusedThemes] } },
    worker: { format: 'es' },
    // ASCII-only scripts: V8 keeps a script with one non-ASCII character (the Japanese strings, an
    // ellipsis) as a two-byte string, decoded and scanned on its slower path.
    // One stylesheet, the lazy views' CSS in it (~75 KB of 1.2 MB): a chunk's own stylesheet,
    // inserted when its view's code was fetched after the first paint, restyled the whole page.
    build: { minify: true, cssCodeSplit: false, rolldownOptions: { output: { charset: 'ascii' } } }
  }
})
