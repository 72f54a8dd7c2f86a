// Converting a config between LXC 1.x/2.0 (legacy) keys and LXC 2.1+ (modern) keys, both ways.
// Only the lines that need it change; comments, blank lines, martian lines and layout stay.
//
// Deliberately better than /usr/bin/lxc-update-config (lxc-format.md §5):
// - the backend comes from the effective `lxc.rootfs.backend` wherever it is in the file;
// - an already-prefixed `lxc.rootfs` value keeps its prefix (no `dir:overlayfs:`);
// - `lxc.limit.<x>` becomes `lxc.prlimit.<x>`;
// - `lxc.network =` (clear) restarts the network numbering, as LXC does.
// `lxc.rootfs.backend`, `lxc.pivotdir` and `lxc.kmsg` lines are REMOVED, not commented out:
// a commented-out key invites being re-enabled (which breaks LXC 5 again), and a round trip
// modern → legacy → modern then gives back the same bytes. The change list keeps their text.

import { entrySpans, reclassifyLine, type ConfigDocument, type ConfigLine } from './parse'
import { say, type Said } from '@shared/engine-text'
import {
  LEGACY_NET_SUBKEY_TO_MODERN,
  LEGACY_REMOVED_KEYS,
  LEGACY_TO_MODERN,
  MODERN_NET_SUBKEY_TO_LEGACY,
  MODERN_TO_LEGACY,
  isLegacyHostKey
} from './keys'

export interface ConfigChange {
  /** line number in the input document */
  line: number
  /** the input line */
  from: string
  /** the output line; null when removed; equal to `from` for a report-only note */
  to: string | null
  note: string
  /** the note as data, for a UI to say in its language (modernizeConfig's notes) */
  noteSaid?: Said
}

export interface ConversionResult {
  doc: ConfigDocument
  changes: ConfigChange[]
}

/** The rootfs type prefixes LXC knows (storage.c bdevs[] plus aufs of LXC ≤ 2.0). */
const ROOTFS_TYPES = new Set(['dir', 'zfs', 'lvm', 'rbd', 'btrfs', 'overlay', 'overlayfs', 'aufs', 'loop', 'nbd'])

function rootfsType(value: string): string | null {
  const colon = value.indexOf(':')
  if (colon <= 0) return null
  const type = value.slice(0, colon)
  return ROOTFS_TYPES.has(type) ? type : null
}

/** Rewrites the key and optionally the value of an entry line, keeping indentation, spacing and quotes. */
function rewriteEntry(line: ConfigLine, key: string, value?: string): ConfigLine {
  const spans = entrySpans(line.raw)
  if (!spans) return line
  const { raw } = line
  const newValue = value ?? raw.slice(spans.valueStart, spans.valueEnd)
  const newRaw = raw.slice(0, spans.keyStart) + key + raw.slice(spans.keyEnd, spans.valueStart) + newValue + raw.slice(spans.valueEnd)
  return reclassifyLine({ ...line, raw: newRaw })
}

function renumbered(doc: ConfigDocument, lines: ConfigLine[]): ConfigDocument {
  return { file: doc.file, nulLine: null, lines: lines.map((line, index) => ({ ...line, lineNo: index + 1 })) }
}

function lastValueOf(doc: ConfigDocument, key: string): string | null {
  let value: string | null = null
  for (const line of doc.lines) if (line.key === key && line.value !== undefined) value = line.value
  return value
}

/** `lxc.rootfs` value → `lxc.rootfs.path` value. */
function modernRootfsValue(value: string, backend: string | null): { value: string; note: Said } {
  if (value === '') return { value, note: say('renamed-clears-rootfs') }
  if (rootfsType(value)) return { value, note: say('renamed-prefixed') }
  if (backend && backend !== 'none') return { value: `${backend}:${value}`, note: say('renamed-backend-type', { backend }) }
  if (value.startsWith('/dev/')) return { value, note: say('renamed-block-device') }
  return { value: `dir:${value}`, note: say('renamed-dir-type') }
}

/** Converts LXC 1.x/2.0 keys to the keys LXC 2.1+ (and 5.x) reads. */
export function modernizeConfig(doc: ConfigDocument): ConversionResult {
  const changes: ConfigChange[] = []
  const out: ConfigLine[] = []
  const backend = lastValueOf(doc, 'lxc.rootfs.backend')
  let network = -1

  for (const line of doc.lines) {
    const key = line.key
    if (line.kind !== 'entry' || key === undefined || line.value === undefined) {
      out.push(line)
      continue
    }
    const change = (converted: ConfigLine | null, note: Said): void => {
      if (converted) out.push(converted)
      changes.push({ line: line.lineNo, from: line.raw, to: converted ? converted.raw : null, note: note.text, noteSaid: note })
    }

    if (LEGACY_REMOVED_KEYS.has(key)) {
      change(null, say(key === 'lxc.rootfs.backend' ? 'removed-backend' : 'removed-no-setting'))
    } else if (key === 'lxc.rootfs') {
      const rootfs = modernRootfsValue(line.value, backend)
      change(rewriteEntry(line, 'lxc.rootfs.path', rootfs.value), rootfs.note)
    } else if (key === 'lxc.network') {
      network = -1 // LXC numbers networks again from 0 after a clear
      change(rewriteEntry(line, 'lxc.net'), say('renamed-clears-networks'))
    } else if (key.startsWith('lxc.network.')) {
      const sub = key.slice('lxc.network.'.length)
      if (sub === 'type') network++
      const index = Math.max(network, 0)
      const note = network < 0 ? say('renamed-network-0') : say('renamed-network', { index })
      change(rewriteEntry(line, `lxc.net.${index}.${LEGACY_NET_SUBKEY_TO_MODERN.get(sub) ?? sub}`), note)
    } else if (key.startsWith('lxc.limit.')) {
      change(rewriteEntry(line, `lxc.prlimit.${key.slice('lxc.limit.'.length)}`), say('renamed'))
    } else {
      const modern = LEGACY_TO_MODERN.get(key)
      if (modern) change(rewriteEntry(line, modern), say('renamed'))
      else out.push(line)
    }
  }
  return { doc: renumbered(doc, out), changes }
}

/** `lxc.rootfs.path` value → legacy `lxc.rootfs` value plus the `lxc.rootfs.backend` it needs. */
function legacyRootfsValue(value: string): { value: string; backend: string | null; note: string } {
  const type = rootfsType(value)
  const path = type ? value.slice(type.length + 1) : value
  switch (type) {
    case null:
      return { value, backend: null, note: 'renamed' }
    case 'dir':
      return { value: path, backend: null, note: 'renamed; LXC ≤ 2.0 takes a bare path for dir' }
    case 'overlay':
      return { value: `overlayfs:${path}`, backend: null, note: 'renamed; LXC ≤ 2.0 only knows the overlayfs: prefix' }
    case 'btrfs':
    case 'lvm':
    case 'zfs':
      // LXC ≤ 2.0 has no type prefix for these: the type goes to lxc.rootfs.backend
      return { value: path, backend: type, note: `renamed; the type goes to lxc.rootfs.backend = ${type}` }
    default:
      return { value, backend: null, note: 'renamed; the prefix is the same in LXC ≤ 2.0' }
  }
}

const NET_KEY = /^lxc\.net\.(\d+)\.(.+)$/

/**
 * Whether renaming in place keeps every key with its network: in LXC ≤ 2.0 a network key belongs
 * to the network opened by the latest `lxc.network.type`, so each network needs exactly one type
 * line, before all its other lines, and no other network's type line in between.
 */
function networksAreInLegacyOrder(doc: ConfigDocument): boolean {
  const typed = new Set<string>()
  let open: string | null = null
  for (const line of doc.lines) {
    if (line.kind !== 'entry' || line.value === undefined) continue
    const match = NET_KEY.exec(line.key as string)
    if (!match) continue
    const index = match[1] as string
    if (match[2] === 'type') {
      if (typed.has(index)) return false
      typed.add(index)
      open = index
    } else if (index !== open) {
      return false
    }
  }
  return true
}

/**
 * Converts modern keys to the names an LXC 1.x/2.0 host reads. Legacy networks are positional
 * (a new one starts at each `lxc.network.type`), so the lines of each `lxc.net.N` are gathered
 * at the place of the network's first line, type first. Keys with no legacy form are kept and reported.
 */
export function legacyizeConfig(doc: ConfigDocument): ConversionResult {
  const changes: ConfigChange[] = []
  const out: ConfigLine[] = []
  const networks = new Map<string, ConfigLine[]>()
  for (const line of doc.lines) {
    const match = line.kind === 'entry' && line.value !== undefined ? NET_KEY.exec(line.key as string) : null
    if (!match) continue
    const index = match[1] as string
    const group = networks.get(index) ?? []
    if ((match[2] as string) === 'type') group.unshift(line)
    else group.push(line)
    networks.set(index, group)
  }
  const emittedNetworks = new Set<string>()

  const convertLine = (line: ConfigLine, moved: boolean): void => {
    const key = line.key as string
    const change = (converted: ConfigLine, note: string): void => {
      out.push(converted)
      if (converted.raw !== line.raw || moved) changes.push({ line: line.lineNo, from: line.raw, to: converted.raw, note })
    }
    const netMatch = NET_KEY.exec(key)
    if (netMatch) {
      const sub = netMatch[2] as string
      const legacySub = MODERN_NET_SUBKEY_TO_LEGACY.get(sub) ?? sub
      const where = moved ? '; moved so it follows its network\'s lxc.network.type' : ''
      change(rewriteEntry(line, `lxc.network.${legacySub}`), `renamed; network ${netMatch[1]}${where}`)
    } else if (key === 'lxc.rootfs.path') {
      const rootfs = legacyRootfsValue(line.value as string)
      const eol = line.eol === '' ? '\n' : line.eol
      change({ ...rewriteEntry(line, 'lxc.rootfs', rootfs.value), eol: rootfs.backend ? eol : line.eol }, rootfs.note)
      if (rootfs.backend) {
        const indent = line.raw.slice(0, line.raw.length - line.raw.trimStart().length)
        const added = reclassifyLine({ lineNo: 0, raw: `${indent}lxc.rootfs.backend = ${rootfs.backend}`, eol: line.eol, kind: 'entry' })
        out.push(added)
        changes.push({ line: line.lineNo, from: '', to: added.raw, note: 'added: LXC ≤ 2.0 reads the type from lxc.rootfs.backend' })
      }
    } else if (key.startsWith('lxc.prlimit.')) {
      change(rewriteEntry(line, `lxc.limit.${key.slice('lxc.prlimit.'.length)}`), 'renamed; note lxc.limit is read by LXC 2.1 only, LXC 2.0 has no resource limits')
    } else {
      const legacy = MODERN_TO_LEGACY.get(key)
      if (legacy) change(rewriteEntry(line, legacy), 'renamed')
      else out.push(line)
    }
    const converted = out[out.length - 1] as ConfigLine
    const convertedKey = converted.key as string
    if (!isLegacyHostKey(convertedKey) && !(convertedKey === 'lxc.rootfs.backend')) {
      changes.push({ line: line.lineNo, from: line.raw, to: converted.raw, note: `"${convertedKey}" has no legacy form; LXC 1.x/2.0 will reject it` })
    }
  }

  // In place when every network is one run of lines starting with its type; else gather each
  // network's lines where its first line is.
  const inPlace = networksAreInLegacyOrder(doc)
  for (const line of doc.lines) {
    if (line.kind !== 'entry' || line.value === undefined) {
      out.push(line)
      continue
    }
    const netMatch = NET_KEY.exec(line.key as string)
    if (!netMatch || inPlace) {
      convertLine(line, false)
      continue
    }
    const index = netMatch[1] as string
    if (emittedNetworks.has(index)) continue
    emittedNetworks.add(index)
    const group = networks.get(index) as ConfigLine[]
    if ((group[0]?.key as string) !== `lxc.net.${index}.type`) {
      changes.push({ line: line.lineNo, from: line.raw, to: line.raw, note: `network ${index} has no lxc.net.${index}.type; LXC 1.x/2.0 would attach its keys to the previous network` })
    }
    for (const member of group) convertLine(member, member !== line)
  }
  return { doc: renumbered(doc, out), changes }
}
