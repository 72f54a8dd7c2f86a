// `strata umount`: undoes `strata mount`.
import { defaultLxcpaths } from '../engine/global-config'
import { refused } from '@shared/errors'
import { unmountContainer } from '../engine/container-mount'
import { containerNameArg, CONTAINER_OPTIONS, parseOptions, type Command } from './command'

const usage = `Usage: strata umount -n NAME [-P LXCPATH]

Unmounts what \`strata mount\` mounted for the container. Exits 1 when Strata had nothing mounted for it.`

const command: Command = {
  usage,
  async run(args) {
    const opts = parseOptions(args, CONTAINER_OPTIONS)
    const ref = { lxcpath: opts.lxcpath ?? defaultLxcpaths()[0]!, name: containerNameArg(opts.name) }
    if (await unmountContainer(ref)) return 0
    throw refused('not-mounted', `Strata has nothing mounted for ${ref.lxcpath}/${ref.name}`, `${ref.lxcpath}/${ref.name}`)
  }
}
export default command
