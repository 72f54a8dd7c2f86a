// Container names: LXC 5 validates nothing (lxc-format.md §7), so Strata has one rule of its
// own, applied alike by the CLI, the engine table's schema (the app's API and the root helper's), its policy,
// and to every name read back from LXC's bookkeeping before an operation follows it.
// Names starting with "." are hidden containers (lxc-ls leaves them out, but LXC starts, copies
// and destroys them like any other), except Strata's own work in progress below.
// Plain code without Node imports: src/shared/engine-api.ts validates with it too.

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

/** The lock file `.<name>` must fit NAME_MAX (255). */
const NAME_MAX_BYTES = 254
/** The kernel's nodename limit: lxc.uts.name = <name> fails beyond it. */
const UTS_MAX = 64
/** What Strata accepts: a path, a shell and a template script carry these without quoting. */
const NAME_CHARACTER = /[A-Za-z0-9_.+-]/

const bytes = (s: string): number => new TextEncoder().encode(s).length
/** Control and format characters (a bidi override could reorder the message) shown as U+XXXX. */
const visible = (s: string): string => s.replace(/\p{C}/gu, (c) => `<U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`)
const quoted = (name: string): string => `"${visible(name.length > 40 ? `${name.slice(0, 40)}…` : name)}"`

/** null when Strata handles the name, else the reason in a sentence that names the rule. */
export function containerNameProblem(name: string): string | null {
  return nameProblem(name, false)
}

function nameProblem(name: string, hiddenAllowed: boolean): string | null {
  if (name === '') return 'The container name is empty.'
  if (name === '.' || name === '..') return `"${name}" is not a usable container name: it is not a directory name.`
  if (name.includes('/')) return `${quoted(name)} contains "/": a container name is one directory name.`
  if (name.includes('\0')) return 'The container name contains a NUL byte.'
  if (/[\n\r]/.test(name)) return `${quoted(name)} contains a line break: LXC records names one per line in lxc_snapshots.`
  if (name.startsWith('.') && !(hiddenAllowed && name.length > 1 && !name.startsWith('..'))) return `${quoted(name)} starts with ".": lxc-ls hides such containers (and Strata uses them for work in progress).`
  if (name.startsWith('-')) return `${quoted(name)} starts with "-": LXC's tools and templates would read it as an option.`
  if (/\s/.test(name)) return `${quoted(name)} contains white space: LXC templates and hooks split on it.`
  if (name.includes(':')) return `${quoted(name)} contains ":": overlay reads ":" in lowerdir= as a layer separator, so snapshot clones of it would fail.`
  const odd = [...name].find((c) => !NAME_CHARACTER.test(c))
  if (odd !== undefined)
    return `${quoted(name)} contains ${quoted(odd)}: a container name is ASCII letters, digits and _ . + - (characters that paths, shells and template scripts carry safely).`
  const size = bytes(name)
  if (size > NAME_MAX_BYTES) return `${quoted(name)} is ${size} bytes long: LXC's lock file ".<name>" must fit in 255 bytes, so at most ${NAME_MAX_BYTES}.`
  return null
}

/** The rule, and what LXC needs of a container it is about to make: a usable hostname. */
export function newContainerNameProblem(name: string, opts: { keepUtsName?: boolean } = {}): string | null {
  const problem = containerNameProblem(name)
  if (problem) return problem
  if (!opts.keepUtsName && name.length > UTS_MAX)
    return `${quoted(name)} is ${name.length} characters long: LXC sets lxc.uts.name to the name, and a hostname is at most ${UTS_MAX} bytes (keep the origin's hostname to allow it).`
  return null
}

/** The rule for a container that already exists: a hidden name (".x") is a container too;
 * Strata's own work directories are not containers. */
export function existingContainerNameProblem(name: string): string | null {
  if (isStrataWorkName(name)) return `${quoted(name)} is Strata's own work in progress, not a container.`
  return nameProblem(name, true)
}
