import { describe, expect, it, vi } from 'vitest'

// Node 20 has no localStorage: give the persist middleware a Map-backed one.
const store = new Map<string, string>()
vi.stubGlobal('localStorage', {
  getItem: (k: string) => store.get(k) ?? null,
  setItem: (k: string, v: string) => void store.set(k, v),
  removeItem: (k: string) => void store.delete(k)
})

const { resolveLang, resolveTheme, usePrefs } = await import('../../src/renderer/src/stores/prefs')
const { PREFS_KEY, storedPrefs } = await import('../../src/renderer/src/stores/prefs-rules')

describe('prefs', () => {
  it('follows the system language when automatic', () => {
    expect(resolveLang('auto', 'ja-JP')).toBe('ja')
    expect(resolveLang('auto', 'en-US')).toBe('en')
    expect(resolveLang('auto', undefined)).toBe('en')
    expect(resolveLang('ja', 'en-US')).toBe('ja')
  })
  it('follows prefers-color-scheme when the theme is system', () => {
    expect(resolveTheme('system', true)).toBe('dark')
    expect(resolveTheme('system', false)).toBe('light')
    expect(resolveTheme('light', true)).toBe('light')
  })
  it('persists language, theme, view and the hidden-containers toggle in localStorage', () => {
    usePrefs.getState().setLang('ja')
    usePrefs.getState().setTheme('dark')
    usePrefs.getState().setView('lineage')
    const saved = () => (JSON.parse(store.get('strata.prefs') ?? '{}') as { state: Record<string, string | boolean> }).state
    expect(saved()).toEqual({ lang: 'ja', theme: 'dark', view: 'lineage', showHidden: false })
    usePrefs.getState().setShowHidden(true)
    expect(saved().showHidden).toBe(true)
  })
  it('is read before the store exists (the boot script) as the store saved it, the defaults where unreadable', () => {
    usePrefs.getState().setLang('ja')
    usePrefs.getState().setTheme('dark')
    usePrefs.getState().setShowHidden(true)
    expect(storedPrefs(store.get(PREFS_KEY) ?? null)).toEqual({ lang: 'ja', theme: 'dark', showHidden: true })
    const defaults = { lang: 'auto', theme: 'system', showHidden: false }
    for (const raw of [null, '', '{', 'null', '{"state":{"lang":"fr","theme":7,"showHidden":"yes"}}']) expect(storedPrefs(raw), String(raw)).toEqual(defaults)
  })
})
