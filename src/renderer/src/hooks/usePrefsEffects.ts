// Apply language and theme preferences to i18next and the document, following the system
// (navigator language, prefers-color-scheme) when set to automatic.
import { useEffect, useState } from 'react'
import { i18n } from '../i18n'
import { resolveLang, resolveTheme, usePrefs } from '../stores/prefs'
import { applyTheme } from '../stores/prefs-rules'

export function usePrefsEffects(): void {
  const lang = usePrefs((s) => s.lang)
  const theme = usePrefs((s) => s.theme)
  const [dark, setDark] = useState(() => matchMedia('(prefers-color-scheme: dark)').matches)

  useEffect(() => {
    const mq = matchMedia('(prefers-color-scheme: dark)')
    const on = (e: MediaQueryListEvent): void => setDark(e.matches)
    mq.addEventListener('change', on)
    return () => mq.removeEventListener('change', on)
  }, [])

  useEffect(() => {
    const l = resolveLang(lang, navigator.language)
    // Only a real change: i18next re-renders every translated component on each changeLanguage,
    // and a new lang on <html> restyles the whole page. At start-up main.tsx has started i18next
    // in this language and the boot script (boot.ts) has set <html>'s, so nothing changes here.
    if (i18n.language !== l) void i18n.changeLanguage(l)
    if (document.documentElement.lang !== l) document.documentElement.lang = l
  }, [lang])

  useEffect(() => {
    applyTheme(document.documentElement, resolveTheme(theme, dark))
  }, [theme, dark])
}
