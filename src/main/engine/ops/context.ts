// What every long operation takes besides its options: a way to cancel it and a progress callback.
import type { OpProgress } from '@shared/model'

export interface OpContext {
  signal?: AbortSignal
  onProgress?: (p: OpProgress) => void
}
