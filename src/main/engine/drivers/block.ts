// lvm, rbd and nbd: the rootfs is a filesystem on a block device outside the container's
// directory. Strata reads, lists and measures these containers (a device holds its size) and
// mounts lvm and rbd ones for inspection while they are stopped; it does not make or copy them.
import type { Stats } from 'node:fs'
import type { Backend, RootfsSpec } from '@shared/model'
import { blockAccess } from '../fs/rootfs-mount'
import { NO_FIGURES } from '../fs/tree-usage'
import { run } from '../tools'
import { refused } from '@shared/errors'
import { say, type Said } from '@shared/engine-text'
import { directoryOf, type DriverNeeds, type StorageDriver } from './driver'

async function blockDeviceSize(device: string): Promise<number> {
  try {
    return Number(String((await run('blockdev', ['--getsize64', device], { timeoutMs: 10_000 })).stdout).trim()) || 0
  } catch {
    return 0
  }
}

function blockDriver(backend: Backend, needs: DriverNeeds, opts: { mount: Said | null; detect?: (path: string, st: Stats | undefined) => boolean }): StorageDriver {
  const notYet = say('backend-not-yet', { backend })
  const refuse = async (): Promise<never> => {
    throw refused(`${backend}-not-yet`, notYet)
  }
  return {
    backend,
    capabilities: {
      create: notYet,
      copyInto: notYet,
      cloneFrom: notYet,
      snapshotOf: [],
      snapshotRule: notYet,
      snapshotDependsOnOrigin: false,
      mountableWhileRunning: false,
      needs
    },
    create: refuse,
    copy: refuse,
    snapshot: refuse,
    async access(spec: RootfsSpec, readOnly: boolean) {
      if (opts.mount) throw refused(`${backend}-mount`, opts.mount)
      return blockAccess(directoryOf(spec), readOnly, false)
    },
    visibleTree: refuse,
    // a block device outside the container dir: its size is what it holds
    async usage(spec, probe) {
      const size = await blockDeviceSize(directoryOf(spec))
      return { measured: { ...NO_FIGURES, allocatedBytes: size }, dataBytes: size, fsShared: null, source: 'scan', restBytes: probe.rest(null) }
    },
    writeHostname: refuse,
    detect: opts.detect,
    async destroy(): Promise<void> {}
  }
}

const RBD_DEVICES = '/dev/rbd/'

export const lvmDriver = blockDriver('lvm', { tools: { lvcreate: 'lvm2', lvs: 'lvm2' }, root: true }, {
  mount: null,
  detect: (path, st) => st?.isBlockDevice() === true && !path.startsWith(RBD_DEVICES)
})
export const rbdDriver = blockDriver('rbd', { tools: { rbd: 'ceph-common' }, root: true }, { mount: null, detect: (path) => path.startsWith(RBD_DEVICES) })
export const nbdDriver = blockDriver('nbd', { tools: { 'qemu-nbd': 'qemu-utils' }, root: true }, {
  mount: say('nbd-no-mount')
})
