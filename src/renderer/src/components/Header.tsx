// Top bar: view tabs, language and theme switches.
import { useTranslation } from 'react-i18next'
import { usePrefs, type Lang, type Theme, type View } from '../stores/prefs'

const VIEWS: View[] = ['containers', 'lineage', 'usage', 'config']
const LANGS: Lang[] = ['auto', 'en', 'ja']
const THEMES: Theme[] = ['system', 'light', 'dark']

export function Header(): React.JSX.Element {
  const { t } = useTranslation()
  const { view, lang, theme, setView, setLang, setTheme } = usePrefs()
  return (
    <header className="header">
      <h1 className="brand">{t('app.title')}</h1>
      <nav className="tabs" role="tablist">
        {VIEWS.map((v) => (
          <button
            key={v}
            role="tab"
            aria-selected={view === v}
            data-testid={`nav-${v}`}
            className={view === v ? 'tab active' : 'tab'}
            onClick={() => setView(v)}
          >
            {t(`app.nav.${v}`)}
          </button>
        ))}
      </nav>
      <span className="spacer" />
      <label className="inline">
        {t('app.language')}
        <select data-testid="lang" value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
          {LANGS.map((l) => (
            <option key={l} value={l}>
              {t(`app.lang.${l}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="inline">
        {t('app.theme')}
        <select data-testid="theme" value={theme} onChange={(e) => setTheme(e.target.value as Theme)}>
          {THEMES.map((th) => (
            <option key={th} value={th}>
              {t(`app.themes.${th}`)}
            </option>
          ))}
        </select>
      </label>
    </header>
  )
}
