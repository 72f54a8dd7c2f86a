// `strata flatten`
import { flattenContainer } from '../engine/ops/flatten'
import { CliError, parseOptions, type Command } from './command'
import { engineCall, lxcpathOf, progressPrinter, recover } from './progress'

const usage = `Usage: strata flatten -n NAME [-P LXCPATH]

Turns an overlay clone into a standalone dir container (its merged tree), so that its origin
can be destroyed. LXC has no such operation. The container is swapped in atomically.`

const command: Command = {
  usage,
  async run(args) {
    const o = parseOptions(args, { name: { type: 'string', short: 'n' }, lxcpath: { type: 'string', short: 'P' } })
    if (!o.name) throw new CliError('-n NAME is required.')
    const lxcpath = lxcpathOf(o.lxcpath)
    await recover([lxcpath])
    const progress = progressPrinter()
    await engineCall((signal) => flattenContainer({ lxcpath, name: o.name! }, { signal, onProgress: progress.onProgress, progressTotals: progress.progressTotals })).finally(progress.done)
    process.stdout.write(`Flattened ${o.name} in ${lxcpath}\n`)
    return 0
  }
}
export default command
