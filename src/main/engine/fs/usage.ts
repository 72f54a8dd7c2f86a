// TEMPORARY (placeholder until the usage engineer's usage.ts lands; replace this whole file).
// It measures nothing: it says so, and the UI shows usage as not available rather than a guess.
import type { ContainerRef, ContainerUsage } from '@shared/model'

export class UsageUnavailableError extends Error {
  constructor() {
    super('disk usage measurement is not available in this build yet')
    this.name = 'UsageUnavailableError'
  }
}

export async function measureUsage(
  _lxcpaths: string[],
  _opts?: { names?: ContainerRef[]; signal?: AbortSignal }
): Promise<ContainerUsage[]> {
  throw new UsageUnavailableError()
}
