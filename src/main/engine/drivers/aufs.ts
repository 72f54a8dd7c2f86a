// aufs: `aufs:<lower>:<P>/<n>/delta0`, LXC <= 2.x. Parsed, shown and measured; never written:
// aufs was never in mainline Linux and LXC dropped it in 3.0. `strata convert` turns one into overlay.
import { refused } from '@shared/errors'
import { say, type Said } from '@shared/engine-text'
import type { StorageDriver } from './driver'
import { layersOf, overlayAccess } from '../fs/overlay-mount'
import { kernelFilesystems } from './probe'

const NOT_A_TARGET = say('aufs-not-a-target')

const refuse = (what: Said) => async (): Promise<never> => {
  throw refused('aufs-unavailable', say('aufs-cannot', { what, why: kernelFilesystems().has('aufs') ? say('aufs-not-written') : say('aufs-no-kernel') }))
}

export const aufsDriver: StorageDriver = {
  backend: 'aufs',
  capabilities: {
    create: say('aufs-no-create'),
    copyInto: NOT_A_TARGET,
    cloneFrom: say('aufs-not-clonable'),
    snapshotOf: [],
    snapshotRule: NOT_A_TARGET,
    snapshotDependsOnOrigin: true,
    mountableWhileRunning: true,
    whiteouts: 'aufs',
    needs: { filesystems: ['aufs'], tools: {} }
  },
  create: refuse(say('aufs-act-create')),
  copy: refuse(say('aufs-act-copy-into')),
  snapshot: refuse(say('aufs-act-snapshot-into')),
  // for inspection, read as an overlay of the same layers (its `.wh.` names show as files)
  access: (spec, readOnly) => overlayAccess(layersOf(spec), readOnly),
  visibleTree: refuse(say('aufs-act-copy-from')),
  usage: (spec, probe) => probe.scanned(layersOf(spec).upper, true),
  writeHostname: refuse(say('aufs-act-write-into')),
  async destroy(): Promise<void> {}
}
