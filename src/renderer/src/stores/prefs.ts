// UI preferences, persisted in localStorage: language, theme, the current view, and whether
// hidden containers (names starting with ".", which lxc-ls leaves out) are listed.
import { create } from 'zustand'
import { createJSONStorage, persist } from 'zustand/middleware'
import { PREFS_KEY, type Lang, type Theme, type View } from './prefs-rules'

export { resolveLang, resolveTheme, type Lang, type Theme, type View } from './prefs-rules'

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
      name: PREFS_KEY,
      storage: createJSONStorage(() => globalThis.localStorage),
      partialize: (s) => ({ lang: s.lang, theme: s.theme, view: s.view, showHidden: s.showHidden })
    }
  )
)
