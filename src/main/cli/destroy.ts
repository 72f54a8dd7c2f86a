// `strata destroy`: refuses while dependents exist (and lists them); --with-dependents removes the
// subtree, leaves first. Several names (-n a -n b) destroy a set by the engine's set plan, the
// one the app's multi-selection uses: what can go goes, leaves first; what stays is told why.
import { resolve } from 'node:path'
import type { ContainerRef, DestroySetPlan } from '@shared/model'
import { errorData, usageError } from '@shared/errors'
import { destroyContainer } from '../engine/ops/destroy'
import { destroySetPlan } from '../engine/ops/destroy-set'
import { containerNameArg, CONTAINER_OPTIONS, parseOptions, type Command } from './command'
import { EXIT_STATUS } from './exit-status'
import { engineCall, lxcpathOf, progressPrinter, recover } from './progress'
import { writeStdout } from './output'
import { needsRootHelper, withRootHelper } from './root-helper'

const usage = `Usage: strata destroy -n NAME [-P LXCPATH] [--with-dependents] [--delete-outside PATH]...
       strata destroy -n NAME -n NAME... [-P LXCPATH] [--delete-outside PATH]...

Destroys a container. Refused while clones or snapshots depend on it; the message lists them.
--with-dependents destroys them too, leaves first. Each destroyed clone is removed from its
origins' lxc_snapshots (exactly its own entry). The config's lxc.hook.destroy hooks run
first, as lxc-destroy runs them; a hook that fails keeps the container.
Refused, with nothing changed, while a filesystem is mounted inside the container or its
rootfs, or while \`strata mount\` has it mounted. A rootfs configured outside the container's
directory (lxc-create --dir, or another container's rootfs) is deleted with it, as
lxc-destroy does without asking; Strata asks: name that path with --delete-outside PATH.
In an lxcpath only root may write, the root helper destroys (through pkexec and polkit).

With several -n NAME, it first prints the plan: what goes (leaves first, each with its own
snapshots) and what stays, and why: a clone or snapshot outside the set depends on it, or it
is running. Then it destroys what goes, in that order, and stops at the first failure. The
exit status is 1 when anything named stayed.`

/** The plan's lines: what goes, in order, and what stays with the reason. */
function planText(plan: DestroySetPlan, lxcpath: string): string {
  const shown = (r: ContainerRef): string => (r.lxcpath === lxcpath ? r.name : `${r.lxcpath}/${r.name}`)
  const goes = plan.order.map((s) => (s.snapshots.length ? `${shown(s.ref)} (with ${s.snapshots.map((n) => n.name).join(', ')})` : shown(s.ref)))
  const lines = [goes.length ? `Destroys, leaves first: ${goes.join(', ')}` : 'Destroys nothing.']
  for (const r of plan.refused) lines.push(`Stays: ${shown(r.ref)}: ${r.message}`)
  return `${lines.join('\n')}\n`
}

type Destroy = (ref: ContainerRef, withDependents: boolean) => Promise<{ destroyed: ContainerRef[] }>

/** Carries out a set plan; the exit status: 0 when all went, 1 when some stayed, else the failure's. */
async function destroySet(plan: DestroySetPlan, lxcpath: string, destroy: Destroy, where = ''): Promise<number> {
  writeStdout(planText(plan, lxcpath))
  for (const step of plan.order) {
    let destroyed: ContainerRef[]
    try {
      destroyed = (await destroy(step.ref, step.snapshots.length > 0)).destroyed
    } catch (err) {
      // what it depends on would be refused now: the rest stays as it is
      const e = errorData(err)
      process.stderr.write(`strata destroy: ${e.message}\nstrata destroy: stopped at ${step.ref.name}; the rest of the set is kept.\n`)
      return EXIT_STATUS[e.code]
    }
    for (const d of destroyed) writeStdout(`Destroyed ${d.lxcpath}/${d.name}${where}\n`)
  }
  return plan.refused.length > 0 ? EXIT_STATUS.refused : 0
}

const OPTIONS = {
  ...CONTAINER_OPTIONS,
  name: { type: 'string', short: 'n', multiple: true },
  'with-dependents': { type: 'boolean' },
  'delete-outside': { type: 'string', multiple: true }
} as const

/** The names given: one or more; --with-dependents only with one (a set names what goes). */
function namesOf(o: { name?: string[]; 'with-dependents'?: boolean }): string[] {
  const names = [...new Set((o.name ?? [undefined]).map((n) => containerNameArg(n)))]
  if (names.length > 1 && o['with-dependents']) throw usageError('--with-dependents takes one -n NAME: with several, name every container that is to go.')
  return names
}

const command: Command = {
  usage,
  async run(args) {
    const o = parseOptions(args, OPTIONS)
    const names = namesOf(o)
    const lxcpath = lxcpathOf(o.lxcpath)
    const progress = progressPrinter()
    const deleteOutside = o['delete-outside']?.map((p) => resolve(p))
    const ctx = (signal: AbortSignal) => ({ signal, onProgress: progress.onProgress, progressTotals: progress.progressTotals })
    if (names.length > 1) {
      if (needsRootHelper([lxcpath], 'write')) {
        return await withRootHelper([lxcpath], async (helper) =>
          destroySet(await helper.call('destroySetPlan', { lxcpath, names }), lxcpath, (ref, withDependents) =>
            engineCall((signal) => helper.call('destroy', { ...ref, withDependents, deleteOutside }, ctx(signal))).finally(progress.done)
          )
        )
      }
      await recover([lxcpath])
      return destroySet(await destroySetPlan(lxcpath, names), lxcpath, (ref, withDependents) =>
        engineCall((signal) => destroyContainer(ref, { withDependents, deleteOutside }, ctx(signal))).finally(progress.done)
      )
    }
    const name = names[0]!
    const opts = { withDependents: o['with-dependents'] ?? false, deleteOutside }
    let destroyed
    if (needsRootHelper([lxcpath], 'write')) {
      // the helper recovers interrupted work in its lxcpaths itself when it starts
      destroyed = await withRootHelper([lxcpath], (helper) => engineCall((signal) => helper.call('destroy', { lxcpath, name, ...opts }, ctx(signal))))
        .finally(progress.done)
        .then((r) => r.destroyed)
    } else {
      await recover([lxcpath])
      destroyed = await engineCall((signal) => destroyContainer({ lxcpath, name }, opts, ctx(signal)))
        .finally(progress.done)
        .then((r) => r.destroyed)
    }
    for (const d of destroyed) writeStdout(`Destroyed ${d.lxcpath}/${d.name}\n`)
    return 0
  },
  async remote(args, host) {
    const o = parseOptions(args, OPTIONS)
    const names = namesOf(o)
    const progress = progressPrinter()
    const lxcpath = host.lxcpathOf(o.lxcpath)
    const deleteOutside = o['delete-outside']
    if (names.length > 1) {
      return destroySet(
        await host.call('destroySetPlan', { lxcpath, names }),
        lxcpath,
        (ref, withDependents) => host.call('destroy', { ...ref, withDependents, deleteOutside }, progress.onProgress).finally(progress.done),
        ` on ${host.name}`
      )
    }
    const name = names[0]!
    const { destroyed } = await host
      .call('destroy', { lxcpath, name, withDependents: o['with-dependents'] ?? false, deleteOutside }, progress.onProgress)
      .finally(progress.done)
    for (const d of destroyed) writeStdout(`Destroyed ${d.lxcpath}/${d.name} on ${host.name}\n`)
    return 0
  }
}
export default command
