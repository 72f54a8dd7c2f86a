// Container names: LXC 5 validates nothing (lxc-format.md §7), so Strata has one rule of its
// own, applied alike by the CLI, the engine table's schema (the app's API and the root helper's), its policy,
// and to every name read back from LXC's bookkeeping before an operation follows it.
// Names starting with "." are hidden containers (lxc-ls leaves them out, but LXC starts, copies
// and destroys them like any other), except Strata's own work in progress below.
// Plain code without Node imports: src/shared/engine-api.ts validates with it too.
import { say, type Said } from './engine-text'

/** Strata's work in progress in an lxcpath (engine/journal/journal.ts): never a container to show. */
export const JOURNAL_PREFIX = '.strata-op-'
export const BUILD_PREFIX = '.strata-build-'
export const TRASH_PREFIX = '.strata-trash-'

export function isStrataWorkName(name: string): boolean {
  return name.startsWith(JOURNAL_PREFIX) || name.startsWith(BUILD_PREFIX) || name.startsWith(TRASH_PREFIX)
}

/** A container lxc-ls does not list (and Strata lists only when asked). */
export function isHiddenName(name: string): boolean {
  return name.startsWith('.')
}

/** LXC 5.0.2 opens the lock file `<lxcpath>/.<name>` (lxclock.c): one more byte than the name must fit NAME_MAX (255). */
export const NAME_MAX_BYTES = 254
/** LXC refuses an lxc.uts.name of 65 bytes or more (confile.c, the kernel's nodename): a new container's hostname is its name. */
export const UTS_MAX_BYTES = 64
/**
 * What Strata accepts: letters and digits of any script (LXC 5.0.2 creates and starts "café"),
 * and _ . + -. Paths carry them, and shells and template scripts do when they quote "$name", as
 * LXC's own templates do; white space, ":" and a leading "-" are refused with their own reason.
 */
const NAME_CHARACTER = /[\p{L}\p{M}\p{N}_.+-]/u

const bytes = (s: string): number => new TextEncoder().encode(s).length
/** Control and format characters (a bidi override could reorder the message) shown as U+XXXX. */
const visible = (s: string): string => s.replace(/\p{C}/gu, (c) => `<U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`)
const quoted = (name: string): string => `"${visible(name.length > 40 ? `${name.slice(0, 40)}…` : name)}"`

/** Which rule a name breaks: the key a UI translates (with `values`), and the engine's sentence. */
export type NameRule = 'empty' | 'dots' | 'slash' | 'nul' | 'newline' | 'hidden' | 'dash' | 'space' | 'colon' | 'chars' | 'bytes' | 'uts' | 'work' | 'taken' | 'lxd-name'
export interface NameIssue {
  rule: NameRule
  values: Record<string, string | number>
  message: string
  /** the message as data (shared/engine-text.ts), for an error a UI says in its language */
  said?: Said
}

const issue = (rule: NameRule, said: Said, values: Record<string, string | number> = {}): NameIssue => ({ rule, values, message: said.text, said })

function nameIssue(name: string, hiddenAllowed: boolean): NameIssue | null {
  if (name === '') return issue('empty', say('name-empty'))
  if (name === '.' || name === '..') return issue('dots', say('name-dots', { name }), { name })
  if (name.includes('/')) return issue('slash', say('name-slash', { name: quoted(name) }))
  if (name.includes('\0')) return issue('nul', say('name-nul'))
  if (/[\n\r]/.test(name)) return issue('newline', say('name-newline', { name: quoted(name) }))
  if (name.startsWith('.') && !(hiddenAllowed && name.length > 1 && !name.startsWith('..')))
    return issue('hidden', say('name-hidden', { name: quoted(name) }))
  if (name.startsWith('-')) return issue('dash', say('name-dash', { name: quoted(name) }))
  if (/\s/.test(name)) return issue('space', say('name-space', { name: quoted(name) }))
  if (name.includes(':')) return issue('colon', say('name-colon', { name: quoted(name) }))
  const odd = [...name].find((c) => !NAME_CHARACTER.test(c))
  if (odd !== undefined)
    return issue('chars', say('name-chars', { name: quoted(name), char: quoted(odd) }), { char: visible(odd) })
  const size = bytes(name)
  if (size > NAME_MAX_BYTES)
    return issue('bytes', say('name-bytes', { name: quoted(name), size, max: NAME_MAX_BYTES }), { size, max: NAME_MAX_BYTES })
  return null
}

/** null when Strata handles the name, else the reason in a sentence that names the rule. */
export function containerNameProblem(name: string): string | null {
  return nameIssue(name, false)?.message ?? null
}

/** The same as data. */
export function containerNameSaid(name: string): Said | null {
  return nameIssue(name, false)?.said ?? null
}

/** The rule, and what LXC needs of a container it is about to make: a usable hostname. */
export function newContainerNameIssue(name: string, opts: { keepUtsName?: boolean } = {}): NameIssue | null {
  const size = bytes(name)
  // The hostname limit first: for a new container it is the one a long name meets.
  if (!opts.keepUtsName && size > UTS_MAX_BYTES && !name.includes('/') && !name.startsWith('.'))
    return issue('uts', say('name-uts', { name: quoted(name), size, max: UTS_MAX_BYTES }), { size, max: UTS_MAX_BYTES })
  return nameIssue(name, false)
}

export function newContainerNameProblem(name: string, opts: { keepUtsName?: boolean } = {}): string | null {
  return newContainerNameIssue(name, opts)?.message ?? null
}

/** The same as data, for a refusal a UI says in its language. */
export function newContainerNameSaid(name: string, opts: { keepUtsName?: boolean } = {}): Said | null {
  return newContainerNameIssue(name, opts)?.said ?? null
}

/** The rule for a container that already exists: a hidden name (".x") is a container too;
 * Strata's own work directories are not containers. */
export function existingContainerNameSaid(name: string): Said | null {
  if (isStrataWorkName(name)) return say('name-work', { name: quoted(name) })
  return nameIssue(name, true)?.said ?? null
}

/** The same, in English: null when Strata handles the name. */
export function existingContainerNameProblem(name: string): string | null {
  return existingContainerNameSaid(name)?.text ?? null
}
