// `strata umount`: undoes `strata mount`.
import { defaultLxcpaths } from '../engine/global-config'
import { unmountContainer } from '../engine/container-mount'
import { MountError } from '../engine/mount'
import { CliError, containerNameArg, CONTAINER_OPTIONS, parseOptions, type Command } from './command'

const usage = `Usage: strata umount -n NAME [-P LXCPATH]

Unmounts what \`strata mount\` mounted for the container. Exits 1 when Strata had nothing mounted for it.`

const command: Command = {
  usage,
  async run(args) {
    const opts = parseOptions(args, CONTAINER_OPTIONS)
    const ref = { lxcpath: opts.lxcpath ?? defaultLxcpaths()[0]!, name: containerNameArg(opts.name) }
    try {
      if (await unmountContainer(ref)) return 0
    } catch (err) {
      if (err instanceof MountError) throw new CliError(err.message, 1)
      throw err
    }
    throw new CliError(`Strata has nothing mounted for ${ref.lxcpath}/${ref.name}`, 1)
  }
}
export default command
