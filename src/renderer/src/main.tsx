import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import '@patternfly/patternfly/patternfly.css'
import '@patternfly/patternfly/patternfly-addons.css'
import '@xyflow/react/dist/style.css'
import './styles.css'
import { initI18n } from './i18n'
import { resolveLang, usePrefs } from './stores/prefs'
import { App } from './App'

initI18n(resolveLang(usePrefs.getState().lang, navigator.language))
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>
)
