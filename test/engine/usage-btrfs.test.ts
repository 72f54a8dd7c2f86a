// `strata du` on real btrfs: a loop image, an lxcpath on it, a container whose rootfs is a
// subvolume and a second one that is a writable snapshot of it (what lxc-copy -s does on btrfs).
// With quotas on, the figures are btrfs's own qgroup accounting; without, a scan that says why.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ContainerUsage } from '@shared/model'
import { makeLxcpath, strata, type TestLxcpath } from '../helpers/lxc'
import { makeLoopFs, type LoopFs } from '../helpers/loop-fs'

const sh = (cmd: string, ...args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8' })

let loopFs: LoopFs | undefined
let mnt = ''
let P = ''
let seed: TestLxcpath | undefined

/** A config for `name` from the busybox one, its rootfs the given spec. */
function writeConfig(name: string, busyboxConfig: string): void {
  mkdirSync(join(P, name), { recursive: true })
  const lines = busyboxConfig
    .split('\n')
    .filter((l) => !/^\s*lxc\.(rootfs\.path|uts\.name)\s*=/.test(l))
  lines.push(`lxc.rootfs.path = btrfs:${P}/${name}/rootfs`, `lxc.uts.name = ${name}`)
  writeFileSync(join(P, name, 'config'), `${lines.join('\n')}\n`)
}

/** What btrfs itself reports for the subvolume at path: its 0/<id> qgroup. */
function qgroupOf(path: string): { referenced: number; exclusive: number } {
  const id = sh('btrfs', 'inspect-internal', 'rootid', path).trim()
  const line = sh('btrfs', 'qgroup', 'show', '--raw', mnt)
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .find((f) => f[0] === `0/${id}`)
  if (!line) throw new Error(`no qgroup 0/${id} for ${path}`)
  return { referenced: Number(line[1]), exclusive: Number(line[2]) }
}

async function du(): Promise<ContainerUsage[]> {
  const r = await strata('du', '-P', P, '--json')
  if (r.code !== 0) throw new Error(`strata du failed (${r.code}): ${r.stderr}`)
  return (JSON.parse(r.stdout) as { containers: ContainerUsage[] }).containers
}

beforeAll(async () => {
  loopFs = makeLoopFs('btrfs', 512, 'strata-usage-btrfs-')
  mnt = loopFs.mnt
  P = mkdtempSync(join(mnt, 'lxc-'))

  // A busybox rootfs made elsewhere, copied into a subvolume by hand.
  seed = await makeLxcpath('strata-usage-btrfs-seed-')
  await seed.create('seed')
  const busyboxConfig = readFileSync(join(seed.path, 'seed', 'config'), 'utf8')
  writeConfig('c1', busyboxConfig)
  sh('btrfs', 'subvolume', 'create', join(P, 'c1', 'rootfs'))
  cpSync(join(seed.path, 'seed', 'rootfs'), join(P, 'c1', 'rootfs'), { recursive: true, verbatimSymlinks: true, preserveTimestamps: true })
  writeConfig('c2', busyboxConfig)
  sh('btrfs', 'subvolume', 'snapshot', join(P, 'c1', 'rootfs'), join(P, 'c2', 'rootfs'))
  sh('btrfs', 'filesystem', 'sync', mnt)
})

afterAll(async () => {
  try {
    loopFs?.cleanup()
  } finally {
    await seed?.cleanup()
  }
})

describe('strata du on btrfs subvolumes', () => {
  it('strata ls sees both as btrfs containers', async () => {
    const r = await strata('ls', '-P', P, '--json')
    expect(r.code, r.stderr).toBe(0)
    const listed = JSON.parse(r.stdout) as { name: string; backend: string }[]
    expect(listed.map((c) => [c.name, c.backend]).sort()).toEqual([
      ['c1', 'btrfs'],
      ['c2', 'btrfs']
    ])
  })

  it('without quotas: scans the subvolume and says why', async () => {
    const usage = await du()
    const c2 = usage.find((c) => c.ref.name === 'c2')!
    expect(c2.backend).toBe('btrfs')
    expect(c2.source).toBe('scan')
    expect(c2.sourceNote).toMatch(/quotas are not enabled/)
    // A scan sees the whole busybox tree; the extents the snapshot shares with c1 count as
    // shared, as `btrfs filesystem du` counts them: nothing of it is exclusive.
    expect(c2.measured.files).toBeGreaterThan(0)
    expect(c2.measured.allocatedBytes).toBe(Number(sh('du', '-sx', '-B1', join(P, 'c2', 'rootfs')).split('\t')[0]))
    const fsdu = sh('btrfs', 'filesystem', 'du', '-s', '--raw', join(P, 'c2', 'rootfs')).trim().split('\n').pop()!.trim().split(/\s+/)
    // exclusive: the subvolume's exclusive extents plus the rest of its directory (du -x stops at the subvolume)
    const duOf = (p: string): number => Number(sh('du', '-sx', '-B1', p).split('\t')[0])
    expect(c2.exclusiveBytes).toBe(Number(fsdu[1]) + duOf(join(P, 'c2')))
    expect(c2.sharedBytes).toBe(c2.measured.allocatedBytes - Number(fsdu[1]))
  })

  it('with quotas: exclusive and shared are the qgroup figures of each subvolume', async () => {
    sh('btrfs', 'quota', 'enable', mnt)
    sh('btrfs', 'quota', 'rescan', '-w', mnt)
    // A few MB that only the snapshot holds.
    writeFileSync(join(P, 'c2', 'rootfs', 'root', 'data'), randomBytes(3 << 20))
    sh('btrfs', 'filesystem', 'sync', mnt)
    const usage = await du()
    for (const name of ['c1', 'c2']) {
      const u = usage.find((c) => c.ref.name === name)!
      const q = qgroupOf(join(P, name, 'rootfs'))
      expect(u.source, name).toBe('btrfs-qgroup')
      expect(u.sourceNote, name).toBeUndefined()
      // what the filesystem counts as its own, plus its config and log (a few KiB)
      expect(u.exclusiveBytes, name).toBeGreaterThan(q.exclusive)
      expect(u.exclusiveBytes - q.exclusive, name).toBeLessThan(64 << 10)
      expect(u.sharedBytes, name).toBe(q.referenced - q.exclusive)
      expect(u.measured.allocatedBytes, name).toBe(q.referenced)
    }
    const c2 = usage.find((c) => c.ref.name === 'c2')!
    const c1 = usage.find((c) => c.ref.name === 'c1')!
    // The snapshot holds the 3 MiB it was given, and shares the busybox tree with c1.
    expect(c2.exclusiveBytes).toBeGreaterThanOrEqual(3 << 20)
    expect(c2.sharedBytes).toBeGreaterThan(0)
    expect(c1.exclusiveBytes).toBeLessThan(3 << 20)
    // Destroying the snapshot gives back what only it holds (its config included).
    expect(c2.freedIfDeletedBytes).toBe(c2.exclusiveBytes)
  })
})
