// Usage and mounts against real LXC on a loop-mounted ext4 made for the test: an overlay clone
// is started, changed from inside (lxc-attach), and then measured, mounted and destroyed.
import { execFileSync } from 'node:child_process'
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mountContainer, unmountContainer } from '../../src/main/engine/container-mount'
import { overlayMountOptions } from '../../src/main/engine/fs/overlay-mount'
import { layerDiff } from '../../src/main/engine/layer-diff'
import { findStaleMounts, listStrataMounts, parseMountinfo, cleanStaleMounts, strataMountDir } from '../../src/main/engine/mount'
import { measureUsage, measureUsageReport } from '../../src/main/engine/usage'
import { NO_NET_CONFIG, strata } from '../helpers/lxc'
import { makeLoopFs, type LoopFs } from '../helpers/loop-fs'

const du = (path: string): number => Number(execFileSync('du', ['-sx', '-B1', path], { encoding: 'utf8' }).split('\t')[0])

let fs: LoopFs
let P: string
const lxc = async (tool: string, ...args: string[]): Promise<string> => {
  const r = await execa(tool, ['-P', P, ...args], { reject: false })
  if (r.exitCode !== 0) throw new Error(`${tool} ${args.join(' ')} failed (${r.exitCode}): ${r.stderr}`)
  return r.stdout
}

beforeAll(async () => {
  fs = makeLoopFs('ext4', 256, 'strata-usage-', 200_000)
  P = mkdtempSync(join(fs.mnt, 'lxc-'))
  writeFileSync(join(P, '.net.conf'), NO_NET_CONFIG)
  await lxc('lxc-create', '-n', 'base', '-t', 'busybox', '-f', join(P, '.net.conf'))
  await lxc('lxc-copy', '-n', 'base', '-N', 'c1', '-s', '-B', 'overlay')
  await lxc('lxc-start', '-n', 'c1')
  // The three changes a user makes: a new 1 MiB file, a deleted lower file, a replaced directory.
  await lxc('lxc-attach', '-n', 'c1', '--', 'sh', '-c', 'head -c 1048576 /dev/urandom > /root/big && rm /etc/passwd && rm -rf /etc/init.d && mkdir /etc/init.d && echo new > /etc/init.d/rcS.new && sync')
})

afterAll(async () => {
  if (P) {
    for (const m of listStrataMounts()) if (m.ref.lxcpath.startsWith(P)) await unmountContainer(m.ref).catch(() => undefined)
    for (const n of ['c1', 'c2', 'base']) await execa('lxc-stop', ['-P', P, '-n', n, '-k'], { reject: false })
  }
  fs?.cleanup()
})

describe('usage of a running overlay clone, changed from inside', () => {
  it('measures exactly the upper: the 1 MiB file, one whiteout, one opaque directory', async () => {
    const [c1] = await measureUsage([P], { names: [{ lxcpath: P, name: 'c1' }] })
    const upper = join(P, 'c1', 'overlay', 'delta')
    expect(c1!.backend).toBe('overlay')
    expect(c1!.measured.allocatedBytes).toBe(du(upper))
    expect(c1!.measured.allocatedBytes).toBeGreaterThanOrEqual(1 << 20)
    expect(c1!.measured.whiteouts).toBe(1)
    expect(c1!.measured.opaqueDirs).toBe(1)
    expect(c1!.measured.apparentBytes).toBeGreaterThanOrEqual(1 << 20)
    expect(c1!.sharedBytes).toBe(du(join(P, 'base', 'rootfs')))
  })

  it('exclusive is du of its directory, and a leaf frees exactly its exclusive', async () => {
    const [c1] = await measureUsage([P], { names: [{ lxcpath: P, name: 'c1' }] })
    // the upper plus the config, log and overlay workdir: all of it goes with the container
    expect(c1!.exclusiveBytes).toBe(du(join(P, 'c1')))
    expect(c1!.exclusiveBytes).toBeGreaterThan(c1!.measured.allocatedBytes)
    expect(c1!.freedIfDeletedBytes).toBe(c1!.exclusiveBytes)
  })

  it('a base: freed includes its clone, saved is what the clone reads; the tree counts each once', async () => {
    const report = await measureUsageReport([P])
    const base = report.containers.find((c) => c.ref.name === 'base')!
    const c1 = report.containers.find((c) => c.ref.name === 'c1')!
    expect(base.exclusiveBytes).toBe(du(join(P, 'base')))
    expect(base.savedByClonesBytes).toBe(c1.sharedBytes)
    expect(base.freedIfDeletedBytes).toBe(base.exclusiveBytes + c1.exclusiveBytes)
    // the base's rootfs, which c1 shares, is counted once: in the base's exclusive
    expect(report.trees[0]!.allocatedBytes).toBe(du(join(P, 'base')) + du(join(P, 'c1')))
    expect(report.trees).toHaveLength(1)
    expect(report.trees[0]!.root.name).toBe('base')
    expect(report.trees[0]!.allocatedBytes).toBe(base.freedIfDeletedBytes)
  })

  it('strata du --json prints the same figures', async () => {
    const r = await strata('du', '-P', P, '-n', 'c1', '--json')
    expect(r.code, r.stderr).toBe(0)
    const report = JSON.parse(r.stdout) as { containers: { ref: { name: string }; measured: { whiteouts: number } }[] }
    expect(report.containers.map((c) => c.ref.name)).toEqual(['c1'])
    expect(report.containers[0]!.measured.whiteouts).toBe(1)
    const text = await strata('du', '-P', P)
    expect(text.stdout).toMatch(/^c1\s+overlay\s/m)
    expect(text.stdout).toMatch(/tree base: 2 members/)
  })
})

describe('diff of the same clone', () => {
  it('lists exactly the three changes, with sizes and shadowed lower bytes', async () => {
    const d = await layerDiff({ lxcpath: P, name: 'c1' })
    const lower = join(P, 'base', 'rootfs')
    const initdFiles = Number(execFileSync('bash', ['-c', `find '${lower}/etc/init.d' -type f -printf '%s\\n' | awk '{s+=$1} END {print s+0}'`], { encoding: 'utf8' }))
    // busybox's syslogd writes under /var at start: that is the container's change too, but not ours
    const ours = d.entries.filter((e) => !e.path.startsWith('/var/')).sort((a, b) => (a.path < b.path ? -1 : 1))
    expect(ours).toEqual([
      { path: '/etc/init.d', kind: 'opaque', isDir: true, bytes: 4, shadowedBytes: initdFiles },
      { path: '/etc/init.d/rcS.new', kind: 'added', isDir: false, bytes: 4, shadowedBytes: 0 },
      { path: '/etc/passwd', kind: 'deleted', isDir: false, bytes: 0, shadowedBytes: statSync(join(lower, 'etc', 'passwd')).size },
      { path: '/root/big', kind: 'added', isDir: false, bytes: 1 << 20, shadowedBytes: 0 }
    ])
    expect(d.totals.deleted.count).toBe(1)
    expect(d.totals.opaque.count).toBe(1)
    expect(d.shadowedBytes).toBe(initdFiles + statSync(join(lower, 'etc', 'passwd')).size)
    expect(initdFiles).toBeGreaterThan(0)
    const cli = await strata('diff', '-P', P, '-n', 'c1')
    expect(cli.code, cli.stderr).toBe(0)
    expect(cli.stdout).toMatch(/^D \/etc\/passwd \(hides \d+ B\)$/m)
    expect(cli.stdout).toMatch(/^O \/etc\/init\.d\/ /m)
    expect(cli.stdout).toMatch(/^A \/root\/big {2}1\.0 MiB$/m)
  })

  it('refuses a container without layers, naming the rule', async () => {
    await expect(layerDiff({ lxcpath: P, name: 'base' })).rejects.toThrow(/is a dir container: only overlay \(or aufs\) clones have an upper layer/)
  })
})

describe('mounts', () => {
  it('mounts a running clone read-only: the merged view, nothing writable; refuses --rw', async () => {
    const ref = { lxcpath: P, name: 'c1' }
    const m = await mountContainer(ref)
    try {
      expect(m.readOnly).toBe(true)
      expect(m.mountpoint.startsWith(strataMountDir())).toBe(true)
      expect(existsSync(join(m.mountpoint, 'root', 'big'))).toBe(true)
      expect(existsSync(join(m.mountpoint, 'etc', 'passwd'))).toBe(false)
      expect(readdirSync(join(m.mountpoint, 'etc', 'init.d'))).toEqual(['rcS.new'])
      expect(() => writeFileSync(join(m.mountpoint, 'x'), 'x')).toThrow(/EROFS/)
      expect(listStrataMounts().some((l) => l.mountpoint === m.mountpoint)).toBe(true)
      const rw = await strata('mount', '-P', P, '-n', 'c1', '--rw')
      expect(rw.code).toBe(1)
    } finally {
      expect(await unmountContainer(ref)).toBe(true)
    }
    expect(parseMountinfo(execFileSync('cat', ['/proc/self/mountinfo'], { encoding: 'utf8' })).some((e) => e.mountpoint === m.mountpoint)).toBe(false)
    expect(existsSync(m.mountpoint)).toBe(false)
  })

  it('refuses read-write while running, naming the rule', async () => {
    await expect(mountContainer({ lxcpath: P, name: 'c1' }, { readWrite: true })).rejects.toThrow(/running.*never mounts a running container's rootfs read-write/)
  })

  it('CLI mount/umount of a stopped dir container, --path, read-write when asked', async () => {
    const target = mkdtempSync(join(fs.dir, 'mp-'))
    const r = await strata('mount', '-P', P, '-n', 'base', '--path', target, '--rw')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout.trim()).toBe(target)
    expect(existsSync(join(target, 'bin', 'busybox'))).toBe(true)
    writeFileSync(join(target, 'strata-rw-probe'), 'x')
    expect(existsSync(join(P, 'base', 'rootfs', 'strata-rw-probe'))).toBe(true)
    rmSync(join(target, 'strata-rw-probe'))
    expect((await strata('umount', '-P', P, '-n', 'base')).code).toBe(0)
    expect((await strata('umount', '-P', P, '-n', 'base')).code).toBe(1)
  })

  it('finds and cleans a scan mount whose process died', async () => {
    const script = `import { mountContainer } from ${JSON.stringify(join(import.meta.dirname, '../../src/main/engine/container-mount.ts'))}
await mountContainer({ lxcpath: ${JSON.stringify(P)}, name: 'base' }, { purpose: 'scan' })`
    const file = join(fs.dir, 'crash.mts')
    writeFileSync(file, script)
    // The child mounts and exits without unmounting: a crash, as far as the mount is concerned.
    // --tsconfig: the script lives outside the repository, whose paths (@shared/*) the engine imports by
    await execa(join(import.meta.dirname, '../../node_modules/.bin/tsx'), ['--tsconfig', join(import.meta.dirname, '../../tsconfig.node.json'), file], {
      cwd: join(import.meta.dirname, '../..')
    })
    const stale = findStaleMounts().filter((s) => s.ref?.lxcpath === P)
    expect(stale.map((s) => s.reason)).toEqual([expect.stringMatching(/process \d+, which is gone/)])
    const cleaned = await cleanStaleMounts()
    expect(cleaned.some((s) => s.ref?.name === 'base')).toBe(true)
    expect(listStrataMounts().some((m) => m.ref.lxcpath === P)).toBe(false)
  })

  it('builds overlay options with several lowers, escaping : and , ; read-only needs no workdir', () => {
    expect(overlayMountOptions({ lowers: ['/a', '/b:c'], upper: '/u,1/delta' }, false)).toBe('lowerdir=/a:/b\\:c,upperdir=/u\\,1/delta,workdir=/u\\,1/work')
    expect(overlayMountOptions({ lowers: ['/a', '/b'], upper: '/u' }, true)).toBe('ro,lowerdir=/u:/a:/b')
  })

  it('explains a failed overlay mount: a missing workdir', async () => {
    await lxc('lxc-stop', '-n', 'c1')
    const ref = { lxcpath: P, name: 'c1' }
    rmSync(join(P, 'c1', 'overlay', 'work'), { recursive: true, force: true })
    await expect(mountContainer(ref, { readWrite: true })).rejects.toThrow(/workdir .*overlay\/work does not exist/)
    mkdirSync(join(P, 'c1', 'overlay', 'work'))
  })
})

describe('hard links, sparse files, odd names, 100k files in an upper', () => {
  it('counts hard links once, sparse files by blocks, and names that are not UTF-8', async () => {
    const upper = join(P, 'c1', 'overlay', 'delta')
    const odd = join(upper, 'odd')
    mkdirSync(odd)
    writeFileSync(join(odd, 'h1'), Buffer.alloc(100_000, 1))
    linkSync(join(odd, 'h1'), join(odd, 'h2'))
    execFileSync('truncate', ['-s', '1G', join(odd, 'sparse')])
    writeFileSync(join(odd, 'new\nline'), 'x')
    writeFileSync(Buffer.concat([Buffer.from(`${odd}/bad`), Buffer.from([0xff, 0xfe])]), 'x')
    const many = join(upper, 'many')
    mkdirSync(many)
    execFileSync('bash', ['-c', `cd '${many}' && for d in $(seq 0 99); do mkdir $d; (cd $d && seq 0 999 | xargs touch); done`])
    const [c1] = await measureUsage([P], { names: [{ lxcpath: P, name: 'c1' }] })
    expect(c1!.measured.allocatedBytes).toBe(du(upper))
    expect(c1!.measured.apparentBytes).toBe(Number(execFileSync('du', ['-sx', '-B1', '--apparent-size', upper], { encoding: 'utf8' }).split('\t')[0]))
    expect(c1!.measured.files).toBe(Number(execFileSync('bash', ['-c', `find '${upper}' -type f -printf x | wc -c`], { encoding: 'utf8' })) )
    expect(c1!.measured.files).toBeGreaterThan(100_000)
    expect(c1!.measured.apparentBytes).toBeGreaterThan(2 ** 30) // the sparse file's size...
    expect(c1!.measured.allocatedBytes).toBeLessThan(16 << 20) // ...but not its blocks
    const d = await layerDiff({ lxcpath: P, name: 'c1' })
    const paths = d.entries.map((e) => e.path)
    expect(paths).toContain('/odd/new\nline')
    expect(paths).toContain('/odd/bad\\xff\\xfe')
    expect(d.entries.find((e) => e.path === '/odd/sparse')!.bytes).toBe(2 ** 30)
    expect(d.totals.added.count).toBeGreaterThan(100_000)
    rmSync(odd, { recursive: true })
    rmSync(many, { recursive: true })
  })
})

describe('freed if deleted', () => {
  it('equals what df gives back when the clone is destroyed', async () => {
    await lxc('lxc-copy', '-n', 'base', '-N', 'c2', '-s', '-B', 'overlay')
    await lxc('lxc-start', '-n', 'c2')
    await lxc('lxc-attach', '-n', 'c2', '--', 'sh', '-c', 'head -c 3000000 /dev/urandom > /root/blob && sync')
    await lxc('lxc-stop', '-n', 'c2')
    const before = fs.usedBytes()
    const [c2] = await measureUsage([P], { names: [{ lxcpath: P, name: 'c2' }] })
    expect(c2!.freedIfDeletedBytes).toBe(du(join(P, 'c2')))
    expect(c2!.freedIfDeletedBytes).toBe(c2!.exclusiveBytes)
    await lxc('lxc-destroy', '-n', 'c2')
    const after = fs.usedBytes()
    expect(c2!.freedIfDeletedBytes).toBeGreaterThan(3_000_000)
    // df also sees LXC rewriting the base's lxc_snapshots and ext4 metadata outside the clone:
    // at most one filesystem block (1 KiB on this small ext4) either way.
    const block = Number(execFileSync('stat', ['-f', '-c', '%S', fs.mnt], { encoding: 'utf8' }))
    expect(Math.abs(before - after - c2!.freedIfDeletedBytes)).toBeLessThanOrEqual(block)
  })
})
