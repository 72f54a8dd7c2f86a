// `npm run bench`: runs every bench/*.bench.mjs in its own process, in name order.
// Each prints one line per figure: strata's time, the peer tool's time in the same run, and the ratio.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'

const only = process.argv.slice(2)
const files = readdirSync('bench')
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort()
let failed = 0
for (const file of files) {
  console.log(`# ${file}`)
  const r = spawnSync('node', [`bench/${file}`], { stdio: 'inherit' })
  if (r.status !== 0) failed++
}
process.exitCode = failed ? 1 : 0
