// Clone and destroy against real LXC 5: what lxc-start, lxc-attach, lxc-copy and lxc-destroy
// make of Strata's clones, and what Strata makes of LXC's.
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execa } from 'execa'
import { makeLxcpath, strata, type TestLxcpath } from '../helpers/lxc'
import { lxcLockPath } from '../../src/main/engine/native/index'
import { check, dir, holdLock, lxcLs, pairs, text } from './helpers'

let P: TestLxcpath
let Q: TestLxcpath

beforeAll(async () => {
  P = await makeLxcpath('strata-ops-')
  Q = await makeLxcpath('strata-ops-other-')
  await P.create('c1')
}, 120_000)
afterAll(async () => {
  await P?.cleanup()
  await Q?.cleanup()
})

describe('overlay snapshot clone', () => {
  it('starts with lxc-start; writes and deletions land in Strata\'s upper; LXC protects the origin', async () => {
    const r = await strata('clone', '-p', P.path, '-o', 'c1', '-n', 'o1', '-s')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const upper = dir(P.path, 'o1', 'overlay/delta')
    expect(readFileSync(dir(P.path, 'o1', 'config'), 'utf8')).toContain(`lxc.rootfs.path = overlay:${P.path}/c1/rootfs:${upper}\n`)
    await P.lxc('lxc-start', '-n', 'o1')
    try {
      const mounts = await P.lxc('lxc-attach', '-n', 'o1', '--', 'cat', '/proc/mounts')
      expect(mounts).toMatch(new RegExp(`^\\S+ / overlay \\S*upperdir=${upper},`, 'm'))
      await P.lxc('lxc-attach', '-n', 'o1', '--', 'sh', '-c', 'echo hi > /touched && rm /bin/vi')
    } finally {
      await P.lxc('lxc-stop', '-n', 'o1', '-k')
    }
    expect(readFileSync(join(upper, 'touched'), 'utf8')).toBe('hi\n')
    const wh = lstatSync(join(upper, 'bin/vi'))
    expect(wh.isCharacterDevice() && wh.rdev === 0).toBe(true)
    expect(existsSync(dir(P.path, 'c1', 'rootfs/bin/vi'))).toBe(true)
    expect(text(dir(P.path, 'c1', 'lxc_snapshots'))).toBe(pairs([P.path, 'o1']))
    expect(text(dir(P.path, 'o1', 'lxc_rdepends'))).toBe(pairs([P.path, 'c1']))
    await expect(P.lxc('lxc-destroy', '-n', 'c1')).rejects.toThrow(/has clones/)
    expect(await check(P.path)).toEqual({ code: 0, findings: [] })
  })

  it('a clone of the clone keeps the base as lower, copies the upper, and lists both origins (as LXC 5)', async () => {
    expect((await strata('clone', '-p', P.path, '-o', 'o1', '-n', 'o1a', '-s')).code).toBe(0)
    const cfg = readFileSync(dir(P.path, 'o1a', 'config'), 'utf8')
    expect(cfg).toContain(`lxc.rootfs.path = overlay:${P.path}/c1/rootfs:${P.path}/o1a/overlay/delta\n`)
    expect(readFileSync(dir(P.path, 'o1a', 'overlay/delta/touched'), 'utf8')).toBe('hi\n')
    expect(lstatSync(dir(P.path, 'o1a', 'overlay/delta/bin/vi')).isCharacterDevice()).toBe(true)
    expect(text(dir(P.path, 'o1a', 'lxc_rdepends'))).toBe(pairs([P.path, 'c1'], [P.path, 'o1']))
    expect(text(dir(P.path, 'c1', 'lxc_snapshots'))).toBe(pairs([P.path, 'o1'], [P.path, 'o1a']))
    expect(text(dir(P.path, 'o1', 'lxc_snapshots'))).toBe(pairs([P.path, 'o1a']))
    expect(await check(P.path)).toEqual({ code: 0, findings: [] })
  })

  it('destroy refuses while dependents exist and lists them; LXC can destroy the origin once Strata removed the clones', async () => {
    const r = await strata('destroy', '-P', P.path, '-n', 'o1')
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`${P.path}/o1a`)
    expect(existsSync(dir(P.path, 'o1', 'config'))).toBe(true)
    const w = await strata('destroy', '-P', P.path, '-n', 'o1', '--with-dependents')
    expect(w.code).toBe(0)
    expect(w.stdout.split('\n').filter(Boolean)).toEqual([`Destroyed ${P.path}/o1a`, `Destroyed ${P.path}/o1`])
    expect(text(dir(P.path, 'c1', 'lxc_snapshots'))).toBeNull()
    expect(await lxcLs(P.path)).toEqual(['c1'])
    // c1 itself goes through LXC now: its bookkeeping says nothing depends on it
    await P.lxc('lxc-copy', '-n', 'c1', '-N', 'c1keep')
    await P.lxc('lxc-destroy', '-n', 'c1')
    await P.lxc('lxc-copy', '-n', 'c1keep', '-N', 'c1')
    await P.lxc('lxc-destroy', '-n', 'c1keep')
    expect(await check(P.path)).toEqual({ code: 0, findings: [] })
  })
})

describe('with clones LXC made', () => {
  it('refuses to destroy an origin whose dependents lxc-copy -s made, and removes exactly its own entry', async () => {
    await P.lxc('lxc-copy', '-n', 'c1', '-N', 'l1', '-s')
    await P.lxc('lxc-copy', '-n', 'c1', '-N', 'l2', '-s')
    const r = await strata('destroy', '-P', P.path, '-n', 'c1')
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/2 containers or snapshots depend on it.*\/l1.*\/l2/)
    expect((await strata('destroy', '-P', P.path, '-n', 'l1')).code).toBe(0)
    expect(text(dir(P.path, 'c1', 'lxc_snapshots'))).toBe(pairs([P.path, 'l2']))
    await P.lxc('lxc-destroy', '-n', 'l2')
    expect(text(dir(P.path, 'c1', 'lxc_snapshots'))).toBeNull()
  })

  it('removes only its own entry where LXC\'s substring match corrupts a neighbour', async () => {
    // lxcpath Q ends with nothing of P; make an entry whose lxcpath ends with P's path
    const tricky = `${Q.path}${P.path}`
    mkdirSync(tricky, { recursive: true })
    await P.lxc('lxc-copy', '-n', 'c1', '-N', 'foo', '-s')
    await execa('lxc-copy', ['-P', P.path, '-n', 'c1', '-N', 'foo', '-s', '-p', tricky])
    expect(text(dir(P.path, 'c1', 'lxc_snapshots'))).toBe(pairs([P.path, 'foo'], [tricky, 'foo']))
    expect((await strata('destroy', '-P', P.path, '-n', 'foo')).code).toBe(0)
    expect(text(dir(P.path, 'c1', 'lxc_snapshots'))).toBe(pairs([tricky, 'foo']))
    expect((await strata('destroy', '-P', tricky, '-n', 'foo')).code).toBe(0)
    expect(text(dir(P.path, 'c1', 'lxc_snapshots'))).toBeNull()
    rmSync(`${Q.path}/tmp`, { recursive: true, force: true })
  })

  it('lxc-copy can clone and snapshot a Strata-made container', async () => {
    expect((await strata('clone', '-p', P.path, '-o', 'c1', '-n', 'sc')).code).toBe(0)
    await P.lxc('lxc-copy', '-n', 'sc', '-N', 'sc-copy')
    await P.lxc('lxc-copy', '-n', 'sc', '-N', 'sc-snap', '-s')
    expect(text(dir(P.path, 'sc', 'lxc_snapshots'))).toBe(pairs([P.path, 'sc-snap']))
    await P.lxc('lxc-start', '-n', 'sc-snap')
    await P.lxc('lxc-stop', '-n', 'sc-snap', '-k')
    for (const n of ['sc-snap', 'sc-copy', 'sc']) await P.lxc('lxc-destroy', '-n', n)
  })
})

describe('an LXC 1.x count in lxc_snapshots', () => {
  /** Clones c1 with -s, writes `count` over c1's lxc_snapshots, destroys the clone; what the file holds then. */
  async function afterDestroy(tool: 'lxc' | 'strata', count: string): Promise<string | null> {
    const file = dir(P.path, 'c1', 'lxc_snapshots')
    const name = `count-${tool}`
    if (tool === 'lxc') await P.lxc('lxc-copy', '-n', 'c1', '-N', name, '-s')
    else expect((await strata('clone', '-p', P.path, '-o', 'c1', '-n', name, '-s')).code).toBe(0)
    writeFileSync(file, count)
    if (tool === 'lxc') await P.lxc('lxc-destroy', '-n', name)
    else expect((await strata('destroy', '-P', P.path, '-n', name)).code).toBe(0)
    const left = text(file)
    rmSync(file, { force: true })
    return left
  }

  it('goes down by one and stays at 0 when the last clone goes, as lxc-destroy leaves it', async () => {
    expect(text(dir(P.path, 'c1', 'lxc_snapshots'))).toBeNull()
    for (const count of ['2\n', '1\n', '0\n']) {
      const lxc = await afterDestroy('lxc', count)
      expect(await afterDestroy('strata', count), `count ${count.trim()}`).toBe(lxc)
    }
    // what LXC 5 does, as the seed says: 2 -> 1, 1 -> 0 (the file stays), 0 -> removed
    expect(await afterDestroy('lxc', '1\n')).toBe('0\n')
  })
})

describe('copy clone', () => {
  it('is a faithful copy: rsync -aHAXn finds no difference; across lxcpaths', async () => {
    const root = dir(P.path, 'c1', 'rootfs')
    // things a naive copy loses: a hard link, an xattr, a capability, a device node
    await execa('sh', ['-c', `cd ${root} && ln bin/busybox hardlinked && setfattr -n user.strata -v yes etc/passwd && mknod dev/testnull c 1 3 && touch caps && setcap cap_net_raw+ep caps`])
    const r = await strata('clone', '-p', P.path, '-o', 'c1', '-P', Q.path, '-n', 'cp1')
    expect(r.code).toBe(0)
    expect(readFileSync(dir(Q.path, 'cp1', 'config'), 'utf8')).toContain(`lxc.rootfs.path = dir:${Q.path}/cp1/rootfs\n`)
    const diff = await execa('rsync', ['-aHAXn', '--numeric-ids', '--itemize-changes', `${root}/`, `${dir(Q.path, 'cp1', 'rootfs')}/`])
    expect(diff.stdout).toBe('')
    expect(text(dir(P.path, 'c1', 'lxc_snapshots'))).toBeNull() // copies record nothing
    await Q.lxc('lxc-start', '-n', 'cp1')
    await Q.lxc('lxc-stop', '-n', 'cp1', '-k')
    expect((await strata('destroy', '-P', Q.path, '-n', 'cp1')).code).toBe(0)
  })
})

describe('config and hostname on clone', () => {
  it('keeps includes, rewrites hooks, fstab, MACs, overlay mount entries and the log/console paths LXC forgets', async () => {
    const old = dir(P.path, 'c1')
    writeFileSync(join(old, 'hook.sh'), '#!/bin/sh\nexit 0\n')
    chmodSync(join(old, 'hook.sh'), 0o755)
    writeFileSync(join(old, 'fstab'), '')
    writeFileSync(join(P.path, 'shared.conf'), 'lxc.environment = SHARED=1\n')
    const cfg = readFileSync(join(old, 'config'), 'utf8')
    writeFileSync(
      join(old, 'config'),
      cfg +
        `lxc.include = ${P.path}/shared.conf\n# a comment\nlxc.net.0.hwaddr = fe:ff:aa:bb:cc:dd\nlxc.hook.pre-start = ${old}/hook.sh\nlxc.mount.fstab = ${old}/fstab\n` +
        `lxc.log.file = ${old}/c1.log\nlxc.console.logfile = ${old}/console.log\nlxc.mount.entry = overlay opt overlay lowerdir=/opt,upperdir=${old}/up,workdir=${old}/wk 0 0\n`
    )
    expect((await strata('clone', '-p', P.path, '-o', 'c1', '-n', 'cfg1')).code).toBe(0)
    const nd = dir(P.path, 'cfg1')
    const out = readFileSync(join(nd, 'config'), 'utf8')
    expect(out).toContain(`lxc.include = ${P.path}/shared.conf\n# a comment\n`)
    expect(out).not.toContain('fe:ff:aa:bb:cc:dd')
    expect(out).toMatch(/^lxc\.net\.0\.hwaddr = 00:16:3e:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$/m)
    expect(out).toContain(`lxc.hook.pre-start = ${nd}/hook.sh\n`)
    expect(lstatSync(join(nd, 'hook.sh')).mode & 0o777).toBe(0o755)
    expect(out).toContain(`lxc.log.file = ${nd}/c1.log\n`)
    expect(out).toContain(`lxc.console.logfile = ${nd}/console.log\n`)
    expect(out).toContain(`upperdir=${nd}/up,workdir=${nd}/wk`)
    expect(out.endsWith(`lxc.rootfs.path = dir:${nd}/rootfs\nlxc.uts.name = cfg1\nlxc.mount.fstab = ${nd}/fstab\n`)).toBe(true)
    expect(out).not.toContain(old + '/')
    expect(existsSync(join(nd, 'fstab'))).toBe(true)
    // LXC agrees it is a loadable config
    expect(await P.lxc('lxc-info', '-n', 'cfg1', '-c', 'lxc.environment')).toContain('SHARED=1')

    expect((await strata('clone', '-p', P.path, '-o', 'c1', '-n', 'cfg2', '--expand-config')).code).toBe(0)
    const flat = readFileSync(dir(P.path, 'cfg2', 'config'), 'utf8')
    expect(flat).not.toContain('lxc.include')
    expect(flat).toContain('lxc.environment = SHARED=1\n')
    for (const n of ['cfg1', 'cfg2']) expect((await strata('destroy', '-P', P.path, '-n', n)).code).toBe(0)
  })

  it('rewrites /etc/hostname only where it exists, into the upper for overlay', async () => {
    writeFileSync(dir(P.path, 'c1', 'rootfs/etc/hostname'), 'c1\n')
    expect((await strata('clone', '-p', P.path, '-o', 'c1', '-n', 'h1', '-s')).code).toBe(0)
    expect(text(dir(P.path, 'h1', 'overlay/delta/etc/hostname'))).toBe('h1\n')
    expect(text(dir(P.path, 'c1', 'rootfs/etc/hostname'))).toBe('c1\n')
    expect((await strata('clone', '-p', P.path, '-o', 'c1', '-n', 'h2')).code).toBe(0)
    expect(text(dir(P.path, 'h2', 'rootfs/etc/hostname'))).toBe('h2\n')
    rmSync(dir(P.path, 'c1', 'rootfs/etc/hostname'))
    expect((await strata('clone', '-p', P.path, '-o', 'c1', '-n', 'h3')).code).toBe(0)
    expect(existsSync(dir(P.path, 'h3', 'rootfs/etc/hostname'))).toBe(false)
    for (const n of ['h1', 'h2', 'h3']) expect((await strata('destroy', '-P', P.path, '-n', n)).code).toBe(0)
  })

  it('never writes through an etc/hostname symlink onto the host (LXC 5.0.2 does)', async () => {
    const hostFile = join(Q.path, 'host-hostname')
    writeFileSync(hostFile, 'the-host\n')
    await P.create('sym')
    symlinkSync(hostFile, dir(P.path, 'sym', 'rootfs/etc/hostname'))
    await P.lxc('lxc-copy', '-n', 'sym', '-N', 'sym-lxc')
    expect(readFileSync(hostFile, 'utf8')).toBe('sym-lxc') // LXC wrote the host file
    writeFileSync(hostFile, 'the-host\n')
    const r = await strata('clone', '-p', P.path, '-o', 'sym', '-n', 'sym-strata')
    expect(r.code).toBe(0)
    expect(readFileSync(hostFile, 'utf8')).toBe('the-host\n')
    expect(lstatSync(dir(P.path, 'sym-strata', 'rootfs/etc/hostname')).isSymbolicLink()).toBe(true)
    const s = await strata('clone', '-p', P.path, '-o', 'sym', '-n', 'sym-strata2', '-s')
    expect(s.code).toBe(0)
    expect(readFileSync(hostFile, 'utf8')).toBe('the-host\n')
  })
})

describe('names and locks', () => {
  it('refuses names that break LXC, with the reason', async () => {
    for (const [name, why] of [['.hidden', /lxc-ls hides/], ['a:b', /layer separator/], ['x'.repeat(65), /hostname is at most 64/], ['a/b', /contains "\/"/]] as const) {
      const r = await strata('clone', '-p', P.path, '-o', 'c1', '-n', name, '-s')
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(why)
    }
    expect((await strata('clone', '-p', P.path, '-o', 'c1', '-n', 'c1')).stderr).toMatch(/already exists/)
  })

  it('waits for a lock LXC\'s way of locking holds on the origin, then completes', async () => {
    const held = await holdLock(lxcLockPath(P.path, 'c1'))
    const run = strata('clone', '-p', P.path, '-o', 'c1', '-n', 'locked1', '-s')
    let finished = false
    void run.then(() => (finished = true))
    await new Promise((r) => setTimeout(r, 1500))
    expect(finished).toBe(false)
    expect(existsSync(dir(P.path, 'locked1'))).toBe(false) // (lxc-ls itself would wait for this lock)
    await held.release()
    expect((await run).code).toBe(0)
    expect(text(dir(P.path, 'c1', 'lxc_snapshots'))).toContain('locked1\n')
  })
})
