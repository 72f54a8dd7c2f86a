// The zfs driver on a real zfs pool (Debian's zfs-fuse, a pool on a file image): create, copy
// and snapshot clones, lxc-snapshot snapshots and restore, destroy, lineage, and undo. zfs-fuse
// has no kernel module, so LXC itself cannot mount a dataset here (its mount(2) of type zfs
// fails with ENODEV): LXC's own tools are run where they need no mount (lxc-destroy, lxc-ls) and
// for the rest the zfs commands they run are recorded (a `zfs` on their PATH that logs and calls
// the real one) and compared with the datasets and configs Strata makes.
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NO_NET_CONFIG, removeLxcLockDir, strata } from '../helpers/lxc'
import { makeZfsPool, zfsUnavailable, type ZfsPool } from '../helpers/zfs-pool'
import { strataOk } from './helpers'

let pool: ZfsPool | undefined
let P = ''
let netConfig = ''
/** a directory with a `zfs` that logs its arguments to zfs.log and runs the real one */
let logBin = ''
let unavailable: string | null = zfsUnavailable()
const NOTE = '(zfs-fuse: LXC cannot mount a dataset here, so datasets and configs are compared)'

/** The pool is named `lxc` where no such pool exists, so that LXC's default lxc.bdev.zfs.root is this pool. */
const POOL = 'lxc'

function rootfsLine(name: string, lxcpath = P): string | undefined {
  return readFileSync(join(lxcpath, name, 'config'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('lxc.rootfs.path'))
}

/** Runs an LXC tool with the logging zfs first on its PATH; the zfs commands it ran. */
async function lxcZfsCommands(tool: string, ...args: string[]): Promise<{ exitCode: number; commands: string[][] }> {
  const log = join(logBin, 'zfs.log')
  writeFileSync(log, '')
  const r = await execa(tool, args, { reject: false, env: { PATH: `${logBin}:${process.env.PATH}` } })
  const commands = readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as string[])
  return { exitCode: r.exitCode ?? -1, commands }
}

/** Runs fn with the dataset mounted where zfs mounts it (zfs-fuse), unmounted again after. */
async function inDataset<T>(dataset: string, fn: (dir: string) => T): Promise<T> {
  const wasMounted = pool!.property(dataset, 'mounted') === 'yes'
  // zfs-fuse may call the dataset busy for a while right after an unmount
  for (let i = 0; !wasMounted; i++) {
    const r = await execa('zfs', ['mount', dataset], { reject: false })
    if (r.exitCode === 0) break
    if (i >= 40 || !/busy/.test(r.stderr)) throw new Error(`zfs mount ${dataset}: ${r.stderr}`)
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  try {
    return fn(pool!.property(dataset, 'mountpoint')!)
  } finally {
    // zfs-fuse may call the dataset busy for a moment after it was read
    for (let i = 0; !wasMounted && i < 40 && (await execa('zfs', ['umount', dataset], { reject: false })).exitCode !== 0; i++) await new Promise((r) => setTimeout(r, 250))
  }
}

beforeAll(async () => {
  if (unavailable) return
  if ((await execa('zpool', ['list', '-H', POOL], { reject: false })).exitCode === 0) {
    unavailable = `a zfs pool named ${POOL} exists on this machine; this test makes its own pool of that name (LXC's default lxc.bdev.zfs.root) and will not touch it`
    return
  }
  pool = await makeZfsPool('strata-zfs-ops-', 768, POOL)
  P = join(pool.dir, 'lxc')
  mkdirSync(P)
  netConfig = join(pool.dir, 'net.conf')
  writeFileSync(netConfig, NO_NET_CONFIG)
  logBin = join(pool.dir, 'bin')
  mkdirSync(logBin)
  const wrapper = join(logBin, 'zfs')
  writeFileSync(wrapper, `#!/usr/bin/python3\nimport json, os, sys\nwith open(${JSON.stringify(join(logBin, 'zfs.log'))}, 'a') as f:\n    f.write(json.dumps(sys.argv[1:]) + '\\n')\nos.execv('/usr/sbin/zfs', ['zfs'] + sys.argv[1:])\n`)
  chmodSync(wrapper, 0o755)
  await strataOk('create', '-P', P, '-n', 'z1', '-t', 'busybox', '-B', 'zfs', '-f', netConfig)
  // busybox's template writes no /etc/hostname; a clone rewrites one where there is one
  await inDataset(`${POOL}/z1`, (root) => writeFileSync(join(root, 'etc/hostname'), 'z1\n'))
}, 300_000)

afterAll(async () => {
  try {
    if (P) removeLxcLockDir(P)
  } finally {
    await pool?.cleanup()
  }
}, 120_000)

describe(`zfs containers ${NOTE}`, () => {
  it('create makes the dataset and config LXC makes: zfs:<zfsroot>/<name>, mountpoint <P>/<name>/rootfs, canmount=noauto, filled by the template', async (ctx) => {
    if (unavailable) ctx.skip(unavailable)
    expect(rootfsLine('z1')).toBe(`lxc.rootfs.path = zfs:${POOL}/z1`)
    expect(pool!.property(`${POOL}/z1`, 'mountpoint')).toBe(join(P, 'z1/rootfs'))
    expect(pool!.property(`${POOL}/z1`, 'canmount')).toBe('noauto')
    expect(pool!.property(`${POOL}/z1`, 'mounted')).toBe('no')
    await inDataset(`${POOL}/z1`, (root) => expect(existsSync(join(root, 'bin/busybox'))).toBe(true))
    // What lxc-create runs for the same container (it then fails to mount it here, and removes it again).
    const lxc = await lxcZfsCommands('lxc-create', '-P', P, '-n', 'lz', '-t', 'busybox', '-B', 'zfs', '-f', netConfig)
    expect(lxc.commands.find((c) => c[0] === 'create')).toEqual(['create', '-o', `mountpoint=${join(P, 'lz/rootfs')}`, '-o', 'canmount=noauto', '-p', `${POOL}/lz`])
    expect(readdirSync(P).sort()).toEqual(['z1'])
    // --zfsroot, as lxc-create's: the dataset goes under it
    await strataOk('create', '-P', P, '-n', 'zr', '-t', 'busybox', '-B', 'zfs', '--zfsroot', `${POOL}/elsewhere`, '-f', netConfig)
    expect(rootfsLine('zr')).toBe(`lxc.rootfs.path = zfs:${POOL}/elsewhere/zr`)
    await strataOk('destroy', '-P', P, '-n', 'zr')
    expect(pool!.datasets()).not.toContain(`${POOL}/elsewhere/zr`)
    // the parent `zfs create -p` made stays, as LXC leaves it
    expect(pool!.datasets()).toContain(`${POOL}/elsewhere`)
    pool!.zfs('destroy', `${POOL}/elsewhere`)
  })

  it('a snapshot clone is the zfs snapshot + clone lxc-copy -s makes, with no lxc_snapshots (LXC writes none for zfs), and its lineage comes from the origin property', async (ctx) => {
    if (unavailable) ctx.skip(unavailable)
    await strataOk('clone', '-p', P, '-P', P, '-o', 'z1', '-n', 'z2', '-s')
    expect(rootfsLine('z2')).toBe(`lxc.rootfs.path = zfs:${POOL}/z2`)
    expect(pool!.property(`${POOL}/z2`, 'origin')).toBe(`${POOL}/z1@z2`)
    expect(pool!.property(`${POOL}/z2`, 'mountpoint')).toBe(join(P, 'z2/rootfs'))
    expect(pool!.property(`${POOL}/z2`, 'canmount')).toBe('noauto')
    expect(existsSync(join(P, 'z1/lxc_snapshots'))).toBe(false)
    expect(existsSync(join(P, 'z2/lxc_rdepends'))).toBe(false)
    await inDataset(`${POOL}/z2`, (root) => expect(readFileSync(join(root, 'etc/hostname'), 'utf8').trim()).toBe('z2'))
    await inDataset(`${POOL}/z1`, (root) => expect(readFileSync(join(root, 'etc/hostname'), 'utf8').trim()).toBe('z1'))
    // lxc-copy -s runs the same two commands (it fails afterwards, mounting the clone for its hostname)
    const lxc = await lxcZfsCommands('lxc-copy', '-P', P, '-n', 'z1', '-N', 'lz2', '-s')
    expect(lxc.commands.filter((c) => c[0] === 'snapshot' || c[0] === 'clone')).toEqual([
      ['snapshot', '-r', `${POOL}/z1@lz2`],
      ['clone', '-p', '-o', 'canmount=noauto', '-o', `mountpoint=${join(P, 'lz2/rootfs')}`, `${POOL}/z1@lz2`, `${POOL}/lz2`]
    ])
    await execa('lxc-destroy', ['-P', P, '-n', 'lz2'], { reject: false })
    await execa('zfs', ['destroy', '-r', `${POOL}/lz2`], { reject: false })
    await execa('zfs', ['destroy', '-r', `${POOL}/z1@lz2`], { reject: false })
    // the lineage: z2 was cloned from z1 and depends on it
    const graph = JSON.parse(await strataOk('lineage', '-P', P, '--json')) as { edges: { from: string; to: string; kind: string }[] }
    expect(graph.edges.filter((e) => e.from.endsWith('/z2'))).toEqual([{ from: join(P, 'z2'), to: join(P, 'z1'), kind: 'cloned-from' }])
  })

  it("destroy refuses an origin its zfs clones read, as zfs (and so lxc-destroy) does, and destroys a clone with its origin snapshot as lxc-destroy does", async (ctx) => {
    if (unavailable) ctx.skip(unavailable)
    const before = pool!.datasets()
    const refusal = await strata('destroy', '-P', P, '-n', 'z1')
    expect(refusal.code).toBe(1)
    expect(refusal.stderr).toMatch(/z2/)
    expect(pool!.datasets()).toEqual(before)
    expect(existsSync(join(P, 'z1/config'))).toBe(true)
    // LXC agrees: zfs refuses, and lxc-destroy fails with z1 still there
    expect((await execa('lxc-destroy', ['-P', P, '-n', 'z1'], { reject: false })).exitCode).not.toBe(0)
    expect(pool!.datasets()).toContain(`${POOL}/z1`)
    await strataOk('destroy', '-P', P, '-n', 'z2')
    expect(existsSync(join(P, 'z2'))).toBe(false)
    expect(pool!.datasets()).not.toContain(`${POOL}/z2`)
    expect(pool!.datasets()).not.toContain(`${POOL}/z1@z2`)
    // a clone in another lxcpath, which this destroy does not scan: the storage itself still says who reads z1
    const other = join(pool!.dir, 'other')
    await strataOk('clone', '-p', P, '-P', other, '-o', 'z1', '-n', 'far', '-s')
    const far = await strata('destroy', '-P', P, '-n', 'z1')
    expect(far.code).toBe(1)
    expect(far.stderr).toMatch(new RegExp(`read by the zfs clone ${POOL}/far`))
    expect(existsSync(join(P, 'z1/config'))).toBe(true)
    await strataOk('destroy', '-P', other, '-n', 'far')
    expect(pool!.datasets().filter((d) => d.includes('far'))).toEqual([])
  })

  it('lxc-destroy destroys a container Strata made, dataset and all', async (ctx) => {
    if (unavailable) ctx.skip(unavailable)
    await strataOk('clone', '-p', P, '-P', P, '-o', 'z1', '-n', 'byLxc', '-s')
    // zfs-fuse calls a dataset busy for a while after an unmount, and LXC does not retry: this test does
    let r = await execa('lxc-destroy', ['-P', P, '-n', 'byLxc'], { reject: false })
    for (let i = 0; r.exitCode !== 0 && /busy/.test(r.stderr) && i < 40; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500))
      r = await execa('lxc-destroy', ['-P', P, '-n', 'byLxc'], { reject: false })
    }
    expect(r.exitCode, r.stderr).toBe(0)
    expect(pool!.datasets().filter((d) => d.includes('byLxc'))).toEqual([])
  })

  it('a copy clone is a new dataset beside the origin with the same tree, and a dir container copies into zfs under lxc.bdev.zfs.root', async (ctx) => {
    if (unavailable) ctx.skip(unavailable)
    await strataOk('clone', '-p', P, '-P', P, '-o', 'z1', '-n', 'z3')
    expect(rootfsLine('z3')).toBe(`lxc.rootfs.path = zfs:${POOL}/z3`)
    expect(pool!.property(`${POOL}/z3`, 'origin')).toBe('-')
    const listing = async (dataset: string): Promise<string> =>
      inDataset(dataset, (root) => execa('find', ['.', '-path', './etc/hostname', '-prune', '-o', '-printf', '%p %M %u %s\\n'], { cwd: root }).then((r) => r.stdout.split('\n').sort().join('\n')))
    expect(await listing(`${POOL}/z3`)).toBe(await listing(`${POOL}/z1`))
    await strataOk('create', '-P', P, '-n', 'd1', '-t', 'busybox', '-f', netConfig)
    await strataOk('clone', '-p', P, '-P', P, '-o', 'd1', '-n', 'z4', '-B', 'zfs')
    // LXC's default lxc.bdev.zfs.root is `lxc`: this pool
    expect(rootfsLine('z4')).toBe(`lxc.rootfs.path = zfs:${POOL}/z4`)
    await inDataset(`${POOL}/z4`, (root) => expect(existsSync(join(root, 'bin/busybox'))).toBe(true))
    await strataOk('destroy', '-P', P, '-n', 'z4')
    await strataOk('destroy', '-P', P, '-n', 'd1')
    await strataOk('destroy', '-P', P, '-n', 'z3')
    expect(pool!.datasets().filter((d) => /z3|z4/.test(d))).toEqual([])
  })

  it('a clone that fails after its dataset was made is undone: no dataset, no snapshot, no directory', async (ctx) => {
    if (unavailable) ctx.skip(unavailable)
    const before = pool!.datasets()
    const config = join(P, 'z1/config')
    const original = readFileSync(config, 'utf8')
    writeFileSync(config, `${original}lxc.hook.clone = /bin/false\n`)
    try {
      const r = await strata('clone', '-p', P, '-P', P, '-o', 'z1', '-n', 'failing', '-s')
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/lxc.hook.clone/)
    } finally {
      writeFileSync(config, original)
    }
    expect(pool!.datasets()).toEqual(before)
    expect(readdirSync(P).filter((n) => n.startsWith('.') || n === 'failing')).toEqual([])
  })

  it('a clone killed after its datasets were made is rolled back by the next start: no dataset, no snapshot left', async (ctx) => {
    if (unavailable) ctx.skip(unavailable)
    const before = pool!.datasets()
    const killed = await execa('node', [join(import.meta.dirname, '../../bin/strata'), 'clone', '-p', P, '-P', P, '-o', 'z1', '-n', 'crashed', '-s'], {
      reject: false,
      env: { STRATA_FAULT: 'clone:built' }
    })
    expect(killed.signal, killed.stderr).toBe('SIGKILL')
    expect(pool!.datasets()).toContain(`${POOL}/crashed`)
    const check = await strata('check', '-P', P, '--json')
    expect(check.code, check.stderr).toBe(0)
    expect(pool!.datasets()).toEqual(before)
    expect(readdirSync(P).filter((n) => n.startsWith('.') || n === 'crashed')).toEqual([])
  })

  it("lxc-snapshot's snapshots: snapN as a zfs clone of <dataset>@snapN; a second container's snap0 gets a free dataset name; restore makes a new container, and in place is refused as zfs refuses it", async (ctx) => {
    if (unavailable) ctx.skip(unavailable)
    await strataOk('snapshot', '-P', P, '-n', 'z1')
    const snaps = join(P, 'z1/snaps')
    expect(rootfsLine('snap0', snaps)).toBe(`lxc.rootfs.path = zfs:${POOL}/snap0`)
    expect(pool!.property(`${POOL}/snap0`, 'origin')).toBe(`${POOL}/z1@snap0`)
    expect(pool!.property(`${POOL}/snap0`, 'mountpoint')).toBe(join(snaps, 'snap0/rootfs'))
    expect(readFileSync(join(snaps, 'snap0/ts'), 'utf8')).toMatch(/^\d{4}:\d\d:\d\d \d\d:\d\d:\d\d$/)
    // LXC names the dataset <parent>/snap0 for every container, so a second container's would collide
    await strataOk('clone', '-p', P, '-P', P, '-o', 'z1', '-n', 'z5', '-s')
    await strataOk('snapshot', '-P', P, '-n', 'z5')
    expect(rootfsLine('snap0', join(P, 'z5/snaps'))).toBe(`lxc.rootfs.path = zfs:${POOL}/snap0_1`)
    await strataOk('destroy', '-P', P, '-n', 'z5', '--with-dependents')
    // a change after the snapshot, then a restore to a new container: that one has the snapshot's tree
    await inDataset(`${POOL}/z1`, (root) => writeFileSync(join(root, 'root/after-snapshot'), 'x'))
    await strataOk('snapshot', '-P', P, '-n', 'z1', '-r', 'snap0', '-N', 'z1r')
    expect(pool!.property(`${POOL}/z1r`, 'origin')).toBe(`${POOL}/snap0@z1r`)
    await inDataset(`${POOL}/z1r`, (root) => {
      expect(existsSync(join(root, 'root/after-snapshot'))).toBe(false)
      expect(readFileSync(join(root, 'etc/hostname'), 'utf8').trim()).toBe('z1r')
    })
    // in place, z1's dataset would have to go while its snapshot's clone reads it: refused before anything changes
    const before = pool!.datasets()
    const inPlace = await strata('snapshot', '-P', P, '-n', 'z1', '-r', 'snap0')
    expect(inPlace.code).toBe(1)
    expect(inPlace.stderr).toMatch(/read by the zfs clone lxc\/snap0.*-N NEWNAME/)
    expect(pool!.datasets()).toEqual(before)
    expect(rootfsLine('z1')).toBe(`lxc.rootfs.path = zfs:${POOL}/z1`)
    // destroying z1 with everything that depends on it leaves nothing of it in the pool
    await strataOk('destroy', '-P', P, '-n', 'z1', '--with-dependents')
    expect(readdirSync(P)).toEqual([])
    expect(pool!.datasets()).toEqual([POOL])
  })
})
