// `strata destroy`: refuses while dependents exist (and lists them); --with-dependents removes the subtree, leaves first.
import { resolve } from 'node:path'
import { destroyContainer } from '../engine/ops/destroy'
import { containerNameArg, CONTAINER_OPTIONS, parseOptions, type Command } from './command'
import { engineCall, lxcpathOf, progressPrinter, recover } from './progress'
import { writeStdout } from './output'
import { needsRootHelper, withRootHelper } from './root-helper'

const usage = `Usage: strata destroy -n NAME [-P LXCPATH] [--with-dependents] [--delete-outside PATH]...

Destroys a container. Refused while clones or snapshots depend on it; the message lists them.
--with-dependents destroys them too, leaves first. Each destroyed clone is removed from its
origins' lxc_snapshots (exactly its own entry). The config's lxc.hook.destroy hooks run
first, as lxc-destroy runs them; a hook that fails keeps the container.
Refused, with nothing changed, while a filesystem is mounted inside the container or its
rootfs, or while \`strata mount\` has it mounted. A rootfs configured outside the container's
directory (lxc-create --dir, or another container's rootfs) is deleted with it, as
lxc-destroy does without asking; Strata asks: name that path with --delete-outside PATH.
In an lxcpath only root may write, the root helper destroys (through pkexec and polkit).`

const command: Command = {
  usage,
  async run(args) {
    const o = parseOptions(args, { ...CONTAINER_OPTIONS, 'with-dependents': { type: 'boolean' }, 'delete-outside': { type: 'string', multiple: true } })
    const name = containerNameArg(o.name)
    const lxcpath = lxcpathOf(o.lxcpath)
    const progress = progressPrinter()
    const opts = { withDependents: o['with-dependents'] ?? false, deleteOutside: o['delete-outside']?.map((p) => resolve(p)) }
    const ctx = (signal: AbortSignal) => ({ signal, onProgress: progress.onProgress, progressTotals: progress.progressTotals })
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
    const o = parseOptions(args, { ...CONTAINER_OPTIONS, 'with-dependents': { type: 'boolean' }, 'delete-outside': { type: 'string', multiple: true } })
    const name = containerNameArg(o.name)
    const progress = progressPrinter()
    const { destroyed } = await host
      .call('destroy', { lxcpath: host.lxcpathOf(o.lxcpath), name, withDependents: o['with-dependents'] ?? false, deleteOutside: o['delete-outside'] }, progress.onProgress)
      .finally(progress.done)
    for (const d of destroyed) writeStdout(`Destroyed ${d.lxcpath}/${d.name} on ${host.name}\n`)
    return 0
  }
}
export default command
