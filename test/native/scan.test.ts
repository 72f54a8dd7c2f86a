import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { copyTree, scanUsage } from '../../src/main/engine/native/index'
import { buildFidelityTree, removeLxcLockDir, rsyncDiff, sh, tmp } from './helpers'

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) {
    rmSync(d, { recursive: true, force: true })
    removeLxcLockDir(d)
  }
})

/** What du and find say; du -x because scanUsage never crosses devices either. */
function oracle(root: string): Record<string, number> {
  const n = (s: string): number => Number(s.trim().split(/\s+/)[0])
  const count = (t: string): number => n(sh(`find '${root}' -xdev -type ${t} -printf x | wc -c`))
  return {
    allocatedBytes: n(sh(`du -sx --block-size=1 '${root}'`)),
    apparentBytes: n(sh(`du -sx --apparent-size --block-size=1 '${root}'`)),
    files: count('f'),
    dirs: count('d'),
    symlinks: count('l'),
    whiteouts: n(sh(`find '${root}' -xdev -type c -exec stat -c '%t:%T' {} + | grep -c '^0:0$' || true`))
  }
}

describe('scanUsage agrees with du and find', () => {
  let base: string
  beforeAll(() => {
    base = tmp('scan')
    dirs.push(base)
  })

  it('on the fidelity tree', async () => {
    const root = join(base, 'fid')
    mkdirSync(root)
    buildFidelityTree(root)
    const r = await scanUsage(root, { xattrs: true })
    expect(r).toMatchObject(oracle(root))
    expect(r.hardlinkedInodes).toBe(1)
    expect(r.specials).toBe(4) // null, blk, fifo, sock (the whiteout is counted apart)
    expect(r.whiteouts).toBe(1)
    expect(r.opaqueDirs).toBe(1)
    expect(r.errors).toBe(0)
    // xattrs off: no opaque detection
    expect((await scanUsage(root, { threads: 1 })).opaqueDirs).toBe(0)
  })

  it('on a busybox rootfs', async () => {
    const P = join(base, 'lxc')
    mkdirSync(P)
    sh(`lxc-create -P '${P}' -n base -t busybox >/dev/null 2>&1`)
    const root = join(P, 'base/rootfs')
    for (const threads of [1, 2, 8]) expect(await scanUsage(root, { threads })).toMatchObject(oracle(root))
  })

  it('counts whiteouts and opaque dirs of a real overlay upper', async () => {
    const o = join(base, 'ovl')
    for (const d of ['lower/d', 'lower/keep', 'upper', 'work', 'merged']) mkdirSync(join(o, d), { recursive: true })
    for (const f of ['a', 'b', 'c', 'd/x', 'd/y', 'keep/z1', 'keep/z2']) writeFileSync(join(o, 'lower', f), `lower ${f}\n`)
    sh(`mount -t overlay overlay -o lowerdir='${o}/lower',upperdir='${o}/upper',workdir='${o}/work' '${o}/merged'`)
    try {
      sh(`cd '${o}/merged' && echo new > new && echo more >> a && rm b c keep/z1 && rm -rf d && mkdir d && echo n > d/n`)
    } finally {
      sh(`umount '${o}/merged'`)
    }
    const upper = join(o, 'upper')
    const r = await scanUsage(upper, { xattrs: true })
    expect(r.whiteouts).toBe(3) // b, c, keep/z1
    expect(r.opaqueDirs).toBe(1) // d
    expect(r).toMatchObject(oracle(upper))
    // the upper layer (shared whiteout inode, opaque xattr) copies faithfully too
    const dst = join(o, 'upper-copy')
    await copyTree(upper, dst)
    expect(rsyncDiff(upper, dst)).toBe('')
    expect((await scanUsage(dst, { xattrs: true })).opaqueDirs).toBe(1)
  })
})
