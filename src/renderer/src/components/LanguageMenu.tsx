// The masthead's language menu. Each language is named in itself (日本語), so the menu's options
// are mounted only while it is open: a native <select> shapes every option's label to size
// itself, and the Japanese one pulled the system's CJK fallback font into every first layout of
// the page (most of its layout time in an English window). The toggle shows the current choice.
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { MenuToggle, Select, SelectList, SelectOption } from '@patternfly/react-core'
import { usePrefs, type Lang } from '../stores/prefs'

const LANGS: Lang[] = ['auto', 'en', 'ja']

export function LanguageMenu(): React.JSX.Element {
  const { t } = useTranslation()
  const lang = usePrefs((s) => s.lang)
  const [open, setOpen] = useState(false)
  const toggleRef = useRef<HTMLButtonElement>(null)
  return (
    <>
      <MenuToggle ref={toggleRef} onClick={() => setOpen(!open)} isExpanded={open} className="masthead-select" data-testid="lang" aria-label={t('app.language')}>
        {`${t('app.language')}: ${t(`app.lang.${lang}`)}`}
      </MenuToggle>
      {open && <Options toggleRef={toggleRef} lang={lang} setOpen={setOpen} />}
    </>
  )
}

function Options({ toggleRef, lang, setOpen }: { toggleRef: React.RefObject<HTMLButtonElement | null>; lang: Lang; setOpen(open: boolean): void }): React.JSX.Element {
  const { t } = useTranslation()
  const setLang = usePrefs((s) => s.setLang)
  // mounted closed and opened right after: PatternFly's Popper positions its menu only when it
  // goes from hidden to shown (as the host switcher's menu)
  const [shown, setShown] = useState(false)
  useEffect(() => setShown(true), [])
  return (
    <Select
      isOpen={shown}
      selected={lang}
      onSelect={(_e, v) => {
        setOpen(false)
        setLang(v as Lang)
        toggleRef.current?.focus()
      }}
      onOpenChange={setOpen}
      popperProps={{ position: 'end' }}
      toggle={{ toggleNode: null, toggleRef }}
    >
      <SelectList aria-label={t('app.language')}>
        {LANGS.map((l) => (
          <SelectOption key={l} value={l} data-testid={`lang-${l}`}>
            {t(`app.lang.${l}`)}
          </SelectOption>
        ))}
      </SelectList>
    </Select>
  )
}
