import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
// PatternFly's base (tokens, fonts, reset) only: each PatternFly React component brings its own
// stylesheet. The whole patternfly.css (every component, then each used one a second time) was
// 2.4 MB of CSS to parse and match before the first paint.
import '@patternfly/react-core/dist/styles/base.css'
import '@xyflow/react/dist/style.css'
import './styles.css'
import { initI18n } from './i18n'
import { resolveLang, usePrefs } from './stores/prefs'
import { App } from './App'
import { firstRefresh } from './hooks/useLiveData'
import { preloadView } from './views/lazyViews'
import { connected } from './api'

initI18n(resolveLang(usePrefs.getState().lang, navigator.language))
// The data and the current view's code are asked for before React mounts: the first render
// then finds them on their way instead of starting them. The mount waits until the calls have
// left (the socket is open): the page's first render took the main thread before the socket's
// open event could send them, so the engine only started on the listing once the frame was done.
void firstRefresh()
preloadView(usePrefs.getState().view)
void connected.then(() =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>
  )
)
