// Copies between LXC and LXD: a real LXD 5.0.2 daemon (lxd-daemon.ts, reached through its unix
// socket) and an LXC host that is a network namespace with its own sshd (netns-hosts.ts; the ssh
// user is root there), plus this computer. The built CLI copies; LXD's own client, LXC's tools
// and rsync -aHAXn against the instance's rootfs on the dir pool check what arrived. Every
// daemon, namespace, container and directory is removed afterwards, also when a test fails.
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lxdEngine } from '../../src/main/hosts/lxd/lxd-engine'
import { allowLxcpaths } from '../helper/allow-list'
import { NO_NET_CONFIG } from '../helpers/lxc'
import { LXD_TRUST_PASSWORD, lxdSkipReason, startLxdFixture, type LxdFixture } from './lxd-daemon'
import { HELPER_COMMAND, hostsSkipReason, makeHostsFixture, REPO, type HostsFixture } from './netns-hosts'
import { fillRichRootfs } from './rich-rootfs'
import { makeZfsPool, zfsUnavailable, type ZfsPool } from '../helpers/zfs-pool'

const skip = lxdSkipReason() ?? hostsSkipReason()
if (skip) console.warn(`skipping the copies between LXC and LXD: ${skip}`)

let lxd: LxdFixture
let fx: HostsFixture
/** h1's lxcpath, and this computer's */
let p1: string
let pLocal: string
let disallow: (() => Promise<void>) | null = null

async function strata(args: string[]) {
  const r = await execa(process.execPath, [join(REPO, 'bin/strata'), ...args], { reject: false, env: fx.env, timeout: 300_000, stdin: 'ignore' })
  return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr }
}

async function sh(file: string, ...args: string[]): Promise<string> {
  const r = await execa(file, args, { reject: false })
  if (r.exitCode !== 0) throw new Error(`${file} ${args.join(' ')} failed (${r.exitCode}): ${r.stderr}`)
  return r.stdout
}

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 120_000): Promise<void> {
  const until = Date.now() + ms
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** rsync's itemized differences between two rootfs trees (every attribute, numeric ids). */
async function rootfsDifferences(a: string, b: string, extra: string[] = []): Promise<string[]> {
  const out = await sh('rsync', '-aHAXn', '--itemize-changes', '--numeric-ids', '--delete', ...extra, `${a}/`, `${b}/`)
  return out.split('\n').filter(Boolean)
}

/** An instance's rootfs on the fixture's dir pool. */
const poolRootfs = (name: string): string => join(lxd.lxdDir, 'storage-pools', 'default', 'containers', name, 'rootfs')

/** What LXD's own client lists: instances (name and status), images, and web's backups. */
async function lxdState(): Promise<{ instances: string[]; images: string[]; backups: string }> {
  const instances = (JSON.parse(await lxd.lxc(['list', '--format', 'json'])) as { name: string; status: string }[]).map((i) => `${i.name} ${i.status}`).sort()
  const images = (JSON.parse(await lxd.lxc(['image', 'list', '--format', 'json'])) as { fingerprint: string }[]).map((i) => i.fingerprint).sort()
  return { instances, images, backups: (await lxd.lxc(['query', '/1.0/instances/web/backups'])).trim() }
}

describe.skipIf(skip)('copies between LXC and LXD (a real LXD 5.0.2 daemon; an LXC host in a network namespace with its own sshd, the ssh user root there)', () => {
  beforeAll(async () => {
    lxd = await startLxdFixture()
    try {
      fx = await makeHostsFixture(1)
    } catch (err) {
      await lxd.cleanup()
      throw err
    }
    try {
      p1 = join(fx.dir, 'lxc-h1')
      pLocal = join(fx.dir, 'lxc-here')
      for (const p of [p1, pLocal]) mkdirSync(p, { mode: 0o755 })
      disallow = await allowLxcpaths([p1])
      writeFileSync(join(fx.dir, 'net.conf'), NO_NET_CONFIG)
      const h1 = { name: 'h1', destination: `root@${fx.hosts[0]!.address}`, helper: HELPER_COMMAND, elevate: 'none', lxcpaths: [p1] }
      mkdirSync(join(fx.env.XDG_CONFIG_HOME!, 'strata'), { recursive: true })
      writeFileSync(join(fx.env.XDG_CONFIG_HOME!, 'strata', 'hosts.json'), JSON.stringify({ hosts: [h1] }))
      // lxd1 is the daemon's unix socket, lxds the same daemon's HTTPS API (pinned certificate, client certificate trusted with the trust password)
      const passwordFile = join(lxd.dir, 'trust-password')
      writeFileSync(passwordFile, `${LXD_TRUST_PASSWORD}\n`, { mode: 0o600 })
      for (const args of [
        ['hosts', 'trust', 'h1', '--yes'],
        ['hosts', 'add', 'lxd1', '--lxd', `unix:${lxd.socket}`],
        ['hosts', 'add', 'lxds', '--lxd', `https://${lxd.address}:8443`],
        ['hosts', 'trust', 'lxds', '--yes', '--password-file', passwordFile]
      ]) {
        const r = await strata(args)
        expect(r.code, r.stderr).toBe(0)
      }
      await sh('lxc-create', '-P', p1, '-n', 'c1', '-t', 'busybox', '-f', join(fx.dir, 'net.conf'))
      await fillRichRootfs(join(p1, 'c1', 'rootfs'))
      // an LXD instance never started, so its rootfs on the pool holds the ids as the container sees them
      await lxd.lxc(['init', 'busybox', 'web'])
      await fillRichRootfs(poolRootfs('web'))
    } catch (err) {
      await disallow?.()
      await fx.cleanup()
      await lxd.cleanup()
      throw err
    }
  }, 300_000)

  afterAll(async () => {
    for (const p of [p1, pLocal]) {
      for (const n of p && existsSync(p) ? readdirSync(p).filter((x) => !x.startsWith('.')) : []) {
        await execa('lxc-stop', ['-P', p, '-n', n, '-k'], { reject: false })
      }
    }
    await disallow?.()
    await fx?.cleanup()
    await lxd?.cleanup()
  }, 180_000)

  it('h1 (LXC) to LXD: the instance has every owner, mode, ACL, xattr, capability, hard link and device node of the source, starts with its own name in /etc/hostname, and no image is left', async () => {
    const before = await lxdState()
    const r = await strata(['copy', 'h1:c1', 'lxd1:c1lxd'])
    expect(r.code, r.stderr).toBe(0)
    expect(await rootfsDifferences(join(p1, 'c1', 'rootfs'), poolRootfs('c1lxd'))).toEqual([])
    expect(await sh('getcap', join(poolRootfs('c1lxd'), 'srv', 'xattr'))).toContain('cap_net_raw=ep')
    const after = await lxdState()
    expect(after.images).toEqual(before.images) // the temporary image is gone
    expect(after.instances).toEqual([...before.instances, 'c1lxd Stopped'].sort())
    await lxd.lxc(['start', 'c1lxd']).catch(async (err: Error) => {
      throw new Error(`${err.message}\n${await lxd.lxc(['info', '--show-log', 'c1lxd']).catch(() => '')}`)
    })
    expect(await lxd.lxc(['exec', 'c1lxd', '--', 'cat', '/srv/linked'])).toBe('two names')
    // the image's template wrote the instance's own name, as LXD's own images do
    expect(await lxd.lxc(['exec', 'c1lxd', '--', 'cat', '/etc/hostname'])).toBe('c1lxd')
    await lxd.lxc(['stop', 'c1lxd', '--force'])
  }, 300_000)

  it('LXD to this computer: the copy starts with lxc-start, its rootfs equal to the instance\'s (to the second: LXD\'s backup keeps whole seconds), and LXD keeps no backup', async () => {
    const before = await lxdState()
    const r = await strata(['copy', 'lxd1:web', 'webcopy', '-P', pLocal])
    expect(r.code, r.stderr).toBe(0)
    expect(await rootfsDifferences(poolRootfs('web'), join(pLocal, 'webcopy', 'rootfs'), ['--modify-window=1'])).toEqual([])
    expect(await sh('getcap', join(pLocal, 'webcopy', 'rootfs', 'srv', 'xattr'))).toContain('cap_net_raw=ep')
    expect(await lxdState()).toEqual(before)
    await sh('lxc-start', '-P', pLocal, '-n', 'webcopy')
    try {
      await waitFor('webcopy to run', async () => (await sh('lxc-info', '-P', pLocal, '-n', 'webcopy', '-s')).includes('RUNNING'))
      expect(await sh('lxc-attach', '-P', pLocal, '-n', 'webcopy', '--', 'hostname')).toBe('webcopy')
    } finally {
      await sh('lxc-stop', '-P', pLocal, '-n', 'webcopy', '-k')
    }
  }, 300_000)

  it("answers the copy dialog's question with each of its storage pools by name, two of one driver too, and a copy goes into the pool named with --pool", async () => {
    await lxd.lxc(['storage', 'create', 'second', 'dir'])
    const engine = lxdEngine({ name: 'lxd1', lxd: { url: `unix:${lxd.socket}` } })
    try {
      expect(await engine.call('cloneChoices', { lxcpath: '/1.0/projects/default' })).toEqual([
        { backend: 'dir', mode: 'copy', allowed: true, reason: null, isDefault: true, pool: 'default' },
        { backend: 'dir', mode: 'copy', allowed: true, reason: null, isDefault: false, pool: 'second' }
      ])
      const before = await lxdState()
      const none = await strata(['copy', 'h1:c1', 'lxd1:nopool', '--pool', 'nosuch'])
      expect(none.code).not.toBe(0)
      expect(none.stderr).toContain('LXD on lxd1 has no storage pool nosuch (its pools: default (dir), second (dir))')
      const wrong = await strata(['copy', 'h1:c1', 'lxd1:nopool', '--pool', 'second', '-B', 'btrfs'])
      expect(wrong.code).not.toBe(0)
      expect(wrong.stderr).toContain('The pool second on lxd1 is dir, not btrfs')
      expect(await lxdState()).toEqual(before)

      const r = await strata(['copy', 'h1:c1', 'lxd1:inpool', '--pool', 'second'])
      expect(r.code, r.stderr).toBe(0)
      const made = JSON.parse(await lxd.lxc(['query', '/1.0/instances/inpool'])) as { expanded_devices: Record<string, Record<string, string>> }
      expect(made.expanded_devices.root?.pool).toBe('second')
      expect(await rootfsDifferences(join(p1, 'c1', 'rootfs'), join(lxd.lxdDir, 'storage-pools', 'second', 'containers', 'inpool', 'rootfs'))).toEqual([])
    } finally {
      await engine.close()
      await lxd.lxc(['delete', 'inpool', '--force']).catch(() => '')
      await lxd.lxc(['storage', 'delete', 'second'])
    }
  }, 300_000)

  it('refuses a running LXD instance by the copy rule, and a name LXD does not take, before anything moves', async () => {
    const before = await lxdState()
    const bad = await strata(['copy', 'h1:c1', 'lxd1:c1_lxd'])
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toContain('is not an LXD instance name')
    await lxd.lxc(['start', 'c1lxd'])
    try {
      const running = await strata(['copy', 'lxd1:c1lxd', 'again', '-P', pLocal])
      expect(running.code).not.toBe(0)
      expect(running.stderr).toContain('c1lxd is running: stop it before you copy it to another host')
    } finally {
      await lxd.lxc(['stop', 'c1lxd', '--force'])
    }
    expect(await lxdState()).toEqual(before)
    expect(existsSync(join(pLocal, 'again'))).toBe(false)
  }, 300_000)

  it('over HTTPS with the client certificate: h1 (LXC) to LXD and LXD to this computer, each equal to its source by rsync -aHAXn, and LXD keeps no image or backup', async () => {
    const before = await lxdState()
    const into = await strata(['copy', 'h1:c1', 'lxds:c1https'])
    expect(into.code, into.stderr).toBe(0)
    expect(await rootfsDifferences(join(p1, 'c1', 'rootfs'), poolRootfs('c1https'))).toEqual([])
    const out = await strata(['copy', 'lxds:web', 'webhttps', '-P', pLocal])
    expect(out.code, out.stderr).toBe(0)
    expect(await rootfsDifferences(poolRootfs('web'), join(pLocal, 'webhttps', 'rootfs'), ['--modify-window=1'])).toEqual([])
    await lxd.lxc(['delete', 'c1https'])
    expect(await lxdState()).toEqual(before)
  }, 300_000)

  it('LXD (web: ACLs, a capability, a user xattr) to a zfs-fuse lxcpath on this computer is refused by clone-loses-xattrs as a copy from an LXC host is, over the socket and over HTTPS, with LXD and the pool as they were; with --allow-lossy it is made and says what was dropped', async (ctx) => {
    // the importer makes the dataset under lxc.bdev.zfs.root, by default the pool `lxc`
    const why = zfsUnavailable() ?? ((await execa('zpool', ['list', '-H', 'lxc'], { reject: false })).exitCode === 0 ? 'a zfs pool named lxc exists on this machine; this test makes its own of that name and will not touch it' : null)
    if (why) {
      console.warn(`skipping the copy from LXD onto zfs-fuse: ${why}`)
      return ctx.skip()
    }
    let pool: ZfsPool
    try {
      pool = await makeZfsPool('strata-lxd-zfs-', 512, 'lxc')
    } catch (err) {
      if (!/already exists/.test((err as Error).message)) throw err
      console.warn('skipping the copy from LXD onto zfs-fuse: a zfs pool named lxc appeared on this machine (another test\'s?); this test will not touch it')
      return ctx.skip()
    }
    const pZfs = join(pool.dir, 'lxc')
    try {
      mkdirSync(pZfs, { mode: 0o755 })
      const before = { lxd: await lxdState(), datasets: pool.datasets(), lxcpath: readdirSync(pZfs) }
      // over the socket, LXD's dir pool is on this computer: scanned here, the first file named
      const local = await strata(['copy', 'lxd1:web', 'webzfs', '-P', pZfs, '-B', 'zfs'])
      expect(local.code).toBe(1)
      expect(local.stderr).toMatch(/A zfs copy of web from lxd1 as webzfs on this computer \(.*\) would lose extended attributes: the zfs pool lxc keeps no extended attributes.* web's \/srv(\/\w+)? has (a POSIX ACL|a file capability|the xattr user\.strata)/)
      expect(local.stderr).toContain('Refused by the rule clone-loses-xattrs: nothing was made.')
      // over HTTPS, LXD cannot say which files have some: refused the same way, saying so
      const remote = await strata(['copy', 'lxds:web', 'webzfs', '-P', pZfs, '-B', 'zfs'])
      expect(remote.code).toBe(1)
      expect(remote.stderr).toMatch(/would lose any extended attributes web has: the zfs pool lxc keeps no extended attributes.*cannot be told \(LXD on lxds does not say/)
      expect(remote.stderr).toContain('Refused by the rule clone-loses-xattrs: nothing was made.')
      expect({ lxd: await lxdState(), datasets: pool.datasets(), lxcpath: readdirSync(pZfs) }).toEqual(before)

      const lossy = await strata(['copy', 'lxd1:web', 'webzfs', '-P', pZfs, '-B', 'zfs', '--allow-lossy'])
      expect(lossy.code, lossy.stderr).toBe(0)
      expect(lossy.stdout).toMatch(/webzfs on this computer was made without extended attributes, as accepted\. A zfs copy of web from lxd1 .* web's \/srv/)
      expect(pool.datasets()).toEqual(['lxc', 'lxc/webzfs'])
      expect(await lxdState()).toEqual(before.lxd)
      const gone = await strata(['destroy', '-P', pZfs, '-n', 'webzfs'])
      expect(gone.code, gone.stderr).toBe(0)
      expect(pool.datasets()).toEqual(['lxc'])
    } finally {
      await waitFor('zfs-fuse to unmount lxc/webzfs', async () => pool.property('lxc/webzfs', 'mounted') !== 'yes' || (await execa('zfs', ['umount', 'lxc/webzfs'], { reject: false })).exitCode === 0).catch(() => undefined)
      await pool.cleanup()
    }
  }, 300_000)

  it('Ctrl-C in the middle of a copy into LXD leaves LXD as it was: no instance, no image', async () => {
    await sh('dd', 'if=/dev/urandom', `of=${join(p1, 'c1', 'rootfs', 'srv', 'big')}`, 'bs=1M', 'count=160', 'status=none')
    const before = await lxdState()
    const cli = execa(process.execPath, [join(REPO, 'bin/strata'), 'copy', 'h1:c1', 'lxd1:half'], { reject: false, env: fx.env })
    // LXD writes an upload into a temporary file under its images directory as it arrives
    const imagesDir = join(lxd.lxdDir, 'images')
    await waitFor('part of the upload to reach LXD', () => readdirSync(imagesDir).some((n) => statSync(join(imagesDir, n)).size > 16 << 20))
    process.kill(cli.pid!, 'SIGINT') // as Ctrl-C does
    const r = await cli
    expect(r.exitCode, String(r.stderr)).toBe(130)
    expect(r.stderr).toContain('cancelled')
    await waitFor('LXD to drop the upload', () => !readdirSync(imagesDir).some((n) => statSync(join(imagesDir, n)).size > 16 << 20))
    expect(await lxdState()).toEqual(before)
  }, 300_000)

  it('Ctrl-C in the middle of a copy out of LXD leaves this computer\'s lxcpath as it was, and LXD without the backup', async () => {
    await sh('dd', 'if=/dev/urandom', `of=${join(poolRootfs('web'), 'srv', 'big')}`, 'bs=1M', 'count=160', 'status=none')
    const before = await lxdState()
    const listing = async (): Promise<string> => (await sh('find', pLocal, '-printf', '%P %y %s %m %U:%G\n')).split('\n').sort().join('\n')
    const localBefore = await listing()
    const cli = execa(process.execPath, [join(REPO, 'bin/strata'), 'copy', 'lxd1:web', 'halfback', '-P', pLocal], { reject: false, env: fx.env })
    await waitFor('part of the copy to arrive in the hidden build here', () => {
      const build = readdirSync(pLocal).find((n) => n.startsWith('.strata-build-'))
      const big = build && join(pLocal, build, 'rootfs', 'srv', 'big')
      return !!big && existsSync(big) && statSync(big).size > 16 << 20
    })
    process.kill(cli.pid!, 'SIGINT') // as Ctrl-C does
    const r = await cli
    expect(r.exitCode, String(r.stderr)).toBe(130)
    expect(await listing()).toEqual(localBefore)
    await waitFor('LXD to delete the backup', async () => (await lxdState()).backups === before.backups)
    expect(await lxdState()).toEqual(before)
  }, 300_000)

  it('a copy into LXD killed outright (SIGKILL) after its upload leaves its temporary image only until the next connection once it is over an hour old; a fresh one (a copy in flight) is kept; its ssh control directory goes when the next master starts', async () => {
    const temporary = async (): Promise<{ fingerprint: string; properties: Record<string, string> }[]> =>
      (JSON.parse(await lxd.lxc(['query', '/1.0/images?recursion=1'])) as { fingerprint: string; properties: Record<string, string> }[]).filter(
        (i) => i.properties['user.strata.temporary-since'] !== undefined
      )
    const before = await lxdState()
    // the ssh masters' control directories go here, for this test to see
    const runtime = join(fx.dir, 'runtime')
    mkdirSync(runtime, { mode: 0o700 })
    const controlDirs = (): string[] => readdirSync(runtime).filter((d) => d.startsWith('strata-ssh-'))
    const cli = execa(process.execPath, [join(REPO, 'bin/strata'), 'copy', 'h1:c1', 'lxd1:killed'], { reject: false, env: { ...fx.env, XDG_RUNTIME_DIR: runtime } })
    await waitFor('the upload to become an image', async () => (await temporary()).length > 0, 240_000)
    cli.kill('SIGKILL')
    await cli
    // the killed Strata's ssh control directory is left, named with its pid; the next master's start sweeps it
    expect(controlDirs()).toEqual([expect.stringMatching(new RegExp(`^strata-ssh-${cli.pid}\\.\\d+-`))])
    const next = await execa(process.execPath, [join(REPO, 'bin/strata'), '--host', 'h1', 'ls'], { reject: false, env: { ...fx.env, XDG_RUNTIME_DIR: runtime } })
    expect(next.exitCode, next.stderr).toBe(0)
    expect(controlDirs()).toEqual([])
    // LXD may go on making the instance the killed copy asked for: that is LXD's to finish; it is removed here
    await waitFor('LXD to finish what was asked', async () => !(await lxd.lxc(['operation', 'list', '--format', 'csv'])).includes('RUNNING'))
    if ((await lxdState()).instances.some((i) => i.startsWith('killed '))) await lxd.lxc(['delete', 'killed', '--force'])
    const [left] = await temporary()
    expect(left!.properties.description).toBe("Strata's copy of c1")

    // made a moment ago, as another Strata's copy in flight would be: a connection keeps it
    const ls = await strata(['--host', 'lxd1', 'ls'])
    expect(ls.code, ls.stderr).toBe(0)
    expect((await temporary()).map((i) => i.fingerprint)).toEqual([left!.fingerprint])

    // as if two hours had passed (the mark is the time it was made): the next connection removes it
    const image = JSON.parse(await lxd.lxc(['query', `/1.0/images/${left!.fingerprint}`])) as { properties: Record<string, string>; public: boolean; auto_update: boolean }
    const aged = { ...image.properties, 'user.strata.temporary-since': String(Math.floor(Date.now() / 1000) - 7200) }
    await lxd.lxc(['query', '-X', 'PUT', '-d', JSON.stringify({ properties: aged, public: image.public, auto_update: image.auto_update }), `/1.0/images/${left!.fingerprint}`])
    const again = await strata(['--host', 'lxd1', 'ls'])
    expect(again.code, again.stderr).toBe(0)
    expect(await temporary()).toEqual([])
    expect(await lxdState()).toEqual(before)
  }, 300_000)
})
