// The seed article's walkthrough, scripted against Strata and real LXC 5:
// ct01 -> copy clone -> overlay snapshot clone -> snapshot clone of the snapshot clone ->
// start, write, stop -> sizes -> destroy refusals.
import { existsSync, lstatSync, readFileSync, writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execa } from 'execa'
import { makeLxcpath, strata, type TestLxcpath } from '../helpers/lxc'
import { check, dir, lxcLs, pairs, strataOk, text } from './helpers'

let P: TestLxcpath

async function duKiB(path: string): Promise<number> {
  return Number((await execa('du', ['-sk', path])).stdout.split('\t')[0])
}


beforeAll(async () => {
  P = await makeLxcpath('strata-seed-')
}, 120_000)
afterAll(async () => {
  await P?.cleanup()
})

describe('the seed walkthrough', () => {
  it('creates ct01 with -B dir, and it starts', async () => {
    await strataOk('create', '-P', P.path, '-n', 'ct01', '-t', 'busybox', '-B', 'dir', '-f', `${P.path}/.net.conf`)
    writeFileSync(dir(P.path, 'ct01', 'rootfs/etc/hostname'), 'ct01\n') // as the article's Ubuntu image has
    expect(await lxcLs(P.path)).toEqual(['ct01'])
    await P.lxc('lxc-start', '-n', 'ct01')
    await P.lxc('lxc-stop', '-n', 'ct01', '-k')
  })

  it('copy clone: same size, new name, new rootfs path', async () => {
    await strataOk('clone', '-p', P.path, '-P', P.path, '-o', 'ct01', '-n', 'ct02')
    const a = await duKiB(dir(P.path, 'ct01', 'rootfs'))
    const b = await duKiB(dir(P.path, 'ct02', 'rootfs'))
    expect(Math.abs(a - b)).toBeLessThanOrEqual(8)
    const cfg = readFileSync(dir(P.path, 'ct02', 'config'), 'utf8')
    expect(cfg).toContain(`lxc.rootfs.path = dir:${P.path}/ct02/rootfs\n`)
    expect(cfg).toContain('lxc.uts.name = ct02\n')
    expect(text(dir(P.path, 'ct02', 'rootfs/etc/hostname'))).toBe('ct02\n')
  })

  it('overlay snapshot clone (-s -B overlayfs): upper holds only etc/hostname; bookkeeping on both sides', async () => {
    await strataOk('clone', '-p', P.path, '-o', 'ct01', '-n', 'overlayfs01', '-s', '-B', 'overlayfs')
    const upper = dir(P.path, 'overlayfs01', 'overlay/delta')
    expect((await execa('find', [upper, '-mindepth', '1'])).stdout.split('\n').sort()).toEqual([`${upper}/etc`, `${upper}/etc/hostname`])
    expect(text(`${upper}/etc/hostname`)).toBe('overlayfs01\n')
    expect(text(dir(P.path, 'overlayfs01', 'lxc_rdepends'))).toBe(pairs([P.path, 'ct01']))
    expect(text(dir(P.path, 'ct01', 'lxc_snapshots'))).toBe(pairs([P.path, 'overlayfs01']))
  })

  it('snapshot clone of the snapshot clone: lower stays ct01, the upper is copied, ct01 lists both', async () => {
    await strataOk('clone', '-p', P.path, '-o', 'overlayfs01', '-n', 'overlayfs02', '-s', '-B', 'overlayfs')
    expect(readFileSync(dir(P.path, 'overlayfs02', 'config'), 'utf8')).toContain(`lxc.rootfs.path = overlay:${P.path}/ct01/rootfs:${P.path}/overlayfs02/overlay/delta\n`)
    expect(text(dir(P.path, 'overlayfs02', 'overlay/delta/etc/hostname'))).toBe('overlayfs02\n')
    expect(text(dir(P.path, 'ct01', 'lxc_snapshots'))).toBe(pairs([P.path, 'overlayfs01'], [P.path, 'overlayfs02']))
  })

  it('start, write, stop: writes land in the upper, deletions are whiteouts, and do not reach the clone of the clone', async () => {
    await P.lxc('lxc-start', '-n', 'overlayfs01')
    try {
      const mounts = await P.lxc('lxc-attach', '-n', 'overlayfs01', '--', 'cat', '/proc/mounts')
      expect(mounts).toContain(`upperdir=${P.path}/overlayfs01/overlay/delta`)
      await P.lxc('lxc-attach', '-n', 'overlayfs01', '--', 'sh', '-c', 'echo test > /root/testfile && rm /etc/inittab')
    } finally {
      await P.lxc('lxc-stop', '-n', 'overlayfs01', '-k')
    }
    const upper = dir(P.path, 'overlayfs01', 'overlay/delta')
    expect(text(`${upper}/root/testfile`)).toBe('test\n')
    const wh = lstatSync(`${upper}/etc/inittab`)
    expect(wh.isCharacterDevice() && wh.rdev === 0).toBe(true)
    expect(existsSync(dir(P.path, 'overlayfs02', 'overlay/delta/root/testfile'))).toBe(false)
    expect(existsSync(dir(P.path, 'ct01', 'rootfs/etc/inittab'))).toBe(true)
  })

  it('sizes: the snapshot clones hold kilobytes, the copy holds the whole tree', async () => {
    const ls = JSON.parse(await strataOk('ls', '-P', P.path, '--json')) as { name: string; backend: string; dependents: unknown[] }[]
    expect(ls.map((c) => [c.name, c.backend])).toEqual([
      ['ct01', 'dir'],
      ['ct02', 'dir'],
      ['overlayfs01', 'overlay'],
      ['overlayfs02', 'overlay']
    ])
    const base = await duKiB(dir(P.path, 'ct01', 'rootfs'))
    const up1 = await duKiB(dir(P.path, 'overlayfs01', 'overlay/delta'))
    expect(up1).toBeLessThan(base / 4)
    expect(await duKiB(dir(P.path, 'ct02', 'rootfs'))).toBeGreaterThan(up1)
  })

  it('destroy refusals: Strata and LXC refuse ct01 while clones exist; after them, both agree it can go', async () => {
    const r = await strata('destroy', '-P', P.path, '-n', 'ct01')
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`${P.path}/overlayfs01`)
    expect(r.stderr).toContain(`${P.path}/overlayfs02`)
    await expect(P.lxc('lxc-destroy', '-n', 'ct01')).rejects.toThrow(/has clones/)
    await strataOk('destroy', '-P', P.path, '-n', 'overlayfs02')
    await P.lxc('lxc-destroy', '-n', 'overlayfs01') // LXC's own destroy of a Strata clone updates ct01 too
    expect(text(dir(P.path, 'ct01', 'lxc_snapshots'))).toBeNull()
    expect(await check(P.path)).toEqual({ code: 0, findings: [] })
    await strataOk('destroy', '-P', P.path, '-n', 'ct01')
    expect(await lxcLs(P.path)).toEqual(['ct02'])
  })
})
