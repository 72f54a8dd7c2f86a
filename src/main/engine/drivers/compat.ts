// The one table of what can be made from what (the seed's table 1 and LXC 5's storage_copy),
// read by the CLI and the UI. Each rule that refuses says why, naming the rule.
import type { Backend, BackendChoice } from '@shared/model'
import { BACKENDS } from '@shared/model'
import { normalLxcpath } from '../lineage/bookkeeping'
import { driverFor } from './index'

type Mode = 'copy' | 'snapshot'

/** LXC's default when -B is not given (storage_copy): snapshot of dir is overlay, else same type; a copy to another lxcpath is dir. */
export function defaultCloneBackend(origin: Backend, mode: Mode, sameLxcpath: boolean): Backend {
  if (mode === 'snapshot') return origin === 'dir' ? 'overlay' : origin
  // LXC refuses an overlay copy in the same lxcpath; the useful meaning is a standalone dir copy.
  if (origin === 'overlay' || origin === 'aufs') return 'dir'
  return sameLxcpath ? origin : 'dir'
}

/** Why `origin` cannot be cloned into `target` in this mode by the rules, or null. */
function ruleRefusal(origin: Backend, target: Backend, mode: Mode): string | null {
  if (origin === 'aufs') return 'aufs clones cannot be mounted on this kernel: convert it to overlay first (strata convert).'
  if (target === 'aufs') return 'aufs cannot be a clone target: LXC removed aufs in 3.0 and this kernel has no aufs.'
  if (mode === 'copy') {
    if (target === 'overlay') return 'overlay can only be used for snapshot clones (LXC\'s rule); a copy clone is dir.'
    if (target === 'dir' || target === 'btrfs' || target === 'loop') {
      if (origin === 'dir' || origin === 'overlay' || origin === 'btrfs' || origin === 'loop') return null
      return `copying a ${origin} container needs its ${origin} driver, which Strata does not have yet.`
    }
    return `Strata has no ${target} driver yet.`
  }
  // snapshot
  if (target === 'dir') return 'dir cannot make snapshot clones (LXC: dir has no snapshots); the snapshot of a dir container is overlay.'
  if (target === 'overlay') {
    if (origin === 'dir' || origin === 'overlay') return null
    return `an overlay clone can only read a dir or overlay origin (LXC: "overlay clone of ${origin} container is not yet supported").`
  }
  if (target === 'loop') return 'loop does not support snapshots (LXC\'s rule).'
  if (target !== origin) return `a ${target} snapshot needs a ${target} origin (LXC snapshots stay in the origin's backend).`
  if (target === 'btrfs') return null
  return `Strata has no ${target} driver yet.`
}

export function cloneChoices(origin: { backend: Backend; lxcpath: string }, target: { lxcpath: string }): BackendChoice[] {
  const same = normalLxcpath(origin.lxcpath) === normalLxcpath(target.lxcpath)
  const choices: BackendChoice[] = []
  for (const mode of ['copy', 'snapshot'] as const) {
    const def = defaultCloneBackend(origin.backend, mode, same)
    for (const backend of BACKENDS) {
      let reason = ruleRefusal(origin.backend, backend, mode)
      if (reason === null) reason = driverFor(backend)?.probe(target.lxcpath) ?? null
      choices.push({ backend, mode, allowed: reason === null, reason, isDefault: backend === def })
    }
  }
  return choices
}

/** Backends a new container can be created in, with `best`'s pick marked as default. */
export function createChoices(lxcpath: string): BackendChoice[] {
  return BACKENDS.map((backend) => {
    const driver = driverFor(backend)
    const reason =
      !driver || !driver.capabilities.create
        ? backend === 'aufs'
          ? 'LXC removed aufs in 3.0 and this kernel has no aufs.'
          : `Strata has no ${backend} driver yet.`
        : driver.probe(lxcpath)
    return { backend, mode: 'create' as const, allowed: reason === null, reason, isDefault: backend === 'dir' }
  })
}

export class BackendRuleError extends Error {
  constructor(
    readonly rule: string,
    message: string
  ) {
    super(message)
    this.name = 'BackendRuleError'
  }
}

/** The backend a clone uses: the requested one if the table allows it, else LXC's default; throws with the rule. */
export function resolveCloneBackend(origin: { backend: Backend; lxcpath: string }, target: { lxcpath: string }, mode: Mode, requested?: Backend): Backend {
  const choices = cloneChoices(origin, target).filter((c) => c.mode === mode)
  const pick = requested ? choices.find((c) => c.backend === requested) : choices.find((c) => c.isDefault)
  if (!pick) throw new BackendRuleError('unknown-backend', `Unknown backend ${requested}.`)
  if (!pick.allowed)
    throw new BackendRuleError(
      `${mode}-${origin.backend}-to-${pick.backend}`,
      `A ${mode} clone of a ${origin.backend} container as ${pick.backend} is not possible: ${pick.reason}`
    )
  return pick.backend
}
