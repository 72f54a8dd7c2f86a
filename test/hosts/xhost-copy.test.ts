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
import { allowLxcpaths } from '../helper/allow-list'
import { NO_NET_CONFIG } from '../helpers/lxc'
import { makeLoopFs, type LoopFs } from '../helpers/loop-fs'
import { fillRichRootfs } from './rich-rootfs'
import { HELPER_COMMAND, hostsSkipReason, makeHostsFixture, REPO, type HostsFixture } from './netns-hosts'

const skip = hostsSkipReason()
if (skip) console.warn(`skipping the copy between hosts tests: ${skip}`)

let fx: HostsFixture
/** h1's, h2's and this computer's lxcpaths */
let p1: string
let p2: string
let pLocal: string
let disallow: (() => Promise<void>) | null = null
/** an lxcpath on a btrfs loop image, which h2 serves as the host "h2btrfs" (so h2's own helper and its command line stay as they are) */
let btrfsFs: LoopFs | null = null
let pBtrfs: string

async function strata(args: string[], env: Record<string, string> = {}) {
  const r = await execa(process.execPath, [join(REPO, 'bin/strata'), ...args], { reject: false, env: { ...fx.env, ...env }, timeout: 300_000 })
  return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr }
}

async function sh(file: string, ...args: string[]): Promise<string> {
  const r = await execa(file, args, { reject: false })
  if (r.exitCode !== 0) throw new Error(`${file} ${args.join(' ')} failed (${r.exitCode}): ${r.stderr}`)
  return r.stdout
}

const lxcLs = async (lxcpath: string): Promise<string[]> => (await sh('lxc-ls', '-P', lxcpath, '-1')).split('\n').filter(Boolean)

/** Every path under an lxcpath with its type, size, mode and owner: "exactly as before" is this, equal. */
const tree = async (lxcpath: string): Promise<string> => (await sh('find', lxcpath, '-printf', '%P %y %s %m %U:%G\n')).split('\n').sort().join('\n')

/** The helpers serving an lxcpath (on the "remote" side: same machine, another netns). */
async function helpersServing(lxcpath: string): Promise<number[]> {
  const r = await execa('pgrep', ['-f', `strata-helper.mjs --stdio --lxcpath ${lxcpath}$`], { reject: false })
  return r.stdout.split('\n').filter(Boolean).map(Number)
}

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const until = Date.now() + ms
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** rsync's itemized differences between two rootfs trees (every attribute, numeric ids), the hostname file aside. */
async function rootfsDifferences(a: string, b: string): Promise<string[]> {
  const out = await sh('rsync', '-aHAXn', '--itemize-changes', '--numeric-ids', '--delete', '--exclude=/etc/hostname', `${a}/`, `${b}/`)
  return out.split('\n').filter(Boolean)
}

/** A busybox container whose rootfs holds one of each thing a copy must keep. */
async function makeRichContainer(lxcpath: string, name: string): Promise<string> {
  await sh('lxc-create', '-P', lxcpath, '-n', name, '-t', 'busybox', '-f', join(fx.dir, 'net.conf'))
  // an fstab in its directory, which a copy clone takes along
  writeFileSync(join(lxcpath, name, 'fstab'), 'tmpfs tmp tmpfs defaults 0 0\n')
  writeFileSync(join(lxcpath, name, 'config'), `${readFileSync(join(lxcpath, name, 'config'), 'utf8')}lxc.mount.fstab = ${join(lxcpath, name, 'fstab')}\n`)
  const root = join(lxcpath, name, 'rootfs')
  await fillRichRootfs(root)
  return root
}

/** A trusted hosts file: h1 serves p1, h2 serves p2, and h2 again as h2btrfs serves the btrfs lxcpath. */
async function writeHosts(): Promise<void> {
  const entry = (name: string, h: (typeof fx.hosts)[number], lxcpath: string) => ({ name, destination: `root@${h.address}`, helper: HELPER_COMMAND, elevate: 'none', lxcpaths: [lxcpath] })
  const hosts = [entry('h1', fx.hosts[0]!, p1), entry('h2', fx.hosts[1]!, p2), entry('h2btrfs', fx.hosts[1]!, pBtrfs)]
  mkdirSync(join(fx.env.XDG_CONFIG_HOME!, 'strata'), { recursive: true })
  writeFileSync(join(fx.env.XDG_CONFIG_HOME!, 'strata', 'hosts.json'), JSON.stringify({ hosts }))
  for (const h of hosts) {
    const t = await strata(['hosts', 'trust', h.name, '--yes'])
    expect(t.code, t.stderr).toBe(0)
  }
}

describe.skipIf(skip)('strata copy between hosts (network namespaces with their own sshd, each serving its own lxcpath; the ssh user is root there)', () => {
  beforeAll(async () => {
    // mounted before the hosts' sshd start: each gets the mounts there are then (ip netns exec's own mount namespace)
    btrfsFs = makeLoopFs('btrfs', 512, 'strata-xhost-btrfs-')
    pBtrfs = join(btrfsFs.mnt, 'lxc')
    try {
      fx = await makeHostsFixture(2)
    } catch (err) {
      btrfsFs.cleanup()
      throw err
    }
    try {
      p1 = join(fx.dir, 'lxc-h1')
      p2 = join(fx.dir, 'lxc-h2')
      pLocal = join(fx.dir, 'lxc-here')
      for (const p of [p1, p2, pLocal, pBtrfs]) mkdirSync(p, { mode: 0o755 })
      disallow = await allowLxcpaths([p1, p2, pBtrfs])
      writeFileSync(join(fx.dir, 'net.conf'), NO_NET_CONFIG)
      await writeHosts()
      await makeRichContainer(p1, 'c1')
    } catch (err) {
      await disallow?.()
      await fx.cleanup()
      btrfsFs?.cleanup()
      throw err
    }
  }, 180_000)

  afterAll(async () => {
    for (const p of [p1, p2]) {
      for (const pid of p ? await helpersServing(p) : []) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch {
          // gone already
        }
      }
    }
    for (const [h, p] of [[fx?.hosts[0], p1], [fx?.hosts[1], p2]] as const) {
      if (h && p) await execa('ip', ['netns', 'exec', h.netns, 'lxc-stop', '-P', p, '-n', 'c1copy', '-k'], { reject: false })
      if (h && p) await execa('ip', ['netns', 'exec', h.netns, 'lxc-stop', '-P', p, '-n', 'c1', '-k'], { reject: false })
    }
    await disallow?.()
    await fx?.cleanup()
    btrfsFs?.cleanup()
  }, 120_000)

  it('h1:c1 to h2:c1copy keeps every attribute (rsync -aHAXn finds nothing), the config is rewritten, and LXC on h2 starts it', async () => {
    const r = await strata(['copy', 'h1:c1', 'h2:c1copy'])
    expect(r.code, r.stderr).toBe(0)
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
    const inH2 = (tool: string, ...args: string[]) => sh('ip', 'netns', 'exec', fx.hosts[1]!.netns, tool, '-P', p2, ...args)
    await inH2('lxc-start', '-n', 'c1copy')
    expect(await inH2('lxc-info', '-n', 'c1copy', '-s')).toMatch(/RUNNING/)
    await inH2('lxc-stop', '-n', 'c1copy', '-k')
    expect(await inH2('lxc-info', '-n', 'c1copy', '-s')).toMatch(/STOPPED/)
    const ck = await strata(['--host', 'h2', 'check'])
    expect(ck.stdout + ck.stderr).toContain('0 error(s), 0 warning(s)')
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

    const inH1 = (tool: string, ...args: string[]) => sh('ip', 'netns', 'exec', fx.hosts[0]!.netns, tool, '-P', p1, ...args)
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
    const inH2 = (tool: string, ...args: string[]) => sh('ip', 'netns', 'exec', fx.hosts[1]!.netns, tool, '-P', pBtrfs, ...args)
    await inH2('lxc-start', '-n', 'cbtrfs')
    try {
      expect(await inH2('lxc-info', '-n', 'cbtrfs', '-s')).toMatch(/RUNNING/)
    } finally {
      await inH2('lxc-stop', '-n', 'cbtrfs', '-k')
    }
    const d = await strata(['--host', 'h2btrfs', 'destroy', '-n', 'cbtrfs'])
    expect(d.code, d.stderr).toBe(0)
    expect(await sh('btrfs', 'subvolume', 'list', btrfsFs!.mnt)).toBe('')
  }, 300_000)

  describe('interrupted mid-copy (a 192 MiB file of random bytes keeps the copy going)', () => {
    beforeAll(async () => {
      await sh('dd', 'if=/dev/urandom', `of=${join(p1, 'c1', 'rootfs', 'srv', 'big')}`, 'bs=1M', 'count=192', 'status=none')
    }, 120_000)

    /** Runs `strata copy h1:c1 h2:big`; resolves once h2's build holds part of it (wrapped: the process is a promise itself). */
    async function copyUnderWay() {
      const cli = execa(process.execPath, [join(REPO, 'bin/strata'), 'copy', 'h1:c1', 'h2:big'], { reject: false, env: fx.env, all: false })
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
      return { cli }
    }

    it('Ctrl-C leaves both lxcpaths exactly as they were', async () => {
      const before = [await tree(p1), await tree(p2)]
      const { cli } = await copyUnderWay()
      process.kill(cli.pid!, 'SIGINT') // as Ctrl-C does (execa's kill() would follow with SIGKILL after 5 s)
      const r = await cli
      expect(r.exitCode, `${String(r.signal)} ${String(r.stderr)}`).toBe(130)
      expect(r.stderr).toContain('The copy was cancelled; nothing was changed on either host.')
      await waitFor('the helpers on h2 to exit', async () => (await helpersServing(p2)).length === 0)
      expect([await tree(p1), await tree(p2)]).toEqual(before)
    }, 300_000)

    it.each([
      ["the helper's", '--stdio', /Copying c1 into big on h2 failed there: The Strata helper on h2 .*exited/],
      ["the byte channel's", '--channel', /The rootfs's channel to h2 broke off before the copy was complete/]
    ])("%s ssh to h2 killed mid-copy: the importer's transfer ends without its end marker and it removes its build", async (_which, arg, message) => {
      const before = [await tree(p1), await tree(p2)]
      const { cli } = await copyUnderWay()
      const ssh = await execa('pgrep', ['-P', String(cli.pid), '-x', 'ssh'], { reject: false })
      const toH2: number[] = []
      for (const pid of ssh.stdout.split('\n').filter(Boolean)) {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
        if (cmdline.includes(fx.hosts[1]!.address) && cmdline.includes(arg)) toH2.push(Number(pid))
      }
      expect(toH2, `the ssh process to h2 with ${arg}`).toHaveLength(1)
      process.kill(toH2[0]!, 'SIGKILL')
      const r = await cli
      expect(r.exitCode).not.toBe(0)
      expect(r.stderr).toMatch(message)
      await waitFor('the helpers on h2 to exit', async () => (await helpersServing(p2)).length === 0)
      expect([await tree(p1), await tree(p2)]).toEqual(before)
    }, 300_000)

    it("a helper on h2 killed outright leaves its journal, and the next connection's recovery removes the leftover", async () => {
      const before = await tree(p2)
      const { cli } = await copyUnderWay()
      // the helper itself (node), not the shell sshd started it with
      const found = await execa('pgrep', ['-f', `^${process.execPath} \\S*strata-helper.mjs --stdio --lxcpath ${p2}$`], { reject: false })
      const [helper] = found.stdout.split('\n').filter(Boolean).map(Number)
      expect(helper, 'the helper on h2').toBeDefined()
      process.kill(helper!, 'SIGKILL')
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
