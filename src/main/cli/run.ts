// The plain CLI's entry (out/cli/strata.cjs, which bin/strata loads): runs the command named
// by argv and ends the process as soon as it is done (warm/native.ts says why it ends so).
import { main } from './main'
import { exitNow } from './warm/native'

// Node ends a process with status 0 once nothing is left to wait for, whatever its promises:
// a command stalled on a promise nothing will settle would look like a success having done
// nothing. It is a failure, and says so.
process.once('beforeExit', () => {
  process.stderr.write(`strata: internal error: ${process.argv[2] ?? 'the command'} stopped before it finished (nothing was left to wait for)\n`)
  exitNow(70)
})

main(process.argv.slice(2)).then(
  (code) => exitNow(code),
  (err: unknown) => {
    process.stderr.write(`strata: ${err instanceof Error ? err.message : String(err)}\n`)
    exitNow(70)
  }
)
