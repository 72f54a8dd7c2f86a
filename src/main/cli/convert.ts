// `strata convert`
import { convertAufsToOverlay } from '../engine/ops/convert'
import { containerOpCommand } from './progress'

const usage = `Usage: strata convert -n NAME [-P LXCPATH]

Migrates an aufs clone (LXC <= 2.x; this kernel has no aufs) to overlay: the upper is copied to
overlay/delta, .wh.NAME becomes an overlay whiteout, .wh..wh..opq the opaque xattr.`

export default containerOpCommand(usage, convertAufsToOverlay, (ref) => `Converted ${ref.name} in ${ref.lxcpath}`)
