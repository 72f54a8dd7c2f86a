// aufs: `aufs:<lower>:<P>/<n>/delta0`, LXC <= 2.x. Parsed, shown and measured; never written:
// aufs was never in mainline Linux and LXC dropped it in 3.0. `strata convert` turns one into overlay.
import { refused } from '@shared/errors'
import { say } from '@shared/engine-text'
import type { StorageDriver } from './driver'
import { layersOf, overlayAccess } from '../fs/overlay-mount'
import { kernelFilesystems } from './probe'

const NO_AUFS = 'this kernel has no aufs (it was never in mainline Linux, and LXC removed aufs support in 3.0)'
const NOT_A_TARGET = say('aufs-not-a-target')

const refuse = (what: string) => async (): Promise<never> => {
  throw refused('aufs-unavailable', `Cannot ${what} aufs: ${kernelFilesystems().has('aufs') ? 'Strata does not write aufs' : NO_AUFS}; convert aufs clones with \`strata convert\`.`)
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
  create: refuse('create'),
  copy: refuse('copy into'),
  snapshot: refuse('snapshot into'),
  // for inspection, read as an overlay of the same layers (its `.wh.` names show as files)
  access: (spec, readOnly) => overlayAccess(layersOf(spec), readOnly),
  visibleTree: refuse('copy from'),
  usage: (spec, probe) => probe.scanned(layersOf(spec).upper, true),
  writeHostname: refuse('write into'),
  async destroy(): Promise<void> {}
}
