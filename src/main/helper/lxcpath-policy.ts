// Which lxcpaths the root helper serves, and the rules a path must pass before the helper
// lets the engine touch it. Only LXC's own lxcpath (lxc.lxcpath of root's lxc.conf) and the
// ones an administrator lists in ALLOW_LIST_FILE can be served; the set is fixed when the
// helper starts. Every container a request names, and every one an operation reaches through
// what is recorded on disk (lxc_rdepends, lxc_snapshots, overlay lowers), passes the same
// checks here. Every rule broken is reported in a sentence that names the path and the rule.
// The same policy serves a helper in a user's namespace with another trust (own-lxcpath.ts).
import { lstatSync, readFileSync, realpathSync, statSync, type Stats } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import type { Scope } from '@shared/engine-api'
import { isStrataError, refused } from '@shared/errors'
import type { ContainerRef } from '@shared/model'
import { defaultLxcpaths } from '../engine/global-config'
import { existingContainerNameProblem, existingContainerNameSaid } from '@shared/names'
import { say, type Said } from '@shared/engine-text'
import type { OpBoundary } from '../engine/context'

/**
 * The lxcpaths the helper may serve besides LXC's own: one absolute path a line, `#` comments.
 * Root's file at a fixed path (the package installs it, an administrator edits it); nothing a
 * caller passes can name another.
 */
export const ALLOW_LIST_FILE = '/etc/strata/lxcpaths'

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

/** `what`: the thing being checked, as a sentence starts it ("The lxcpath /x"). */
function lstatOrRefuse(p: string, what: Said): Stats {
  try {
    return lstatSync(p)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw refused('root-only-path', say('path-missing', { what, path: p }), p)
    throw refused('root-only-path', say('path-unchecked', { what, path: p, error: (err as Error).message }), p)
  }
}

/**
 * Only root can change the thing at `real` (a real path): every directory on the way, and the
 * thing itself, is owned by root and not writable by group or others (a sticky directory such
 * as /tmp may be, except the thing itself): otherwise a user could swap a directory for a
 * symlink between the check and the write.
 */
function assertOnlyRootChanges(what: Said, real: string): void {
  for (const p of prefixes(real)) {
    const st = lstatOrRefuse(p, what)
    if (st.uid !== 0) {
      throw refused('root-only-path', say('path-owner-not-root', { what, path: p, uid: st.uid }), p)
    }
    const writable = (st.mode & GROUP_OR_OTHER_WRITE) !== 0
    const isLast = p === real
    if (writable && (isLast || (st.mode & STICKY) === 0)) {
      throw refused('root-only-path', say('path-others-write', { what, path: p, mode: (st.mode & 0o7777).toString(8) }), p)
    }
  }
}

/** A symlink on the way to `path` is followed only if root owns it (a user's could be re-pointed). */
function assertRootSymlinks(what: Said, path: string): void {
  for (const p of prefixes(path)) {
    const st = lstatOrRefuse(p, what)
    if (st.isSymbolicLink() && st.uid !== 0) {
      throw refused('root-symlinks', say('path-user-symlink', { what, path: p, uid: st.uid }), p)
    }
  }
}

function realOrRefuse(path: string, what: Said): string {
  try {
    return realpathSync(path)
  } catch (err) {
    throw refused('root-only-path', say('path-unresolved', { what, error: (err as Error).message }))
  }
}

/**
 * Checks one lxcpath against the helper's rules and returns its real path:
 * - absolute, no NUL, no `.` or `..` segment;
 * - symlinks on the way owned by root, and only root can change the directories of its real path.
 */
export function checkLxcpath(lxcpath: string): string {
  if (lxcpath.includes('\0')) throw refused('lxcpath-form', say('lxcpath-has-nul'))
  if (!lxcpath.startsWith('/')) throw refused('lxcpath-form', say('lxcpath-not-absolute', { lxcpath }), lxcpath)
  if (lxcpath.split('/').some((s) => s === '..' || s === '.')) {
    throw refused('lxcpath-form', say('lxcpath-dot-segment', { lxcpath }), lxcpath)
  }
  const what = say('checked-lxcpath', { lxcpath })
  assertRootSymlinks(what, lxcpath)
  const real = realOrRefuse(lxcpath, what)
  if (!statSync(real).isDirectory()) throw refused('lxcpath-form', say('lxcpath-not-dir', { lxcpath }), lxcpath)
  assertOnlyRootChanges(what, real)
  return real
}

/** The allow-list's lxcpaths; an allow-list that others could have changed is ignored, with the reason. */
export function readAllowList(file = ALLOW_LIST_FILE): { lxcpaths: string[]; ignored: Said | string | null } {
  const what = say('checked-allow-list', { file })
  let text: string
  try {
    lstatSync(file)
  } catch {
    return { lxcpaths: [], ignored: null }
  }
  try {
    assertRootSymlinks(what, file)
    const real = realOrRefuse(file, what)
    if (!statSync(real).isFile()) throw refused('allow-list', say('path-not-file', { what }))
    assertOnlyRootChanges(what, real)
    text = readFileSync(real, 'utf8')
  } catch (err) {
    return { lxcpaths: [], ignored: saidOf(err) }
  }
  const lxcpaths = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('/'))
    .map(stripSlashes)
  return { lxcpaths, ignored: null }
}

/** The lxcpaths a helper may be started for: LXC's own and the allow-list's. */
export function allowedLxcpaths(): { lxcpaths: string[]; refusal: (path: string) => Said } {
  const own = defaultLxcpaths().map(stripSlashes)
  const list = readAllowList()
  return {
    lxcpaths: [...own, ...list.lxcpaths],
    refusal: (path) => {
      const refusal = say('helper-not-allowed', { path, own: own.join(', '), file: ALLOW_LIST_FILE })
      return list.ignored ? say('helper-not-allowed-ignored', { refusal, why: list.ignored }) : refusal
    }
  }
}

/** An error's sentence as data where it has one, else its words. */
function saidOf(err: unknown): Said | string {
  return (isStrataError(err) && err.said) || (err as Error).message
}

/**
 * Which lxcpaths a helper may serve and how each is checked against the disk: the root
 * helper's rules (this file), or those of a helper in a user's namespace (own-lxcpath.ts).
 */
export interface LxcpathTrust {
  /** the lxcpaths it may be started for, and why another is refused */
  allowed(): { lxcpaths: string[]; refusal: (path: string) => Said } | { lxcpaths: 'any' }
  /** checks one lxcpath against the disk and returns its real path */
  check(lxcpath: string): string
  /** what to do about a path outside the served lxcpaths, the end of a refusal's sentence */
  elsewhere: Said
}

/** The root helper's: LXC's own lxcpath and the allow-list's, only root can change them. */
export const ROOT_TRUST: LxcpathTrust = {
  allowed: allowedLxcpaths,
  check: checkLxcpath,
  elsewhere: say('elsewhere-root', { file: ALLOW_LIST_FILE })
}

interface Served {
  /** as configured: the string LXC records and the engine is given */
  path: string
  real: string
}

/** `<lxcpath>/<owner>/snaps` (LXC 5) or `<lxcpath>snaps/<owner>` (LXC 1.0): the lxcpath of a container's snapshots. */
const SNAPSHOT_LXCPATHS = [/^(.+)\/([^/]+)\/snaps$/, /^(.+)snaps\/([^/]+)$/]

/**
 * The helper's scope (what each engine method declares as reaching the disk passes it, see
 * src/shared/engine-api.ts) and the operations' boundary (what they find on disk passes it).
 */
export class LxcpathPolicy implements Scope, OpBoundary {
  private readonly served: Served[] = []
  /** the configured lxcpaths it does not serve: `reason` in words (the hello's), `said` as data */
  readonly refused: { path: string; reason: string; said?: Said }[] = []

  /** `configured`: the lxcpaths asked for at start; each must be allowed (allowedLxcpaths) before anything reads it. */
  constructor(
    configured: readonly string[],
    private readonly trust: LxcpathTrust = ROOT_TRUST
  ) {
    const allowed = trust.allowed()
    for (const raw of configured) {
      const path = stripSlashes(raw)
      if (this.served.some((s) => s.path === path)) continue
      try {
        if ('refusal' in allowed && !allowed.lxcpaths.includes(path)) throw refused('allowed-lxcpaths', allowed.refusal(path))
        this.served.push({ path, real: trust.check(path) })
      } catch (err) {
        const said = saidOf(err)
        this.refused.push({ path, reason: (err as Error).message, ...(typeof said === 'string' ? {} : { said }) })
      }
    }
  }

  get lxcpaths(): string[] {
    return this.served.map((s) => s.path)
  }

  private servedList(): string {
    return this.served.map((s) => s.path).join(', ') || 'none'
  }

  /** The served lxcpath a path names (by its configured or its real path), or undefined. Compared, never resolved. */
  private find(path: string): Served | undefined {
    const p = stripSlashes(path)
    return this.served.find((s) => s.path === p || s.real === p)
  }

  /** Checks a served lxcpath again against the disk: it must still be what it was at start. */
  private verify(hit: Served): string {
    const real = this.trust.check(hit.path)
    if (real !== hit.real) {
      throw refused('lxcpath-moved', say('helper-lxcpath-moved', { lxcpath: hit.path, real, was: hit.real }), hit.path)
    }
    return hit.path
  }

  /**
   * The configured lxcpath a request names (by its configured or its real path), checked
   * again against the disk; refuses anything else. Request paths are compared, never resolved.
   */
  lxcpath(requested: string): string {
    const hit = this.find(requested)
    if (!hit) {
      // an lxcpath it was started for but refused: say why, which also says what to change
      const gone = this.refused.find((r) => r.path === stripSlashes(requested))
      const why = gone?.said ?? gone?.reason
      throw refused(
        'helper-lxcpaths',
        say('helper-not-served', { requested, served: this.servedList(), why: why ?? say('helper-only-configured') }),
        requested
      )
    }
    return this.verify(hit)
  }

  /** The lxcpaths a request names, or all served ones when it names none. */
  lxcpathList(requested?: readonly string[]): string[] {
    return requested ? [...new Set(requested.map((p) => this.lxcpath(p)))] : this.lxcpaths
  }

  /** An existing container's name a request names: it passes the engine's rule. */
  name(name: string): string {
    const problem = existingContainerNameSaid(name)
    if (problem) throw refused('bad-name', problem, name)
    return name
  }

  /** A container a request names: in a served lxcpath, with a name that passes the engine's rule. */
  ref(r: ContainerRef): ContainerRef {
    return { lxcpath: this.lxcpath(r.lxcpath), name: this.name(r.name) }
  }

  /** A container named on disk (in `foundIn`): in a served lxcpath or a snapshot dir of one of its containers. */
  recordedRef(r: ContainerRef, foundIn: string): void {
    const problem = existingContainerNameSaid(r.name)
    if (problem) throw refused('recorded-ref', say('helper-recorded-name', { file: foundIn, name: JSON.stringify(r.name), problem }))
    const lxcpath = foldSlashes(r.lxcpath)
    let hit = this.find(lxcpath)
    for (const shape of SNAPSHOT_LXCPATHS) {
      const m = hit ? null : shape.exec(lxcpath)
      if (m && existingContainerNameProblem(m[2]!) === null) hit = this.find(m[1]!)
    }
    if (!hit || hasDotSegment(lxcpath)) {
      throw refused(
        'helper-lxcpaths',
        say('helper-ref-elsewhere', { file: foundIn, ref: `${r.lxcpath}/${r.name}`, served: this.servedList(), elsewhere: this.trust.elsewhere }),
        `${r.lxcpath}/${r.name}`
      )
    }
    this.verify(hit)
  }

  /** A path a rootfs spec names (an overlay's lower layer): inside a served lxcpath (or its LXC 1.0 snapshot dir). */
  recordedPath(path: string, foundIn: string): void {
    const p = foldSlashes(path)
    const hit = hasDotSegment(p)
      ? undefined
      : this.served.find((s) => [s.path, s.real].some((root) => p.startsWith(`${root}/`) || p.startsWith(`${root}snaps/`)))
    if (!hit) {
      throw refused(
        'helper-lxcpaths',
        say('helper-path-elsewhere', { file: foundIn, path, served: this.servedList(), elsewhere: this.trust.elsewhere }),
        path
      )
    }
    this.verify(hit)
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
      throw refused(
        'helper-lxcpaths',
        say('helper-outside-delete', { path, served: list }),
        path
      )
    }
    return path
  }
}

/** `//` folded, a trailing `/` dropped: how LXC's recorded paths compare. */
function foldSlashes(p: string): string {
  return stripSlashes(p.replace(/\/+/g, '/'))
}

function hasDotSegment(p: string): boolean {
  return p.split('/').some((s) => s === '.' || s === '..')
}
