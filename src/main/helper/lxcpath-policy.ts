// Which lxcpaths the root helper serves, and the rules a path must pass before the helper
// lets the engine touch it. The set is fixed when the helper starts; a request can only name
// one of them. Every rule broken is reported in a sentence that names the path and the rule.
import { lstatSync, realpathSync, statSync, type Stats } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import type { ContainerRef } from '@shared/model'

/** A request the helper will not carry out; the message names the thing and the rule. */
export class RefusedError extends Error {
  readonly code = 'refused'
  constructor(message: string) {
    super(message)
    this.name = 'RefusedError'
  }
}

const STICKY = 0o1000
const GROUP_OR_OTHER_WRITE = 0o022

function stripSlashes(p: string): string {
  return p.replace(/(.)\/+$/, '$1')
}

/** Prefixes of an absolute path: /a/b/c -> /, /a, /a/b, /a/b/c */
function prefixes(path: string): string[] {
  const parts = path.split('/').filter(Boolean)
  const out = ['/']
  for (let i = 1; i <= parts.length; i++) out.push('/' + parts.slice(0, i).join('/'))
  return out
}

function lstatOrRefuse(p: string, lxcpath: string): Stats {
  try {
    return lstatSync(p)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new RefusedError(`The lxcpath ${lxcpath} does not exist (${p} is missing).`)
    throw new RefusedError(`The lxcpath ${lxcpath} cannot be checked: ${p}: ${(err as Error).message}`)
  }
}

/**
 * Checks one lxcpath against the helper's rules and returns its real path:
 * - absolute, no NUL, no `.` or `..` segment;
 * - a symlink on the way is followed only if root owns it (a user's symlink could be re-pointed);
 * - every directory of the real path is owned by root and not writable by group or others
 *   (a sticky directory such as /tmp may be, except the lxcpath itself): otherwise a user could
 *   swap a directory for a symlink between the check and the write.
 */
export function checkLxcpath(lxcpath: string): string {
  if (lxcpath.includes('\0')) throw new RefusedError('An lxcpath must not contain a NUL byte.')
  if (!lxcpath.startsWith('/')) throw new RefusedError(`The lxcpath ${lxcpath} is not an absolute path.`)
  if (lxcpath.split('/').some((s) => s === '..' || s === '.')) {
    throw new RefusedError(`The lxcpath ${lxcpath} contains a "." or ".." segment; name it without them.`)
  }
  for (const p of prefixes(lxcpath)) {
    const st = lstatOrRefuse(p, lxcpath)
    if (st.isSymbolicLink() && st.uid !== 0) {
      throw new RefusedError(
        `The lxcpath ${lxcpath} goes through ${p}, a symlink owned by uid ${st.uid}; the helper follows only symlinks owned by root.`
      )
    }
  }
  let real: string
  try {
    real = realpathSync(lxcpath)
  } catch (err) {
    throw new RefusedError(`The lxcpath ${lxcpath} cannot be resolved: ${(err as Error).message}`)
  }
  if (!statSync(real).isDirectory()) throw new RefusedError(`The lxcpath ${lxcpath} is not a directory.`)
  for (const p of prefixes(real)) {
    const st = lstatOrRefuse(p, lxcpath)
    if (st.uid !== 0) {
      throw new RefusedError(
        `The lxcpath ${lxcpath} is in ${p}, which is owned by uid ${st.uid}; every directory on the way to a system lxcpath must be owned by root.`
      )
    }
    const writable = (st.mode & GROUP_OR_OTHER_WRITE) !== 0
    const isLast = p === real
    if (writable && (isLast || (st.mode & STICKY) === 0)) {
      throw new RefusedError(
        `The lxcpath ${lxcpath} is in ${p}, which users other than root can write to (mode ${(st.mode & 0o7777).toString(8)}); the helper serves only lxcpaths that only root can change.`
      )
    }
  }
  return real
}

interface Served {
  /** as configured: the string LXC records and the engine is given */
  path: string
  real: string
}

export class LxcpathPolicy {
  private readonly served: Served[] = []
  readonly refused: { path: string; reason: string }[] = []

  constructor(configured: readonly string[]) {
    for (const raw of configured) {
      const path = stripSlashes(raw)
      if (this.served.some((s) => s.path === path)) continue
      try {
        this.served.push({ path, real: checkLxcpath(path) })
      } catch (err) {
        this.refused.push({ path, reason: (err as Error).message })
      }
    }
  }

  get lxcpaths(): string[] {
    return this.served.map((s) => s.path)
  }

  /**
   * The configured lxcpath a request names (by its configured or its real path), checked
   * again against the disk; refuses anything else. Request paths are compared, never resolved.
   */
  lxcpath(requested: string): string {
    const p = stripSlashes(requested)
    const hit = this.served.find((s) => s.path === p || s.real === p)
    if (!hit) {
      const list = this.served.map((s) => s.path).join(', ') || 'none'
      throw new RefusedError(
        `${requested} is not an lxcpath this helper serves (it serves: ${list}); the helper only touches the lxcpaths configured when it started.`
      )
    }
    const real = checkLxcpath(hit.path)
    if (real !== hit.real) {
      throw new RefusedError(`The lxcpath ${hit.path} now resolves to ${real}, not ${hit.real} as when the helper started; restart the helper.`)
    }
    return hit.path
  }

  /** The lxcpaths a request names, or all served ones when it names none. */
  lxcpathList(requested: readonly string[] | undefined): string[] {
    return requested ? [...new Set(requested.map((p) => this.lxcpath(p)))] : this.lxcpaths
  }

  ref(r: ContainerRef): ContainerRef {
    return { lxcpath: this.lxcpath(r.lxcpath), name: r.name }
  }

  /**
   * Storage outside a container's directory that a destroy may delete (a rootfs configured
   * elsewhere, confirmed by the user): only below one of the served lxcpaths, judged by the
   * real path of its parent directory. Returns the path as given.
   */
  deletableOutside(path: string): string {
    let real: string | null = null
    try {
      real = join(realpathSync(dirname(path)), basename(path))
    } catch {
      // its parent cannot be resolved: refused below
    }
    if (!real || !this.served.some((s) => real.startsWith(`${s.real}/`))) {
      const list = this.served.map((s) => s.path).join(', ') || 'none'
      throw new RefusedError(
        `${path} is outside the lxcpaths this helper serves (${list}); the helper deletes a rootfs configured outside its container only inside them. Delete it by hand if it must go.`
      )
    }
    return path
  }
}
