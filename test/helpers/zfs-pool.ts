// A real zfs pool for a test (Debian's zfs-fuse): a file image in a temporary directory, the
// daemon started when none runs (and stopped again by cleanup when this test started it).
// zfs-fuse has no kernel module, so LXC itself cannot mount these datasets; Strata's zfs
// driver mounts them through zfs.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { own, startTime } from '../support/owned'

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export interface ZfsPool {
  /** the pool's name */
  name: string
  /** a temporary directory beside the image, for the test's lxcpaths */
  dir: string
  /** runs zfs (or zpool) and returns its stdout */
  zfs(...args: string[]): string
  zpool(...args: string[]): string
  /** a dataset property, or null when the dataset does not exist */
  property(dataset: string, property: string): string | null
  datasets(): string[]
  cleanup(): Promise<void>
}

function daemonRunning(): boolean {
  return spawnSync('pgrep', ['-x', 'zfs-fuse']).status === 0
}

/** Why a zfs pool cannot be made here, or null. */
export function zfsUnavailable(): string | null {
  if (spawnSync('which', ['zfs-fuse']).status !== 0) return 'zfs-fuse is not installed (apt-get install zfs-fuse; scripts/ensure-system.sh does)'
  if (!existsSync('/dev/fuse')) return 'there is no /dev/fuse here, which zfs-fuse needs'
  return null
}

/** Starts zfs-fuse unless one runs already; returns its pid when this call started it. */
async function ensureDaemon(dir: string): Promise<number | null> {
  // A daemon that is shutting down still shows in pgrep: wait for it to go.
  for (let i = 0; i < 100 && daemonRunning() && spawnSync('zpool', ['list', '-H']).status !== 0; i++) await sleep(100)
  if (daemonRunning()) return null
  const pidFile = join(dir, 'zfs-fuse.pid')
  const r = spawnSync('zfs-fuse', ['--no-kstat-mount', '-p', pidFile], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`zfs-fuse did not start (${r.status}): ${r.stderr.trim()}`)
  for (let i = 0; i < 100 && !existsSync(pidFile); i++) await sleep(100)
  const pid = Number(readFileSync(pidFile, 'utf8').trim())
  // The daemon answers once its socket is up.
  for (let i = 0; i < 100; i++) {
    if (spawnSync('zpool', ['list', '-H']).status === 0) return pid
    await sleep(100)
  }
  throw new Error('zfs-fuse started but zpool never answered')
}

/** zpool destroy can fail as "busy" while it unmounts the datasets; it succeeds on a retry. */
async function destroyPool(name: string): Promise<void> {
  for (let i = 0; ; i++) {
    const r = spawnSync('zpool', ['destroy', '-f', name], { encoding: 'utf8' })
    if (r.status === 0) return
    if (i >= 20) throw new Error(`zpool destroy ${name} failed: ${r.stderr.trim()}`)
    await sleep(500)
  }
}

/** A pool named `name` (default: after its temporary directory), on an image of sizeMb. */
export async function makeZfsPool(prefix: string, sizeMb = 512, poolName?: string): Promise<ZfsPool> {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const name = poolName ?? `strata${basename(dir).replace(/[^A-Za-z0-9]/g, '')}`
  let started: number | null = null
  let created = false
  // for the next run's sweep, should this one be killed before cleanup
  const records = [own({ kind: 'dir', path: dir })]
  const cleanup = async (): Promise<void> => {
    try {
      if (created && spawnSync('zpool', ['list', '-H', name]).status === 0) await destroyPool(name)
    } finally {
      if (started !== null) {
        try {
          process.kill(started, 'SIGTERM')
        } catch {
          // already gone
        }
        for (let i = 0; i < 100 && daemonRunning(); i++) await sleep(100)
      }
      rmSync(dir, { recursive: true, force: true })
      records.forEach((forget) => forget())
    }
  }
  try {
    started = await ensureDaemon(dir)
    const start = started === null ? null : startTime(started)
    if (started !== null && start !== null) records.push(own({ kind: 'zfs-fuse', pid: started, start }))
    const image = join(dir, 'pool.img')
    execFileSync('truncate', ['-s', `${sizeMb}M`, image])
    // cachefile=none: a pool whose image a killed run left is not imported again (FAULTED) by every later zfs-fuse
    execFileSync('zpool', ['create', '-o', 'cachefile=none', '-m', 'none', name, image])
    created = true
    records.push(own({ kind: 'zpool', name, guid: execFileSync('zfs', ['get', '-Hp', '-o', 'value', 'guid', name], { encoding: 'utf8' }).trim() }))
  } catch (err) {
    await cleanup()
    throw err
  }
  const zfs = (...args: string[]): string => execFileSync('zfs', args, { encoding: 'utf8' })
  return {
    name,
    dir,
    zfs,
    zpool: (...args) => execFileSync('zpool', args, { encoding: 'utf8' }),
    property(dataset, property) {
      const r = spawnSync('zfs', ['get', '-H', '-o', 'value', property, dataset], { encoding: 'utf8' })
      return r.status === 0 ? r.stdout.trim() : null
    },
    datasets: () => zfs('list', '-H', '-o', 'name', '-t', 'all', '-r', name).trim().split('\n').filter(Boolean).sort(),
    cleanup
  }
}
