// Copies that share blocks, on a real btrfs loop image: a dir container with some data of its
// own (a few MB, a hard link, a file capability, an ACL), copy-cloned by `strata clone -B dir`.
// The copy keeps everything rsync -aHAX compares, its data blocks are the origin's (btrfs
// filesystem du: nothing exclusive), and `strata du` counts them as shared, not as its own.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { linkSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ContainerUsage } from '@shared/model'
import { NO_NET_CONFIG, strata } from '../helpers/lxc'
import { makeLoopFs, type LoopFs } from '../helpers/loop-fs'

const sh = (cmd: string, ...args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8' })
const isRoot = process.geteuid?.() === 0

let loopFs: LoopFs | undefined
let mnt = ''
let P = ''

/** `btrfs filesystem du -s --raw`: total and exclusive bytes of a tree. */
function btrfsDu(path: string): { total: number; exclusive: number } {
  const f = sh('btrfs', 'filesystem', 'du', '-s', '--raw', path).trim().split('\n').pop()!.trim().split(/\s+/)
  return { total: Number(f[0]), exclusive: Number(f[1]) }
}

beforeAll(() => {
  if (!isRoot) return
  loopFs = makeLoopFs('btrfs', 512, 'strata-reflink-')
  mnt = loopFs.mnt
  P = mkdtempSync(join(mnt, 'lxc-'))
  writeFileSync(join(P, '.net.conf'), NO_NET_CONFIG)
  sh('lxc-create', '-P', P, '-n', 'c1', '-t', 'busybox', '-B', 'dir', '-f', join(P, '.net.conf'))
  const root = join(P, 'c1', 'rootfs')
  mkdirSync(join(root, 'data'))
  for (let i = 0; i < 8; i++) writeFileSync(join(root, 'data', `blob${i}`), randomBytes(512 << 10))
  linkSync(join(root, 'data', 'blob0'), join(root, 'data', 'blob0-link'))
  sh('setcap', 'cap_net_raw+ep', join(root, 'data', 'blob1'))
  sh('setfacl', '-m', 'u:1234:r', join(root, 'data', 'blob2'))
  sh('btrfs', 'filesystem', 'sync', mnt)
})

afterAll(() => loopFs?.cleanup())

describe.skipIf(!isRoot)('a copy clone on btrfs shares its origin\'s blocks (needs root: loop image)', () => {
  it('copies faithfully, shares every data block, and strata du counts them as shared', async () => {
    const r = await strata('clone', '-p', P, '-P', P, '-o', 'c1', '-n', 'c2', '-B', 'dir')
    expect(r.code, r.stderr).toBe(0)
    const a = join(P, 'c1', 'rootfs')
    const b = join(P, 'c2', 'rootfs')
    // rsync sees no difference in content, modes, owners, times, hard links, ACLs, xattrs
    // (the hostname files are rewritten by the clone, as lxc-copy does)
    const diff = sh('rsync', '-aHAXn', '--numeric-ids', '--itemize-changes', '--exclude=/etc/hostname', '--exclude=/etc/hosts', `${a}/`, `${b}/`).trim()
    expect(diff).toBe('')
    sh('btrfs', 'filesystem', 'sync', mnt)
    const fs = btrfsDu(b)
    expect(fs.total).toBeGreaterThanOrEqual(4 << 20)
    expect(fs.exclusive).toBeLessThan(64 << 10) // only the rewritten hostname files may be its own

    const du = await strata('du', '-P', P, '--json')
    expect(du.code, du.stderr).toBe(0)
    const c2 = (JSON.parse(du.stdout) as { containers: ContainerUsage[] }).containers.find((c) => c.ref.name === 'c2')!
    // exclusive: the rootfs's own extents plus the rest of its directory (config, log)
    const rest = Number(sh('du', '-s', '-B1', '--exclude=rootfs', join(P, 'c2')).split('\t')[0])
    expect(c2.exclusiveBytes).toBe(fs.exclusive + rest)
    expect(c2.sharedBytes).toBeGreaterThanOrEqual(4 << 20)
  })
})
