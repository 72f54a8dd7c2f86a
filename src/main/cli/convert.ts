// `strata convert`
import { convertAufsToOverlay } from '../engine/ops/convert'
import { CliError, parseOptions, type Command } from './command'
import { engineCall, lxcpathOf, progressPrinter, recover } from './progress'

const usage = `Usage: strata convert -n NAME [-P LXCPATH]

Migrates an aufs clone (LXC <= 2.x; this kernel has no aufs) to overlay: the upper is copied to
overlay/delta, .wh.NAME becomes an overlay whiteout, .wh..wh..opq the opaque xattr.`

const command: Command = {
  usage,
  async run(args) {
    const o = parseOptions(args, { name: { type: 'string', short: 'n' }, lxcpath: { type: 'string', short: 'P' } })
    if (!o.name) throw new CliError('-n NAME is required.')
    const lxcpath = lxcpathOf(o.lxcpath)
    await recover([lxcpath])
    const progress = progressPrinter()
    await engineCall((signal) => convertAufsToOverlay({ lxcpath, name: o.name! }, { signal, onProgress: progress.onProgress, progressTotals: progress.progressTotals })).finally(progress.done)
    process.stdout.write(`Converted ${o.name} in ${lxcpath}\n`)
    return 0
  }
}
export default command
