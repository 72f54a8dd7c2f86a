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
  | { format: 'list'; entries: ContainerRef[] }
  | { format: 'count'; count: number }
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

export function parseSnapshotsRecord(text: string): SnapshotsRecord {
  const trimmed = text.trim()
  if (/^\d+$/.test(trimmed)) return { format: 'count', count: Number(trimmed) }
  if (trimmed === '') return { format: 'list', entries: [] }
  const entries = parseRefPairs(text)
  if (entries.every((e) => e.lxcpath.startsWith('/') && e.name !== '')) return { format: 'list', entries }
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

export function sameRef(a: ContainerRef, b: ContainerRef): boolean {
  return refKey(a) === refKey(b)
}
