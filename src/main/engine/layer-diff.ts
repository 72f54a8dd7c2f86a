// An overlay (or aufs) clone's changes against its lower: what was added, copied up (modified),
// deleted (whiteouts, in the format its driver names) and hidden wholesale (opaque directories), with the bytes each adds and
// the bytes of the lower it shadows. The walk is native (diff.c): one multi-threaded pass over
// the upper, returned packed and decoded here.
import type { ContainerRef, DiffEntry, DiffKind, LayerDiff } from '@shared/model'
import { readContainer } from './container'
import { driverFor } from './drivers/index'
import { diffLayers } from './native'
import { refused } from '@shared/errors'
import { article, say } from '@shared/engine-text'
import { goneLowers } from './rootfs'

const KINDS: readonly DiffKind[] = ['added', 'modified', 'deleted', 'opaque']

export { pathText } from './native/path-text'

export async function layerDiff(ref: ContainerRef, opts: { signal?: AbortSignal } = {}): Promise<LayerDiff> {
  const record = readContainer(ref)
  const spec = record.spec
  const container = `${ref.lxcpath}/${ref.name}`
  if (!spec) throw refused('not-layered', say('diff-no-rootfs', { container }), container)
  const whiteouts = driverFor(spec.backend).capabilities.whiteouts
  if (!whiteouts || !('upper' in spec)) throw refused('not-layered', say('diff-not-layered', { container, a: article(spec.backend), backend: spec.backend }), container)
  // an orphan (its origin removed with rm -rf): said as such, not as the walk's ENOENT
  const gone = goneLowers(spec)[0]
  if (gone !== undefined) throw refused('lower-missing', say('diff-lower-gone', { container, lower: gone }), container)
  const packed = await diffLayers(spec.upper, spec.lowers, { ...opts, whiteouts })
  const totals = Object.fromEntries(KINDS.map((k) => [k, { count: 0, bytes: 0 }])) as LayerDiff['totals']
  const entries: DiffEntry[] = new Array<DiffEntry>(packed.count)
  let shadowedBytes = 0
  for (let i = 0; i < packed.count; i++) {
    const kind = KINDS[packed.kind(i)]!
    const e: DiffEntry = { path: packed.path(i), kind, bytes: packed.bytes(i), shadowedBytes: packed.shadowed(i), isDir: packed.isDir(i) }
    entries[i] = e
    const t = totals[kind]
    t.count++
    // A directory's bytes summarise its entries, which are listed too: count file bytes once.
    if (kind === 'deleted' || kind === 'opaque') t.bytes += e.shadowedBytes
    else if (!e.isDir) t.bytes += e.bytes
    shadowedBytes += e.shadowedBytes
  }
  return { ref, lowers: spec.lowers, upper: spec.upper, entries, totals, shadowedBytes }
}
