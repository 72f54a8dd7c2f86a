// The root helper's cost: `listContainers` through the real pkexec'd helper (polkitd and a system
// dbus-daemon as the helper tests start them; the client runs as an unprivileged user that a
// polkit rule allows) against the same call in this process, on a 20- and a 500-container
// lxcpath, in alternating rounds. Added cost a call = through the helper - in process (target < 5 ms).
// Root only; skipped where the polkit fixture cannot run (it says why). Env: BENCH_RUNS (calls a round, 10).
import { spawn } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { build } from 'esbuild'
import { generateLxcpath, loadEngineModule, median, timeCall } from './lib.mjs'

const RUNS = Number(process.env.BENCH_RUNS || 10)
const ROUNDS = 5
const fixture = await loadEngineModule('test/helper/polkit-fixture.ts', {
  external: ['esbuild'],
  define: { 'import.meta.dirname': JSON.stringify(resolve('test/helper')) }
})
const skip = fixture.polkitSkipReason()
if (skip) {
  console.log(`helper.bench: skipped: ${skip}`)
  process.exit(0)
}
const { allowLxcpaths } = await loadEngineModule('test/helper/allow-list.ts')
const engine = await loadEngineModule('src/main/engine/lxcpath.ts')

/** The timing client as `user`, started on `P`; `round(n)` answers one round's figures. */
function startClient(script, user, P) {
  const child = spawn('setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', 'node', script, P], { cwd: '/', stdio: ['pipe', 'pipe', 'inherit'] })
  const waiting = []
  const exited = new Promise((r) => child.on('exit', r))
  createInterface({ input: child.stdout }).on('line', (l) => waiting.shift()?.(JSON.parse(l)))
  const next = () =>
    Promise.race([new Promise((r) => waiting.push(r)), exited.then((code) => Promise.reject(new Error(`the timing client exited (${code})`)))])
  return {
    hello: next(),
    round: (n) => (child.stdin.write(`${n}\n`), next()),
    stop: () => (child.stdin.end(), exited)
  }
}

const lxcpaths = []
let fx
let unlist
const clients = []
try {
  fx = await fixture.startPolkit()
  // the timing client, bundled where the test user can read it (the fixture's own work dir)
  const script = join(dirname(fx.driver), 'helper-roundtrip.mjs')
  await build({
    entryPoints: [resolve('bench/fixtures/helper-roundtrip.ts')],
    outfile: script,
    bundle: true,
    format: 'esm',
    platform: 'node',
    alias: { '@shared': resolve('src/shared') },
    banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
    logLevel: 'warning'
  })
  chmodSync(script, 0o644)
  for (const count of [20, 500]) {
    const P = mkdtempSync(join(tmpdir(), `strata-bench-helper-${count}-`)) // 0700, root's: the user cannot read it
    lxcpaths.push(P)
    generateLxcpath(P, count, 10)
  }
  unlist = await allowLxcpaths(lxcpaths)
  const met = (ms) => (ms < 5 ? '(target < 5 ms: met)' : '(target < 5 ms: MISSED)')
  for (const P of lxcpaths) {
    const client = startClient(script, fx.allowed, P)
    clients.push(client)
    const { startMs, count } = await client.hello
    const t = { inProcess: [], one: [], piped: [] }
    for (let r = 0; r < ROUNDS; r++) {
      t.inProcess.push(await timeCall(() => engine.listContainers([P]), { runs: RUNS, warmup: r === 0 ? 30 : 0 }))
      const h = await client.round(RUNS)
      t.one.push(h.oneMs)
      t.piped.push(h.pipelinedMs)
    }
    await client.stop()
    const inProcess = median(t.inProcess)
    const one = median(t.one)
    const piped = median(t.piped)
    const peer = `peer(same call in process) ${inProcess.toFixed(2)} ms`
    console.log(`helper listContainers ${count} containers, one call at a time: strata ${one.toFixed(2)} ms | ${peer} | added ${(one - inProcess).toFixed(2)} ms a call ${met(one - inProcess)}`)
    console.log(`helper listContainers ${count} containers, ${RUNS} pipelined: strata ${piped.toFixed(2)} ms a call | ${peer} | added ${(piped - inProcess).toFixed(2)} ms a call ${met(piped - inProcess)}`)
    console.log(`helper start through pkexec + polkit (once a session): ${startMs.toFixed(0)} ms`)
  }
} finally {
  for (const c of clients) await c.stop().catch(() => undefined)
  await unlist?.()
  for (const P of lxcpaths) rmSync(P, { recursive: true, force: true })
  await fx?.cleanup()
}
