// An overlay (or aufs) clone's changes against its lower: what was added, copied up (modified),
// deleted (whiteouts) and hidden wholesale (opaque directories), with the bytes each adds and
// the bytes of the lower it shadows. The walk is native (diff.c): one pass over the upper.
import type { ContainerRef, DiffEntry, DiffKind, LayerDiff } from '@shared/model'
import { readContainer } from '../container'
import { diffLayers } from '../native'

export class NotLayeredError extends Error {
  constructor(
    readonly ref: ContainerRef,
    message: string
  ) {
    super(message)
    this.name = 'NotLayeredError'
  }
}

const KINDS: readonly DiffKind[] = ['added', 'modified', 'deleted', 'opaque']
const utf8 = new TextDecoder('utf-8', { fatal: true })

/** A name as text: UTF-8 when it is, else each byte that is not valid UTF-8 as \xNN. */
export function pathText(bytes: Buffer): string {
  try {
    return utf8.decode(bytes)
  } catch {
    let out = ''
    let i = 0
    while (i < bytes.length) {
      // take the longest valid UTF-8 sequence starting here (1-4 bytes), else escape one byte
      let took = false
      for (let n = 4; n >= 1 && !took; n--) {
        if (i + n > bytes.length) continue
        try {
          out += utf8.decode(bytes.subarray(i, i + n))
          i += n
          took = true
        } catch {
          // not a sequence of that length
        }
      }
      if (!took) out += `\\x${bytes[i++]!.toString(16).padStart(2, '0')}`
    }
    return out
  }
}

export async function layerDiff(ref: ContainerRef, opts: { signal?: AbortSignal } = {}): Promise<LayerDiff> {
  const record = readContainer(ref)
  const spec = record.spec
  if (!spec) throw new NotLayeredError(ref, `${ref.lxcpath}/${ref.name} has no usable rootfs in its config`)
  if (spec.backend !== 'overlay' && spec.backend !== 'aufs') {
    throw new NotLayeredError(ref, `${ref.lxcpath}/${ref.name} is a ${spec.backend} container: only overlay (or aufs) clones have an upper layer to diff against a lower`)
  }
  const raw = await diffLayers(spec.upper, spec.lowers, opts)
  const entries: DiffEntry[] = raw.map((e) => ({
    path: pathText(e.path),
    kind: KINDS[e.kind]!,
    bytes: e.bytes,
    shadowedBytes: e.shadowed,
    isDir: e.isDir
  }))
  const totals = Object.fromEntries(KINDS.map((k) => [k, { count: 0, bytes: 0 }])) as LayerDiff['totals']
  let shadowedBytes = 0
  for (const e of entries) {
    const t = totals[e.kind]
    t.count++
    // A directory's bytes summarise its entries, which are listed too: count file bytes once.
    if (e.kind === 'deleted' || e.kind === 'opaque') t.bytes += e.shadowedBytes
    else if (!e.isDir) t.bytes += e.bytes
    shadowedBytes += e.shadowedBytes
  }
  return { ref, lowers: spec.lowers, upper: spec.upper, entries, totals, shadowedBytes }
}
