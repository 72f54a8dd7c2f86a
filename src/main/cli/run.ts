// The plain CLI's entry (out/cli/strata.cjs, which bin/strata loads): runs the command named
// by argv and ends the process as soon as it is done (warm/native.ts says why it ends so).
import { main } from './main'
import { exitNow } from './warm/native'

main(process.argv.slice(2)).then(
  (code) => exitNow(code),
  (err: unknown) => {
    process.stderr.write(`strata: ${err instanceof Error ? err.message : String(err)}\n`)
    exitNow(70)
  }
)
