// A copy into storage that keeps no extended attributes (zfs-fuse) would lose the origin's POSIX
// ACLs, file capabilities and other xattrs. Asked before anything is made: refused, naming the
// storage, the first file that would lose something and the rule, unless the user accepted the
// loss (clone --allow-lossy, the clone dialog's checkbox); an origin without any goes on.
import type { Backend, BackendChoice, ContainerRef } from '@shared/model'
import { refused, type StrataError } from '@shared/errors'
import { say, type Said } from '@shared/engine-text'
import type { SourceStorage, StorageDriver, StorageSpecs } from '../drivers/driver'
import { driverFor, sourceStorage } from '../drivers/index'
import { readGlobalConfig } from '../global-config'
import type { ContainerRecord } from '../container'
import { describeXattrs, firstFileWithXattrs, type FileWithXattrs } from '../fs/xattr-scan'
import { loadExisting } from './preconditions'
import { show } from '../errors'

export const LOSES_XATTRS = 'clone-loses-xattrs'

interface LossyCopy {
  origin: ContainerRef
  /** where the copy goes: the new container (`as <P>/<n>`), or the lxcpath the choices are for (`in <P>`) */
  into: { as: string } | { in: string }
  backend: Backend
  driver: StorageDriver
  source: SourceStorage
  specs: StorageSpecs
}

/** What a copy would lose, in a sentence naming the storage and the first file, or null. */
async function xattrLoss(copy: LossyCopy, signal?: AbortSignal): Promise<Said | null> {
  const why = await copy.driver.xattrsLost?.(copy.source.spec, copy.specs)
  if (!why) return null
  const first = await copy.source.withVisibleTree((root) => firstFileWithXattrs(root, signal))
  if (!first) return null
  const what = { backend: copy.backend, origin: show(copy.origin) }
  return lossSentence('as' in copy.into ? say('xattr-copy-as', { ...what, as: copy.into.as }) : say('xattr-copy-in', { ...what, in: copy.into.in }), why, copy.origin.name, first)
}

/** The sentence of a loss, the same for a clone and a copy between hosts: `copy` says which copy, `why` what the storage keeps not. */
export function lossSentence(copy: Said, why: Said | string, originName: string, first: FileWithXattrs): Said {
  const file = first.path === '.' ? say('its-rootfs-dir') : `/${first.path}`
  return say('xattr-loss', { copy, why, origin: originName, file, xattrs: describeXattrs(first.names) })
}

/** The refusal of a loss the user did not accept: `how` says how to accept it (`clone with --allow-lossy`). */
export function lossRefusal(loss: Said, how: Said, subject: string): StrataError {
  return refused(LOSES_XATTRS, say('xattr-loss-refused', { loss, rule: LOSES_XATTRS, how }), subject)
}

/** Throws clone-loses-xattrs before anything is made when the copy would lose xattrs. */
export async function refuseXattrLoss(copy: LossyCopy, signal?: AbortSignal): Promise<void> {
  const loss = await xattrLoss(copy, signal)
  if (loss === null) return
  throw lossRefusal(loss, say('how-clone-lossy'), 'as' in copy.into ? copy.into.as : copy.into.in)
}

/** Why a container received from another host into this storage would keep no xattrs, or null (the target's half of a copy between hosts). */
export async function importXattrLoss(backend: Backend | undefined): Promise<Said | string | null> {
  return (await driverFor(backend ?? 'dir').xattrsLost?.(null, { zfsRoot: readGlobalConfig().zfsRoot })) ?? null
}

/** The first file of a container's rootfs that has xattrs, or null (the source's half of a copy between hosts). */
export async function originXattrs(ref: ContainerRef, signal?: AbortSignal): Promise<FileWithXattrs | null> {
  const origin = loadExisting(ref)
  if (!origin.spec) return null
  return sourceStorage(origin.spec, origin.dir).withVisibleTree((root) => firstFileWithXattrs(root, signal))
}

/** The clone choices with what each allowed copy would lose said (`loses`): the dialog's one answer. */
export async function withXattrLoss(choices: BackendChoice[], origin: ContainerRecord, lxcpath: string): Promise<BackendChoice[]> {
  if (!origin.spec) return choices
  const source = sourceStorage(origin.spec, origin.dir)
  const specs = { zfsRoot: readGlobalConfig().zfsRoot }
  return Promise.all(
    choices.map(async (c) => {
      const driver = driverFor(c.backend)
      if (c.mode !== 'copy' || !c.allowed || !driver.xattrsLost) return c
      const loses = await xattrLoss({ origin: origin.ref, into: { in: lxcpath }, backend: c.backend, driver, source, specs })
      return loses === null ? c : { ...c, loses: loses.text, losesSaid: loses }
    })
  )
}
