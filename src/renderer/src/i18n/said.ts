// An engine sentence (shared/engine-text.ts) in the user's language: `engine.<key>` of the
// current language, filled with the engine's values (a sentence inside one said the same way,
// a count in the user's number format); the engine's table where the language has none (English).
import { ENGINE_TEXTS, fill, isSaid, type Said, type SaidValue } from '@shared/engine-text'
import { i18n } from './index'

/** Values that count something (files, hooks, bytes): in the user's number format, as the drawer's own figures. */
const COUNTS: ReadonlySet<string> = new Set(['count', 'received', 'bytes', 'whiteouts', 'opaque'])

function shown(name: string, v: SaidValue): string {
  if (typeof v === 'object') return saidText(v)
  return typeof v === 'number' && COUNTS.has(name) ? v.toLocaleString(i18n.language) : String(v)
}

/** `said` in the current language; `english` (the engine's sentence) when there is no Said. */
export function saidText(said: Said | undefined | null, english = ''): string {
  if (!said) return english
  const key = `engine.${said.key}`
  // a language without the sentence says the table's English; a sentence this app does not know, as it came
  if (!i18n.exists(key)) return Object.hasOwn(ENGINE_TEXTS, said.key) ? fill(ENGINE_TEXTS[said.key], said.values, shown) : said.text
  const values = Object.fromEntries(Object.entries(said.values).map(([k, v]) => [k, shown(k, v)]))
  // i18next's typed keys are en.json's; the engine's keys live in shared/engine-text.ts
  const t = i18n.t.bind(i18n) as unknown as (k: string, o: Record<string, unknown>) => string
  return t(key, values)
}

/** The same for a value that crossed a boundary and may not be a Said. */
export function maybeSaidText(v: unknown, english: string): string {
  return isSaid(v) ? saidText(v, english) : english
}

/** Words for an error from the API, for the UI: in the user's language where the engine said it as data. */
export const errorText = (e: unknown): string => (e instanceof Error ? maybeSaidText((e as { said?: unknown }).said, e.message) : String(e))

/** The same for an error as plain data (a task's or a stream's end, a host's state). */
export const errorDataText = (e: { message: string; said?: unknown }): string => maybeSaidText(e.said, e.message)
