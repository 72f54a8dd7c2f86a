// The loop driver against real LXC: what Strata makes is what lxc-create -B loop and lxc-copy
// make (an ext4 image `rootdev` of 1 GiB + 1 byte, mode 0600), LXC starts it, and nothing stays
// mounted or attached to a loop device afterwards.
import { execFileSync } from 'node:child_process'
import { existsSync, lstatSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeLxcpath, strata, type TestLxcpath } from '../helpers/lxc'
import { startStop, strataOk } from './helpers'

let P: TestLxcpath

const rootfsLine = (name: string): string | undefined =>
  execFileSync('grep', ['^lxc.rootfs.path', join(P.path, name, 'config')], { encoding: 'utf8' }).trim().replace('lxc.rootfs.path = ', '')
const attached = (): string => execFileSync('losetup', ['-a'], { encoding: 'utf8' })

beforeAll(async () => {
  P = await makeLxcpath('strata-loop-')
  await P.lxc('lxc-create', '-n', 'base', '-t', 'busybox', '-B', 'loop', '-f', join(P.path, '.net.conf'))
}, 120_000)
afterAll(async () => P?.cleanup())

describe('loop', () => {
  it('lists what lxc-create -B loop made as loop', async () => {
    const list = JSON.parse(await strataOk('ls', '-P', P.path, '--json')) as { name: string; backend: string }[]
    expect(list.find((c) => c.name === 'base')?.backend).toBe('loop')
  })

  it('a copy clone is a new image like lxc-copy makes, with the origin\'s files; LXC starts it; nothing stays attached', async () => {
    await P.lxc('lxc-copy', '-n', 'base', '-N', 'by-lxc')
    await strataOk('clone', '-p', P.path, '-o', 'base', '-n', 'by-strata')
    expect(rootfsLine('by-strata')).toBe(`loop:${P.path}/by-strata/rootdev`)
    const ours = statSync(join(P.path, 'by-strata', 'rootdev'))
    const theirs = statSync(join(P.path, 'by-lxc', 'rootdev'))
    expect(ours.size).toBe(theirs.size)
    expect(ours.mode & 0o777).toBe(0o600)
    await strataOk('mount', '-P', P.path, '-n', 'by-strata')
    try {
      const mounted = (JSON.parse(await strataOk('mount', '--list', '--json')) as { ref: { name: string }; mountpoint: string }[]).find((m) => m.ref.name === 'by-strata')!
      expect(existsSync(join(mounted.mountpoint, 'bin', 'busybox'))).toBe(true)
    } finally {
      await strataOk('umount', '-P', P.path, '-n', 'by-strata')
    }
    await startStop(P.path, 'by-strata')
    expect(attached()).not.toContain(`${P.path}/by-strata/rootdev`)
  })

  it('creates a loop container that LXC starts; copies a loop container to dir', async () => {
    await strataOk('create', '-P', P.path, '-n', 'made', '-t', 'busybox', '-B', 'loop', '-f', join(P.path, '.net.conf'))
    expect(rootfsLine('made')).toBe(`loop:${P.path}/made/rootdev`)
    await startStop(P.path, 'made')
    await strataOk('clone', '-p', P.path, '-o', 'base', '-n', 'as-dir', '-B', 'dir')
    expect(rootfsLine('as-dir')).toBe(`dir:${P.path}/as-dir/rootfs`)
    expect(existsSync(join(P.path, 'as-dir', 'rootfs', 'bin', 'busybox'))).toBe(true)
    expect(attached()).not.toContain(P.path)
  })

  it('rewrites /etc/hostname inside the new image where it is a file, and never through a symlink', async () => {
    const withMounted = async <T,>(name: string, rw: boolean, fn: (root: string) => T): Promise<T> => {
      await strataOk('mount', '-P', P.path, '-n', name, ...(rw ? ['--rw'] : []))
      try {
        const m = (JSON.parse(await strataOk('mount', '--list', '--json')) as { ref: { name: string }; mountpoint: string }[]).find((x) => x.ref.name === name)!
        return fn(m.mountpoint)
      } finally {
        await strataOk('umount', '-P', P.path, '-n', name)
      }
    }
    await withMounted('made', true, (root) => writeFileSync(join(root, 'etc', 'hostname'), 'made\n'))
    await strataOk('clone', '-p', P.path, '-o', 'made', '-n', 'renamed')
    expect(await withMounted('renamed', false, (root) => readFileSync(join(root, 'etc', 'hostname'), 'utf8'))).toBe('renamed\n')
    const hostHostname = readFileSync('/etc/hostname', 'utf8')
    await withMounted('renamed', true, (root) => {
      const file = join(root, 'etc', 'hostname')
      execFileSync('rm', [file])
      symlinkSync('/etc/hostname', file)
    })
    await strataOk('clone', '-p', P.path, '-o', 'renamed', '-n', 'linked')
    expect(readFileSync('/etc/hostname', 'utf8')).toBe(hostHostname)
    expect(await withMounted('linked', false, (root) => lstatSync(join(root, 'etc', 'hostname')).isSymbolicLink() && readlinkSync(join(root, 'etc', 'hostname')))).toBe('/etc/hostname')
  })

  it('snapshots as lxc-snapshot does (a dir copy of the image\'s files), listed by lxc-snapshot -L, and restores to a loop container', async () => {
    await P.lxc('lxc-snapshot', '-n', 'base')
    await strataOk('snapshot', '-P', P.path, '-n', 'base')
    expect(rootfsLine('base/snaps/snap0')).toBe(`dir:${P.path}/base/snaps/snap0/rootfs`)
    expect(rootfsLine('base/snaps/snap1')).toBe(`dir:${P.path}/base/snaps/snap1/rootfs`)
    expect(existsSync(join(P.path, 'base', 'snaps', 'snap1', 'rootfs', 'bin', 'busybox'))).toBe(true)
    expect(await P.lxc('lxc-snapshot', '-n', 'base', '-L')).toMatch(/^snap1 /m)
    await P.lxc('lxc-snapshot', '-n', 'base', '-r', 'snap0', '-N', 'restored-by-lxc')
    await strataOk('snapshot', '-P', P.path, '-n', 'base', '-r', 'snap1', '-N', 'restored')
    expect(rootfsLine('restored')).toBe(`loop:${P.path}/restored/rootdev`)
    expect(rootfsLine('restored-by-lxc')).toBe(`loop:${P.path}/restored-by-lxc/rootdev`)
    expect(statSync(join(P.path, 'restored', 'rootdev')).size).toBe(statSync(join(P.path, 'restored-by-lxc', 'rootdev')).size)
    await startStop(P.path, 'restored')
    expect(attached()).not.toContain(P.path)
  })

  it('refuses a snapshot clone with LXC\'s rule, and destroys a loop container with its image', async () => {
    const r = await strata('clone', '-p', P.path, '-o', 'base', '-n', 'snap', '-s')
    expect(r.code).not.toBe(0)
    expect(r.stderr).toMatch(/loop does not support snapshots/)
    expect(existsSync(join(P.path, 'snap'))).toBe(false)
    await strataOk('destroy', '-P', P.path, '-n', 'by-strata')
    expect(existsSync(join(P.path, 'by-strata'))).toBe(false)
  })
})
