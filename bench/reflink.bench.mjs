// Copies that share blocks: a copy clone's tree copy on btrfs (FICLONE per file, so the copy's
// extents are the origin's) against rsync -aHAX and cp -a --reflink=always, same tree, same
// run, alternating, warm cache, wall and CPU time. Then: rsync's itemized differences (must be none), and how much
// of the copy is exclusive, by `btrfs filesystem du` and by the engine's own scan (~0 for both).
// Env: BENCH_SRC (default /usr/share), BENCH_RUNS (default 3). Needs root (loop image).
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { childrenCpuMs, loadEngineModule, median, report, timeSpawn } from './lib.mjs'

process.env.STRATA_NATIVE ??= resolve('build/Release/strata_native.node')
if (process.geteuid?.() !== 0) {
  console.log('reflink.bench: skipped: needs root for a btrfs loop image')
  process.exit(0)
}
const SRC = resolve(process.env.BENCH_SRC || '/usr/share')
const RUNS = Number(process.env.BENCH_RUNS || 3)
const sh = (cmd, args) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
const work = mkdtempSync(join(tmpdir(), 'strata-bench-reflink-'))
const image = join(work, 'btrfs.img')
const mnt = join(work, 'mnt')
mkdirSync(mnt)
let loop = ''
try {
  const need = Number(sh('du', ['-sx', '--block-size=1', SRC]).split(/\s/)[0])
  sh('truncate', ['-s', String(Math.max(2 << 30, need * 3)), image])
  loop = sh('losetup', ['-f', '--show', image]).trim()
  sh('mkfs.btrfs', ['-q', '-f', loop])
  sh('mount', [loop, mnt])
  const src = join(mnt, 'src')
  sh('rsync', ['-aHAX', '--numeric-ids', '-x', `${SRC}/`, `${src}/`])
  sh('sync', [])
  const native = await loadEngineModule('src/main/engine/native/index.ts')
  const fresh = (name) => {
    const d = join(mnt, name)
    if (spawnSync('test', ['-e', d]).status === 0) spawnSync('rm', ['-rf', d])
    spawnSync('sync')
    return d
  }
  const timeStrata = async (dst) => {
    const t = performance.now()
    await native.copyTree(src, dst)
    return performance.now() - t
  }
  const peers = {
    'rsync -aHAX': (dst) => timeSpawn('rsync', ['-aHAX', '--numeric-ids', `${src}/`, `${dst}/`]),
    'cp -a --reflink=always': (dst) => timeSpawn('cp', ['-a', '--reflink=always', src, dst])
  }
  await timeStrata(fresh('warm')) // warms the cache
  fresh('warm')
  const times = { strata: [], 'rsync -aHAX': [], 'cp -a --reflink=always': [] }
  const cpu = { strata: [], 'rsync -aHAX': [], 'cp -a --reflink=always': [] }
  const ownCpuMs = () => {
    const u = process.cpuUsage()
    return (u.user + u.system) / 1000
  }
  for (let i = 0; i < RUNS; i++) {
    // alternate who goes first
    const order = i % 2 ? [...Object.keys(peers), 'strata'] : ['strata', ...Object.keys(peers)]
    for (const who of order) {
      const dst = fresh('dst')
      const c0 = who === 'strata' ? ownCpuMs() : childrenCpuMs()
      times[who].push(who === 'strata' ? await timeStrata(dst) : peers[who](dst))
      cpu[who].push((who === 'strata' ? ownCpuMs() : childrenCpuMs()) - c0)
    }
  }
  await timeStrata(fresh('dst'))
  const usage = await native.scanUsage(src, {})
  const label = `${(usage.apparentBytes / 1e6).toFixed(0)} MB, ${usage.files} files`
  report(`reflink copy on btrfs, ${label}`, median(times.strata), 'rsync -aHAX', median(times['rsync -aHAX']), 0.1)
  report(`reflink copy on btrfs, ${label}`, median(times.strata), 'cp -a --reflink=always', median(times['cp -a --reflink=always']), 1.0)
  report(`reflink copy on btrfs, CPU time (user + system)`, median(cpu.strata), 'rsync -aHAX', median(cpu['rsync -aHAX']))
  report(`reflink copy on btrfs, CPU time (user + system)`, median(cpu.strata), 'cp -a --reflink=always', median(cpu['cp -a --reflink=always']))
  const diff = spawnSync('rsync', ['-aHAXn', '--numeric-ids', '--itemize-changes', `${src}/`, `${join(mnt, 'dst')}/`], { encoding: 'utf8' }).stdout.trim()
  console.log(`reflink copy: rsync -aHAXn --itemize-changes differences: ${diff ? diff.split('\n').length : 0}`)
  sh('sync', [])
  const fsdu = sh('btrfs', ['filesystem', 'du', '-s', '--raw', join(mnt, 'dst')]).trim().split('\n').pop().trim().split(/\s+/)
  const scan = await native.scanUsage(join(mnt, 'dst'), { shared: true })
  console.log(
    `reflink copy: btrfs filesystem du: total ${fsdu[0]} B, exclusive ${fsdu[1]} B; engine scan: allocated ${scan.allocatedBytes} B, shared ${scan.sharedBytes} B, exclusive ${scan.allocatedBytes - scan.sharedBytes} B`
  )
} finally {
  spawnSync('umount', [mnt])
  if (loop) spawnSync('losetup', ['-d', loop])
  rmSync(work, { recursive: true, force: true })
}
