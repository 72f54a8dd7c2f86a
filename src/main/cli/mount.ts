// `strata mount`: a container's rootfs at a private mountpoint, read-only unless asked. A non-root
// user's unprivileged container is mounted as `podman unshare` does it: a mount that outlives
// the command cannot exist outside a namespace, so the command runs in the user's namespace
// (main.ts, userns.ts), mounts it there and opens the user's shell (or runs -- COMMAND) in it;
// the mount goes when that shell exits.
import { spawn } from 'node:child_process'
import { usageError } from '@shared/errors'
import { defaultLxcpaths } from '../engine/global-config'
import { mountContainer, withPrivateMount } from '../engine/container-mount'
import { usernsOwner } from '../engine/identity'
import { cleanStaleMounts, listStrataMounts } from '../engine/mount'
import { containerNameArg, CONTAINER_OPTIONS, parseOptions, printJson, type Command } from './command'
import { writeStdout } from './output'

const usage = `Usage: strata mount -n NAME [-P LXCPATH] [--path DIR] [--rw]
       strata mount -n NAME [-P LXCPATH] [--rw] [-- COMMAND [ARG]...]   (a non-root user's unprivileged container)
       strata mount --list [--json]
       strata mount --clean

Mounts the container's rootfs (any backend) read-only at a private mountpoint under Strata's run
directory (or at --path DIR, an empty directory) and prints the mountpoint. --rw mounts it
read-write, which is refused while the container runs. --list shows what Strata has mounted
(from /proc/self/mountinfo); --clean unmounts what a crash or a removed container left behind.

As a non-root user, a container with an id map (lxc.idmap, as LXC's unprivileged containers
have) is mounted inside your user namespace, as LXC mounts it: Strata opens your shell there
(or runs COMMAND), in the mountpoint, whose path it prints and puts in STRATA_MOUNT. You are
the namespace's root, the files have the owners the container sees; the mount disappears when
the shell exits, and its exit status is Strata's.`

/** In the user's namespace: the rootfs mounted for as long as the shell (or command) runs there. */
async function mountInUserns(ref: { lxcpath: string; name: string }, readOnly: boolean, command: string[]): Promise<number> {
  return withPrivateMount(ref, readOnly, async (at) => {
    process.stderr.write(
      `strata mount: ${ref.lxcpath}/${ref.name} is mounted ${readOnly ? 'read-only' : 'read-write'} at ${at} inside your user namespace; it is unmounted when ${command.length ? 'the command' : 'this shell'} exits.\n`
    )
    const argv = command.length ? command : [process.env.SHELL || '/bin/sh']
    const child = spawn(argv[0]!, argv.slice(1), { stdio: 'inherit', cwd: at, env: { ...process.env, STRATA_MOUNT: at } })
    // the shell's own Ctrl-C is its business: Strata waits for it to end, then unmounts
    const ignore = (): void => undefined
    process.on('SIGINT', ignore)
    try {
      return await new Promise<number>((resolve, reject) => {
        child.once('error', (err) => reject(usageError(`cannot run ${argv[0]}: ${err.message}`)))
        child.once('exit', (code, signal) => resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 2)))
      })
    } finally {
      process.off('SIGINT', ignore)
    }
  })
}

const command: Command = {
  usage,
  async run(args) {
    const dashes = args.indexOf('--')
    const run = dashes < 0 ? [] : args.slice(dashes + 1)
    const opts = parseOptions(dashes < 0 ? args : args.slice(0, dashes), {
      ...CONTAINER_OPTIONS,
      path: { type: 'string' },
      rw: { type: 'boolean' },
      list: { type: 'boolean' },
      clean: { type: 'boolean' },
      json: { type: 'boolean' }
    })
    if (opts.list) {
      const mounts = listStrataMounts()
      if (opts.json) printJson(mounts)
      else for (const m of mounts) writeStdout(`${m.ref.lxcpath}/${m.ref.name}\t${m.mountpoint}\t${m.readOnly ? 'ro' : 'rw'}\t${m.purpose}\n`)
      return 0
    }
    if (opts.clean) {
      for (const s of await cleanStaleMounts()) writeStdout(`cleaned ${s.mountpoint}: ${s.reason}\n`)
      return 0
    }
    const name = containerNameArg(opts.name)
    const lxcpath = opts.lxcpath ?? defaultLxcpaths()[0]!
    if (usernsOwner() !== null) {
      if (opts.path !== undefined) throw usageError('--path is for a mount that stays (root\'s): in your user namespace the mount lives as long as the shell Strata opens there, at a directory of its own')
      return mountInUserns({ lxcpath, name }, !opts.rw, run)
    }
    if (run.length) throw usageError('-- COMMAND runs a command where a non-root user\'s unprivileged container is mounted (in their user namespace); this mount stays until `strata umount`, so run the command on the printed mountpoint')
    const m = await mountContainer({ lxcpath, name }, { path: opts.path, readWrite: opts.rw ?? false })
    if (opts.json) printJson(m)
    else writeStdout(`${m.mountpoint}\n`)
    return 0
  }
}
export default command
