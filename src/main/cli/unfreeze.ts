// `strata unfreeze`
import { unfreezeContainer } from '../engine/ops/lifecycle'
import { CONTAINER_OPTIONS } from './command'
import { lifecycleCommand } from './lifecycle-command'

const usage = `Usage: strata unfreeze -n NAME [-P LXCPATH]

Thaws a frozen container, as lxc-unfreeze does.`

export default lifecycleCommand('unfreeze', usage, CONTAINER_OPTIONS, (ref, _o, ctx) => unfreezeContainer(ref, ctx), (ref) => `Unfroze ${ref.name}`)
