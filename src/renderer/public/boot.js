// Runs in <head> before the stylesheets apply: gives <html> the language and theme the app will
// give it (hooks/usePrefsEffects.ts, by stores/prefs.ts's resolveLang and resolveTheme, whose
// rules this repeats), so the page's first style recalculation is its only one. Changed after
// the first style, each of them restyled the whole page, PatternFly's tokens on :root included.
;(function () {
  var s = {}
  try {
    s = JSON.parse(localStorage.getItem('strata.prefs') || '{}').state || {}
  } catch {
    // unreadable preferences: the app's defaults, as the store does
  }
  var lang = s.lang === 'en' || s.lang === 'ja' ? s.lang : (navigator.language || '').toLowerCase().indexOf('ja') === 0 ? 'ja' : 'en'
  var theme = s.theme === 'light' || s.theme === 'dark' ? s.theme : matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'
  var root = document.documentElement
  root.lang = lang
  root.dataset.theme = theme
  if (theme === 'dark') root.classList.add('pf-v6-theme-dark')
})()
