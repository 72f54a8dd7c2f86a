import { chownSync, existsSync, lstatSync, mkdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { copyTree, getXattrs, mkWhiteout, removeTree, setXattr } from '../../src/main/engine/native/index'
import { buildFidelityTree, removeLxcLockDir, rsyncDiff, run, sh, tmp } from './helpers'

const dirs: string[] = []
function tempDir(prefix: string): string {
  const d = tmp(prefix)
  dirs.push(d)
  return d
}

afterAll(() => {
  for (const d of dirs) {
    // lxc-destroy is not needed: the container dirs live inside these temp dirs
    rmSync(d, { recursive: true, force: true })
    removeLxcLockDir(d)
  }
})

describe('copyTree fidelity', () => {
  let base: string
  let src: string
  beforeAll(() => {
    base = tempDir('copy')
    src = join(base, 'src')
    mkdirSync(src)
    buildFidelityTree(src)
  })

  it('produces a copy rsync -aHAX finds nothing to change in', async () => {
    const dst = join(base, 'dst')
    const progress: number[] = []
    const r = await copyTree(src, dst, { onProgress: (p) => progress.push(p.files) })
    expect(rsyncDiff(src, dst)).toBe('')
    expect(r.hardlinks).toBe(2)
    expect(r.symlinks).toBe(5)
    expect(r.specials).toBe(5) // whiteout, null, blk, fifo, sock
    expect(r.skippedMounts).toBe(0)
    expect(progress.length).toBeGreaterThan(0)

    // hard links: one inode, three names
    const ino = statSync(join(dst, 'hl1')).ino
    expect(statSync(join(dst, 'd1/hl2')).ino).toBe(ino)
    expect(statSync(join(dst, 'd1/d2/hl3')).ino).toBe(ino)
    expect(statSync(join(dst, 'hl1')).nlink).toBe(3)
    // sparse stays sparse
    const sp = statSync(join(dst, 'sparse'))
    expect(sp.size).toBe(100 * 1024 * 1024)
    expect(sp.blocks * 512).toBeLessThan(1024 * 1024)
    expect(sh(`cmp '${src}/sparse' '${dst}/sparse' && echo same`).trim()).toBe('same')
    // the symlink to /etc stays a symlink; nothing of /etc was copied
    expect(lstatSync(join(dst, 'etc_link')).isSymbolicLink()).toBe(true)
    expect(readlinkSync(join(dst, 'etc_link'))).toBe('/etc')
    expect(sh(`find '${dst}' -name passwd -o -name os-release`).trim()).toBe('')
    // symlink mtime, atime of a file
    expect(lstatSync(join(dst, 'rel_link')).mtimeMs).toBe(lstatSync(join(src, 'rel_link')).mtimeMs)
    expect(statSync(join(dst, 'plain'), { bigint: true }).atimeNs).toBe(statSync(join(src, 'plain'), { bigint: true }).atimeNs)
    expect(statSync(join(dst, 'd1/d2/d3'), { bigint: true }).mtimeNs).toBe(statSync(join(src, 'd1/d2/d3'), { bigint: true }).mtimeNs)
    // capabilities, ACLs, whiteout, device, owners, modes
    expect(sh(`getcap '${dst}/pingish'`)).toContain('cap_net_raw')
    expect(sh(`getfacl -np '${dst}/acl/file'`)).toContain('user:1000:rwx')
    expect(sh(`getfacl -npd '${dst}/acl'`)).toContain('user:1000:r-x')
    expect(sh(`stat -c '%F %t:%T' '${dst}/ovl/whiteout' '${dst}/null'`)).toBe('character special file 0:0\ncharacter special file 1:3\n')
    expect(sh(`stat -c '%u:%g %a' '${dst}/owned1000' '${dst}/owned0_42' '${dst}/suid' '${dst}/sticky' '${dst}/sgid'`)).toBe(
      '1000:1000 644\n0:42 644\n0:0 4755\n0:0 1777\n1000:42 2775\n'
    )
    const x = await getXattrs(join(dst, 'opaque'))
    expect(x['trusted.overlay.opaque']?.toString()).toBe('y')
    expect((await getXattrs(join(dst, 'plain')))['user.note']?.toString()).toBe('hello xattr')
    // invalid UTF-8 and newline names came through byte-exact
    expect(sh(`ls '${dst}' | od -c | grep -c '377 376' || true`).trim()).not.toBe('0')
  })

  it('the oracle can fail: cp -r (not -a) is reported by rsync', () => {
    const bad = join(base, 'cp-r')
    sh(`cp -r '${src}' '${bad}' 2>/dev/null || true`)
    const diff = rsyncDiff(src, bad)
    expect(diff).not.toBe('')
    expect(diff).toMatch(/pingish|owned1000|rel_link/)
  })

  it('refuses a non-empty destination and names it', async () => {
    const dst = join(base, 'nonempty')
    mkdirSync(dst)
    writeFileSync(join(dst, 'x'), 'x')
    await expect(copyTree(src, dst)).rejects.toThrow(/nonempty.*not empty/)
    await expect(copyTree(src, join(src, 'd1/inside'))).rejects.toThrow(/inside source/)
    await expect(copyTree(join(base, 'missing'), join(base, 'm2'))).rejects.toMatchObject({ code: 'ENOENT', message: expect.stringMatching(/missing.*No such file/) })
  })

  it('copies into an existing empty dir and gives it the source root metadata', async () => {
    const dst = join(base, 'emptydst')
    mkdirSync(dst, { mode: 0o700 })
    await copyTree(join(src, 'sgid'), dst, { threads: 1 })
    expect(rsyncDiff(join(src, 'sgid'), dst)).toBe('')
    expect(sh(`stat -c '%u:%g %a' '${dst}'`)).toBe('1000:42 2775\n')
  })

  it('does not cross into a mountpoint below src (counts it)', async () => {
    const s = join(base, 'withmount')
    mkdirSync(join(s, 'mnt'), { recursive: true })
    writeFileSync(join(s, 'f'), 'f')
    sh(`mount -t tmpfs strata-test '${s}/mnt' && echo inside > '${s}/mnt/hidden'`)
    try {
      const r = await copyTree(s, join(base, 'withmount-dst'))
      expect(r.skippedMounts).toBe(1)
      expect(existsSync(join(base, 'withmount-dst/mnt'))).toBe(true)
      expect(existsSync(join(base, 'withmount-dst/mnt/hidden'))).toBe(false)
      // removeTree stops at a mountpoint rather than deleting through it, and refuses the mount itself
      await expect(removeTree(s)).rejects.toThrow(/mount point/)
      await expect(removeTree(join(s, 'mnt'))).rejects.toThrow(/mount point/)
      expect(existsSync(join(s, 'mnt/hidden'))).toBe(true)
    } finally {
      sh(`umount '${s}/mnt'`)
    }
  })

  it('copies a real LXC busybox rootfs faithfully', async () => {
    const P = tempDir('lxc')
    sh(`lxc-create -P '${P}' -n base -t busybox >/dev/null 2>&1`)
    const rootfs = join(P, 'base/rootfs')
    const dst = join(P, 'copy')
    const r = await copyTree(rootfs, dst)
    expect(r.files + r.hardlinks + r.symlinks).toBeGreaterThan(100)
    expect(rsyncDiff(rootfs, dst)).toBe('')
  })

  // The copier skips chown/chmod where a new entry is already born with the source's owner and
  // mode; these check that it learns the creation rules (umask, setgid destination) right.
  function buildModeTree(root: string): void {
    sh(`mkdir -p '${root}/open/inner' && cd '${root}'
for m in 0600 0640 0644 0660 0666 0700 0750 0755 0775 0777 0444 0000; do echo $m > f$m; chmod $m f$m; done
echo x > open/g0_42; chown 0:42 open/g0_42; chmod 0664 open/g0_42
echo y > open/inner/u1000; chown 1000:0 open/inner/u1000; chmod 0600 open/inner/u1000
chmod 0777 open; chmod 0755 open/inner; ln -s f0644 lnk; chown -h 1000:42 lnk`)
  }

  it('copies a directory of thousands of mixed entries (read in inode order, files opened ahead) faithfully', async () => {
    // more names than one getdents buffer holds, files of many sizes (several read-ahead
    // windows, by count and by bytes), hard links, symlinks and directories among them
    const big = join(tempDir('copy-many'), 'src')
    mkdirSync(big)
    for (let i = 0; i < 3000; i++) {
      const name = `entry-with-a-long-name-${String(i).padStart(5, '0')}`
      if (i % 10 === 3) symlinkSync(`target-${i}`, join(big, name))
      else if (i % 10 === 7) mkdirSync(join(big, name))
      else writeFileSync(join(big, name), Buffer.alloc(i % 100 === 1 ? 3 * 1024 * 1024 : i % 5000, i % 251), { mode: 0o640 })
    }
    sh(`ln '${big}/entry-with-a-long-name-00000' '${big}/a-hard-link'`)
    const dst = join(big, '..', 'dst')
    const r = await copyTree(big, dst, { threads: 2 })
    expect(rsyncDiff(big, dst)).toBe('')
    expect(r.symlinks).toBe(300)
    expect(r.hardlinks).toBe(1)
    expect(sh(`cmp '${big}/entry-with-a-long-name-00101' '${dst}/entry-with-a-long-name-00101' && echo same`).trim()).toBe('same')
  })

  it('keeps exact modes when the process umask is 077', async () => {
    const s = join(base, 'modes-umask')
    mkdirSync(s)
    buildModeTree(s)
    const dst = join(base, 'modes-umask-dst')
    const old = process.umask(0o077)
    try {
      await copyTree(s, dst)
      await copyTree(src, dst + '-fidelity')
    } finally {
      process.umask(old)
    }
    expect(rsyncDiff(s, dst)).toBe('')
    expect(rsyncDiff(src, dst + '-fidelity')).toBe('')
  })

  it('keeps exact owners and modes in an existing setgid destination of another group', async () => {
    const s = join(base, 'modes-sgid')
    mkdirSync(s)
    buildModeTree(s)
    const pairs: [string, string][] = [[s, join(base, 'sgid-dst')], [src, join(base, 'sgid-dst-fidelity')]]
    for (const [from, to] of pairs) {
      mkdirSync(to)
      sh(`chown 0:42 '${to}' && chmod 2777 '${to}'`)
      await copyTree(from, to)
      expect(rsyncDiff(from, to)).toBe('')
    }
  })
})

describe('copyTree cancel, removeTree', () => {
  let base: string
  let src: string
  beforeAll(() => {
    base = tempDir('cancel')
    src = join(base, 'src')
    for (let d = 0; d < 100; d++) {
      const dir = join(src, `d${d}`)
      mkdirSync(dir, { recursive: true })
      for (let f = 0; f < 200; f++) writeFileSync(join(dir, `f${f}`), `file ${d}/${f}\n`.repeat(20))
    }
  })

  it('aborts after the first progress event, as a cancel, long before the whole tree is copied', async () => {
    const ac = new AbortController()
    const dst = join(base, 'dst')
    let aborted = false
    let seen = 0
    const p = copyTree(src, dst, {
      signal: ac.signal,
      onProgress: (pr) => {
        if (!aborted) {
          aborted = true
          seen = pr.files
          ac.abort()
        }
      }
    })
    const err = await p.then(
      () => undefined,
      (e: unknown) => e
    )
    expect(err).toMatchObject({ name: 'StrataError', code: 'cancelled', message: expect.stringContaining('aborted') })
    expect(seen).toBeLessThan(20000)
    const copied = Number(sh(`find '${dst}' -type f | wc -l`).trim())
    expect(copied).toBeLessThan(20000)
    // partial dst is left for the caller
    await removeTree(dst)
    expect(existsSync(dst)).toBe(false)
  })

  it('an already aborted signal rejects without starting', async () => {
    const ac = new AbortController()
    ac.abort()
    await expect(copyTree(src, join(base, 'never'), { signal: ac.signal })).rejects.toMatchObject({ code: 'cancelled' })
    expect(existsSync(join(base, 'never'))).toBe(false)
  })

  it('removeTree deletes without following symlinks and refuses /', async () => {
    const t = join(base, 'rm')
    const outside = join(base, 'outside')
    mkdirSync(join(t, 'a/b'), { recursive: true })
    mkdirSync(outside)
    writeFileSync(join(outside, 'keep'), 'keep')
    sh(`ln -s '${outside}' '${t}/a/b/link'; ln -s '${outside}/keep' '${t}/filelink'; mkfifo '${t}/a/fifo'; chmod 000 '${t}/a/b'`)
    await removeTree(t)
    expect(existsSync(t)).toBe(false)
    expect(existsSync(join(outside, 'keep'))).toBe(true)
    await removeTree(join(base, 'does-not-exist'))
    await expect(removeTree('/')).rejects.toThrow(/refusing/)
    await expect(removeTree('/tmp/../')).rejects.toThrow(/refusing/)
  })
})

describe('removeTree with a marker to keep last', () => {
  it('refuses a directory without the marker, or with one another user wrote, or a symlink to one', async () => {
    const base = tempDir('keep')
    const t = join(base, 'work')
    mkdirSync(t)
    writeFileSync(join(t, 'data'), 'x')
    await expect(removeTree(t, { keep: '.m' })).rejects.toThrow(/holds no marker \.m written by this user/)
    writeFileSync(join(t, '.m'), '')
    chownSync(join(t, '.m'), 65534, 65534)
    await expect(removeTree(t, { keep: '.m' })).rejects.toThrow(/holds no marker/)
    rmSync(join(t, '.m'))
    writeFileSync(join(base, 'real-marker'), '')
    symlinkSync(join(base, 'real-marker'), join(t, '.m'))
    await expect(removeTree(t, { keep: '.m' })).rejects.toThrow(/holds no marker/)
    const link = join(base, 'link')
    symlinkSync(t, link)
    rmSync(join(t, '.m'))
    writeFileSync(join(t, '.m'), '')
    await removeTree(link, { keep: '.m' }) // the link is not the directory: only the link goes
    expect(existsSync(join(t, 'data'))).toBe(true)
    await expect(removeTree(t, { keep: 'a/b' })).rejects.toThrow(/not a file name/)
  })

  it('removes the marker last: a removal stopped half-way leaves it, so the rest can be proven', async () => {
    const base = tempDir('keep-last')
    const t = join(base, 'work')
    mkdirSync(join(t, 'a', 'mnt'), { recursive: true })
    for (let i = 0; i < 50; i++) writeFileSync(join(t, `f${i}`), 'x')
    writeFileSync(join(t, '.m'), 'marker')
    sh(`mount -t tmpfs strata-test '${t}/a/mnt'`)
    try {
      await expect(removeTree(t, { keep: '.m' })).rejects.toThrow(/mount point/)
      expect(existsSync(join(t, '.m'))).toBe(true)
    } finally {
      sh(`umount '${t}/a/mnt'`)
    }
    await removeTree(t, { keep: '.m' })
    expect(existsSync(t)).toBe(false)
  })
})

describe('small helpers', () => {
  it('setXattr/getXattrs/mkWhiteout', async () => {
    const d = tempDir('x')
    const f = join(d, 'f')
    writeFileSync(f, '')
    await setXattr(f, 'user.a', Buffer.from([0, 1, 2]))
    await setXattr(f, 'trusted.overlay.opaque', Buffer.from('y'))
    const x = await getXattrs(f)
    expect(x['user.a']).toEqual(Buffer.from([0, 1, 2]))
    expect(x['trusted.overlay.opaque']?.toString()).toBe('y')
    await mkWhiteout(join(d, 'wh'))
    expect(sh(`stat -c '%F %t:%T %a' '${d}/wh'`)).toBe('character special file 0:0 0\n')
    // a symlink's own xattrs, never the target's
    sh(`ln -s f '${d}/l'`)
    expect(Object.keys(await getXattrs(join(d, 'l')))).toEqual([])
    await expect(getXattrs(join(d, 'nope'))).rejects.toMatchObject({ code: 'ENOENT' })
    expect(run('true', []).status).toBe(0)
  })
})

describe('copyTree progress inside one big file', () => {
  it('reports bytes while the file is copied, not only once it is done, and ends at its size', async () => {
    const base = tempDir('copy-big')
    const src = join(base, 'src')
    mkdirSync(src)
    // 200 MiB of data (no holes): more than one copy chunk (64 MiB)
    const size = 200 * 1024 * 1024
    writeFileSync(join(src, 'big.bin'), Buffer.alloc(size, 7))
    const seen: { files: number; bytes: number }[] = []
    const r = await copyTree(src, join(base, 'dst'), { onProgress: (p) => seen.push({ files: p.files, bytes: p.bytes }) })
    // the first report comes after the first chunk, inside the one file
    expect(seen[0]!.files).toBe(0)
    expect(seen[0]!.bytes).toBeGreaterThan(0)
    expect(seen[0]!.bytes).toBeLessThan(size)
    expect(r.bytes).toBe(size)
    expect(statSync(join(base, 'dst/big.bin')).size).toBe(size)
  })
})
