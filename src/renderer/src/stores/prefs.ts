// UI preferences, persisted in localStorage: language, theme, the current view, and whether
// hidden containers (names starting with ".", which lxc-ls leaves out) are listed.
import { create } from 'zustand'
import { createJSONStorage, persist } from 'zustand/middleware'

export type Lang = 'auto' | 'en' | 'ja'
export type Theme = 'system' | 'light' | 'dark'
export type View = 'containers' | 'lineage' | 'config' | 'usage'

/** 'auto' follows the system (browser) language; Japanese if it starts with ja, else English.
 * public/boot.js repeats this and resolveTheme for <html> before the first style. */
export function resolveLang(lang: Lang, navigatorLanguage: string | undefined): 'en' | 'ja' {
  if (lang !== 'auto') return lang
  return (navigatorLanguage ?? '').toLowerCase().startsWith('ja') ? 'ja' : 'en'
}

export function resolveTheme(theme: Theme, prefersDark: boolean): 'light' | 'dark' {
  return theme === 'system' ? (prefersDark ? 'dark' : 'light') : theme
}

interface PrefsState {
  lang: Lang
  theme: Theme
  view: View
  showHidden: boolean
  setLang(l: Lang): void
  setTheme(t: Theme): void
  setView(v: View): void
  setShowHidden(on: boolean): void
}

export const usePrefs = create<PrefsState>()(
  persist(
    (set) => ({
      lang: 'auto',
      theme: 'system',
      view: 'containers',
      showHidden: false,
      setLang: (lang) => set({ lang }),
      setTheme: (theme) => set({ theme }),
      setView: (view) => set({ view }),
      setShowHidden: (showHidden) => set({ showHidden })
    }),
    {
      name: 'strata.prefs',
      storage: createJSONStorage(() => globalThis.localStorage),
      partialize: (s) => ({ lang: s.lang, theme: s.theme, view: s.view, showHidden: s.showHidden })
    }
  )
)
