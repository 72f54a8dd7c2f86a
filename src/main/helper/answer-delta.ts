// A list answered again is sent as what changed since the app's copy. The helper keeps the
// last list it sent for each request (method + params) under a version; the app says which
// version it holds (`have`), and when that is the helper's, the answer is the items that
// differ, by index, and the new length ("same as version N" when none does). JSON of a
// 500-container listing (240 KB: stringify, decode, parse) was most of the helper's added cost
// a call; comparing the new list with the kept one costs a fraction of that. The app's callers
// still get whole lists: the client puts each together from its copy (answers kept read-only).

/** What changed in a list since version `base`: `set` holds [index, item] for each item that differs. */
export interface ListDelta {
  base: number
  version: number
  length: number
  set: [number, unknown][]
}

/** True when a and b are the same JSON value (an undefined property counts as absent, as JSON drops it). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false
    return true
  }
  if (Array.isArray(b)) return false
  const x = a as Record<string, unknown>
  const y = b as Record<string, unknown>
  let defined = 0
  for (const k in x) {
    if (x[k] === undefined) continue
    defined++
    if (!sameJson(x[k], y[k])) return false
  }
  for (const k in y) if (y[k] !== undefined) defined--
  return defined === 0
}

/** More differing items than this share of the list: the whole list is cheaper to send. */
const MOSTLY_CHANGED = 0.5
/** Requests remembered at once (the app polls a few lists; anything else answers whole). */
const KEPT = 16

/** The helper's side: the last list sent for each request, and what to send for a new one. */
export class AnswerMemory {
  private readonly kept = new Map<string, { version: number; items: unknown[] }>()
  private nextVersion = 1

  /**
   * The answer to a request whose result is the list `items`: a delta when the app holds the
   * version kept for this request (`have`), else the whole list with its new version.
   */
  answer(key: string, have: number | undefined, items: unknown[]): { result: unknown[]; version: number } | { delta: ListDelta } {
    const last = this.kept.get(key)
    if (last && have === last.version) {
      const set: [number, unknown][] = []
      for (let i = 0; i < items.length; i++) if (i >= last.items.length || !sameJson(items[i], last.items[i])) set.push([i, items[i]])
      if (set.length <= items.length * MOSTLY_CHANGED) {
        if (set.length === 0 && items.length === last.items.length) return { delta: { base: have, version: have, length: items.length, set } }
        const version = this.nextVersion++
        this.keep(key, version, items)
        return { delta: { base: have, version, length: items.length, set } }
      }
    }
    const version = this.nextVersion++
    this.keep(key, version, items)
    return { result: items, version }
  }

  private keep(key: string, version: number, items: unknown[]): void {
    this.kept.delete(key)
    this.kept.set(key, { version, items })
    if (this.kept.size > KEPT) this.kept.delete(this.kept.keys().next().value!)
  }
}

/** The list `delta` describes, from the app's copy of version `delta.base`. */
export function applyDelta(base: readonly unknown[], delta: ListDelta): unknown[] {
  const items = base.slice(0, delta.length)
  for (const [i, item] of delta.set) items[i] = item
  return items
}

/** The key a request's list is kept under: the method and its params as sent. */
export function answerKey(method: string, params: unknown): string {
  return `${method}\n${JSON.stringify(params ?? {})}`
}
