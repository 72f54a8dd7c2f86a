// Runs in <head> as a classic script (built alone by scripts/boot-script.ts: the CSP allows no
// inline script), before the page's modules load and before the stylesheet applies.
import { openEarlySocket, rpcUrl, type EarlyWsLike } from '@shared/ws-early'
import { applyTheme, PREFS_KEY, resolveLang, resolveTheme, storedPrefs } from './stores/prefs-rules'

const prefs = storedPrefs(localStorage.getItem(PREFS_KEY))

// <html>'s language and theme as the app will give them (hooks/usePrefsEffects.ts), so that the
// page's first style recalculation is its only one: changed after it, each restyled the whole
// page, PatternFly's tokens on :root included.
document.documentElement.lang = resolveLang(prefs.lang, navigator.language)
applyTheme(document.documentElement, resolveTheme(prefs.theme, matchMedia('(prefers-color-scheme: dark)').matches))

// Browser mode: the API's socket is opened now and the first view's data asked for, so that the
// server works on the listing while the page's scripts load and run (the listing's request left
// only after them). api.ts takes the socket over, and the app's first calls of the same methods
// and parameters (hooks/useLiveData.ts's firstRefresh) get these answers.
if (!window.strata && /^https?:$/.test(location.protocol)) {
  // (the DOM's handler types name its own event classes; in use the socket is an EarlyWsLike)
  const socket = new WebSocket(rpcUrl(location)) as WebSocket & EarlyWsLike
  window.strataEarlySocket = openEarlySocket(socket, [
    { method: 'lxcpaths', params: {} },
    { method: 'hosts', params: {} },
    { method: 'listContainers', params: { all: prefs.showHidden } }
  ])
}
