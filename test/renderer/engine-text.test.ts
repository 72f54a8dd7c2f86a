// Every engine sentence the app can show (shared/engine-text.ts) has a Japanese text that fills
// the same values, and the renderer says it in the user's language: a new sentence without its
// translation fails here.
import { describe, expect, it } from 'vitest'
import { ENGINE_TEXTS, say, valueNames, type EngineTextKey } from '../../src/shared/engine-text'
import en from '../../src/renderer/src/i18n/en.json'
import ja from '../../src/renderer/src/i18n/ja.json'
import { initI18n } from '../../src/renderer/src/i18n'
import { errorText, saidText } from '../../src/renderer/src/i18n/said'
import { fromErrorData, refused } from '../../src/shared/errors'
import { kindSaid } from '../../src/main/engine/fs/regular-file'

const keys = Object.keys(ENGINE_TEXTS) as EngineTextKey[]
const jaEngine = (ja as { engine?: Record<string, string> }).engine ?? {}

describe('engine sentences in Japanese', () => {
  it('every sentence of the table has a Japanese text', () => {
    expect(keys.filter((k) => typeof jaEngine[k] !== 'string' || jaEngine[k] === '')).toEqual([])
  })
  it('and no Japanese text is left for a sentence the engine no longer says', () => {
    expect(Object.keys(jaEngine).filter((k) => !(k in ENGINE_TEXTS))).toEqual([])
  })
  it('each Japanese text fills the values of the English (an English article may be left out)', () => {
    const wrong = keys.filter((k) => {
      const english = valueNames(ENGINE_TEXTS[k]).filter((v) => v !== 'a')
      return JSON.stringify(valueNames(jaEngine[k] ?? '').filter((v) => v !== 'a')) !== JSON.stringify(english)
    })
    expect(wrong).toEqual([])
  })
  it('English says one and several in their own word forms, never "(s)"', () => {
    expect(Object.entries(ENGINE_TEXTS).filter(([, t]) => t.includes('(s)')).map(([k]) => k)).toEqual([])
    expect(say('has-dependents', { name: 'base', dir: '/p/base', count: 1, dependents: '/p/c1' }).text).toContain('1 container or snapshot depends on it')
    expect(say('has-dependents', { name: 'base', dir: '/p/base', count: 2, dependents: '/p/c1, /p/c2' }).text).toContain('2 containers or snapshots depend on it')
    expect(say('restore-has-dependents', { name: 'base', count: 1, dependents: '/p/c1' }).text).toContain('/p/c1 reads its rootfs')
  })
  it('English comes from the engine\'s table, not from a second copy in en.json', () => {
    expect('engine' in en).toBe(false)
  })
})

describe('the renderer says them in the user\'s language', () => {
  it('a choice reason, nested sentences included, a finding and an error that crossed a boundary', async () => {
    const i18n = initI18n('en')
    const notYet = say('backend-not-yet', { backend: 'lvm' })
    expect(saidText(notYet)).toBe('Strata reads lvm containers but cannot make, copy or snapshot them yet.')
    await i18n.changeLanguage('ja')
    expect(saidText(notYet)).toBe('Strata は lvm のコンテナを読み取れますが、作成・コピー・スナップショットはまだできません。')
    const only = say('snapshot-only-of', { a: 'an', target: 'overlay', of: 'dir or overlay', origin: 'loop', rule: say('overlay-snapshot-rule') })
    expect(only.text).toMatch(/^an overlay snapshot clone can be made only of dir or overlay containers, not of loop \(LXC: /)
    expect(saidText(only)).toContain('overlay の複製はディレクトリを下位層として読みます')
    // an error rebuilt from its data keeps its sentence
    const crossed = fromErrorData(JSON.parse(JSON.stringify(refused('lower-missing', say('diff-lower-gone', { container: '/p/o', lower: '/p/b/rootfs' })))))
    expect(crossed.message).toContain("/p/o's lower layer /p/b/rootfs is gone")
    expect(errorText(crossed)).toBe('/p/o の下位層 /p/b/rootfs がありません (複製元が LXC を使わずに削除されました): 上位層と比べる相手がありません。')
    // a sentence from a newer engine that this app does not know is its English
    expect(errorText(fromErrorData({ code: 'refused', message: 'plain words', said: { key: 'no-such', values: {}, text: 'x' } }))).toBe('plain words')
    await i18n.changeLanguage('en')
  })

  it('a file\'s kind inside a sentence is said in the sentence\'s language, every kind', async () => {
    const i18n = initI18n('en')
    const kinds = ['character-device', 'block-device', 'fifo', 'socket', 'other'] as const
    const said = (kind: (typeof kinds)[number]) => say('not-regular-file', { file: '/p/c/config', kind: kindSaid(kind) })
    expect(said('fifo').text).toBe('/p/c/config is a FIFO (named pipe), not a regular file: Strata reads only regular files as configs and bookkeeping (a device, FIFO or socket can block or never end).')
    expect(saidText(said('character-device'))).toContain('is a character device, not a regular file')
    await i18n.changeLanguage('ja')
    expect(saidText(said('character-device'))).toContain('/p/c/config はキャラクターデバイスで、')
    for (const kind of kinds) expect(saidText(said(kind))).not.toMatch(/device|named pipe|socket|special file/)
    const include = say('config-include-irregular', { value: '/dev/null', kind: kindSaid('character-device') })
    expect(saidText(include)).toContain('lxc.include「/dev/null」はキャラクターデバイスで')
    await i18n.changeLanguage('en')
  })
})
