// Rootfs spec strings (`lxc.rootfs.path`, legacy `lxc.rootfs`) <-> one typed RootfsSpec.
// LXC splits the value at the FIRST ':' and picks the backend whose name starts with the
// text before it (so `d:/x` is dir); an unknown prefix is ignored and the path auto-detected.
import { existsSync } from 'node:fs'
import type { Backend, RootfsSpec } from '@shared/model'
import { refused } from '@shared/errors'
import { say } from '@shared/engine-text'

/** LXC 5's table order (storage.c bdevs[]), plus aufs, which LXC 2.x still had. */
const PREFIX_ORDER: readonly [name: string, backend: Backend][] = [
  ['dir', 'dir'],
  ['zfs', 'zfs'],
  ['lvm', 'lvm'],
  ['rbd', 'rbd'],
  ['btrfs', 'btrfs'],
  ['overlay', 'overlay'],
  ['overlayfs', 'overlay'],
  ['loop', 'loop'],
  ['nbd', 'nbd'],
  ['aufs', 'aufs']
]

export interface ParsedRootfs {
  spec: RootfsSpec
  /** things LXC accepts silently but that are probably not what was meant */
  warnings: string[]
}

const backendByPrefix = new Map<string, Backend | null>()

/** The backend LXC selects for a type prefix (the first whose name starts with it), or null when LXC would ignore it. */
export function backendForPrefix(prefix: string): Backend | null {
  if (prefix === '') return null
  let backend = backendByPrefix.get(prefix)
  if (backend === undefined) {
    backend = PREFIX_ORDER.find(([name]) => name.startsWith(prefix))?.[1] ?? null
    if (backendByPrefix.size < 64) backendByPrefix.set(prefix, backend)
  }
  return backend
}

export function parseRootfsSpec(value: string): ParsedRootfs {
  const warnings: string[] = []
  if (value === '') throw refused('empty-rootfs', say('rootfs-spec-empty'), value)
  const colon = value.indexOf(':')
  if (colon < 0) return { spec: bareSpec(value), warnings }
  const prefix = value.slice(0, colon)
  const rest = value.slice(colon + 1)
  const backend = backendForPrefix(prefix)
  if (backend === null) {
    if (prefix.includes('/')) {
      warnings.push(
        `"${value}" has no type prefix but contains ':': LXC splits at the first ':' and would read the path as "${rest}"`
      )
    } else {
      warnings.push(`unknown type prefix "${prefix}": LXC ignores it and detects the backend of "${rest}"`)
    }
    return { spec: { ...bareSpec(rest), prefix }, warnings }
  }
  switch (backend) {
    case 'overlay':
    case 'aufs':
      return { spec: layeredSpec(value, backend, prefix, rest), warnings }
    case 'nbd':
      return { spec: nbdSpec(value, prefix, rest), warnings }
    default:
      if (!rest.startsWith('/') && backend !== 'zfs') {
        throw refused('relative-path', say('rootfs-relative', { backend, path: rest }), value)
      }
      return { spec: { backend, prefix, path: rest }, warnings }
  }
}

/** A bare path: dir unless its shape says otherwise; its driver's detect() refines it on disk (drivers/index.ts detectBackend). */
function bareSpec(path: string): RootfsSpec {
  if (path.startsWith('/dev/rbd/')) return { backend: 'rbd', prefix: null, path }
  return { backend: 'dir', prefix: null, path }
}

/** `overlay:<lower>[:<lower2>...]:<upper>`: the upper is what follows the last ":/" (as LXC's ovl_mount). */
function layeredSpec(value: string, backend: 'overlay' | 'aufs', prefix: string, rest: string): RootfsSpec {
  const split = rest.lastIndexOf(':/')
  if (split <= 0) {
    throw refused(
      'layered-needs-upper',
      say('rootfs-layered-form', { backend, value, prefix }),
      value
    )
  }
  const lowers = rest.slice(0, split).split(':')
  const upper = rest.slice(split + 1)
  if (lowers.some((l) => !l.startsWith('/'))) {
    throw refused('relative-path', say('rootfs-lower-relative', { value }), value)
  }
  return { backend, prefix, lowers, upper }
}

/** `nbd:<file>[:<partition 1-9>]` */
function nbdSpec(value: string, prefix: string, rest: string): RootfsSpec {
  const m = /^(.*):([1-9])$/.exec(rest)
  if (m) return { backend: 'nbd', prefix, path: m[1]!, partition: Number(m[2]) }
  if (rest === '') throw refused('nbd-needs-file', say('nbd-needs-file', { value }), value)
  return { backend: 'nbd', prefix, path: rest, partition: null }
}

export function formatRootfsSpec(spec: RootfsSpec): string {
  const head = spec.prefix === null ? '' : `${spec.prefix}:`
  switch (spec.backend) {
    case 'overlay':
    case 'aufs':
      return `${head}${spec.lowers.join(':')}:${spec.upper}`
    case 'nbd':
      return `${head}${spec.path}${spec.partition === null ? '' : `:${spec.partition}`}`
    default:
      return `${head}${spec.path}`
  }
}

/** The spec LXC 5 itself would write: always with the canonical type prefix. */
export function canonicalRootfsSpec(spec: RootfsSpec): string {
  const prefix = spec.backend === 'aufs' ? 'aufs' : spec.backend
  return formatRootfsSpec({ ...spec, prefix } as RootfsSpec)
}

/** The same spec with every path at or under `from` moved under `to` (a build in a staging dir names its final one). */
export function relocateSpec(spec: RootfsSpec, from: string, to: string): RootfsSpec {
  const move = (p: string): string => (p === from || p.startsWith(`${from}/`) ? to + p.slice(from.length) : p)
  if ('lowers' in spec) return { ...spec, lowers: spec.lowers.map(move), upper: move(spec.upper) }
  return { ...spec, path: move(spec.path) }
}

/**
 * The spec an LXC 1.x/2.0 `lxc.rootfs` (+ `lxc.rootfs.backend`) pair means: a value that already
 * carries a known prefix keeps it; a bare path takes the backend line's type, else dir.
 */
export function specFromLegacy(rootfs: string, backend: string | null): string {
  const colon = rootfs.indexOf(':')
  if (colon > 0 && backendForPrefix(rootfs.slice(0, colon)) !== null) return rootfs
  const type = backend && backend !== 'none' ? backend : 'dir'
  return `${type}:${rootfs}`
}

/**
 * The lowers of a layered rootfs (overlay, aufs) that are gone, as configured: a clone whose
 * lower is gone cannot start or be diffed (its origin was removed without LXC). `exists` lets a
 * caller share lookups among the many clones of one base.
 */
export function goneLowers(spec: RootfsSpec | null, exists: (path: string) => boolean = existsSync): string[] {
  return spec && 'lowers' in spec ? spec.lowers.filter((l) => !exists(l)) : []
}
