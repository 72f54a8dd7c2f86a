// `strata clone`: lxc-copy's flags.
import { usageError } from '@shared/errors'
import { cloneBackendNamed } from '../engine/drivers/compat'
import { cloneContainer } from '../engine/ops/clone'
import { containerNameArg, parseCommandLine, usageRule, type Command } from './command'
import { engineCall, lxcpathOf, progressPrinter, recover } from './progress'
import { writeStdout } from './output'
import { markPhase } from './phases'
import { needsRootHelper, withRootHelper } from './root-helper'

const usage = `Usage: strata clone -o ORIG -n NEW [-s] [-B BACKEND] [-p ORIG_LXCPATH] [-P NEW_LXCPATH] [--expand-config] [--allow-lossy] [-- HOOK_ARGS...]

Copy clone (a standalone copy) or, with -s, a snapshot clone: overlay over the origin's
rootfs (a clone of an overlay clone keeps the original base as its lower and copies the
upper), a btrfs subvolume snapshot, or a zfs clone of a snapshot of the origin's dataset.
Bookkeeping (lxc_rdepends, lxc_snapshots) is written as LXC 5 writes it, so lxc-destroy refuses
to destroy an origin that overlay clones read (zfs itself refuses for zfs clones).
  -B dir|overlay|btrfs|zfs|loop
                        backend; default: LXC's rule (a snapshot of dir is overlay, of btrfs
                        btrfs, of zfs zfs; a copy keeps the origin's type in its own lxcpath, and is dir
                        in another; a copy of an overlay clone in its own lxcpath needs -B dir).
                        none and best are for create only
  --expand-config       write the flattened config (includes inlined), as LXC 1.0 did
  --allow-lossy         copy into storage that keeps no extended attributes (zfs-fuse) even
                        though the origin has some: its POSIX ACLs, file capabilities and other
                        xattrs are dropped. Without it such a clone is refused before anything
                        is made (rule clone-loses-xattrs), naming the first file that has one
  --member MEMBER       on an LXD cluster (--host): the member to place the clone on
The new config's lxc.hook.clone hooks run on the new rootfs before it is registered, with
HOOK_ARGS, as lxc-copy runs them; a hook that fails leaves no clone behind.
Into or from an lxcpath only root may write, the root helper clones (through pkexec and
polkit; HOOK_ARGS cannot be passed to it).`

const CLONE_OPTIONS = {
  orig: { type: 'string', short: 'o' },
  name: { type: 'string', short: 'n' },
  snapshot: { type: 'boolean', short: 's' },
  backend: { type: 'string', short: 'B' },
  origpath: { type: 'string', short: 'p' },
  newpath: { type: 'string', short: 'P' },
  'expand-config': { type: 'boolean' },
  'allow-lossy': { type: 'boolean' },
  member: { type: 'string' }
} as const

function parse(args: string[]) {
  const { values: o, positionals: hookArgs } = parseCommandLine(args, CLONE_OPTIONS)
  if (!o.orig || !o.name) throw usageError('-o ORIG and -n NEW are required.')
  containerNameArg(o.orig, '-o ORIG')
  containerNameArg(o.name, '-n NEW')
  const backend = o.backend === undefined ? undefined : usageRule(() => cloneBackendNamed(o.backend!))
  return { o: { ...o, orig: o.orig, name: o.name }, hookArgs, backend }
}

const command: Command = {
  usage,
  async run(args) {
    const { o, hookArgs, backend } = parse(args)
    if (o.member) throw usageError('--member places a clone on a member of an LXD cluster (with --host); this computer has no members.')
    const originPath = lxcpathOf(o.origpath)
    const newPath = o.newpath === undefined ? originPath : lxcpathOf(o.newpath)
    const origin = { lxcpath: originPath, name: o.orig }
    const choices = { name: o.name, lxcpath: newPath, snapshot: o.snapshot ?? false, backend, expandConfig: o['expand-config'] ?? false, ...(o['allow-lossy'] ? { allowLossy: true } : {}) }
    const progress = progressPrinter()
    if (needsRootHelper([originPath, newPath], 'write')) {
      if (hookArgs.length > 0) throw usageError('HOOK_ARGS cannot be passed to the root helper, which clones in an lxcpath only root may write.')
      // the helper recovers interrupted work in its lxcpaths itself when it starts
      const ref = await withRootHelper([originPath, newPath], (helper) =>
        engineCall((signal) => helper.call('clone', { origin, ...choices }, { signal, onProgress: progress.onProgress }))
      ).finally(progress.done)
      writeStdout(`Created ${ref.name} in ${ref.lxcpath} from ${o.orig}.\n`)
      return 0
    }
    await recover([originPath, newPath])
    markPhase('recovery-check')
    const ref = await engineCall((signal) =>
      cloneContainer({ origin, ...choices, hookArgs }, { signal, onProgress: progress.onProgress, progressTotals: progress.progressTotals })
    ).finally(progress.done)
    markPhase('clone')
    writeStdout(`Created ${ref.name} in ${ref.lxcpath} from ${o.orig}.\n`)
    markPhase('output')
    return 0
  },
  async remote(args, host) {
    const { o, hookArgs, backend } = parse(args)
    // the helper's clone method takes no hook arguments
    if (hookArgs.length) throw usageError('-- HOOK_ARGS are not passed to a remote host; run the clone there, or without them.')
    const originPath = host.lxcpathOf(o.origpath)
    const newPath = o.newpath === undefined ? originPath : host.lxcpathOf(o.newpath)
    const progress = progressPrinter()
    const ref = await host
      .call(
        'clone',
        {
          origin: { lxcpath: originPath, name: o.orig },
          name: o.name,
          lxcpath: newPath,
          snapshot: o.snapshot ?? false,
          backend,
          expandConfig: o['expand-config'] ?? false,
          ...(o['allow-lossy'] ? { allowLossy: true } : {}),
          ...(o.member ? { member: o.member } : {})
        },
        progress.onProgress
      )
      .finally(progress.done)
    writeStdout(`Created ${ref.name} in ${ref.lxcpath} on ${host.name} from ${o.orig}.\n`)
    return 0
  }
}
export default command
