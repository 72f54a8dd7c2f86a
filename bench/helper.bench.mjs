// The root helper's cost: `listContainers` through the real pkexec'd helper (polkitd and a system
// dbus-daemon as the helper tests start them; the client runs as an unprivileged user that a
// polkit rule allows) against the same call in this process, on a 20- and a 500-container
// lxcpath, in alternating rounds. Added cost a call = through the helper - in process (target < 5 ms).
// Twice: with nothing changed between calls (the app's polls, mostly), and with a real change
// before every call (a container's config rewritten, which flips its `legacy` flag: checked in
// every answer). CPU a call: the helper's (all its threads, from schedstat) and its client's,
// against the in-process call's.
// Root only; skipped where the polkit fixture cannot run (it says why). Env: BENCH_RUNS (calls a round, 10).
import { spawn } from 'node:child_process'
import { appendFileSync, chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
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

/** The timing client as `user`, started on `P`; `send(line)` answers its JSON reply. */
function startClient(script, user, P) {
  const child = spawn('setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', 'node', script, P], { cwd: '/', stdio: ['pipe', 'pipe', 'inherit'] })
  const waiting = []
  const exited = new Promise((r) => child.on('exit', r))
  createInterface({ input: child.stdout }).on('line', (l) => waiting.shift()?.(JSON.parse(l)))
  const next = () =>
    Promise.race([new Promise((r) => waiting.push(r)), exited.then((code) => Promise.reject(new Error(`the timing client exited (${code})`)))])
  return {
    hello: next(),
    send: (line) => (child.stdin.write(`${line}\n`), next()),
    stop: () => (child.stdin.end(), exited)
  }
}

/** CPU ms a process has used so far, all its threads, from /proc/<pid>/task/<tid>/schedstat (ns). */
function cpuOf(pid) {
  let ns = 0
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0])
    } catch {
      // the thread just ended
    }
  }
  return ns / 1e6
}
const ownCpuMs = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
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
    const { startMs, count, helperPid } = await client.hello
    // the change: one clone's config gains (or loses again) a LXC 2.0 key, so it lists as legacy
    const config = join(P, 'clone0-0/config')
    const original = readFileSync(config, 'utf8')
    let legacy = false
    const change = () => {
      legacy = !legacy
      if (legacy) appendFileSync(config, 'lxc.utsname = clone0-0\n')
      else writeFileSync(config, original)
    }
    const t = { inProcess: [], one: [], piped: [], cpuIn: [], cpuHelper: [], changedIn: [], changedHelper: [], cpuChangedIn: [], cpuChangedHelper: [] }
    for (let r = 0; r < ROUNDS; r++) {
      const c0 = ownCpuMs()
      t.inProcess.push(await timeCall(() => engine.listContainers([P]), { runs: RUNS, warmup: r === 0 ? 30 : 0 }))
      t.cpuIn.push((ownCpuMs() - c0) / RUNS)
      const h0 = cpuOf(helperPid)
      const h = await client.send(RUNS)
      t.one.push(h.oneMs)
      t.piped.push(h.pipelinedMs)
      t.cpuHelper.push(h.cpuMs + (cpuOf(helperPid) - h0) / (2 * RUNS))
      // a real change before each call, both sides
      let cpuIn = 0
      let cpuHelper = 0
      for (let i = 0; i < RUNS; i++) {
        change()
        const c1 = ownCpuMs()
        const t0 = performance.now()
        const infos = await engine.listContainers([P])
        t.changedIn.push(performance.now() - t0)
        cpuIn += ownCpuMs() - c1
        if (infos.filter((c) => c.legacy).length !== (legacy ? 1 : 0)) throw new Error('the change did not show in process')
        change()
        const h1 = cpuOf(helperPid)
        const once = await client.send('once')
        cpuHelper += cpuOf(helperPid) - h1 + once.cpuMs
        t.changedHelper.push(once.ms)
        if (once.legacy !== (legacy ? 1 : 0)) throw new Error('the change did not show through the helper')
      }
      t.cpuChangedIn.push(cpuIn / RUNS)
      t.cpuChangedHelper.push(cpuHelper / RUNS)
    }
    await client.stop()
    writeFileSync(config, original)
    const inProcess = median(t.inProcess)
    const one = median(t.one)
    const piped = median(t.piped)
    const peer = `peer(same call in process) ${inProcess.toFixed(2)} ms`
    const cpu = `CPU a call: helper + client ${median(t.cpuHelper).toFixed(2)} ms, in process ${median(t.cpuIn).toFixed(2)} ms`
    console.log(`helper listContainers ${count} containers, unchanged, one call at a time: strata ${one.toFixed(2)} ms | ${peer} | added ${(one - inProcess).toFixed(2)} ms a call ${met(one - inProcess)}; ${cpu}`)
    console.log(`helper listContainers ${count} containers, unchanged, ${RUNS} pipelined: strata ${piped.toFixed(2)} ms a call | ${peer} | added ${(piped - inProcess).toFixed(2)} ms a call ${met(piped - inProcess)}`)
    const cIn = median(t.changedIn)
    const cH = median(t.changedHelper)
    console.log(
      `helper listContainers ${count} containers, a container changed before each call: strata ${cH.toFixed(2)} ms | peer(same call in process, after its own change) ${cIn.toFixed(2)} ms | added ${(cH - cIn).toFixed(2)} ms a call ${met(cH - cIn)}; CPU a call: helper + client ${median(t.cpuChangedHelper).toFixed(2)} ms, in process ${median(t.cpuChangedIn).toFixed(2)} ms`
    )
    console.log(`helper start through pkexec + polkit (once a session): ${startMs.toFixed(0)} ms`)
  }
} finally {
  for (const c of clients) await c.stop().catch(() => undefined)
  await unlist?.()
  for (const P of lxcpaths) rmSync(P, { recursive: true, force: true })
  await fx?.cleanup()
}
