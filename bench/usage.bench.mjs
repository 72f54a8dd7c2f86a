// Usage and diff of a 100k-file overlay upper against GNU du -s on the same tree, same run, on a
// journaled ext4 loop image made for the purpose (the root filesystem here is journal-less).
// Warm: median of repeated runs. Cold: the image is remounted before every run (fresh caches).
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { generateLxcpath, loadEngineModule, report, timeCall, timeProcess, median } from './lib.mjs'

process.env.STRATA_NATIVE = resolve('build/Release/strata_native.node')
const sh = (cmd, args) => execFileSync(cmd, args, { encoding: 'utf8' })
const dir = mkdtempSync(join(tmpdir(), 'strata-bench-usage-'))
const image = join(dir, 'fs.img')
const mnt = join(dir, 'mnt')
mkdirSync(mnt)
let P
try {
  sh('truncate', ['-s', '1G', image])
  sh('mkfs.ext4', ['-q', '-F', '-O', 'has_journal', '-N', '300000', image])
  sh('mount', ['-o', 'loop', image, mnt])
  P = join(mnt, 'lxc')
  mkdirSync(P)
  writeFileSync(join(P, '.net.conf'), 'lxc.net.0.type = empty\n')
  sh('lxc-create', ['-P', P, '-n', 'base', '-t', 'busybox', '-f', join(P, '.net.conf')])
  sh('lxc-copy', ['-P', P, '-n', 'base', '-N', 'c1', '-s', '-B', 'overlay'])
  const upper = join(P, 'c1', 'overlay', 'delta')
  // 100 directories x 1000 files of 0-4 KiB: a clone that installed a lot
  // (written in-process: a shell loop spawning 100k processes took over half an hour on a loaded machine)
  const zeros = Buffer.alloc(4096)
  for (let d = 0; d < 100; d++) {
    mkdirSync(join(upper, `d${d}`))
    for (let f = 0; f < 1000; f++) writeFileSync(join(upper, `d${d}`, `f${f}`), zeros.subarray(0, (f * 37) % 4096))
  }
  sh('sync', [])
  const usage = await loadEngineModule('src/main/engine/usage.ts')
  const diff = await loadEngineModule('src/main/engine/layer-diff.ts')
  const native = await loadEngineModule('src/main/engine/native/index.ts')
  const c1 = { lxcpath: P, name: 'c1' }
  const found = (await usage.measureUsage([P])).map((c) => c.ref.name)
  if (!found.includes('c1')) throw new Error(`c1 not found in ${P}: ${found} / ${sh('ls', ['-la', P, join(P, 'c1')])}`)
  const du = ['du', '-s', upper]

  const duWarm = timeProcess(du, { runs: 9 })
  // The target is for the engine's scan of the upper (what `du -s` does on it); the full
  // report for -n c1 adds the lower, the rest of the container dir and the lineage.
  const scan = () => native.scanUsage(upper, { xattrs: true })
  const scanWarm = await timeCall(scan, { runs: 9, warmup: 2 })
  report('usage, 100k-file upper, warm (engine scan of the upper, in-process)', scanWarm, 'du -s', duWarm, 0.6)
  const usageWarm = await timeCall(() => usage.measureUsage([P], { names: [c1] }), { runs: 9, warmup: 2 })
  report('usage, 100k-file upper, warm (engine usage report for -n c1, in-process)', usageWarm, 'du -s', duWarm, 0.6)
  const cliWarm = timeProcess(['bin/strata', 'du', '-P', P, '-n', 'c1'], { runs: 9 })
  report('usage, 100k-file upper, warm (whole strata du process)', cliWarm, 'du -s', duWarm, 1.0)
  const diffWarm = await timeCall(() => diff.layerDiff(c1), { runs: 9, warmup: 2 })
  report('diff, 100k-file upper, warm (engine, in-process)', diffWarm, 'du -s', duWarm, 2.0)

  // Usage that follows changes: the upper kept live from the change feed; a write of one file
  // in a directory of 1,000 measures only that directory again. Figures: the time from the write
  // to the new figure (target 1 s), and the update's own work against a full scan of the upper.
  const live = await loadEngineModule('src/main/engine/fs/live-tree.ts')
  let grown = 0
  for (const feed of ['fanotify', 'inotify']) {
    const tree = new live.LiveTree(upper, { xattrs: true, feed })
    try {
      await tree.ready
      const latencies = []
      const works = []
      for (let i = 0; i < 9; i++) {
        const before = tree.figures().apparentBytes
        const t0 = performance.now()
        writeFileSync(join(upper, `d${i * 7}`, `f${i}`), Buffer.alloc(8192 + grown++, 1)) // a new size every time
        while (tree.figures().apparentBytes === before && performance.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 1))
        latencies.push(performance.now() - t0)
        works.push(tree.stats.lastUpdateMs)
      }
      const fresh = await native.scanUsage(upper, { xattrs: true })
      const exact = fresh.apparentBytes === tree.figures().apparentBytes && fresh.allocatedBytes === tree.figures().allocatedBytes
      console.log(`usage follows a one-file write (${feed}): new figure after ${median(latencies).toFixed(1)} ms (target <= 1000 ms: ${median(latencies) <= 1000 ? 'met' : 'MISSED'}); figures equal a fresh scan: ${exact}`)
      report(`usage update work after a one-file write (${feed}, in-process)`, median(works), 'engine full scan of the upper', scanWarm, 0.05)
    } finally {
      tree.stop()
    }
  }

  // Many small trees, as the app's size column asks for them: an lxcpath of 500 containers (50
  // dir bases and 450 overlay clones of them, each clone's upper a few entries), against du -s of
  // the same lxcpath. A walk's helper threads start only where work queues up (walk.c).
  const many = mkdtempSync(join(tmpdir(), 'strata-bench-usage500-'))
  try {
    generateLxcpath(many, 500, 10)
    const duMany = timeProcess(['du', '-s', many], { runs: 9 })
    const usageMany = await timeCall(() => usage.measureUsage([many]), { runs: 9, warmup: 2 })
    report('usage, an lxcpath of 500 containers (450 overlay clones), warm (engine usage report, in-process)', usageMany, 'du -s of the lxcpath', duMany)
  } finally {
    rmSync(many, { recursive: true, force: true })
  }

  const cold = async (fn) => {
    const times = []
    for (let i = 0; i < 3; i++) {
      sh('umount', [mnt])
      sh('mount', ['-o', 'loop', image, mnt])
      const t0 = process.hrtime.bigint()
      await fn()
      times.push(Number(process.hrtime.bigint() - t0) / 1e6)
    }
    return median(times)
  }
  const duCold = await cold(async () => sh(du[0], du.slice(1)))
  // cold scans use more threads: the walk then waits on I/O, not on the CPU
  const scanCold = await cold(() => native.scanUsage(upper, { xattrs: true, threads: 8 }))
  report('usage, 100k-file upper, cold (engine scan of the upper, 8 threads, in-process)', scanCold, 'du -s', duCold, 0.6)
  const usageCold = await cold(() => usage.measureUsage([P], { names: [c1] }))
  report('usage, 100k-file upper, cold (engine usage report for -n c1, in-process)', usageCold, 'du -s', duCold, 0.6)
  const diffCold = await cold(() => diff.layerDiff(c1))
  report('diff, 100k-file upper, cold (engine, in-process)', diffCold, 'du -s', duCold, 2.0)
} finally {
  try {
    sh('umount', [mnt])
  } catch {
    // not mounted
  }
  rmSync(dir, { recursive: true, force: true })
}
