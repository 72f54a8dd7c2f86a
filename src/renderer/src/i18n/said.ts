// An engine sentence (shared/engine-text.ts) in the user's language: `engine.<key>` of the
// current language, filled with the engine's values (a sentence inside one said the same way);
// the engine's English where the language has none. English itself is the engine's table.
import { isSaid, type Said } from '@shared/engine-text'
import { i18n } from './index'

/** `said` in the current language; `english` (the engine's sentence) when there is no Said. */
export function saidText(said: Said | undefined | null, english = ''): string {
  if (!said) return english
  const key = `engine.${said.key}`
  if (!i18n.exists(key)) return said.text
  const values: Record<string, string | number> = {}
  for (const [k, v] of Object.entries(said.values)) values[k] = typeof v === 'object' ? saidText(v) : v
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
