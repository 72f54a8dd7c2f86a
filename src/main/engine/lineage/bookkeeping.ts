// LXC's dependency bookkeeping files (lxc-format.md section 2):
// - `lxc_rdepends` in a clone: pairs of lines `<lxcpath>\n<name>\n`, what it depends on;
// - `lxc_snapshots` in an origin: the same pairs for its dependents (LXC 2.0+), or a single
//   decimal count (LXC 1.x). Lxcpaths are stored as given to -P, not normalised.
import { join } from 'node:path'
import type { ContainerRef } from '@shared/model'
import { readRegularFile } from '../fs/regular-file'

export const RDEPENDS_FILE = 'lxc_rdepends'
export const SNAPSHOTS_FILE = 'lxc_snapshots'

export type SnapshotsRecord =
  /**
   * `leftover`: text after the last whole `<lxcpath>\n<name>\n` pair (a line without its
   * partner or its newline), as LXC's substring removal leaves behind; null when there is none
   */
  | { format: 'list'; entries: ContainerRef[]; leftover: string | null }
  /** `empty`: the file exists but holds nothing at all (lxc-destroy still refuses) */
  | { format: 'count'; count: number; empty?: boolean }
  /** present but unreadable as either format: LXC still refuses to destroy the origin */
  | { format: 'garbled'; text: string }

/** Reads a file, or null if it does not exist; other errors (a FIFO, a huge file) propagate. */
function readIfExists(file: string): string | null {
  try {
    return readRegularFile(file).toString('utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
}

/** `<lxcpath>\n<name>\n` pairs. A trailing odd line is ignored, as LXC's reader does. */
export function parseRefPairs(text: string): ContainerRef[] {
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  const refs: ContainerRef[] = []
  for (let i = 0; i + 1 < lines.length; i += 2) refs.push({ lxcpath: lines[i]!, name: lines[i + 1]! })
  return refs
}

export function formatRefPairs(refs: readonly ContainerRef[]): string {
  return refs.map((r) => `${r.lxcpath}\n${r.name}\n`).join('')
}

/** Whole pairs, and whatever text follows the last one (see SnapshotsRecord). */
function splitPairs(text: string): { entries: ContainerRef[]; leftover: string | null } {
  const lines = text.split('\n')
  const tail = lines.pop() ?? '' // '' when the text ends with a newline
  const whole = lines.length - (lines.length % 2)
  const entries: ContainerRef[] = []
  for (let i = 0; i < whole; i += 2) entries.push({ lxcpath: lines[i]!, name: lines[i + 1]! })
  const rest = [...lines.slice(whole), tail].join('\n')
  return { entries, leftover: rest === '' ? null : rest }
}

export function parseSnapshotsRecord(text: string): SnapshotsRecord {
  const trimmed = text.trim()
  if (/^\d+$/.test(trimmed)) return { format: 'count', count: Number(trimmed) }
  // An empty file says nothing, as a count of 0 says nothing: both still stop lxc-destroy.
  if (text === '') return { format: 'count', count: 0, empty: true }
  if (trimmed === '') return { format: 'garbled', text }
  const { entries, leftover } = splitPairs(text)
  if (entries.every((e) => e.lxcpath.startsWith('/') && e.name !== '')) return { format: 'list', entries, leftover }
  return { format: 'garbled', text }
}

export function readRdepends(containerDir: string): ContainerRef[] | null {
  const text = readIfExists(join(containerDir, RDEPENDS_FILE))
  return text === null ? null : parseRefPairs(text)
}

export function readSnapshotsRecord(containerDir: string): SnapshotsRecord | null {
  const text = readIfExists(join(containerDir, SNAPSHOTS_FILE))
  return text === null ? null : parseSnapshotsRecord(text)
}

/** Two refs name the same container when their lxcpaths agree once `//` and trailing `/` are folded. */
export function normalLxcpath(lxcpath: string): string {
  if (!lxcpath.includes('//') && (lxcpath.length < 2 || !lxcpath.endsWith('/'))) return lxcpath
  return lxcpath.replace(/\/+/g, '/').replace(/(.)\/$/, '$1')
}

export function refKey(ref: ContainerRef): string {
  return `${normalLxcpath(ref.lxcpath)}/${ref.name}`
}
