// `strata du` on real zfs (Debian's zfs-fuse): a pool on a file image, a dataset per container
// (`lxc.rootfs.path = zfs:<pool>/<name>`, mounted at <lxcpath>/<name>/rootfs) and a clone of
// the first (zfs snapshot + zfs clone, as LXC makes zfs snapshots). The figures are zfs's own.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { closeSync, cpSync, fsyncSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ContainerUsage } from '@shared/model'
import { makeLxcpath, strata, type TestLxcpath } from '../helpers/lxc'
import { makeZfsPool, zfsUnavailable, type ZfsPool } from '../helpers/zfs-pool'

const sh = (cmd: string, ...args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8' })
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

let P = ''
let pool = ''
let zpool: ZfsPool | undefined
let seed: TestLxcpath | undefined
/** why zfs cannot be used here, when it cannot */
let unavailable: string | null = null

function writeConfig(name: string, busyboxConfig: string): void {
  mkdirSync(join(P, name, 'rootfs'), { recursive: true })
  const lines = busyboxConfig.split('\n').filter((l) => !/^\s*lxc\.(rootfs\.path|uts\.name)\s*=/.test(l))
  lines.push(`lxc.rootfs.path = zfs:${pool}/${name}`, `lxc.uts.name = ${name}`)
  writeFileSync(join(P, name, 'config'), `${lines.join('\n')}\n`)
}

function zfsFigures(dataset: string): { used: number; referenced: number; usedbydataset: number } {
  const out = new Map<string, number>()
  for (const line of sh('zfs', 'get', '-Hp', '-o', 'property,value', 'used,referenced,usedbydataset', dataset).trim().split('\n')) {
    const [k, v] = line.split('\t')
    out.set(k!, Number(v))
  }
  return { used: out.get('used')!, referenced: out.get('referenced')!, usedbydataset: out.get('usedbydataset')! }
}

/** zfs-fuse commits a transaction group every few seconds: wait until zfs counts what was written. */
async function accounted(dataset: string, bytes: number): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (zfsFigures(dataset).usedbydataset >= bytes) return
    await sleep(1000)
  }
  throw new Error(`zfs never counted ${bytes} bytes in ${dataset}: ${JSON.stringify(zfsFigures(dataset))}`)
}

async function du(): Promise<ContainerUsage[]> {
  const r = await strata('du', '-P', P, '--json')
  if (r.code !== 0) throw new Error(`strata du failed (${r.code}): ${r.stderr}`)
  return (JSON.parse(r.stdout) as { containers: ContainerUsage[] }).containers
}

beforeAll(async () => {
  unavailable = zfsUnavailable()
  if (unavailable) return
  zpool = await makeZfsPool('strata-usage-zfs-')
  pool = zpool.name
  P = join(zpool.dir, 'lxc')
  mkdirSync(P)

  seed = await makeLxcpath('strata-usage-zfs-seed-')
  await seed.create('seed')
  const busyboxConfig = readFileSync(join(seed.path, 'seed', 'config'), 'utf8')
  writeConfig('c1', busyboxConfig)
  sh('zfs', 'create', '-o', `mountpoint=${P}/c1/rootfs`, `${pool}/c1`)
  cpSync(join(seed.path, 'seed', 'rootfs'), join(P, 'c1', 'rootfs'), { recursive: true, verbatimSymlinks: true, preserveTimestamps: true })
  sh('zfs', 'snapshot', `${pool}/c1@base`)
  writeConfig('c2', busyboxConfig)
  sh('zfs', 'clone', '-o', `mountpoint=${P}/c2/rootfs`, `${pool}/c1@base`, `${pool}/c2`)
}, 300_000)

afterAll(async () => {
  try {
    await zpool?.cleanup()
  } finally {
    await seed?.cleanup()
  }
}, 120_000)

describe('strata du on zfs datasets (zfs-fuse)', () => {
  it('strata ls sees both as zfs containers', async (ctx) => {
    if (unavailable) ctx.skip(unavailable)
    const r = await strata('ls', '-P', P, '--json')
    expect(r.code, r.stderr).toBe(0)
    const listed = JSON.parse(r.stdout) as { name: string; backend: string }[]
    expect(listed.map((c) => [c.name, c.backend]).sort()).toEqual([
      ['c1', 'zfs'],
      ['c2', 'zfs']
    ])
  })

  it('exclusive, shared and measured are zfs used, referenced - usedbydataset and referenced', async (ctx) => {
    if (unavailable) ctx.skip(unavailable)
    // A few MB that only the clone holds.
    const fd = openSync(join(P, 'c2', 'rootfs', 'root', 'data'), 'w')
    writeSync(fd, randomBytes(3 << 20))
    fsyncSync(fd)
    closeSync(fd)
    await accounted(`${pool}/c2`, 3 << 20)
    // Compare against what zfs says right before and after: the figures must not move between.
    let usage: ContainerUsage[] = []
    for (let i = 0; i < 10; i++) {
      const before = JSON.stringify([zfsFigures(`${pool}/c1`), zfsFigures(`${pool}/c2`)])
      usage = await du()
      if (before === JSON.stringify([zfsFigures(`${pool}/c1`), zfsFigures(`${pool}/c2`)])) break
      await sleep(2000)
    }
    for (const name of ['c1', 'c2']) {
      const u = usage.find((c) => c.ref.name === name)!
      const z = zfsFigures(`${pool}/${name}`)
      expect(u.source, name).toBe('zfs')
      expect(u.sourceNote, name).toBeUndefined()
      // what zfs counts as its own, plus its config and log (a few KiB)
      expect(u.exclusiveBytes, name).toBeGreaterThan(z.used)
      expect(u.exclusiveBytes - z.used, name).toBeLessThan(64 << 10)
      expect(u.sharedBytes, name).toBe(z.referenced - z.usedbydataset)
      expect(u.measured.allocatedBytes, name).toBe(z.referenced)
    }
    const c1 = usage.find((c) => c.ref.name === 'c1')!
    const c2 = usage.find((c) => c.ref.name === 'c2')!
    // The clone holds the 3 MiB it was given and reads the busybox tree from c1's snapshot.
    expect(c2.exclusiveBytes).toBeGreaterThanOrEqual(3 << 20)
    expect(c2.sharedBytes).toBeGreaterThan(0)
    // c1's used includes its snapshot, which is what the clone reads.
    expect(c1.exclusiveBytes).toBeGreaterThanOrEqual(c2.sharedBytes)
    console.info(`zfs: ${JSON.stringify(usage.map((u) => [u.ref.name, u.exclusiveBytes, u.sharedBytes, u.measured.allocatedBytes]))}`)
  })

  it('a dataset zfs does not know is not measured, and says why', async (ctx) => {
    if (unavailable) ctx.skip(unavailable)
    mkdirSync(join(P, 'ghost'))
    writeFileSync(join(P, 'ghost', 'config'), `lxc.uts.name = ghost\nlxc.rootfs.path = zfs:${pool}/ghost\n`)
    try {
      const ghost = (await du()).find((c) => c.ref.name === 'ghost')!
      expect(ghost.source).toBe('scan')
      // no data measured: its exclusive is its directory alone (the config)
      expect(ghost.measured.allocatedBytes).toBe(0)
      expect(ghost.exclusiveBytes).toBe(Number(sh('du', '-sx', '-B1', join(P, 'ghost')).split('\t')[0]))
      expect(ghost.sourceNote).toMatch(new RegExp(`not measured: zfs cannot tell the usage of ${pool}/ghost`))
    } finally {
      rmSync(join(P, 'ghost'), { recursive: true, force: true })
    }
  })
})
