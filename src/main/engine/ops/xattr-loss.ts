// A copy into storage that keeps no extended attributes (zfs-fuse) would lose the origin's POSIX
// ACLs, file capabilities and other xattrs. Asked before anything is made: refused, naming the
// storage, the first file that would lose something and the rule, unless the user accepted the
// loss (clone --allow-lossy, the clone dialog's checkbox); an origin without any goes on.
import type { Backend, ContainerRef } from '@shared/model'
import { refused } from '@shared/errors'
import type { SourceStorage, StorageDriver, StorageSpecs } from '../drivers/driver'
import { describeXattrs, firstFileWithXattrs } from '../fs/xattr-scan'
import { show } from '../errors'

export const LOSES_XATTRS = 'clone-loses-xattrs'

export async function refuseXattrLoss(
  copy: { origin: ContainerRef; target: ContainerRef; backend: Backend; driver: StorageDriver; source: SourceStorage; specs: StorageSpecs },
  signal?: AbortSignal
): Promise<void> {
  const why = await copy.driver.xattrsLost?.(copy.source.spec, copy.specs)
  if (!why) return
  const first = await copy.source.withVisibleTree((root) => firstFileWithXattrs(root, signal))
  if (!first) return
  const file = first.path === '.' ? 'its rootfs directory' : `/${first.path}`
  throw refused(
    LOSES_XATTRS,
    `A ${copy.backend} copy of ${show(copy.origin)} as ${show(copy.target)} would lose extended attributes: ${why}. ` +
      `${copy.origin.name}'s ${file} has ${describeXattrs(first.names)} (the first file found that has one). ` +
      `Nothing was made. Choose a backend that keeps them (dir, btrfs), or clone with --allow-lossy to make the copy without them.`,
    show(copy.target)
  )
}
