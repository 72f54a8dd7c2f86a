// Copying a container between hosts: two network namespaces with their own sshd play the
// remote hosts, each serving ITS OWN lxcpath through the Strata helper from this checkout
// (started over ssh; the ssh user is root there, so the helper runs without pkexec), and this
// computer has a third. The built CLI copies between them; rsync -aHAXn, LXC's own tools and
// directory listings check the results. Every namespace, sshd, container and directory is
// removed afterwards, also when a test fails.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeLoopFs, type LoopFs } from '../helpers/loop-fs'
import { makeZfsPool, zfsUnavailable, type ZfsPool } from '../helpers/zfs-pool'
import { fillRichRootfs } from './rich-rootfs'
import { hostsSkipReason, REPO, type NetnsHost } from './netns-hosts'
import { helpersServing, setUpHosts, sh, waitFor, type HostsSetup } from './setup'

const skip = hostsSkipReason()
if (skip) console.warn(`skipping the copy between hosts tests: ${skip}`)

let hs: HostsSetup
/** h1's, h2's and this computer's lxcpaths */
let p1: string
let p2: string
let pLocal: string
/** an lxcpath on a btrfs loop image, which h2 serves as the host "h2btrfs" (so h2's own helper and its command line stay as they are) */
let btrfsFs: LoopFs
let pBtrfs: string

const strata = (args: string[], env: Record<string, string> = {}) => hs.strata(args, env)

const lxcLs = async (lxcpath: string): Promise<string[]> => (await sh('lxc-ls', '-P', lxcpath, '-1')).split('\n').filter(Boolean)

/** Every path under an lxcpath with its type, size, mode and owner: "exactly as before" is this, equal. */
const tree = async (lxcpath: string): Promise<string> => (await sh('find', lxcpath, '-printf', '%P %y %s %m %U:%G\n')).split('\n').sort().join('\n')

/** rsync's itemized differences between two rootfs trees (every attribute, numeric ids; `xattrs` false where the target keeps none), the hostname file aside. */
async function rootfsDifferences(a: string, b: string, xattrs = true): Promise<string[]> {
  const out = await sh('rsync', xattrs ? '-aHAXn' : '-aHn', '--itemize-changes', '--numeric-ids', '--delete', '--exclude=/etc/hostname', `${a}/`, `${b}/`)
  return out.split('\n').filter(Boolean)
}

/** `zfs mount`, retried while zfs-fuse still calls the dataset busy (for a while after the helper unmounted it). */
async function mountPatiently(dataset: string): Promise<void> {
  await waitFor(`zfs to mount ${dataset}`, async () => {
    const r = await execa('zfs', ['mount', dataset], { reject: false })
    if (r.exitCode !== 0 && !/busy/.test(r.stderr)) throw new Error(`zfs mount ${dataset}: ${r.stderr}`)
    return r.exitCode === 0
  })
}

/** A busybox container whose rootfs holds one of each thing a copy must keep. */
async function makeRichContainer(lxcpath: string, name: string): Promise<string> {
  await sh('lxc-create', '-P', lxcpath, '-n', name, '-t', 'busybox', '-f', hs.netConf)
  // an fstab in its directory, which a copy clone takes along
  writeFileSync(join(lxcpath, name, 'fstab'), 'tmpfs tmp tmpfs defaults 0 0\n')
  writeFileSync(join(lxcpath, name, 'config'), `${readFileSync(join(lxcpath, name, 'config'), 'utf8')}lxc.mount.fstab = ${join(lxcpath, name, 'fstab')}\n`)
  const root = join(lxcpath, name, 'rootfs')
  await fillRichRootfs(root)
  return root
}

/** The CLI's child processes named `name` whose command line holds every one of `words`. */
async function childrenOf(parent: number, name: string, ...words: string[]): Promise<number[]> {
  const r = await execa('pgrep', ['-P', String(parent), '-x', name], { reject: false })
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
        return words.every((w) => cmdline.includes(w))
      } catch {
        return false
      }
    })
}

describe.skipIf(skip)('strata copy between hosts (network namespaces with their own sshd, each serving its own lxcpath; the ssh user is root there)', () => {
  beforeAll(async () => {
    hs = await setUpHosts(2, async (s) => {
      hs = s // for the helpers below, already while setting up
      const [h1, h2] = s.hosts as [NetnsHost, NetnsHost]
      p1 = await s.lxcpath('lxc-h1')
      p2 = await s.lxcpath('lxc-h2')
      pLocal = join(s.dir, 'lxc-here')
      mkdirSync(pLocal, { mode: 0o755 })
      btrfsFs = makeLoopFs('btrfs', 512, 'strata-xhost-btrfs-')
      s.onCleanup(() => btrfsFs.cleanup())
      pBtrfs = join(btrfsFs.mnt, 'lxc')
      mkdirSync(pBtrfs, { mode: 0o755 })
      await s.allow([pBtrfs])
      // h1 serves p1, h2 serves p2, and h2 again as h2btrfs serves the btrfs lxcpath
      s.writeHosts([
        { name: 'h1', host: h1, lxcpaths: [p1] },
        { name: 'h2', host: h2, lxcpaths: [p2] },
        { name: 'h2btrfs', host: h2, lxcpaths: [pBtrfs] }
      ])
      for (const name of ['h1', 'h2', 'h2btrfs']) {
        const t = await s.trust(name)
        expect(t.code, t.stderr).toBe(0)
      }
      // containers a failed test may leave running in a host's namespace
      s.onCleanup(async () => {
        for (const [h, p] of [[h1, p1], [h2, p2]] as const)
          for (const name of ['c1copy', 'c1']) await execa('ip', ['netns', 'exec', h.netns, 'lxc-stop', '-P', p, '-n', name, '-k'], { reject: false })
      })
      await makeRichContainer(p1, 'c1')
    })
  }, 180_000)

  afterAll(async () => {
    await hs?.cleanup()
  }, 120_000)

  it('h1:c1 to h2:c1copy keeps every attribute (rsync -aHAXn finds nothing), the config is rewritten, and LXC on h2 starts it', async () => {
    // the CLI's own temporary files (its ssh connections' control sockets and forwards) go here, to be seen gone after
    const tmp = join(hs.dir, 'cli-tmp')
    mkdirSync(tmp)
    const logins = () => hs.hosts.map((h) => h.sshdLog.split('Accepted publickey').length - 1)
    const loginsBefore = logins()
    const r = await strata(['copy', 'h1:c1', 'h2:c1copy'], { TMPDIR: tmp, XDG_RUNTIME_DIR: '' })
    expect(r.code, r.stderr).toBe(0)
    // one login per host, as `ssh h1 tar c | ssh h2 tar x` makes: the rootfs went through the helpers' own connections
    expect(logins().map((n, i) => n - loginsBefore[i]!)).toEqual([1, 1])
    expect(readdirSync(tmp)).toEqual([])
    expect(r.stdout).toContain(`Copied c1 from h1 (${p1}) to c1copy on h2 (${p2})`)
    const src = join(p1, 'c1', 'rootfs')
    const dst = join(p2, 'c1copy', 'rootfs')
    expect(await rootfsDifferences(src, dst)).toEqual([])
    // the things rsync -n compares only in part: the holes, the capability, the ACL, the link
    expect(Number(await sh('stat', '-c', '%b', join(dst, 'srv/sparse')))).toBeLessThan(1024) // 512-byte blocks: not 64 MiB written out
    expect(await sh('getcap', join(dst, 'srv/xattr'))).toContain('cap_net_raw=ep')
    expect(await sh('getfattr', '-n', 'user.strata', '--only-values', join(dst, 'srv/xattr'))).toBe('kept')
    expect(await sh('getfacl', '-cp', join(dst, 'srv/acl'))).toBe(await sh('getfacl', '-cp', join(src, 'srv/acl')))
    expect(await sh('stat', '-c', '%i', join(dst, 'srv/linked'))).toBe(await sh('stat', '-c', '%i', join(dst, 'srv/hardlink')))
    expect(await sh('stat', '-c', '%F %t,%T %U:%G', join(dst, 'srv/null'))).toBe('character special file 1,3 root:root')
    expect(await sh('stat', '-c', '%u:%g %a', join(dst, 'srv/owned'))).toBe('1234:5678 644')
    expect(await sh('stat', '-c', '%a', join(dst, 'srv/setuid'))).toBe('4750')

    // the config as a local copy clone writes it, for h2's lxcpath; no relation to c1
    const config = readFileSync(join(p2, 'c1copy', 'config'), 'utf8')
    expect(config).toMatch(new RegExp(`^lxc\\.rootfs\\.path = dir:${dst}$`, 'm'))
    expect(config).toMatch(/^lxc\.uts\.name = c1copy$/m)
    expect(config).not.toContain(p1)
    expect(config).toMatch(new RegExp(`^lxc\\.mount\\.fstab = ${p2}/c1copy/fstab$`, 'm'))
    expect(readFileSync(join(p2, 'c1copy', 'fstab'), 'utf8')).toBe('tmpfs tmp tmpfs defaults 0 0\n')
    const local = await strata(['clone', '-o', 'c1', '-n', 'localcopy', '-p', p1, '-P', p2])
    expect(local.code, local.stderr).toBe(0)
    const mask = (t: string, n: string) => t.split(n).join('NAME').replace(/^lxc\.net\.0\.hwaddr = .*$/gm, 'MAC')
    expect(mask(config, 'c1copy')).toBe(mask(readFileSync(join(p2, 'localcopy', 'config'), 'utf8'), 'localcopy'))
    await sh('lxc-destroy', '-P', p2, '-n', 'localcopy')
    expect(existsSync(join(p2, 'c1copy', 'lxc_rdepends'))).toBe(false)
    expect(existsSync(join(p1, 'c1', 'lxc_snapshots'))).toBe(false)

    // LXC on h2 sees it and starts it (its command socket is per network namespace: ask there)
    expect(await lxcLs(p2)).toEqual(['c1copy'])
    const inH2 = (tool: string, ...args: string[]) => sh('ip', 'netns', 'exec', hs.hosts[1]!.netns, tool, '-P', p2, ...args)
    await inH2('lxc-start', '-n', 'c1copy')
    expect(await inH2('lxc-info', '-n', 'c1copy', '-s')).toMatch(/RUNNING/)
    await inH2('lxc-stop', '-n', 'c1copy', '-k')
    expect(await inH2('lxc-info', '-n', 'c1copy', '-s')).toMatch(/STOPPED/)
    const ck = await strata(['--host', 'h2', 'check'])
    expect(ck.stdout + ck.stderr).toContain('0 errors, 0 warnings')
  }, 300_000)

  it('this computer to h2, and h1 to this computer, keep every attribute too', async () => {
    const up = await strata(['copy', '-p', p1, 'c1', 'h2:fromhere'])
    expect(up.code, up.stderr).toBe(0)
    expect(await rootfsDifferences(join(p1, 'c1', 'rootfs'), join(p2, 'fromhere', 'rootfs'))).toEqual([])
    expect(await lxcLs(p2)).toContain('fromhere')
    const down = await strata(['copy', 'h1:c1', 'fromthere', '-P', pLocal])
    expect(down.code, down.stderr).toBe(0)
    expect(down.stdout).toContain(`to fromthere on this computer (${pLocal})`)
    expect(await rootfsDifferences(join(p1, 'c1', 'rootfs'), join(pLocal, 'fromthere', 'rootfs'))).toEqual([])
    expect(await lxcLs(pLocal)).toEqual(['fromthere'])
    await sh('lxc-info', '-P', pLocal, '-n', 'fromthere')
    await sh('lxc-destroy', '-P', p2, '-n', 'fromhere')
    await sh('lxc-destroy', '-P', pLocal, '-n', 'fromthere')
  }, 300_000)

  it('refuses a running source and a target name that exists, before anything moves', async () => {
    const before = [await tree(p1), await tree(p2)]
    const taken = await strata(['copy', 'h1:c1', 'h2:c1copy'])
    expect(taken.code).not.toBe(0)
    expect(taken.stderr).toContain(`${p2}/c1copy already exists`)
    expect(taken.stderr).toContain('on h2')
    expect([await tree(p1), await tree(p2)]).toEqual(before)

    const inH1 = (tool: string, ...args: string[]) => sh('ip', 'netns', 'exec', hs.hosts[0]!.netns, tool, '-P', p1, ...args)
    await inH1('lxc-start', '-n', 'c1')
    try {
      const running = await strata(['copy', 'h1:c1', 'h2:c2'])
      expect(running.code).not.toBe(0)
      expect(running.stderr).toMatch(/from h1 .*c1 is running: stop it before you copy it to another host/)
    } finally {
      await inH1('lxc-stop', '-n', 'c1', '-k')
    }
    await waitFor('the helpers on h2 to exit', async () => (await helpersServing(p2)).length === 0)
    expect(await tree(p2)).toEqual(before[1])
    expect(await lxcLs(p2)).toEqual(['c1copy'])
  }, 120_000)

  it('-B btrfs: h1:c1 to a btrfs lxcpath on h2 becomes a subvolume there, keeps every attribute, and LXC on h2 starts it', async () => {
    const r = await strata(['copy', 'h1:c1', 'h2btrfs:cbtrfs', '-B', 'btrfs'])
    expect(r.code, r.stderr).toBe(0)
    const dst = join(pBtrfs, 'cbtrfs', 'rootfs')
    expect(readFileSync(join(pBtrfs, 'cbtrfs', 'config'), 'utf8')).toMatch(new RegExp(`^lxc\\.rootfs\\.path = btrfs:${dst}$`, 'm'))
    expect(await sh('btrfs', 'subvolume', 'show', dst)).toContain('Name:')
    expect(await rootfsDifferences(join(p1, 'c1', 'rootfs'), dst)).toEqual([])
    expect(await sh('getcap', join(dst, 'srv/xattr'))).toContain('cap_net_raw=ep')
    const inH2 = (tool: string, ...args: string[]) => sh('ip', 'netns', 'exec', hs.hosts[1]!.netns, tool, '-P', pBtrfs, ...args)
    await inH2('lxc-start', '-n', 'cbtrfs')
    try {
      expect(await inH2('lxc-info', '-n', 'cbtrfs', '-s')).toMatch(/RUNNING/)
    } finally {
      await inH2('lxc-stop', '-n', 'cbtrfs', '-k')
    }
    const d = await strata(['--host', 'h2btrfs', 'destroy', '-n', 'cbtrfs'])
    expect(d.code, d.stderr).toBe(0)
    expect(await sh('btrfs', 'subvolume', 'list', btrfsFs.mnt)).toBe('')
  }, 300_000)

  it('-B zfs onto zfs-fuse (no xattrs): h1:c1 with ACLs, a capability and a user xattr is refused (clone-loses-xattrs) with both lxcpaths and the pool as they were; with --allow-lossy it becomes a dataset there, keeps every other attribute, says what was dropped and starts in h2; an origin without xattrs is copied unasked', async (ctx) => {
    // the importer makes the dataset under lxc.bdev.zfs.root, by default the pool `lxc`
    const why = zfsUnavailable() ?? ((await execa('zpool', ['list', '-H', 'lxc'], { reject: false })).exitCode === 0 ? 'a zfs pool named lxc exists on this machine; this test makes its own of that name (LXC\'s default lxc.bdev.zfs.root) and will not touch it' : null)
    if (why) {
      console.warn(`skipping the -B zfs copy: ${why}`)
      return ctx.skip()
    }
    let pool: ZfsPool
    try {
      pool = await makeZfsPool('strata-xhost-zfs-', 512, 'lxc')
    } catch (err) {
      // zfs-fuse imports the pools it knew when it starts: another test's `lxc`, say
      if (!/already exists/.test((err as Error).message)) throw err
      console.warn(`skipping the -B zfs copy: a zfs pool named lxc appeared on this machine (another test's?); this test will not touch it`)
      return ctx.skip()
    }
    const pZfs = join(pool.dir, 'lxc')
    const inH2 = (tool: string, ...args: string[]) => sh('ip', 'netns', 'exec', hs.hosts[1]!.netns, tool, '-P', pZfs, ...args)
    try {
      mkdirSync(pZfs, { mode: 0o755 })
      await hs.allow([pZfs])
      // h2 again, as h2zfs, serving the lxcpath beside the pool
      const hosts = JSON.parse(readFileSync(hs.hostsFile, 'utf8')) as { hosts: { name: string; lxcpaths: string[] }[] }
      hosts.hosts.push({ ...hosts.hosts.find((h) => h.name === 'h2')!, name: 'h2zfs', lxcpaths: [pZfs] })
      writeFileSync(hs.hostsFile, JSON.stringify(hosts))

      // refused before anything is made on either host: the same rule and sentence as a local clone's
      const before = [await tree(p1), await tree(pZfs), pool.datasets()]
      const refusedCopy = await strata(['copy', 'h1:c1', 'h2zfs:czfs', '-B', 'zfs'])
      expect(refusedCopy.code).not.toBe(0)
      expect(refusedCopy.stderr).toMatch(/A zfs copy of c1 from h1 as czfs on h2zfs \(.*\) would lose extended attributes: the zfs pool lxc keeps no extended attributes/)
      expect(refusedCopy.stderr).toMatch(/c1's \/srv(\/\w+)? has (a POSIX ACL|a file capability|the xattr user\.strata)/)
      expect(refusedCopy.stderr).toMatch(/Refused by the rule clone-loses-xattrs: nothing was made\..*--allow-lossy/)
      await waitFor('the helpers serving the zfs lxcpath to exit', async () => (await helpersServing(pZfs)).length === 0)
      expect([await tree(p1), await tree(pZfs), pool.datasets()]).toEqual(before)

      // accepted: made, and the result says what was dropped
      const r = await strata(['copy', 'h1:c1', 'h2zfs:czfs', '-B', 'zfs', '--allow-lossy'])
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toMatch(/czfs on h2zfs was made without extended attributes, as accepted\. A zfs copy of c1 .* would lose extended attributes: .*c1's \/srv/)
      const dst = join(pZfs, 'czfs', 'rootfs')
      expect(readFileSync(join(pZfs, 'czfs', 'config'), 'utf8')).toMatch(/^lxc\.rootfs\.path = zfs:lxc\/czfs$/m)
      expect(pool.datasets()).toEqual(['lxc', 'lxc/czfs'])
      expect(pool.property('lxc/czfs', 'mountpoint')).toBe(dst)
      await mountPatiently('lxc/czfs')
      expect(await sh('findmnt', '-n', '-o', 'SOURCE', dst)).toBe('lxc/czfs')
      // zfs-fuse keeps no extended attributes (nor so ACLs or file capabilities): everything else is
      // compared, and the user is told what tar could not keep
      expect(r.stderr).toMatch(/czfs: tar could not keep everything here \(\d+ warnings; the first: .*Operation not supported\)/)
      expect(await rootfsDifferences(join(p1, 'c1', 'rootfs'), dst, false)).toEqual([])
      expect(await sh('stat', '-c', '%i', join(dst, 'srv/linked'))).toBe(await sh('stat', '-c', '%i', join(dst, 'srv/hardlink')))
      await inH2('lxc-start', '-n', 'czfs', '-s', `lxc.rootfs.path=dir:${dst}`)
      try {
        expect(await inH2('lxc-info', '-n', 'czfs', '-s')).toMatch(/RUNNING/)
      } finally {
        await inH2('lxc-stop', '-n', 'czfs', '-k')
      }
      // mounted above for the checks, which Strata's destroy refuses (as for any mount in the directory)
      await waitFor('zfs-fuse to unmount lxc/czfs', async () => (await execa('zfs', ['umount', 'lxc/czfs'], { reject: false })).exitCode === 0)
      const d = await strata(['--host', 'h2zfs', 'destroy', '-n', 'czfs'])
      expect(d.code, d.stderr).toBe(0)
      expect(pool.datasets()).toEqual(['lxc'])
      expect(await lxcLs(pZfs)).toEqual([])

      // an origin without any xattr loses nothing: copied without --allow-lossy
      await sh('lxc-create', '-P', p1, '-n', 'plain', '-t', 'busybox', '-f', hs.netConf)
      try {
        expect(await sh('getfattr', '-R', '-d', '-m', '-', '--absolute-names', join(p1, 'plain', 'rootfs'))).toBe('')
        const plain = await strata(['copy', 'h1:plain', 'h2zfs:plainz', '-B', 'zfs'])
        expect(plain.code, plain.stderr).toBe(0)
        expect(plain.stdout).not.toMatch(/without extended attributes/)
        expect(pool.datasets()).toEqual(['lxc', 'lxc/plainz'])
        const gone = await strata(['--host', 'h2zfs', 'destroy', '-n', 'plainz'])
        expect(gone.code, gone.stderr).toBe(0)
      } finally {
        await execa('lxc-destroy', ['-P', p1, '-n', 'plain'], { reject: false })
      }
    } finally {
      await execa('ip', ['netns', 'exec', hs.hosts[1]!.netns, 'lxc-stop', '-P', pZfs, '-n', 'czfs', '-k'], { reject: false })
      await waitFor('the helpers serving the zfs lxcpath to exit', async () => (await helpersServing(pZfs)).length === 0).catch(() => undefined)
      // a dataset still mounted can keep zpool destroy "busy" past its retries (and the pool in zfs-fuse's cache)
      for (const ds of ['lxc/czfs', 'lxc/plainz'])
        await waitFor(`zfs-fuse to unmount ${ds}`, async () => pool.property(ds, 'mounted') !== 'yes' || (await execa('zfs', ['umount', ds], { reject: false })).exitCode === 0).catch(() => undefined)
      await pool.cleanup()
    }
  }, 300_000)

  describe('interrupted mid-copy (a 192 MiB file of random bytes keeps the copy going)', () => {
    beforeAll(async () => {
      await sh('dd', 'if=/dev/urandom', `of=${join(p1, 'c1', 'rootfs', 'srv', 'big')}`, 'bs=1M', 'count=192', 'status=none')
    }, 120_000)

    /** Interrupts a copy, then checks what a user would: once h2's helpers have exited, both lxcpaths are exactly as they were. */
    async function leavesBothAsTheyWere(interrupt: () => Promise<void>): Promise<void> {
      const before = [await tree(p1), await tree(p2)]
      await interrupt()
      await waitFor('the helpers on h2 to exit', async () => (await helpersServing(p2)).length === 0)
      expect([await tree(p1), await tree(p2)]).toEqual(before)
    }

    /**
     * Runs `strata copy h1:c1 h2:big`; resolves once h2's build holds part of it (wrapped: the
     * process is a promise itself), with the channel's carrier between the hosts (the relay's
     * `cat` between the two forwards, or the `--channel` ssh to h2 where h2 refuses forwarding) stopped, so that the copy cannot
     * end before the test has interrupted it; `carryOn` lets it go on.
     */
    async function copyUnderWay(carrier: 'cat' | 'ssh' = 'cat') {
      const cli = execa(process.execPath, [join(REPO, 'bin/strata'), 'copy', 'h1:c1', 'h2:big'], { reject: false, env: hs.env, all: false })
      await waitFor(
        "part of the copy to arrive in h2's hidden build",
        async () => {
          const build = readdirSync(p2).find((n) => n.startsWith('.strata-build-'))
          if (!build) return false
          const big = join(p2, build, 'rootfs', 'srv', 'big')
          return existsSync(big) && Number(await sh('stat', '-c', '%s', big)) > 8 << 20
        },
        120_000
      )
      const carriers = await childrenOf(cli.pid!, carrier, carrier === 'ssh' ? '--channel' : '')
      expect(carriers, `the channel's ${carrier}`).toHaveLength(1)
      for (const pid of carriers) process.kill(pid, 'SIGSTOP')
      const carryOn = () => {
        for (const pid of carriers) {
          try {
            process.kill(pid, 'SIGCONT')
          } catch {
            // gone already
          }
        }
      }
      return { cli, carriers, carryOn }
    }

    it('Ctrl-C leaves both lxcpaths exactly as they were', async () => {
      await leavesBothAsTheyWere(async () => {
        const { cli, carryOn } = await copyUnderWay()
        process.kill(cli.pid!, 'SIGINT') // as Ctrl-C does (execa's kill() would follow with SIGKILL after 5 s)
        carryOn()
        const r = await cli
        expect(r.exitCode, `${String(r.signal)} ${String(r.stderr)}`).toBe(130)
        expect(r.stderr).toContain('The copy was cancelled; nothing was changed on either host.')
      })
    }, 300_000)

    it("the helper's ssh to h2 killed mid-copy (its connection carries the channel too): the importer's transfer ends without its end marker and it removes its build", async () => {
      await leavesBothAsTheyWere(async () => {
        const { cli, carryOn } = await copyUnderWay()
        const toH2 = await childrenOf(cli.pid!, 'ssh', '--stdio', hs.hosts[1]!.address)
        expect(toH2, 'the ssh process to h2 with --stdio').toHaveLength(1)
        process.kill(toH2[0]!, 'SIGKILL')
        carryOn()
        const r = await cli
        expect(r.exitCode).not.toBe(0)
        expect(r.stderr).toMatch(/Copying c1 into big on h2 failed there: The Strata helper on h2 .*exited/)
      })
    }, 300_000)

    it("the byte channel's carrier killed mid-copy: both helpers hear the channel broke, and the importer removes its build", async () => {
      await leavesBothAsTheyWere(async () => {
        const { cli, carriers } = await copyUnderWay()
        process.kill(carriers[0]!, 'SIGKILL')
        const r = await cli
        expect(r.exitCode).not.toBe(0)
        expect(r.stderr).toMatch(/The rootfs's channel to h2 broke off before the copy was complete/)
      })
    }, 300_000)

    describe('h2 refusing forwarding (sshd: DisableForwarding yes)', () => {
      beforeAll(async () => {
        await hs.fx.stopSshd(hs.hosts[1]!)
        await hs.fx.startSshd(hs.hosts[1]!, ['DisableForwarding yes'])
      }, 60_000)
      afterAll(async () => {
        await hs.fx.stopSshd(hs.hosts[1]!)
        await hs.fx.startSshd(hs.hosts[1]!)
      }, 60_000)

      it("the channel to h2 goes through a `--channel` login of its own, and the copy keeps every attribute", async () => {
        const r = await strata(['copy', 'h1:c1', 'h2:viachannel'])
        expect(r.code, r.stderr).toBe(0)
        expect(await rootfsDifferences(join(p1, 'c1', 'rootfs'), join(p2, 'viachannel', 'rootfs'))).toEqual([])
        expect(hs.hosts[1]!.sshdLog).toMatch(/refused|disabled|prohibited/i)
        await sh('lxc-destroy', '-P', p2, '-n', 'viachannel')
      }, 300_000)

      it("that `--channel` ssh to h2 killed mid-copy: the channel broke, and the importer removes its build", async () => {
        await leavesBothAsTheyWere(async () => {
          const { cli, carryOn } = await copyUnderWay('ssh')
          const toH2 = await childrenOf(cli.pid!, 'ssh', '--channel', hs.hosts[1]!.address)
          expect(toH2, 'the --channel ssh process to h2').toHaveLength(1)
          process.kill(toH2[0]!, 'SIGKILL')
          carryOn()
          const r = await cli
          expect(r.exitCode).not.toBe(0)
          expect(r.stderr).toMatch(/The rootfs's channel to h2 broke off before the copy was complete/)
        })
      }, 300_000)
    })

    it("a helper on h2 killed outright leaves its journal, and the next connection's recovery removes the leftover", async () => {
      const before = await tree(p2)
      const { cli, carryOn } = await copyUnderWay()
      // the helper itself (node), not the shell sshd started it with
      const found = await execa('pgrep', ['-f', `^${process.execPath} \\S*strata-helper.mjs --stdio --lxcpath ${p2}$`], { reject: false })
      const [helper] = found.stdout.split('\n').filter(Boolean).map(Number)
      expect(helper, 'the helper on h2').toBeDefined()
      process.kill(helper!, 'SIGKILL')
      carryOn()
      const r = await cli
      expect(r.exitCode).not.toBe(0)
      expect(r.stderr).toContain('on h2 failed there')
      expect(readdirSync(p2).some((n) => n.startsWith('.strata-'))).toBe(true) // left for recovery
      const ls = await strata(['--host', 'h2', 'ls'])
      expect(ls.code, ls.stderr).toBe(0)
      await waitFor('the helpers on h2 to exit', async () => (await helpersServing(p2)).length === 0)
      expect(await tree(p2)).toEqual(before)
    }, 300_000)
  })
})
