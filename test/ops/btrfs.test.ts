// The btrfs driver against real LXC on a btrfs filesystem in a loop image: what Strata makes is
// what lxc-create -B btrfs and lxc-copy make (a subvolume, a writable snapshot, no
// bookkeeping, since a btrfs snapshot does not depend on its origin), and LXC starts it.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NO_NET_CONFIG, removeLxcLockDir, strata } from '../helpers/lxc'
import { makeLoopFs, type LoopFs } from '../helpers/loop-fs'
import { startStop, strataOk } from './helpers'

let fs: LoopFs
let P: string
let net: string

const lxc = (tool: string, ...args: string[]): string => execFileSync(tool, ['-P', P, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
const rootfsLine = (name: string): string | undefined => readFileSync(join(P, name, 'config'), 'utf8').match(/^lxc\.rootfs\.path = (.*)$/m)?.[1]
/** `btrfs subvolume show`: its UUID and its Parent UUID ('-' for none). */
function subvolume(path: string): { uuid: string; parent: string } {
  const out = execFileSync('btrfs', ['subvolume', 'show', path], { encoding: 'utf8' })
  return { uuid: out.match(/^\s*UUID:\s*(\S+)/m)![1]!, parent: out.match(/^\s*Parent UUID:\s*(\S+)/m)![1]! }
}

beforeAll(() => {
  fs = makeLoopFs('btrfs', 512, 'strata-btrfs-')
  P = join(fs.mnt, 'lxc')
  mkdirSync(P)
  net = join(fs.mnt, 'net.conf')
  writeFileSync(net, NO_NET_CONFIG)
  lxc('lxc-create', '-n', 'base', '-t', 'busybox', '-B', 'btrfs', '-f', net)
}, 120_000)
afterAll(() => {
  if (P) for (const n of execFileSync('lxc-ls', ['-P', P, '--active', '-1'], { encoding: 'utf8' }).split('\n').filter(Boolean)) execFileSync('lxc-stop', ['-P', P, '-n', n, '-k'])
  fs?.cleanup()
  if (P) removeLxcLockDir(P)
})

describe('btrfs', () => {
  it('lists what lxc-create -B btrfs made as btrfs', async () => {
    const r = await strata('ls', '-P', P, '--json')
    const base = (JSON.parse(r.stdout) as { name: string; backend: string }[]).find((c) => c.name === 'base')
    expect(base?.backend).toBe('btrfs')
  })

  it('a snapshot clone is a writable subvolume snapshot, as lxc-copy -s makes it, with no bookkeeping; LXC starts it', async () => {
    lxc('lxc-copy', '-n', 'base', '-N', 'by-lxc', '-s')
    await strataOk('clone', '-p', P, '-o', 'base', '-n', 'by-strata', '-s')
    expect(rootfsLine('by-strata')).toBe(`btrfs:${P}/by-strata/rootfs`)
    expect(rootfsLine('by-lxc')).toBe(`btrfs:${P}/by-lxc/rootfs`)
    const origin = subvolume(join(P, 'base', 'rootfs'))
    expect(subvolume(join(P, 'by-strata', 'rootfs')).parent).toBe(origin.uuid)
    expect(subvolume(join(P, 'by-lxc', 'rootfs')).parent).toBe(origin.uuid)
    for (const n of ['by-lxc', 'by-strata']) expect(existsSync(join(P, n, 'lxc_rdepends')), n).toBe(false)
    expect(existsSync(join(P, 'base', 'lxc_snapshots'))).toBe(false)
    // busybox has no /etc/hostname: both leave it absent
    expect(existsSync(join(P, 'by-strata', 'rootfs', 'etc', 'hostname'))).toBe(existsSync(join(P, 'by-lxc', 'rootfs', 'etc', 'hostname')))
    await startStop(P, 'by-strata')
  })

  it('shows what each snapshot was made from (its parent subvolume), as an edge that is no dependency', async () => {
    const graph = JSON.parse(await strataOk('lineage', '-P', P, '--json')) as { edges: { from: string; to: string; kind: string }[] }
    const base = `${P}/base`
    for (const n of ['by-lxc', 'by-strata']) expect(graph.edges, n).toContainEqual({ from: `${P}/${n}`, to: base, kind: 'copied-from' })
    const ls = JSON.parse(await strataOk('ls', '-P', P, '--json')) as { name: string; dependents: unknown[] }[]
    expect(ls.find((c) => c.name === 'base')?.dependents).toEqual([])
    expect(await strataOk('lineage', '-P', P)).toMatch(/\[copy\] .*by-strata/)
  })

  it('a copy clone is a snapshot too on the same filesystem, as LXC makes it', async () => {
    await strataOk('clone', '-p', P, '-o', 'base', '-n', 'copied')
    expect(rootfsLine('copied')).toBe(`btrfs:${P}/copied/rootfs`)
    expect(subvolume(join(P, 'copied', 'rootfs')).parent).toBe(subvolume(join(P, 'base', 'rootfs')).uuid)
  })

  it('creates btrfs with -B btrfs and with -B best here, dir without -B, as lxc-create does; LXC starts it', async () => {
    await strataOk('create', '-P', P, '-n', 'made', '-t', 'busybox', '-B', 'btrfs', '-f', net)
    await strataOk('create', '-P', P, '-n', 'best', '-t', 'busybox', '-B', 'best', '-f', net)
    await strataOk('create', '-P', P, '-n', 'plain', '-t', 'busybox', '-f', net)
    expect(rootfsLine('made')).toBe(`btrfs:${P}/made/rootfs`)
    expect(rootfsLine('best')).toBe(`btrfs:${P}/best/rootfs`)
    expect(rootfsLine('plain')).toBe(`dir:${P}/plain/rootfs`)
    expect(subvolume(join(P, 'made', 'rootfs')).parent).toBe('-')
    await startStop(P, 'made')
  })

  it('snapshots as lxc-snapshot does (a subvolume snapshot in snaps/), listed by lxc-snapshot -L, and restores', async () => {
    await strataOk('snapshot', '-P', P, '-n', 'made')
    expect(lxc('lxc-snapshot', '-n', 'made', '-L')).toMatch(/^snap0 /m)
    expect(subvolume(join(P, 'made', 'snaps', 'snap0', 'rootfs')).parent).toBe(subvolume(join(P, 'made', 'rootfs')).uuid)
    writeFileSync(join(P, 'made', 'rootfs', 'after-snapshot'), 'x')
    await strataOk('snapshot', '-P', P, '-n', 'made', '-r', 'snap0')
    expect(existsSync(join(P, 'made', 'rootfs', 'after-snapshot'))).toBe(false)
    expect(rootfsLine('made')).toBe(`btrfs:${P}/made/rootfs`)
    await startStop(P, 'made')
  })

  it('destroys a clone and its subvolume; the origin may go first, its snapshots do not depend on it', async () => {
    await strataOk('destroy', '-P', P, '-n', 'copied')
    expect(existsSync(join(P, 'copied'))).toBe(false)
    expect(execFileSync('btrfs', ['subvolume', 'list', fs.mnt], { encoding: 'utf8' })).not.toMatch(/copied/)
    await strataOk('destroy', '-P', P, '-n', 'base')
    expect(existsSync(join(P, 'base'))).toBe(false)
    await startStop(P, 'by-strata')
    lxc('lxc-destroy', '-n', 'by-lxc')
  })
})
