// A copy clone into storage that keeps no extended attributes, on a real zfs-fuse pool: a dir
// origin with a file capability (setcap), a POSIX ACL (setfacl) and a user xattr (setfattr) is
// refused before anything is made (rule clone-loses-xattrs), is copied without them only with
// --allow-lossy, and an origin without any is copied as before. A dir copy of the same origin
// keeps all three (so the checks here can tell a kept attribute from a lost one).
import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cloneChoices } from '../../src/main/engine/drivers/compat'
import { loadExisting } from '../../src/main/engine/ops/preconditions'
import { withXattrLoss } from '../../src/main/engine/ops/xattr-loss'
import { NO_NET_CONFIG, removeLxcLockDir, strata } from '../helpers/lxc'
import { makeZfsPool, zfsUnavailable, type ZfsPool } from '../helpers/zfs-pool'
import { strataOk } from './helpers'

/** LXC's default lxc.bdev.zfs.root: a copy of a dir container goes under it. */
const POOL = 'lxc'
let pool: ZfsPool | undefined
let P = ''
let unavailable: string | null = zfsUnavailable()

/** What a user would check: getcap, getfacl and getfattr on the three files of a rootfs. */
async function attributes(root: string): Promise<{ cap: string; acl: string; xattr: string }> {
  const cap = (await execa('getcap', ['capfile'], { cwd: root })).stdout
  const acl = (await execa('getfacl', ['-c', 'aclfile'], { cwd: root })).stdout
  const xattr = (await execa('getfattr', ['-d', 'xfile'], { cwd: root, reject: false })).stdout
  return { cap, acl, xattr }
}

/** Runs fn with the dataset mounted (zfs-fuse may call it busy for a moment), unmounted after. */
async function inDataset<T>(dataset: string, fn: (dir: string) => Promise<T>): Promise<T> {
  for (let i = 0; pool!.property(dataset, 'mounted') !== 'yes'; i++) {
    const r = await execa('zfs', ['mount', dataset], { reject: false })
    if (r.exitCode === 0) break
    if (i >= 40 || !/busy/.test(r.stderr)) throw new Error(`zfs mount ${dataset}: ${r.stderr}`)
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  try {
    return await fn(pool!.property(dataset, 'mountpoint')!)
  } finally {
    for (let i = 0; i < 40 && (await execa('zfs', ['umount', dataset], { reject: false })).exitCode !== 0; i++) await new Promise((r) => setTimeout(r, 250))
  }
}

/** The lxcpath's entries (hidden ones too) and the pool's datasets: what a refused clone must leave as it was. */
function state(): { entries: string[]; datasets: string[] } {
  return { entries: readdirSync(P).sort(), datasets: pool!.datasets() }
}

beforeAll(async () => {
  if (unavailable) return
  if ((await execa('zpool', ['list', '-H', POOL], { reject: false })).exitCode === 0) {
    unavailable = `a zfs pool named ${POOL} exists on this machine; this test makes its own pool of that name (LXC's default lxc.bdev.zfs.root) and will not touch it`
    return
  }
  pool = await makeZfsPool('strata-xattr-loss-', 512, POOL)
  P = join(pool.dir, 'lxc')
  await execa('mkdir', [P])
  const net = join(pool.dir, 'net.conf')
  writeFileSync(net, NO_NET_CONFIG)
  await strataOk('create', '-P', P, '-n', 'rich', '-t', 'busybox', '-f', net)
  await strataOk('create', '-P', P, '-n', 'plain', '-t', 'busybox', '-f', net)
  const root = join(P, 'rich/rootfs')
  for (const f of ['capfile', 'aclfile', 'xfile']) writeFileSync(join(root, f), `${f}\n`)
  await execa('setcap', ['cap_net_raw+ep', join(root, 'capfile')])
  await execa('setfacl', ['-m', 'u:1234:rwx', join(root, 'aclfile')])
  await execa('setfattr', ['-n', 'user.strata', '-v', 'kept', join(root, 'xfile')])
  for (const f of ['capfile', 'aclfile', 'xfile']) writeFileSync(join(P, 'plain/rootfs', f), `${f}\n`)
}, 300_000)

afterAll(async () => {
  try {
    if (P) removeLxcLockDir(P)
  } finally {
    await pool?.cleanup()
  }
}, 120_000)

describe('a copy into zfs-fuse (no xattrs) of an origin that has some', () => {
  it('the origin has them, and a dir copy keeps them all (getcap, getfacl, getfattr)', async (ctx) => {
    if (unavailable) ctx.skip(unavailable)
    const origin = await attributes(join(P, 'rich/rootfs'))
    expect(origin.cap).toMatch(/cap_net_raw[=+]ep/)
    expect(origin.acl).toMatch(/^user:1234:rwx$/m)
    expect(origin.xattr).toMatch(/user\.strata="kept"/)
    await strataOk('clone', '-p', P, '-P', P, '-o', 'rich', '-n', 'rich-dir', '-B', 'dir')
    expect(await attributes(join(P, 'rich-dir/rootfs'))).toEqual(origin)
    await strataOk('destroy', '-P', P, '-n', 'rich-dir')
  })

  it('is refused before anything is made, naming the target, the first file that would lose something and the rule', async (ctx) => {
    if (unavailable) ctx.skip(unavailable)
    const before = state()
    const r = await strata('clone', '-p', P, '-P', P, '-o', 'rich', '-n', 'rz', '-B', 'zfs')
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('clone-loses-xattrs')
    expect(r.stderr).toContain(join(P, 'rz'))
    expect(r.stderr).toContain(`the zfs pool ${POOL} keeps no extended attributes`)
    expect(r.stderr).toMatch(/rich's \/(capfile has a file capability|aclfile has a POSIX ACL|xfile has the xattr user\.strata)/)
    expect(state()).toEqual(before)
  })

  it("the engine's clone choices say it for the zfs copy (the dialog's one answer), and nothing for dir", async (ctx) => {
    if (unavailable) ctx.skip(unavailable)
    const origin = loadExisting({ lxcpath: P, name: 'rich' })
    const choices = await withXattrLoss(cloneChoices({ backend: 'dir', lxcpath: P }, { lxcpath: P }), origin, P)
    const zfsCopy = choices.find((c) => c.mode === 'copy' && c.backend === 'zfs')!
    expect(zfsCopy.allowed).toBe(true)
    expect(zfsCopy.loses).toMatch(/would lose extended attributes.*rich's \/(capfile|aclfile|xfile)/)
    expect(choices.find((c) => c.mode === 'copy' && c.backend === 'dir')!.loses).toBeUndefined()
    const plain = await withXattrLoss(cloneChoices({ backend: 'dir', lxcpath: P }, { lxcpath: P }), loadExisting({ lxcpath: P, name: 'plain' }), P)
    expect(plain.find((c) => c.mode === 'copy' && c.backend === 'zfs')!.loses).toBeUndefined()
  })

  it('with --allow-lossy it is made without them, and says so', async (ctx) => {
    if (unavailable) ctx.skip(unavailable)
    const r = await strata('clone', '-p', P, '-P', P, '-o', 'rich', '-n', 'rz', '-B', 'zfs', '--allow-lossy')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/extended attributes? \(ACLs, file capabilities\) not kept/)
    await inDataset(`${POOL}/rz`, async (root) => {
      const copy = await attributes(root)
      expect(copy.cap).toBe('')
      expect(copy.acl).not.toMatch(/user:1234/)
      expect(copy.xattr).toBe('')
      expect((await execa('cat', [join(root, 'capfile')])).stdout).toBe('capfile')
    })
    await strataOk('destroy', '-P', P, '-n', 'rz')
  })

  it('an origin without any is copied as before, no flag needed', async (ctx) => {
    if (unavailable) ctx.skip(unavailable)
    await strataOk('clone', '-p', P, '-P', P, '-o', 'plain', '-n', 'pz', '-B', 'zfs')
    await inDataset(`${POOL}/pz`, async (root) => expect((await execa('cat', [join(root, 'xfile')])).stdout).toBe('xfile'))
    await strataOk('destroy', '-P', P, '-n', 'pz')
  })
})
