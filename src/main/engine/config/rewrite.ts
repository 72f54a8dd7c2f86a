// The config of a clone, from its origin's config, the way LXC 5.0.2's do_lxcapi_clone writes it
// (lxc-format.md §4), plus the two paths LXC forgets (lxc.log.file, lxc.console.logfile).
// - the origin's own file, not the expanded config: `lxc.include` lines, comments and foreign
//   lines stay; blank lines go and every line ends in \n, as LXC stores and writes them back;
// - lxc.rootfs.path, lxc.uts.name and lxc.mount.fstab leave their place and are appended in
//   that order (uts.name unless the name is kept);
// - hooks inside the old container dir are copied along and re-pointed; the fstab file is
//   copied into the new dir;
// - every 17-character MAC becomes a fresh 00:16:3e:xx:xx:xx (unless kept), and `xx`
//   templates are filled in, as any LXC save does;
// - overlay mount entries' upperdir=/workdir=/br= under the old dir are re-pointed.
// With `expand`, the flattened config (includes inlined) is written instead, as LXC 1.0 did.
import { existsSync } from 'node:fs'
import { basename } from 'node:path'
import { expandConfigFile } from './expand'
import { legacyKeyInfo } from './keys'
import { modernizeConfig } from './modernize'
import { entrySpans, parseConfig, reclassifyLine, serializeConfig, type ConfigDocument, type ConfigLine } from './parse'
import { readConfigFile } from './read'
import { randomBelow } from '../lazy-crypto'
import { refused } from '@shared/errors'
import { say, type Said } from '@shared/engine-text'

export interface CloneConfigOptions {
  /** `<oldP>/<oldn>` and `<newP>/<newn>`, as LXC spells them (no trailing slash) */
  oldDir: string
  newDir: string
  newName: string
  /** the new `lxc.rootfs.path` value */
  rootfs: string
  keepName?: boolean
  keepMacs?: boolean
  expand?: boolean
  /** whether a file the config names exists where the origin lives (default: on this computer; a copy from another host knows what it was sent) */
  exists?: (path: string) => boolean
}

export interface CloneConfig {
  text: string
  /** files that live in the old container dir and must be copied next to the new config */
  copies: { from: string; to: string }[]
  /** notes for the user (e.g. legacy keys converted) */
  notes: Said[]
}

const DROPPED = new Set(['lxc.rootfs.path', 'lxc.rootfs', 'lxc.rootfs.backend'])
const NAME_KEYS = new Set(['lxc.uts.name', 'lxc.utsname'])
const FSTAB_KEYS = new Set(['lxc.mount.fstab', 'lxc.mount'])
const LOG_KEYS = new Set(['lxc.log.file', 'lxc.console.logfile', 'lxc.logfile'])
const HWADDR = /^lxc\.(net\.\d+\.hwaddr|net\.hwaddr|network\.hwaddr)$/

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0')
}

/** LXC's network_new_hwaddrs: 00:16:3e + three bytes, each rand() % 255. */
export function newMac(): string {
  return `00:16:3e:${hex2(randomBelow(255))}:${hex2(randomBelow(255))}:${hex2(randomBelow(255))}`
}

/** LXC's rand_complete_hwaddr: each x/X a random hex digit, the first octet kept unicast. */
export function completeMacTemplate(value: string): string {
  let out = ''
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!
    if (c !== 'x' && c !== 'X') out += c
    else out += (i === 1 ? randomBelow(16) & 0x0e : randomBelow(16)).toString(16)
  }
  return out
}

function setValue(line: ConfigLine, value: string): ConfigLine {
  const spans = entrySpans(line.raw)
  if (!spans) return line
  return reclassifyLine({ ...line, raw: line.raw.slice(0, spans.valueStart) + value + line.raw.slice(spans.valueEnd) })
}

function underDir(value: string, dir: string): boolean {
  return value.startsWith(`${dir}/`)
}

function sourceDocument(file: string, expand: boolean): ConfigDocument {
  if (!expand) {
    const read = readConfigFile(file)
    const problem = read.problems[0]
    if (!read.doc) throw refused(problem?.rule ?? 'unreadable-config', problem ? (problem.said ?? problem.message) : say('config-cannot-read', { file }), file)
    return read.doc
  }
  const expanded = expandConfigFile(file)
  const fatal = expanded.problems.find((p) => p.severity === 'error' && p.rule !== 'legacy-key')
  if (fatal) throw refused(fatal.rule, say('flatten-config-problem', { file, problem: fatal.said ?? fatal.message }), file)
  const text = expanded.entries
    .filter((e) => e.key !== 'lxc.include')
    .map((e) => `${e.key} = ${e.value}\n`)
    .join('')
  return parseConfig(text, file).doc
}

/** An LXC 1.x/2.0 key in a file the config includes, with the key LXC 5 reads instead (null: none, remove it). */
export interface IncludedLegacyKey {
  file: string
  line: number
  key: string
  modern: string | null
}

/**
 * The legacy keys in the files `configFile` includes (not in itself). A clone keeps its origin's
 * `lxc.include` lines and converts only its own config, so each of these would still stop LXC 5
 * from loading the clone.
 */
export function includedLegacyKeys(configFile: string): IncludedLegacyKey[] {
  const expanded = expandConfigFile(configFile)
  const found: IncludedLegacyKey[] = []
  for (const e of expanded.entries) {
    if (e.file === configFile) continue
    const legacy = legacyKeyInfo(e.key)
    if (legacy && expanded.problems.some((p) => p.rule === 'legacy-key' && p.file === e.file && p.line === e.line)) {
      found.push({ file: e.file, line: e.line, key: e.key, modern: legacy.modern })
    }
  }
  return found
}

export function cloneConfig(originConfig: string, opts: CloneConfigOptions): CloneConfig {
  let doc = sourceDocument(originConfig, opts.expand ?? false)
  const notes: Said[] = []
  const converted = modernizeConfig(doc)
  if (converted.changes.some((c) => c.to !== c.from)) {
    doc = converted.doc
    notes.push(say('progress-config-modernized'))
  }
  const copies: { from: string; to: string }[] = []
  const out: ConfigLine[] = []
  let fstab: string | null = null
  const { oldDir, newDir } = opts
  for (const source of doc.lines) {
    if (source.kind === 'blank') continue
    const line: ConfigLine = source.eol === '\n' ? source : { ...source, eol: '\n' }
    const key = line.key
    if (line.kind !== 'entry' || key === undefined || line.value === undefined) {
      out.push(line)
      continue
    }
    const value = line.value
    if (DROPPED.has(key)) continue
    if (NAME_KEYS.has(key) && !opts.keepName) continue
    if (FSTAB_KEYS.has(key)) {
      fstab = value === '' ? null : value
      continue
    }
    if (key.startsWith('lxc.hook.') && underDir(value, oldDir)) {
      const to = newDir + value.slice(oldDir.length)
      copies.push({ from: value, to })
      out.push(setValue(line, to))
    } else if (LOG_KEYS.has(key) && underDir(value, oldDir)) {
      out.push(setValue(line, newDir + value.slice(oldDir.length)))
    } else if (key === 'lxc.mount.entry' && value.includes(' overlay')) {
      let v = value
      for (const opt of ['upperdir=', 'workdir=', 'br=']) v = v.split(`${opt}${oldDir}`).join(`${opt}${newDir}`)
      out.push(setValue(line, v))
    } else if (HWADDR.test(key) && /[xX]/.test(value)) {
      out.push(setValue(line, completeMacTemplate(value)))
    } else if (HWADDR.test(key) && !opts.keepMacs && value.length === 17) {
      out.push(setValue(line, newMac()))
    } else {
      out.push(line)
    }
  }
  let text = serializeConfig({ ...doc, lines: out })
  text += `lxc.rootfs.path = ${opts.rootfs}\n`
  if (!opts.keepName) text += `lxc.uts.name = ${opts.newName}\n`
  if (fstab !== null && !(opts.exists ?? existsSync)(fstab)) {
    text += `lxc.mount.fstab = ${fstab}\n`
  } else if (fstab !== null) {
    const to = `${newDir}/${basename(fstab)}`
    copies.push({ from: fstab, to })
    text += `lxc.mount.fstab = ${to}\n`
  }
  return { text, copies, notes }
}
