// LXC's own per-container lock (an OFD write lock on /run/lxc/lock/<lxcpath>/.<name>), held
// while Strata changes a container's config or bookkeeping, so lxc-copy / lxc-destroy running
// at the same time wait for us and we wait for them.
import type { ContainerRef } from '@shared/model'
import { lockFile, lxcLockPath } from './native/index'

export async function withLxcLock<T>(ref: ContainerRef, fn: () => Promise<T> | T, signal?: AbortSignal): Promise<T> {
  const lock = await lockFile(lxcLockPath(ref.lxcpath, ref.name), { signal })
  try {
    return await fn()
  } finally {
    lock.release()
  }
}
