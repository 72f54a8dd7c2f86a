// `strata start`
import { startContainer } from '../engine/ops/lifecycle'
import { CONTAINER_OPTIONS } from './command'
import { lifecycleCommand } from './lifecycle-command'

const usage = `Usage: strata start -n NAME [-P LXCPATH]

Starts the container in the background, as lxc-start -d does. Refused when it is not stopped.
When the config sets no lxc.log.file, LXC is asked for a debug log in <LXCPATH>/<NAME>/<NAME>.log.
If it does not start, the log lines of that start are printed (errors first) with the known
causes in words (an overlay clone whose origin was removed, a missing bridge, ...).`

export default lifecycleCommand('start', usage, CONTAINER_OPTIONS, (ref, _o, ctx) => startContainer(ref, ctx), (ref) => `Started ${ref.name}`)
