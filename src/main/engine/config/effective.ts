// The effective configuration: what LXC ends up with after applying every entry in order
// (scalars: last value wins; lists: accumulate, an empty value clears; see keys.ts clearsKey).

import { clearsKey, keySpec, type KeyKind } from './keys'

/** One `key = value` line, with where it came from. */
export interface ConfigEntry {
  key: string
  value: string
  file: string
  /** 1-based line in `file` */
  line: number
}

/** The effective value of `key` (the entry that set it), or null when unset or cleared. */
export function effectiveValue(entries: readonly ConfigEntry[], key: string): ConfigEntry | null {
  const ignoresEmpty = keySpec(key).empty === 'ignored'
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i] as ConfigEntry
    if (entry.value === '') {
      if (entry.key === key && ignoresEmpty) continue
      if (clearsKey(entry.key, key)) return null
      continue
    }
    if (entry.key === key) return entry
  }
  return null
}

/** The accumulated entries of list key `key`; an empty value of a clearing key starts over. */
export function effectiveList(entries: readonly ConfigEntry[], key: string): ConfigEntry[] {
  let list: ConfigEntry[] = []
  for (const entry of entries) {
    if (entry.value === '') {
      if (clearsKey(entry.key, key)) list = []
    } else if (entry.key === key) {
      list.push(entry)
    }
  }
  return list
}

export interface EffectiveSetting {
  key: string
  kind: KeyKind
  /** scalars: exactly one entry; lists: every accumulated entry, in order */
  entries: ConfigEntry[]
}

/** Every key that ends up set, in order of first appearance, with the entries that set it. */
export function effectiveConfig(entries: readonly ConfigEntry[]): EffectiveSetting[] {
  const settings = new Map<string, EffectiveSetting>()
  for (const entry of entries) {
    const spec = keySpec(entry.key)
    if (entry.value === '') {
      if (spec.empty === 'ignored') continue
      for (const key of [...settings.keys()]) if (clearsKey(entry.key, key)) settings.delete(key)
      continue
    }
    const setting = settings.get(entry.key)
    if (setting && spec.kind === 'list') setting.entries.push(entry)
    else if (setting) setting.entries = [entry]
    else settings.set(entry.key, { key: entry.key, kind: spec.kind, entries: [entry] })
  }
  return [...settings.values()]
}
