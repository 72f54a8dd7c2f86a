// Shared helpers for the benchmarks: timing whole processes and in-process calls, and printing
// one line per figure with the peer tool's time from the same run and the ratio.
import { spawnSync } from 'node:child_process'
import { build } from 'esbuild'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

export { generateLxcpath } from './generated-lxcpath.mjs'

export function median(values) {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

/** Wall time of one run of a whole process, in ms; fails loudly if it fails. */
export function timeSpawn(cmd, args) {
  const t = performance.now()
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  const ms = performance.now() - t
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`)
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
