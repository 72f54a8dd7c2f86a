// Shared helpers for the benchmarks: timing whole processes and in-process calls, and printing
// one line per figure with the peer tool's time from the same run and the ratio.
import { spawnSync } from 'node:child_process'
import { build } from 'esbuild'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

export { generateLxcpath } from './generated-lxcpath.mjs'

export function median(values) {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

/**
 * Wall time of one run of a whole process, in ms; fails loudly if it fails. With `phases` (an
 * object), a strata process runs with STRATA_PHASES=1 and its marks (src/main/cli/phases.ts) are put there.
 */
export function timeSpawn(cmd, args, { phases } = {}) {
  const t = performance.now()
  const env = phases ? { ...process.env, STRATA_PHASES: '1' } : process.env
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env })
  const ms = performance.now() - t
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`)
  const line = r.stderr.split('\n').find((l) => l.startsWith('strata phases: '))
  if (phases && line) Object.assign(phases, JSON.parse(line.slice('strata phases: '.length)))
  return ms
}

/** Median wall time of a whole process, in ms, after one warm-up run; fails loudly if it fails. */
export function timeProcess(argv, { runs = 15, env } = {}) {
  const once = () => {
    const t0 = process.hrtime.bigint()
    const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } })
    const ms = Number(process.hrtime.bigint() - t0) / 1e6
    if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`)
    return ms
  }
  once()
  return median(Array.from({ length: runs }, once))
}

/**
 * Whole processes timed in turns (a, b, c, a, b, c, ...) so that each sees the same machine
 * load; one warm-up turn first. `commands`: name -> argv. Returns name -> median ms, and for a
 * strata command run with STRATA_PHASES=1 the median ms of each phase (src/main/cli/phases.ts):
 * `phases[name]` = [[phase, ms since the previous mark or the process start], ..., ['exit', ms]].
 */
export function timeInterleaved(commands, { runs = 15 } = {}) {
  const times = Object.fromEntries(Object.keys(commands).map((n) => [n, []]))
  const cpu = Object.fromEntries(Object.keys(commands).map((n) => [n, 0]))
  const marks = Object.fromEntries(Object.keys(commands).map((n) => [n, []]))
  for (let i = 0; i <= runs; i++) {
    for (const [name, argv] of Object.entries(commands)) {
      const cpu0 = childrenCpuMs()
      const t0 = process.hrtime.bigint()
      const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env: { ...process.env, STRATA_PHASES: '1' } })
      const ms = Number(process.hrtime.bigint() - t0) / 1e6
      if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`)
      if (i === 0) continue
      times[name].push(ms)
      cpu[name] += childrenCpuMs() - cpu0
      const line = r.stderr.split('\n').find((l) => l.startsWith('strata phases: '))
      if (line) marks[name].push({ ...JSON.parse(line.slice('strata phases: '.length)), exit: ms })
    }
  }
  const phases = {}
  for (const [name, list] of Object.entries(marks)) {
    if (!list.length) continue
    const order = Object.keys(list[0])
    phases[name] = order.map((p, k) => [p, median(list.map((m) => m[p] - (k ? m[order[k - 1]] : 0)))])
  }
  return {
    medians: Object.fromEntries(Object.entries(times).map(([n, t]) => [n, median(t)])),
    cpuMeans: Object.fromEntries(Object.entries(cpu).map(([n, c]) => [n, c / runs])),
    phases
  }
}

/**
 * CPU time (user + system) of this process's reaped children so far, in ms, from /proc/self/stat
 * (cutime, cstime; clock ticks of 10 ms). Summed over many runs it gives a per-run mean that the
 * machine's other load changes far less than it changes wall time.
 */
export function childrenCpuMs() {
  const stat = readFileSync('/proc/self/stat', 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // fields[0] is the 3rd field of stat (state): cutime and cstime are the 16th and 17th
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100
}

/** `phase a ms, phase b ms, ...` of timeInterleaved's phases (exit: from the last mark to the process's end as its parent saw it). */
export function phaseText(phases) {
  return phases.map(([p, ms]) => `${p} ${ms.toFixed(1)}`).join(', ')
}

/** Median time of an async function, in ms, after `warmup` calls. */
export async function timeCall(fn, { runs = 30, warmup = 3 } = {}) {
  for (let i = 0; i < warmup; i++) await fn()
  const times = []
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint()
    await fn()
    times.push(Number(process.hrtime.bigint() - t0) / 1e6)
  }
  return median(times)
}

/** `name: strata X ms | peer(tool) Y ms | ratio Z` (ratio = strata / peer; lower is better). */
export function report(name, strataMs, peer, peerMs, target) {
  const ratio = strataMs / peerMs
  const verdict = target === undefined ? '' : ratio <= target ? `  (target <= ${target}x: met)` : `  (target <= ${target}x: MISSED)`
  console.log(`${name}: strata ${strataMs.toFixed(1)} ms | peer(${peer}) ${peerMs.toFixed(1)} ms | ratio ${ratio.toFixed(2)}x${verdict}`)
}

/**
 * Bundles an engine module from src/ so a benchmark can call it in-process. The bundle lives
 * inside the package, as the app's does, so it finds the native addon the same way (from a
 * directory outside the package it would silently measure the pure-JS fallback).
 * `external`: packages left to Node (a test fixture's esbuild, which cannot be bundled);
 * `define`: e.g. a fixture's own `import.meta.dirname`, which a bundle elsewhere would change.
 */
export async function loadEngineModule(entry, { external = [], define = {} } = {}) {
  const cache = resolve('node_modules/.cache')
  mkdirSync(cache, { recursive: true })
  const outdir = mkdtempSync(join(cache, 'strata-bench-'))
  process.on('exit', () => rmSync(outdir, { recursive: true, force: true }))
  await build({
    entryPoints: [resolve(entry)],
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    outExtension: { '.js': '.mjs' },
    alias: { '@shared': resolve('src/shared') },
    external: ['execa', ...external],
    define,
    logLevel: 'warning'
  })
  const name = entry.split('/').pop().replace(/\.ts$/, '.mjs')
  return import(pathToFileURL(join(outdir, name)).href)
}

/**
 * Starts recording, in a Playwright page, the time between animation frames; `stop(skip)`
 * ends it and hands back the intervals without the first `skip` (the ones before the work began).
 */
/* global window, requestAnimationFrame -- recordFrames' functions run inside the page (page.evaluate) */
export async function recordFrames(page) {
  await page.evaluate(() => {
    window.__frames = []
    window.__stop = false
    let last = performance.now()
    const tick = (t) => {
      window.__frames.push(t - last)
      last = t
      if (!window.__stop) requestAnimationFrame(tick)
    }
    requestAnimationFrame(tick)
  })
  return { stop: (skip) => page.evaluate((n) => ((window.__stop = true), window.__frames.slice(n)), skip) }
}

/** The installed `strata`: the C client that hands each command to a warm worker (src/main/cli/warm). */
export const STRATA_CLIENT = resolve('build/Release/strata')

/** Pids of the warm workers serving `dir` (their command line names it). */
export function warmPids(dir) {
  const pids = []
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue
    try {
      const cmd = readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0')
      if (cmd.some((a) => a.endsWith('warm-worker.cjs')) && cmd[cmd.indexOf('--dir') + 1] === dir) pids.push(Number(e))
    } catch {
      // gone
    }
  }
  return pids
}

function cpuTicks(pid) {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ')
  return `${f[0]} ${Number(f[11]) + Number(f[12])}`
}

const sleepMs = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)

/**
 * Waits until one warm worker serves `dir` and it has gone idle (asleep, no CPU used for 30 ms) in
 * its wait for a command: its main thread in poll() on the one socket (syscall 7 on one fd, from
 * /proc). Asleep alone is not enough: during its warm-up it also sleeps on children and timers,
 * and a call made then waits for the warm-up to end (seconds on a loaded machine).
 */
export function waitWarmIdle(dir, timeoutMs = 20000) {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    const pids = warmPids(dir)
    if (pids.length === 1 && existsSync(join(dir, 'cli-warm.sock'))) {
      try {
        // Node itself (a successor is a shell until the command before it ends), asleep, its CPU time still
        const a = cpuTicks(pids[0])
        sleepMs(30)
        const call = readFileSync(`/proc/${pids[0]}/syscall`, 'utf8').split(' ')
        const polling = call[0] === '7' && call[2] === '0x1'
        if (readlinkSync(`/proc/${pids[0]}/exe`).includes('node') && polling && a.startsWith('S ') && cpuTicks(pids[0]) === a) return
      } catch {
        // it just ended
      }
    } else sleepMs(10)
  }
  throw new Error(`no idle warm worker for ${dir} within ${timeoutMs} ms`)
}

/** Stops the warm workers of `dir` (`strata warm stop`, then SIGKILL for any left) and waits until they are gone. */
export function stopWarm(dir) {
  spawnSync(STRATA_CLIENT, ['warm', 'stop'], { stdio: 'ignore', env: { ...process.env, STRATA_WARM_DIR: dir } })
  for (let i = 0; i < 200 && warmPids(dir).length; i++) sleepMs(10)
  for (const pid of warmPids(dir)) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // gone
    }
  }
}

/**
 * A 0700 directory for the bench's own warm worker (the client's STRATA_WARM_DIR, so that the
 * bench never uses or stops a user's), set in this process's environment; removed at exit.
 */
export function benchWarmDir() {
  const dir = mkdtempSync(join(tmpdir(), 'strata-bench-warm-'))
  process.env.STRATA_WARM_DIR = dir
  process.on('exit', () => {
    stopWarm(dir)
    rmSync(dir, { recursive: true, force: true })
  })
  return dir
}

/**
 * The installed client's calls, interleaved with `peers` (name -> argv, each timed right after):
 * the first call (no worker yet: the client runs the plain CLI and starts one in the
 * background) and warm calls, each made once the worker went idle. Medians in ms, and the warm
 * calls' phases (marks count from when the worker took the command; exit = the client's end).
 */
export function timeWarmClient(argv, dir, { runs = 10, peers = {} } = {}) {
  const t = { first: [], warm: [], ...Object.fromEntries(Object.keys(peers).map((n) => [n, []])) }
  const phases = []
  const once = (cmd, args) => {
    const t0 = process.hrtime.bigint()
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env: { ...process.env, STRATA_PHASES: '1' } })
    const ms = Number(process.hrtime.bigint() - t0) / 1e6
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
    const line = r.stderr.split('\n').find((l) => l.startsWith('strata phases: '))
    return { ms, marks: line ? { ...JSON.parse(line.slice('strata phases: '.length)), exit: ms } : null }
  }
  for (let i = 0; i < runs; i++) {
    stopWarm(dir)
    t.first.push(once(STRATA_CLIENT, argv).ms)
    waitWarmIdle(dir)
    once(STRATA_CLIENT, argv) // the first worker's command; the measured ones are its successors'
    for (let k = 0; k < 2; k++) {
      waitWarmIdle(dir)
      const r = once(STRATA_CLIENT, argv)
      t.warm.push(r.ms)
      if (r.marks) phases.push(r.marks)
      for (const [name, peer] of Object.entries(peers)) t[name].push(once(peer[0], peer.slice(1)).ms)
    }
  }
  const order = phases.length ? Object.keys(phases[0]) : []
  return {
    medians: Object.fromEntries(Object.entries(t).map(([n, v]) => [n, median(v)])),
    phases: order.map((p, k) => [p, median(phases.map((m) => m[p] - (k ? m[order[k - 1]] : 0)))])
  }
}
