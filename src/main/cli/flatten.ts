// `strata flatten`
import { flattenContainer } from '../engine/ops/flatten'
import { containerOpCommand } from './progress'

const usage = `Usage: strata flatten -n NAME [-P LXCPATH]

Turns an overlay clone into a standalone dir container (its merged tree), so that its origin
can be destroyed. LXC has no such operation. The container is swapped in atomically.`

export default containerOpCommand(usage, flattenContainer, (ref) => `Flattened ${ref.name} in ${ref.lxcpath}`)
