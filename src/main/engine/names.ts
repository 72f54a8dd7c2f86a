// Container names: LXC 5 validates nothing, so Strata refuses what breaks LXC (lxc-format.md §7).
// Names starting with "." are hidden containers (lxc-ls leaves them out, but LXC starts, copies
// and destroys them like any other), except Strata's own work in progress below.
import type { Backend } from '@shared/model'

/** Strata's work in progress in an lxcpath (ops/journal.ts): never a container to show. */
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

/** The kernel's nodename limit: lxc.uts.name = <name> fails beyond it. */
const UTS_MAX = 64
/** The lock file `.<name>` must fit NAME_MAX (255). */
const NAME_MAX_BYTES = 254

/** null when LXC can use the name, else the reason in a sentence that names the rule. */
export function validateContainerName(name: string, opts: { backend?: Backend; keepUtsName?: boolean } = {}): string | null {
  const bytes = Buffer.byteLength(name)
  if (name === '') return 'The name is empty.'
  if (name === '.' || name === '..') return `"${name}" is not a usable directory name.`
  if (name.includes('/')) return `"${name}" contains "/": a container name is one directory name.`
  if (name.includes('\0')) return 'The name contains a NUL byte.'
  if (/[\n\r]/.test(name)) return 'The name contains a line break: LXC records names one per line in lxc_snapshots.'
  if (name.startsWith('.')) return `"${name}" starts with ".": lxc-ls hides such containers (and Strata uses them for work in progress).`
  if (bytes > NAME_MAX_BYTES)
    return `"${name.slice(0, 20)}…" is ${bytes} bytes long: LXC's lock file ".<name>" must fit in 255 bytes, so at most 254.`
  if (name.includes(':') && (opts.backend === undefined || opts.backend === 'overlay' || opts.backend === 'aufs'))
    return `"${name}" contains ":": overlay reads ":" in lowerdir= as a layer separator, so snapshot clones of it would fail.`
  if (/\s/.test(name)) return `"${name}" contains white space: LXC templates and hooks split on it.`
  if (!opts.keepUtsName && bytes > UTS_MAX)
    return `"${name.slice(0, 20)}…" is ${bytes} bytes long: LXC sets lxc.uts.name to the name, and a hostname is at most ${UTS_MAX} bytes (keep the origin's hostname to allow it).`
  return null
}
