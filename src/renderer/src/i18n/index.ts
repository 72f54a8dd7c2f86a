// i18next with English and Japanese bundled statically; keys are typed from en.json.
import i18n from 'i18next'
import { initReactI18next } from 'react-i18next'
import en from './en.json'
import ja from './ja.json'

export const resources = { en: { translation: en }, ja: { translation: ja } } as const

declare module 'i18next' {
  interface CustomTypeOptions {
    resources: (typeof resources)['en']
  }
}

export function initI18n(lng: 'en' | 'ja'): typeof i18n {
  void i18n.use(initReactI18next).init({
    resources,
    lng,
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
    returnNull: false
  })
  return i18n
}

export { i18n }
