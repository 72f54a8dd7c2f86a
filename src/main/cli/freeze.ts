// `strata freeze`
import { freezeContainer } from '../engine/ops/lifecycle'
import { CONTAINER_OPTIONS } from './command'
import { lifecycleCommand } from './lifecycle-command'

const usage = `Usage: strata freeze -n NAME [-P LXCPATH]

Freezes every process of a running container, as lxc-freeze does (strata unfreeze thaws them).`

export default lifecycleCommand('freeze', usage, CONTAINER_OPTIONS, (ref, _o, ctx) => freezeContainer(ref, ctx), (ref) => `Froze ${ref.name}`)
