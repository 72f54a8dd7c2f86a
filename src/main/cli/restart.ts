// `strata restart`
import { restartContainer } from '../engine/ops/lifecycle'
import { lifecycleCommand, STOP_OPTIONS, timeoutArg } from './lifecycle-command'

const usage = `Usage: strata restart -n NAME [-P LXCPATH] [-t TIMEOUT] [-k]

Stops the container (as strata stop, with the same -t and -k) and starts it again. Refused when
it is not running, or frozen.`

export default lifecycleCommand(
  'restart',
  usage,
  STOP_OPTIONS,
  (ref, o, ctx) => restartContainer(ref, { timeout: timeoutArg(o.timeout), kill: o.kill }, ctx),
  (ref) => `Restarted ${ref.name}`
)
