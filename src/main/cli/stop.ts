// `strata stop`
import { DEFAULT_STOP_TIMEOUT_S, stopContainer } from '../engine/ops/lifecycle'
import { lifecycleCommand, STOP_OPTIONS, timeoutArg } from './lifecycle-command'

const usage = `Usage: strata stop -n NAME [-P LXCPATH] [-t TIMEOUT] [-k]

Stops the container as lxc-stop does: asks it to shut down cleanly and kills it after TIMEOUT
seconds (default ${DEFAULT_STOP_TIMEOUT_S}; -1 waits for ever). A frozen container is unfrozen first, so it can shut
down. Refused when it is not running.
  -t, --timeout TIMEOUT   seconds to wait for a clean shutdown before killing it
  -k, --kill              kill it at once, without a clean shutdown`

export default lifecycleCommand(
  'stop',
  usage,
  STOP_OPTIONS,
  (ref, o, ctx) => stopContainer(ref, { timeout: timeoutArg(o.timeout), kill: o.kill }, ctx),
  (ref) => `Stopped ${ref.name}`
)
