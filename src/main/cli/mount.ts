// `strata mount`: a container's rootfs at a private mountpoint, read-only unless asked.
import { defaultLxcpaths } from '../engine/global-config'
import { mountContainer } from '../engine/container-mount'
import { cleanStaleMounts, listStrataMounts } from '../engine/mount'
import { containerNameArg, CONTAINER_OPTIONS, parseOptions, printJson, type Command } from './command'
import { writeStdout } from './output'

const usage = `Usage: strata mount -n NAME [-P LXCPATH] [--path DIR] [--rw]
       strata mount --list [--json]
       strata mount --clean

Mounts the container's rootfs (any backend) read-only at a private mountpoint under Strata's run
directory (or at --path DIR, an empty directory) and prints the mountpoint. --rw mounts it
read-write, which is refused while the container runs. --list shows what Strata has mounted
(from /proc/self/mountinfo); --clean unmounts what a crash or a removed container left behind.`

const command: Command = {
  usage,
  async run(args) {
    const opts = parseOptions(args, {
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
    const m = await mountContainer({ lxcpath, name }, { path: opts.path, readWrite: opts.rw ?? false })
    if (opts.json) printJson(m)
    else writeStdout(`${m.mountpoint}\n`)
    return 0
  }
}
export default command
