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
import { stateSaid } from '../../src/shared/lifecycle'
import { parseParams } from '../../src/shared/api'
import type { ContainerState } from '../../src/shared/model'

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
  it('every sentence renders in Japanese with each of its values, and nothing left unfilled', async () => {
    const i18n = initI18n('ja')
    const unfilled = keys.filter((k) => {
      const names = valueNames(ENGINE_TEXTS[k]).filter((v) => v !== 'a')
      const text = saidText({ key: k, values: Object.fromEntries(names.map((n) => [n, `<${n}>`])), text: '' })
      return text.includes('{{') || names.some((n) => !text.includes(`<${n}>`))
    })
    expect(unfilled).toEqual([])
    await i18n.changeLanguage('en')
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

describe('what was still English in Japanese', () => {
  it('a task\'s progress notes: the CLI\'s English, the app\'s Japanese, numbers as values', async () => {
    const i18n = initI18n('en')
    const copying = say('progress-copy-of', { origin: '/p/base', backend: 'dir' })
    expect(copying.text).toBe('copy of /p/base as dir')
    expect(saidText(copying)).toBe('copy of /p/base as dir')
    const receiving = (count: number) => say('progress-receiving', { name: 'web1', count })
    expect(receiving(1).text).toBe('receiving web1 (1 file)')
    expect(receiving(1200).text).toBe('receiving web1 (1200 files)')
    expect(say('progress-convert-translated', { whiteouts: 1, opaque: 2 }).text).toBe('1 whiteout and 2 opaque directories translated')
    // the app writes a count in the user's number format, the CLI as it is
    expect(saidText(receiving(1200))).toBe('receiving web1 (1,200 files)')
    expect(saidText(receiving(1))).toBe('receiving web1 (1 file)')
    await i18n.changeLanguage('ja')
    expect(saidText(copying)).toBe('/p/base を dir としてコピー')
    expect(saidText(receiving(1200))).toBe('web1 を受信しています (ファイル 1,200 個)')
    expect(saidText(say('progress-stopping', { name: 'web1', seconds: 60 }))).toBe('web1 を停止しています (60 秒後に強制終了)')
    expect(saidText(say('progress-place-unrecorded', { name: '/p/z1', backend: 'zfs', why: say('no-message') }))).toBe('/p/z1 はできあがりましたが、その zfs ストレージに置き場所を記録できませんでした: メッセージなし')
    await i18n.changeLanguage('en')
  })

  it('a state inside a sentence is a word of the sentence\'s language, every state', async () => {
    const i18n = initI18n('en')
    const states: ContainerState[] = ['stopped', 'starting', 'running', 'stopping', 'aborting', 'freezing', 'frozen', 'thawed', 'unknown']
    const refusal = (state: ContainerState) => say('stop-before-clone', { name: 'web1', state: stateSaid(state) })
    // the CLI's English is as it was
    expect(refusal('running').text).toBe("web1 is running: stop it before you clone it (a running container's rootfs is changing under the copy).")
    await i18n.changeLanguage('ja')
    expect(saidText(refusal('running'))).toBe('web1 は実行中です: 複製の前に停止してください (実行中のコンテナの rootfs はコピー中にも変わります)。')
    expect(saidText(refusal('frozen'))).toContain('web1 は凍結です')
    for (const state of states) expect(saidText(say('state-destroy-running', { name: 'web1', state: stateSaid(state) }))).not.toContain(state)
    await i18n.changeLanguage('en')
  })

  it('params that fail the schema name the parameter and the rule, in Japanese too', async () => {
    const i18n = initI18n('en')
    const refusal = (method: Parameters<typeof parseParams>[0], params: unknown): Error => {
      try {
        parseParams(method, params)
      } catch (e) {
        return e as Error
      }
      throw new Error('accepted')
    }
    const wrong = refusal('clone', { origin: { lxcpath: '/p', name: 'base' }, name: 5, backend: 'ext4' })
    expect(wrong.message).toBe('clone: name: must be a string; backend: must be one of dir, overlay, aufs, btrfs, zfs, lvm, loop, rbd, nbd')
    expect(errorText(wrong)).toBe(wrong.message)
    const missing = refusal('create', { lxcpath: 'p', template: 'busybox', extra: 1 })
    expect(missing.message).toBe('create: lxcpath: an lxcpath must be an absolute path; name: is missing; "extra" is not a key it takes')
    const name = refusal('create', { lxcpath: '/p', name: 'a b', template: 'busybox' })
    await i18n.changeLanguage('ja')
    expect(errorText(wrong)).toBe('clone: name: 文字列でなければなりません、backend: dir, overlay, aufs, btrfs, zfs, lvm, loop, rbd, nbd のいずれかでなければなりません')
    expect(errorText(missing)).toBe('create: lxcpath: lxcpath は絶対パスでなければなりません、name: 指定されていません、"extra" はここで使えるキーではありません')
    // the name rule inside the schema's rule: Japanese all through
    expect(errorText(name)).toMatch(/^create: name: コンテナ名が正しくありません: "a b" に空白が含まれています/)
    // as it arrives over IPC or the helper's pipe
    expect(errorText(fromErrorData(JSON.parse(JSON.stringify(wrong))))).toBe(errorText(wrong))
    await i18n.changeLanguage('en')
  })

  it('the helper in the user namespace that went away', async () => {
    const i18n = initI18n('ja')
    const gone = say('userns-helper-gone', { source: '/p/u1/config', exit: say('exit-signal'), error: say('no-message') })
    expect(gone.text).toBe('The Strata helper in your user namespace (id map of /p/u1/config) stopped before it answered (exit signal): no message')
    expect(saidText(gone)).toBe('あなたのユーザー名前空間 (/p/u1/config の ID マップ) の Strata ヘルパーは応答する前に終了しました (終了コード シグナル): メッセージなし')
    const exited = say('helper-exited-saying', { helper: say('the-helper-userns'), exit: 1, error: 'lost' })
    expect(exited.text).toBe('The Strata helper in your user namespace exited (1: lost); it is started again on the next request.')
    expect(saidText(exited)).toBe('あなたのユーザー名前空間の Strata ヘルパーが終了しました (1: lost)。次の要求で再び起動します。')
    await i18n.changeLanguage('en')
  })
})
