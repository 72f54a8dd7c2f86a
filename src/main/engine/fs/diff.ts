// TEMPORARY (placeholder until the usage engineer's diff.ts lands; replace this whole file).
// It compares nothing: it says so, and the UI shows the diff as not available.
import type { ContainerRef, LayerDiff } from '@shared/model'

export async function layerDiff(ref: ContainerRef, _opts?: { signal?: AbortSignal }): Promise<LayerDiff> {
  throw new Error(`layer diff of ${ref.name} is not available in this build yet`)
}
