// The preferences' rules that hold before the store exists: the boot script (boot.ts) gives
// <html> its language and theme by them before the first style, and the store and its effects
// by the same ones after. Nothing here imports the store: the boot script is built from it.
export type Lang = 'auto' | 'en' | 'ja'
export type Theme = 'system' | 'light' | 'dark'
export type View = 'containers' | 'lineage' | 'config' | 'usage'

/** Where the store persists them (localStorage, zustand's `{ state, version }`). */
export const PREFS_KEY = 'strata.prefs'

/** 'auto' follows the system (browser) language; Japanese if it starts with ja, else English. */
export function resolveLang(lang: Lang, navigatorLanguage: string | undefined): 'en' | 'ja' {
  if (lang !== 'auto') return lang
  return (navigatorLanguage ?? '').toLowerCase().startsWith('ja') ? 'ja' : 'en'
}

export function resolveTheme(theme: Theme, prefersDark: boolean): 'light' | 'dark' {
  return theme === 'system' ? (prefersDark ? 'dark' : 'light') : theme
}

/**
 * <html>'s theme: data-theme for the app's own variables, PatternFly's class for its dark tokens.
 * Written only when it changes: each write restyles the whole page.
 */
export function applyTheme(root: HTMLElement, theme: 'light' | 'dark'): void {
  if (root.dataset.theme !== theme) root.dataset.theme = theme
  if (root.classList.contains('pf-v6-theme-dark') !== (theme === 'dark')) root.classList.toggle('pf-v6-theme-dark', theme === 'dark')
}

/** The persisted preferences the first view depends on, read as the store will read them; unreadable: the defaults. */
export function storedPrefs(raw: string | null): { lang: Lang; theme: Theme; showHidden: boolean } {
  let s: { lang?: unknown; theme?: unknown; showHidden?: unknown } = {}
  try {
    s = (JSON.parse(raw ?? '{}') as { state?: typeof s }).state ?? {}
  } catch {
    // unreadable preferences: the defaults, as the store falls back to them
  }
  return {
    lang: s.lang === 'en' || s.lang === 'ja' ? s.lang : 'auto',
    theme: s.theme === 'light' || s.theme === 'dark' ? s.theme : 'system',
    showHidden: s.showHidden === true
  }
}
