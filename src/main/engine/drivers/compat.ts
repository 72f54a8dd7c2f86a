// What can be made from what (LXC 5's storage_copy and lxc-create -B), read from the drivers'
// capability records and nothing else, for the CLI, the UI and the operations alike. Each
// rule that refuses says why, naming the rule.
import { resolve } from 'node:path'
import type { Backend, BackendChoice, ChoiceRule } from '@shared/model'
import { BACKENDS } from '@shared/model'
import { refused } from '@shared/errors'
import { article, say, type Said } from '@shared/engine-text'
import { backendFromName, driverFor } from './index'
import { driverProblem } from './probe'

type Mode = 'copy' | 'snapshot'

/** `-B best` as LXC tries it: the first of these that can be made here (lxccontainer.c do_storage_create). */
const BEST_ORDER: readonly Backend[] = ['btrfs', 'zfs', 'lvm', 'dir']

/**
 * LXC's default when -B is not given (storage_copy): a snapshot clone takes the origin's
 * backend (its driver's snapshotAs: overlay for dir); a copy keeps the type in its own lxcpath
 * and is dir in another. So a copy of an overlay clone in its own lxcpath defaults to overlay,
 * which the rules refuse: lxc-copy fails there unless given `-B dir`, and resolveCloneBackend
 * says to add it.
 */
export function defaultCloneBackend(origin: Backend, mode: Mode, sameLxcpath: boolean): Backend {
  if (mode === 'snapshot') return driverFor(origin).capabilities.snapshotAs ?? origin
  return sameLxcpath ? origin : 'dir'
}

/** `-B` names that are no backend: they make new containers, never clones. */
const CREATE_ONLY_NAMES: Readonly<Record<string, string>> = {
  best: `best (try ${BEST_ORDER.join(', ')}) only chooses the storage of a new container`,
  none: 'none (an alias of dir) is for lxc-create only'
}

/** What `-B NAME` asks of a clone; throws with the rule for a create-only or unknown name. */
export function cloneBackendNamed(name: string): Backend {
  const createOnly = CREATE_ONLY_NAMES[name]
  if (createOnly !== undefined)
    throw refused(
      'create-only-backend',
      `-B ${name} cannot make a clone: ${createOnly} (lxc-copy fails with "Failed to initialize ${name} storage driver"). Name the clone's backend, e.g. -B dir.`
    )
  const backend = backendFromName(name)
  if (backend === null) throw refused('unknown-backend', `Unknown backend "${name}" (${[...BACKENDS, 'overlayfs'].join(', ')}).`)
  return backend
}

/** What `-B NAME` asks of a create: a backend, or `best`; throws for an unknown name. */
export function createBackendNamed(name: string): Backend | 'best' {
  if (name === 'best') return 'best'
  const backend = backendFromName(name)
  if (backend === null) throw refused('unknown-backend', `Unknown backend "${name}" (${[...BACKENDS, 'none', 'best'].join(', ')}).`)
  return backend
}

/** Why `origin` cannot be cloned into `target` in this mode by the drivers' rules, or null. */
function ruleRefusal(origin: Backend, target: Backend, mode: Mode): Said | null {
  const from = driverFor(origin).capabilities
  if (from.cloneFrom !== null) return from.cloneFrom
  const into = driverFor(target).capabilities
  if (mode === 'copy') return into.copyInto
  if (into.snapshotOf.includes(origin)) return null
  if (into.snapshotOf.length === 0) return into.snapshotRule
  return say('snapshot-only-of', { a: article(target), target, of: into.snapshotOf.join(' or '), origin, rule: into.snapshotRule })
}

/** The kind of rule ruleRefusal applied (the same order of checks); a backend Strata does not make yet is said as such. */
function ruleKind(origin: Backend, target: Backend, mode: Mode, refusal: Said): ChoiceRule {
  if (refusal.key === 'backend-not-yet') return 'not-yet'
  if (driverFor(origin).capabilities.cloneFrom !== null) return 'origin-not-clonable'
  if (mode === 'copy') return 'no-copy-into'
  return driverFor(target).capabilities.snapshotOf.length === 0 ? 'no-snapshots' : 'snapshot-of'
}

/** A refused choice's reason: the English and the sentence as data. */
const because = (said: Said | null): Pick<BackendChoice, 'reason' | 'said'> => (said ? { reason: said.text, said } : { reason: null })

export function cloneChoices(origin: { backend: Backend; lxcpath: string }, target: { lxcpath: string }): BackendChoice[] {
  const same = resolve(origin.lxcpath) === resolve(target.lxcpath)
  const choices: BackendChoice[] = []
  for (const mode of ['copy', 'snapshot'] as const) {
    const def = defaultCloneBackend(origin.backend, mode, same)
    for (const backend of BACKENDS) {
      const rule = ruleRefusal(origin.backend, backend, mode)
      const reason = rule ?? driverProblem(driverFor(backend), target.lxcpath)
      const why: ChoiceRule | undefined = rule !== null ? ruleKind(origin.backend, backend, mode, rule) : reason !== null ? 'machine' : undefined
      choices.push({ backend, mode, allowed: reason === null, ...because(reason), ...(why ? { why } : {}), isDefault: backend === def })
    }
  }
  return choices
}

/** Backends a new container can be created in, with lxc-create's default (dir) marked. */
export function createChoices(lxcpath: string): BackendChoice[] {
  return BACKENDS.map((backend) => {
    const driver = driverFor(backend)
    const rule = driver.capabilities.create
    const reason = rule ?? driverProblem(driver, lxcpath)
    const why: ChoiceRule | undefined = rule === null ? (reason !== null ? 'machine' : undefined) : rule.key === 'backend-not-yet' ? 'not-yet' : 'no-create'
    return { backend, mode: 'create' as const, allowed: reason === null, ...because(reason), ...(why ? { why } : {}), isDefault: backend === 'dir' }
  })
}

/**
 * Backends a copy from another host can be made in here (ops/transfer-import.ts builds a new
 * container and unpacks into it): those a new container can have that take a copy.
 */
export function importChoices(lxcpath: string): BackendChoice[] {
  return createChoices(lxcpath).map((c) => {
    const copyRule = driverFor(c.backend).capabilities.copyInto
    if (!c.allowed || copyRule === null) return { ...c, mode: 'copy' as const }
    return { ...c, mode: 'copy' as const, allowed: false, ...because(copyRule), why: copyRule.key === 'backend-not-yet' ? ('not-yet' as const) : ('no-copy-into' as const) }
  })
}

/**
 * The backends a new container may get, in the order to try them: the one asked for if it can
 * be made here, lxc-create's dir by default; for `best`, each of btrfs, zfs, lvm that this
 * machine has and then dir, since LXC tries them in turn and the first that succeeds wins
 * (a zfs without the pool lxc.bdev.zfs.root names fails, and dir follows).
 */
export function createCandidates(lxcpath: string, requested: Backend | 'best' | undefined): Backend[] {
  const choices = createChoices(lxcpath)
  if (requested === 'best') return [...BEST_ORDER.filter((b) => b !== 'dir' && choices.find((c) => c.backend === b)?.allowed), 'dir']
  const backend = requested ?? 'dir'
  const choice = choices.find((c) => c.backend === backend)
  if (!choice?.allowed) throw refused('create-backend', say('create-backend-refused', { a: article(backend), backend, why: choice?.said ?? choice?.reason ?? say('unknown-backend-why') }))
  return [backend]
}

/**
 * How lxc-snapshot snapshots a container (LXC_CLONE_MAYBE_SNAPSHOT, keeping its backend): a
 * snapshot clone where its driver makes one of its own kind, else a copy; throws when neither.
 */
export function lxcSnapshotMode(backend: Backend): Mode {
  const c = driverFor(backend).capabilities
  const refusal = c.cloneFrom ?? (c.snapshotOf.includes(backend) ? null : c.copyInto)
  if (refusal !== null) throw refused('snapshot-backend', say('snapshot-backend-refused', { a: article(backend) === 'an' ? 'An' : 'A', backend, why: refusal }))
  return c.snapshotOf.includes(backend) ? 'snapshot' : 'copy'
}

/** The backend a clone uses: the requested one if the rules allow it, else LXC's default; throws with the rule. */
export function resolveCloneBackend(origin: { backend: Backend; lxcpath: string }, target: { lxcpath: string }, mode: Mode, requested?: Backend): Backend {
  const all = cloneChoices(origin, target)
  const choices = all.filter((c) => c.mode === mode)
  const pick = requested ? choices.find((c) => c.backend === requested) : choices.find((c) => c.isDefault)
  if (!pick) throw refused('unknown-backend', `Unknown backend ${requested}.`)
  if (!pick.allowed && requested === undefined) {
    // LXC refuses here too (an overlay copy in its own lxcpath: "can only be used for snapshots")
    const others = choices.filter((c) => c.allowed).map((c) => `-B ${c.backend}`)
    let ask = others.includes('-B dir') ? 'Add -B dir for a standalone dir copy of what it shows' : others.length > 0 ? `Name one of ${others.join(', ')}` : 'No backend can take it here'
    if (mode === 'copy' && all.some((c) => c.mode === 'snapshot' && c.allowed)) ask += ', or use -s for a snapshot clone'
    const where = mode === 'copy' && resolve(origin.lxcpath) === resolve(target.lxcpath) ? ' in its own lxcpath' : ''
    throw refused(
      `${mode}-${origin.backend}-needs-backend`,
      `Without -B, a ${mode} clone of ${article(origin.backend)} ${origin.backend} container${where} is ${pick.backend} (LXC's default), and ${pick.reason} ${ask}.`
    )
  }
  if (!pick.allowed)
    throw refused(
      `${mode}-${origin.backend}-to-${pick.backend}`,
      say(`${mode}-clone-impossible`, { a: article(origin.backend), origin: origin.backend, backend: pick.backend, why: pick.said ?? pick.reason ?? '' })
    )
  return pick.backend
}
