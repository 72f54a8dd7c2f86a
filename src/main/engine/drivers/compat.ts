// The one table of what can be made from what (the seed's table 1 and LXC 5's storage_copy),
// read by the CLI and the UI. Each rule that refuses says why, naming the rule.
import type { Backend, BackendChoice } from '@shared/model'
import { BACKENDS } from '@shared/model'
import { normalLxcpath } from '../lineage/bookkeeping'
import { backendFromName, driverFor } from './index'

type Mode = 'copy' | 'snapshot'

/**
 * LXC's default when -B is not given (storage_copy): snapshot of dir is overlay, else same type;
 * a copy keeps the type in its own lxcpath and is dir in another. So a copy of an overlay clone
 * in its own lxcpath defaults to overlay, which the rules refuse: lxc-copy fails there unless given
 * `-B dir`, and resolveCloneBackend says to add it.
 */
export function defaultCloneBackend(origin: Backend, mode: Mode, sameLxcpath: boolean): Backend {
  if (mode === 'snapshot') return origin === 'dir' ? 'overlay' : origin
  return sameLxcpath ? origin : 'dir'
}

/** `-B` names that are no backend (the seed's table 1): they make new containers, never clones. */
const CREATE_ONLY_NAMES: Readonly<Record<string, string>> = {
  best: 'best (try btrfs, zfs, lvm, then dir) only chooses the storage of a new container',
  none: 'none (an alias of dir) is for lxc-create only'
}

/** What `-B NAME` asks of a clone; throws with the rule for a create-only or unknown name. */
export function cloneBackendNamed(name: string): Backend {
  const createOnly = CREATE_ONLY_NAMES[name]
  if (createOnly !== undefined)
    throw new BackendRuleError(
      'create-only-backend',
      `-B ${name} cannot make a clone: ${createOnly} (the seed's rule; lxc-copy fails with "Failed to initialize ${name} storage driver"). Name the clone's backend, e.g. -B dir.`
    )
  const backend = backendFromName(name)
  if (backend === null) throw new BackendRuleError('unknown-backend', `Unknown backend "${name}" (dir, overlay, overlayfs, btrfs, loop, zfs, lvm, rbd, nbd).`)
  return backend
}

/** What `-B NAME` asks of a create: a backend, or `best`; throws for an unknown name. */
export function createBackendNamed(name: string): Backend | 'best' {
  if (name === 'best') return 'best'
  const backend = backendFromName(name)
  if (backend === null) throw new BackendRuleError('unknown-backend', `Unknown backend "${name}" (dir, none, overlay, btrfs, loop, best, zfs, lvm, rbd, nbd).`)
  return backend
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
  const all = cloneChoices(origin, target)
  const choices = all.filter((c) => c.mode === mode)
  const pick = requested ? choices.find((c) => c.backend === requested) : choices.find((c) => c.isDefault)
  if (!pick) throw new BackendRuleError('unknown-backend', `Unknown backend ${requested}.`)
  if (!pick.allowed && requested === undefined) {
    // LXC refuses here too (an overlay copy in its own lxcpath: "can only be used for snapshots")
    const others = choices.filter((c) => c.allowed).map((c) => `-B ${c.backend}`)
    let ask = others.includes('-B dir') ? 'Add -B dir for a standalone dir copy of what it shows' : others.length > 0 ? `Name one of ${others.join(', ')}` : 'No backend can take it here'
    if (mode === 'copy' && all.some((c) => c.mode === 'snapshot' && c.allowed)) ask += ', or use -s for a snapshot clone'
    const where = mode === 'copy' && normalLxcpath(origin.lxcpath) === normalLxcpath(target.lxcpath) ? ' in its own lxcpath' : ''
    throw new BackendRuleError(
      `${mode}-${origin.backend}-needs-backend`,
      `Without -B, a ${mode} clone of a ${origin.backend} container${where} is ${pick.backend} (LXC's default), and ${pick.reason} ${ask}.`
    )
  }
  if (!pick.allowed)
    throw new BackendRuleError(
      `${mode}-${origin.backend}-to-${pick.backend}`,
      `A ${mode} clone of a ${origin.backend} container as ${pick.backend} is not possible: ${pick.reason}`
    )
  return pick.backend
}
