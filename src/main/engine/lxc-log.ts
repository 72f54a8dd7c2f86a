// A container's LXC log: where it is (the config's `lxc.log.file`, or the file Strata asks LXC
// to write when none is set) and reading it from an offset, so the app can follow it and a
// failed start can quote exactly its own lines. The path comes from a config anyone who can
// write the lxcpath chooses: only a regular file is read, opened without blocking, and a read
// returns at most MAX_READ bytes.
import { closeSync, constants, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import type { ContainerRef, LogTail, LxcLogLine } from '@shared/model'
import { refused } from '@shared/errors'
import { say } from '@shared/engine-text'
import { existingContainerNameSaid } from '@shared/names'
import { notFoundError, show } from './errors'
import { effectiveValue, expandConfigFile } from './config/expand'
import { irregularKind, kindSaid } from './fs/regular-file'
import type { OpBoundary } from './context'

/** What one read returns at most; the first read of a log starts this far before its end. */
export const MAX_READ = 256 * 1024

export interface LogLocation {
  file: string
  source: 'config' | 'strata'
}

/**
 * The log LXC writes for this container: the effective `lxc.log.file`, else `<name>.log` in the
 * container's directory (the name LXC itself used by default before 3.0), which Strata passes
 * to lxc-start with `-o`.
 */
export function lxcLogLocation(ref: ContainerRef): LogLocation {
  const dir = join(ref.lxcpath, ref.name)
  let set: string | null = null
  try {
    set = effectiveValue(expandConfigFile(join(dir, 'config')).entries, 'lxc.log.file')?.value ?? null
  } catch {
    /* an unreadable config: LXC will say so when it starts; the default log still applies */
  }
  if (set && set !== 'none') return { file: isAbsolute(set) ? set : join(dir, set), source: 'config' }
  return { file: join(dir, `${ref.name}.log`), source: 'strata' }
}

/** `lxc-start NAME 20261206142643.291 ERROR    overlay - ../src/lxc/storage/overlay.c:ovl_mount:490 - words` */
const LINE = /^\S+ \S+ \d{14}\.\d+ (\w+)\s+\S+ - \S+:\S+:\d+ - (.*)$/

export function parseLogLine(raw: string): LxcLogLine {
  const m = LINE.exec(raw)
  return m ? { level: m[1]!, text: m[2]!, raw } : { level: null, text: raw, raw }
}

/** The size of the log, or 0 when it does not exist yet. */
export function logSize(file: string): number {
  try {
    const st = statSync(file)
    return st.isFile() ? st.size : 0
  } catch {
    return 0
  }
}

/**
 * The log's whole lines from `offset` (default: the last MAX_READ bytes), at most MAX_READ bytes
 * of them; a log that is now shorter than `offset` (truncated, rotated) is read from 0.
 */
export function readLogFrom(location: LogLocation, offset?: number, opts: { noFollow?: boolean } = {}): LogTail {
  const { file, source } = location
  let st
  try {
    st = statSync(file)
  } catch {
    return { file, source, exists: false, lines: [], offset: 0, next: 0 }
  }
  const kind = irregularKind(st)
  if (kind || st.isDirectory()) throw refused('not-regular-file', kind ? say('log-not-regular', { file, kind: kindSaid(kind) }) : say('log-is-dir', { file }), file)
  let start = offset === undefined ? Math.max(0, st.size - MAX_READ) : offset > st.size ? 0 : offset
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | (opts.noFollow ? constants.O_NOFOLLOW : 0))
  try {
    const now = fstatSync(fd)
    if (!now.isFile()) throw refused('not-regular-file', say('log-not-regular-now', { file }), file)
    if (start > now.size) start = 0
    const want = Math.min(MAX_READ, now.size - start)
    const buf = Buffer.alloc(want)
    const got = want > 0 ? readSync(fd, buf, 0, want, start) : 0
    let text = buf.subarray(0, got).toString('utf8')
    // Only whole lines: a line LXC is still writing is read next time.
    const end = text.lastIndexOf('\n')
    text = end < 0 ? '' : text.slice(0, end + 1)
    let skipped = 0
    // A read that began mid-line (the first read of a long log) drops the piece.
    if (offset === undefined && start > 0) {
      const first = text.indexOf('\n')
      skipped = first + 1
      text = text.slice(skipped)
    }
    const lines = text.split('\n').filter((l) => l !== '').map(parseLogLine)
    return { file, source, exists: true, lines, offset: start + skipped, next: start + skipped + Buffer.byteLength(text) }
  } finally {
    closeSync(fd)
  }
}

/**
 * The container's LXC log from `offset`: what the app's log view follows. Under a boundary (the
 * root helper) the log must lie inside a served lxcpath and is not read through a symlink: a
 * config names the file, and the helper reads as root.
 */
export function readContainerLog(ref: ContainerRef, offset?: number, boundary?: OpBoundary): LogTail {
  const problem = existingContainerNameSaid(ref.name)
  if (problem) throw refused('bad-name', problem, show(ref))
  if (!existsSync(join(ref.lxcpath, ref.name, 'config'))) throw notFoundError(ref)
  const location = lxcLogLocation(ref)
  boundary?.recordedPath(location.file, `${show(ref)}/config (lxc.log.file)`)
  return readLogFrom(location, offset, { noFollow: boundary !== undefined })
}
