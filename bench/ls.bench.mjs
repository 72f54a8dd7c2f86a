// `strata ls --json` against `lxc-ls -f` on a generated lxcpath of 500 containers (a mix of dir
// containers and overlay snapshot clones, with LXC's bookkeeping), both as whole processes, and
// the engine's own listing of the same lxcpath once warm.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateLxcpath, loadEngineModule, report, timeCall, timeProcess } from './lib.mjs'

const COUNT = 500
const PER_BASE = 10 // every tenth container is a dir base; the others are overlay clones of one

const P = mkdtempSync(join(tmpdir(), 'strata-bench-ls-'))
try {
  generateLxcpath(P, COUNT, PER_BASE)
  const listed = execFileSync('lxc-ls', ['-P', P, '-1'], { encoding: 'utf8' }).split('\n').filter(Boolean)
  if (listed.length !== COUNT) throw new Error(`generated ${listed.length} containers, expected ${COUNT}`)
  const strataOut = JSON.parse(execFileSync('bin/strata', ['ls', '-P', P, '--json'], { encoding: 'utf8' }))
  if (strataOut.length !== COUNT) throw new Error(`strata listed ${strataOut.length}`)

  const peerMs = timeProcess(['lxc-ls', '-P', P, '-f'])
  const cliMs = timeProcess(['bin/strata', 'ls', '-P', P, '--json'])
  // bin/strata starts Node without NODE_EXTRA_CA_CERTS (see its comment), so the floor is measured so too
  const nodeMs = timeProcess(['env', '-u', 'NODE_EXTRA_CA_CERTS', 'node', '-e', '0'])
  report(`ls ${COUNT} containers, whole process`, cliMs, 'lxc-ls -f', peerMs, 1.5)
  report(`node start-up alone, as bin/strata starts it (for scale)`, nodeMs, 'lxc-ls -f', peerMs)
  if (process.env.NODE_EXTRA_CA_CERTS) report(`node start-up alone with NODE_EXTRA_CA_CERTS set (for scale)`, timeProcess(['node', '-e', '0']), 'lxc-ls -f', peerMs)

  const engine = await loadEngineModule('src/main/engine/lxcpath.ts')
  // Warm: V8 has optimised the listing's functions, which takes a few dozen listings (the app's
  // engine lists on every change); the first few run in the interpreter at about 1.5x this.
  const warmMs = await timeCall(async () => engine.containerInfos(await engine.scanLxcpaths([P])), { warmup: 30 })
  const verdict = warmMs < 10 ? '(target < 10 ms: met)' : '(target < 10 ms: MISSED)'
  console.log(`ls ${COUNT} containers, warm engine in-process: strata ${warmMs.toFixed(1)} ms | peer(lxc-ls -f process) ${peerMs.toFixed(1)} ms | ratio ${(warmMs / peerMs).toFixed(2)}x  ${verdict}`)
} finally {
  rmSync(P, { recursive: true, force: true })
}
