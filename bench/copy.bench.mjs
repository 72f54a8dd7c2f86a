#!/usr/bin/env node
// Copy and usage-scan benchmark: strata_native vs rsync -aHAX / cp -a / du -s, same tree, same fs,
// warm cache. Prints one line per figure:
//   <name>: strata X ms | peer(<tool>) Y ms | ratio Z
// Env: BENCH_SRC (default /usr/share), BENCH_RUNS (copy runs, default 3), BENCH_SCAN_RUNS (10),
//      BENCH_THREADS (addon threads, default its own), BENCH_NO_LOOP=1 (use the tmp dir's fs),
//      STRATA_NATIVE (path to the .node).
// As root it works on a fresh journaled ext4 loop image: the host's root ext4 has no journal,
// and there a copy right after rm -rf measures the inode allocator (perf-anchors.md §4.1).
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { median, timeSpawn } from './lib.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const addonPath = process.env.STRATA_NATIVE ? resolve(process.env.STRATA_NATIVE) : join(here, '..', 'build', 'Release', 'strata_native.node')
if (!existsSync(addonPath)) {
  console.error(`copy.bench: addon not built (${addonPath}); run npm install`)
  process.exit(2)
}
const native = createRequire(import.meta.url)(addonPath)

const SRC = resolve(process.env.BENCH_SRC || '/usr/share')
const RUNS = Number(process.env.BENCH_RUNS || 3)
const SCAN_RUNS = Number(process.env.BENCH_SCAN_RUNS || 10)
const THREADS = Number(process.env.BENCH_THREADS || 0)
const treeName = basename(SRC) || 'root'

const sh = (cmd, args) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' })
const timeAsync = async (fn) => {
  const t = performance.now()
  await fn()
  return performance.now() - t
}
const line = (name, strata, peer, peerMs) =>
  console.log(`${name}: strata ${strata.toFixed(1)} ms | peer(${peer}) ${peerMs.toFixed(1)} ms | ratio ${(strata / peerMs).toFixed(2)}`)

const work = mkdtempSync(join(tmpdir(), 'strata-bench-'))
let loop = ''
let mnt = work
const cleanup = () => {
  try {
    if (loop) {
      spawnSync('umount', [mnt])
      spawnSync('losetup', ['-d', loop])
      loop = ''
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}
process.on('SIGINT', () => {
  cleanup()
  process.exit(130)
})

try {
  if (process.geteuid?.() === 0 && !process.env.BENCH_NO_LOOP) {
    const img = join(work, 'fs.img')
    const need = Number(sh('du', ['-sx', '--block-size=1', SRC]).split(/\s/)[0])
    sh('truncate', ['-s', String(Math.max(2 << 30, need * 5 + (1 << 30))), img])
    loop = sh('losetup', ['-f', '--show', '--direct-io=on', img]).trim()
    sh('mkfs.ext4', ['-q', '-F', loop])
    mnt = join(work, 'mnt')
    mkdirSync(mnt)
    sh('mount', [loop, mnt])
  }
  const src = join(mnt, 'src')
  sh('rsync', ['-aHAX', '--numeric-ids', '-x', `${SRC}/`, `${src}/`])
  const peers = {
    'rsync -aHAX': (dst) => timeSpawn('rsync', ['-aHAX', '--numeric-ids', `${src}/`, `${dst}/`]),
    'cp -a': (dst) => timeSpawn('cp', ['-a', src, dst])
  }
  const strataCopy = (dst) => timeAsync(() => native.copyTree(src, dst, THREADS, null)[0])
  const fresh = (name) => {
    const d = join(mnt, name)
    rmSync(d, { recursive: true, force: true })
    spawnSync('sync')
    return d
  }
  // warm the cache and check that the copy is faithful before timing anything
  await strataCopy(fresh('warm'))
  const diff = spawnSync('rsync', ['-aHAXn', '--numeric-ids', '--itemize-changes', `${src}/`, `${join(mnt, 'warm')}/`], { encoding: 'utf8' }).stdout
  if (diff.trim()) console.error(`copy.bench: WARNING: rsync reports differences:\n${diff.split('\n').slice(0, 10).join('\n')}`)
  fresh('warm')

  const times = { strata: [], 'rsync -aHAX': [], 'cp -a': [] }
  for (let i = 0; i < RUNS; i++) {
    times.strata.push(await strataCopy(fresh('dst')))
    for (const [peer, fn] of Object.entries(peers)) times[peer].push(fn(fresh('dst')))
  }
  fresh('dst')
  const usage = await native.scanUsage(src, 0, false)[0]
  const label = `${treeName} ${(usage.apparentBytes / 1e6).toFixed(0)}MB/${usage.files + usage.dirs + usage.symlinks + usage.specials}`
  for (const peer of Object.keys(peers)) line(`copy ${label}`, median(times.strata), peer, median(times[peer]))

  const scanS = []
  const scanDu = []
  for (let i = 0; i < SCAN_RUNS; i++) {
    scanS.push(await timeAsync(() => native.scanUsage(src, THREADS, false)[0]))
    scanDu.push(timeSpawn('du', ['-s', src]))
  }
  line(`scan ${label}`, median(scanS), 'du -s', median(scanDu))
} finally {
  cleanup()
}
