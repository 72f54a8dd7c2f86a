// Expands a config file with its `lxc.include`s in place, the way LXC 5.0.2 loads it
// (confile.c set_config_includefiles / do_includedir), collecting every problem on the way.

import { opendirSync, statSync, type Dirent, type Stats } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import type { ConfigProblem } from '../../../shared/model'
import type { ConfigEntry } from './effective'
import { irregularKind, kindSaid, type FileKind } from '../fs/regular-file'
import { say, type Said } from '@shared/engine-text'
import { decodeConfigBytes, scanConfig, type DecodedConfig } from './parse'
import { readConfigText } from './read'

export { effectiveConfig, effectiveList, effectiveValue } from './effective'
export type { ConfigEntry, EffectiveSetting } from './effective'

export interface ExpandOptions {
  /** keep only the entries of these keys (the listing needs three); every line is still checked */
  keys?: ReadonlySet<string>
  /** the top file's text (or, when it is not UTF-8, its bytes) when the caller already read it (the lxcpath scan does, in one batch) */
  contents?: Uint8Array | string
  /** what relative include paths resolve against; LXC uses its process CWD */
  cwd?: string
}

export interface ExpandedConfig {
  /** every entry in effective order, included files expanded where their `lxc.include` is */
  entries: ConfigEntry[]
  /** every file read, in reading order */
  files: string[]
  problems: ConfigProblem[]
}

/** LXC itself recurses without limit; we stop well before anything could hurt. */
const MAX_INCLUDE_DEPTH = 32

interface ExpandState {
  cwd: string
  keys: ReadonlySet<string> | null
  /** indices of the networks defined so far, to catch clearing a sub-key of a missing one */
  networks: Set<string>
  entries: ConfigEntry[]
  files: string[]
  problems: ConfigProblem[]
}

interface IncludeSite {
  file: string
  line: number
}

/** The message names its place; `said` is the sentence alone (as config/parse.ts's problems). */
function report(state: ExpandState, site: IncludeSite, rule: string, said: Said, severity: 'error' | 'warning' = 'error'): void {
  state.problems.push({ file: site.file, line: site.line, rule, severity, message: `${site.file}:${site.line}: ${said.text}`, said })
}

/** path.resolve, skipped for the usual already-clean absolute path (it is on the listing's hot path). */
function absolutePath(cwd: string, file: string): string {
  return file.startsWith('/') && !file.includes('/.') && !file.includes('//') ? file : resolve(cwd, file)
}

/** Synchronous on purpose: this is on the CLI's hot path and reads a handful of small files. */
export function expandConfigFile(file: string, opts: ExpandOptions = {}): ExpandedConfig {
  const state: ExpandState = { cwd: opts.cwd ?? process.cwd(), keys: opts.keys ?? null, networks: new Set(), entries: [], files: [], problems: [] }
  expandFile(state, file, [], opts.contents)
  return { entries: state.entries, files: state.files, problems: state.problems }
}

/** `chain` holds the resolved paths of the files currently being read, outermost first. */
/** The file's text, decoded; null (with the problem reported) when it cannot be read. */
function loadText(state: ExpandState, file: string, contents?: Uint8Array | string, known?: FileKind): DecodedConfig | null {
  if (typeof contents === 'string') return { text: contents, encoding: 'utf8', encodingProblem: null }
  if (contents) return decodeConfigBytes(contents, file)
  const read = readConfigText(file, known)
  if (read.text !== null) return read
  state.problems.push(read.problem)
  return null
}

/**
 * Scans rather than parses: no line records are built (a listing expands hundreds of configs
 * and keeps three values of each).
 */
function expandFile(state: ExpandState, file: string, chain: readonly string[], contents?: Uint8Array | string, known?: FileKind): void {
  const decoded = loadText(state, file, contents, known)
  state.files.push(file)
  if (!decoded) return
  let innerChain: readonly string[] | null = null
  scanConfig(decoded.text, file, state.problems, (line) => {
    // LXC never sees what follows a NUL byte
    if (line.ignored || line.kind !== 'entry' || line.value === undefined) return
    const key = line.key as string
    if (state.keys === null || state.keys.has(key)) state.entries.push({ key, value: line.value, file, line: line.lineNo })
    if (key.startsWith('lxc.net')) trackNetwork(state, key, line.value, { file, line: line.lineNo })
    if (key === 'lxc.include' && line.value !== '') {
      innerChain ??= [...chain, absolutePath(state.cwd, file)]
      include(state, line.value, { file, line: line.lineNo }, innerChain)
    }
  })
  if (decoded.encodingProblem) state.problems.push(decoded.encodingProblem)
}

const NET_KEY = /^lxc\.net\.(\d+)(?:\.|$)/

/**
 * LXC allocates network N on its first `lxc.net.N.<key> = value`. Clearing a sub-key
 * (`lxc.net.N.<key> =`) of a network that does not exist yet fails the load (EINVAL).
 */
function trackNetwork(state: ExpandState, key: string, value: string, site: IncludeSite): void {
  if (key === 'lxc.net') {
    if (value === '') state.networks.clear()
    return
  }
  const match = NET_KEY.exec(key)
  if (!match) return
  const index = match[1] as string
  const wholeNetwork = key.length === match[0].length
  if (value !== '') {
    if (!wholeNetwork) state.networks.add(index)
  } else if (wholeNetwork) {
    state.networks.delete(index)
  } else if (!state.networks.has(index)) {
    report(state, site, 'clear-missing-network', say('config-clear-missing-network', { key, index }))
  }
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path, { throwIfNoEntry: false }) ?? null
  } catch {
    return null
  }
}

function include(state: ExpandState, value: string, site: IncludeSite, chain: readonly string[]): void {
  let target = value
  if (!isAbsolute(value)) {
    target = resolve(state.cwd, value)
    report(
      state,
      site,
      'include-relative',
      say('config-include-relative', { value, target }),
      'warning'
    )
  }
  if (chain.length >= MAX_INCLUDE_DEPTH) {
    report(state, site, 'include-depth', say('config-include-depth', { value, max: MAX_INCLUDE_DEPTH }))
    return
  }
  const stats = statOrNull(target)
  if (value.endsWith('/') || stats?.isDirectory()) {
    includeDirectory(state, target, value, site, chain)
    return
  }
  if (!stats) {
    report(state, site, 'include-missing', say('config-include-missing', { value }))
    return
  }
  const kind = irregularKind(stats)
  if (kind) {
    report(state, site, 'not-regular-file', say('config-include-irregular', { value, kind: kindSaid(kind) }))
    return
  }
  includeFile(state, target, site, chain, stats)
}

/** `known`: the target's stat or directory entry, when the caller has it, so that the reader need not stat again. */
function includeFile(state: ExpandState, target: string, site: IncludeSite, chain: readonly string[], known?: FileKind): void {
  const resolved = resolve(target)
  if (chain.includes(resolved)) {
    const loop = [...chain.slice(chain.indexOf(resolved)), resolved].join(' → ')
    report(state, site, 'include-cycle', say('config-include-cycle', { loop }))
    return
  }
  expandFile(state, target, chain, undefined, known)
}

/**
 * Reads every `*.conf` entry (name of at least 6 characters) of a directory in raw readdir order,
 * like LXC: NOT sorted, so the order is whatever the filesystem returns. (fs.readdirSync would sort
 * through libuv's scandir, which is why this uses opendirSync.) Not recursive; a missing directory
 * is silently fine, a subdirectory named *.conf is skipped with a warning.
 */
function includeDirectory(state: ExpandState, dir: string, value: string, site: IncludeSite, chain: readonly string[]): void {
  let handle
  try {
    handle = opendirSync(dir)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return
    report(state, site, 'include-dir-unreadable', say('config-include-dir-unreadable', { value, code: String(code) }))
    return
  }
  try {
    let dirent: Dirent | null
    while ((dirent = handle.readSync()) !== null) {
      const name = dirent.name
      if (name.length < 6 || !name.endsWith('.conf')) continue
      const path = join(dir, name)
      const linked = dirent.isSymbolicLink() ? statOrNull(path) : null
      const isDirectory = dirent.isDirectory() || linked?.isDirectory() === true
      // LXC 5.0.2 logs an ERROR for it (Is a directory - Failed to copy config file), then skips
      // it and loads the rest: the container still starts, so this is a warning.
      if (isDirectory) {
        report(
          state,
          site,
          'include-dir-entry',
          say('config-include-dir-entry', { value, name }),
          'warning'
        )
        continue
      }
      includeFile(state, path, site, chain, dirent.isFile() ? dirent : (linked ?? undefined))
    }
  } finally {
    handle.closeSync()
  }
}
