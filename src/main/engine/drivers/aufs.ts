// aufs: `aufs:<lower>:<P>/<n>/delta0`, LXC <= 2.x. Parsed and shown; never mounted here: aufs
// was never in mainline Linux and LXC dropped it in 3.0. `strata convert` turns one into overlay.
import type { RootfsSpec } from '@shared/model'
import { DriverError, type StorageDriver } from './driver'
import { kernelFilesystems } from './probe'

const refuse = (what: string) => async (): Promise<RootfsSpec> => {
  throw new DriverError('aufs', 'aufs-unavailable', `Cannot ${what} aufs: ${aufsProbe() ?? 'Strata does not write aufs'}; convert aufs clones with \`strata convert\`.`)
}

function aufsProbe(): string | null {
  return kernelFilesystems().has('aufs') ? null : 'this kernel has no aufs (it was never in mainline Linux, and LXC removed aufs support in 3.0)'
}

export const aufsDriver: StorageDriver = {
  backend: 'aufs',
  capabilities: { create: false, copy: false, snapshot: false, snapshotDependsOnOrigin: true, whiteouts: 'aufs', needs: 'an aufs-patched kernel' },
  probe: () => {
    const why = aufsProbe()
    return why ? `${why[0]!.toUpperCase()}${why.slice(1)}.` : 'Strata reads aufs clones but does not make new ones; convert them to overlay.'
  },
  detect: (spec) => spec.backend === 'aufs',
  create: refuse('create'),
  copy: refuse('copy into'),
  snapshot: refuse('snapshot into'),
  async mount(): Promise<void> {
    await refuse('mount')()
  },
  async umount(): Promise<void> {},
  async destroyOutside(): Promise<void> {}
}
