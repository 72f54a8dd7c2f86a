// The helper through real pkexec and a real polkitd: an unprivileged user's client starts
// the root helper, which serves a root-only lxcpath and refuses what breaks its rules.
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execa } from 'execa'
import { makeLxcpath, type TestLxcpath } from '../helpers/lxc'
import { allowLxcpaths } from './allow-list'
import { Driver } from './driver'
import { polkitSkipReason, startPolkit, type PolkitFixture } from './polkit-fixture'

const skip = polkitSkipReason()
if (skip) console.warn(`helper polkit tests skipped: ${skip}`)

/** True once the process has exited (gone, or a zombie its new parent has not reaped yet). */
async function exits(pid: number, limitMs = 30_000): Promise<boolean> {
  const until = Date.now() + limitMs
  while (Date.now() < until) {
    const stat = await execa('cat', [`/proc/${pid}/stat`], { reject: false })
    if (stat.exitCode !== 0 || /\) Z /.test(stat.stdout)) return true
    await new Promise((r) => setTimeout(r, 100))
  }
  return false
}

describe.skipIf(skip)('helper through pkexec and polkit', () => {
  let fx: PolkitFixture
  let lx: TestLxcpath
  let unlist: (() => Promise<void>) | undefined
  const drivers: Driver[] = []
  const driverFor = (user: PolkitFixture['allowed'], lxcpaths: string[]): Driver => {
    const d = new Driver(fx.driver, user, lxcpaths)
    drivers.push(d)
    return d
  }

  beforeAll(async () => {
    fx = await startPolkit()
    lx = await makeLxcpath('strata-helper-lxc-')
    unlist = await allowLxcpaths([lx.path])
    await lx.create('alpha')
    await lx.create('beta')
  })

  afterAll(async () => {
    for (const d of drivers) await d.stop()
    await unlist?.()
    await lx?.cleanup()
    await fx?.cleanup()
  })

  it('the test user cannot read the lxcpath itself (root-only, like /var/lib/lxc)', async () => {
    const r = await execa('setpriv', [`--reuid=${fx.allowed.uid}`, `--regid=${fx.allowed.gid}`, '--clear-groups', 'ls', lx.path], { reject: false, cwd: '/' })
    expect(r.exitCode).not.toBe(0)
    expect(r.stderr).toMatch(/Permission denied/)
  })

  describe('an allowed user', () => {
    let d: Driver
    beforeAll(() => {
      d = driverFor(fx.allowed, [lx.path])
    })

    it('starts the helper as root through pkexec and gets its hello', async () => {
      d.send({ op: 'connect' })
      const e = await d.next((x) => x.tag === 'connect')
      expect(e.error).toBeUndefined()
      expect(e.hello?.uid).toBe(0)
      expect(e.hello?.lxcpaths).toEqual([lx.path])
      expect(e.hello?.refused).toEqual([])
    })

    it('lists the containers of the root-only lxcpath', async () => {
      const e = await d.call('list1', 'listContainers', {})
      expect(e.error).toBeUndefined()
      const names = (e.result as { name: string; lxcpath: string; backend: string }[]).map((c) => [c.name, c.lxcpath, c.backend])
      expect(names).toEqual([
        ['alpha', lx.path, 'dir'],
        ['beta', lx.path, 'dir']
      ])
    })

    it('refuses an lxcpath it was not configured with, naming the rule', async () => {
      const e = await d.call('out', 'listContainers', { lxcpaths: ['/etc'] })
      expect(e.error).toMatchObject({ code: 'refused', rule: 'helper-lxcpaths', subject: '/etc' })
      expect(e.error?.message).toContain('/etc is not an lxcpath this helper serves')
      expect(e.error?.message).toContain(lx.path)
    })

    it('refuses a path with .. and a bad container name before touching the disk', async () => {
      const dots = await d.call('dots', 'listContainers', { lxcpaths: [`${lx.path}/../..`] })
      expect(dots.error).toMatchObject({ code: 'usage', rule: 'invalid-params' })
      expect(dots.error?.message).toContain('".." segments')
      const bad = await d.call('bad', 'configView', { lxcpath: lx.path, name: '../alpha' })
      expect(bad.error).toMatchObject({ code: 'usage', rule: 'invalid-params' })
      expect(bad.error?.message).toBe('configView: name: invalid container name: "../alpha" contains "/": a container name is one directory name.')
    })

    it('reads a config of the root-only lxcpath', async () => {
      const e = await d.call('cfg', 'configView', { lxcpath: lx.path, name: 'alpha' })
      expect(e.error).toBeUndefined()
      expect((e.result as { raw: string }).raw).toContain('lxc.uts.name = "alpha"')
    })

    it('offers the backends the root helper can make, not those this user could (loop needs root)', async () => {
      // The user's own process may not mount a loop image; the helper, which would do the clone, may.
      const e = await d.call('choices', 'cloneChoices', { origin: { lxcpath: lx.path, name: 'alpha' }, lxcpath: lx.path })
      expect(e.error).toBeUndefined()
      const loop = (e.result as { backend: string; mode: string; allowed: boolean; reason: string | null }[]).find((c) => c.backend === 'loop' && c.mode === 'copy')
      expect(loop).toMatchObject({ allowed: true, reason: null })
    })

    it('makes an overlay snapshot clone as root in the root-only lxcpath, which LXC then sees', async () => {
      const e = await d.call('clone', 'clone', { origin: { lxcpath: lx.path, name: 'alpha' }, name: 'gamma', snapshot: true })
      expect(e.error).toBeUndefined()
      expect(e.result).toEqual({ lxcpath: lx.path, name: 'gamma' })
      const ls = await execa('lxc-ls', ['-P', lx.path, '-1'])
      expect(ls.stdout.split('\n')).toContain('gamma')
      const info = await execa('lxc-info', ['-P', lx.path, '-n', 'gamma', '-c', 'lxc.rootfs.path'])
      expect(info.stdout).toBe(`lxc.rootfs.path = ${lx.path}/alpha/rootfs:${lx.path}/gamma/overlay/delta`)
      // and lxc-destroy sees the dependent: the origin is protected
      const refused = await execa('lxc-destroy', ['-P', lx.path, '-n', 'alpha'], { reject: false })
      expect(refused.exitCode).not.toBe(0)
      // and so does the helper, whose refusal arrives with the engine's rule and subject
      const kept = await d.call('destroy-alpha', 'destroy', { lxcpath: lx.path, name: 'alpha' })
      expect(kept.error).toMatchObject({ code: 'refused', rule: 'has-dependents', subject: `${lx.path}/alpha`, message: expect.stringContaining(`${lx.path}/gamma`) })
      const gone = await d.call('destroy-gamma', 'destroy', { lxcpath: lx.path, name: 'gamma' })
      expect(gone.error).toBeUndefined()
      expect(existsSync(`${lx.path}/gamma`)).toBe(false)
    })

    it('answers garbage with an error and keeps serving', async () => {
      d.send({ op: 'raw', line: 'this is not json\n' })
      const e = await d.call('after-garbage', 'listContainers', {})
      expect(e.error).toBeUndefined()
      expect(d.stderr).toContain('not valid JSON')
    })

    it('starts a container, and a cancelled stop leaves it running', async () => {
      // busybox's init ignores SIGCONT, so lxc-stop waits (60 s) for a halt that never comes.
      await execa('sh', ['-c', `echo 'lxc.signal.halt = SIGCONT' >> ${lx.path}/beta/config`])
      const started = await d.call('start', 'startContainer', { lxcpath: lx.path, name: 'beta' })
      expect(started.error).toBeUndefined()
      expect(await lx.lxc('lxc-info', '-n', 'beta', '-s')).toMatch(/RUNNING/)

      d.send({ op: 'call', tag: 'stop', method: 'stopContainer', params: { lxcpath: lx.path, name: 'beta' } })
      await d.next((x) => x.tag === 'stop' && x.progress?.phase === 'stop')
      d.send({ op: 'cancel', tag: 'stop' })
      const stopped = await d.next((x) => x.tag === 'stop' && ('result' in x || 'error' in x))
      expect(stopped.error?.code).toBe('cancelled')
      expect(await lx.lxc('lxc-info', '-n', 'beta', '-s')).toMatch(/RUNNING/)
    })

    it('when its client goes away mid-operation, the helper aborts the operation and exits', async () => {
      const hello = (await d.next((x) => x.tag === 'connect')).hello!
      // beta still ignores its halt signal, so this stop would wait for a minute
      d.send({ op: 'call', tag: 'stop2', method: 'stopContainer', params: { lxcpath: lx.path, name: 'beta' } })
      await d.next((x) => x.tag === 'stop2' && x.progress?.phase === 'stop')
      await d.stop()
      expect(await exits(hello.pid)).toBe(true)
      const ps = await execa('ps', ['-eo', 'args'])
      expect(ps.stdout.split('\n').filter((l) => l.startsWith('lxc-stop') && l.includes(lx.path))).toEqual([])
      expect(await lx.lxc('lxc-info', '-n', 'beta', '-s')).toMatch(/RUNNING/)
    })
  })

  it('started for a system directory, serves none of it and deletes nothing there', async () => {
    // /etc is root's and only root can write it, but it is neither LXC's lxcpath nor allow-listed.
    const canary = `/etc/strata-canary-${process.pid}`
    mkdirSync(canary)
    try {
      writeFileSync(`${canary}/config`, '# looks like a container\n')
      const d = driverFor(fx.allowed, ['/etc'])
      d.send({ op: 'connect' })
      const hello = (await d.next((x) => x.tag === 'connect')).hello!
      expect(hello.lxcpaths).toEqual([])
      expect(hello.refused).toEqual([{ path: '/etc', reason: expect.stringContaining('/etc is neither LXC\'s own lxcpath'), said: expect.objectContaining({ key: 'helper-not-allowed' }) }])
      const e = await d.call('destroy-canary', 'destroy', { lxcpath: '/etc', name: canary.slice('/etc/'.length) })
      expect(e.error?.code).toBe('refused')
      expect(e.error?.message).toContain('/etc is not an lxcpath this helper serves (it serves: none); /etc is neither LXC\'s own lxcpath')
      expect(existsSync(`${canary}/config`)).toBe(true)
    } finally {
      rmSync(canary, { recursive: true, force: true })
    }
  })

  it('the helper exits when the client closes it', async () => {
    const d = driverFor(fx.allowed, [lx.path])
    d.send({ op: 'connect' })
    const hello = (await d.next((x) => x.tag === 'connect')).hello!
    d.send({ op: 'close' })
    await d.next((x) => x.tag === 'close')
    // close() resolves when the helper process has exited
    expect(existsSync(`/proc/${hello.pid}`)).toBe(false)
  })

  it('a listing asked again crosses as what changed, and is whole and current for the caller, after a change too', async () => {
    const d = driverFor(fx.allowed, [lx.path])
    const names = (r: unknown): string[] => (r as { name: string; legacy: boolean }[]).map((c) => `${c.name}${c.legacy ? ' (legacy)' : ''}`)
    const first = await d.call('first', 'listContainers', {})
    expect(names(first.result)).toEqual(['alpha', 'beta'])
    const same = await d.call('same', 'listContainers', {})
    expect(same.result).toEqual(first.result)
    // a real change: alpha's config gains a LXC 2.0 key, so it lists as legacy, and loses it again
    const config = join(lx.path, 'alpha/config')
    const original = readFileSync(config, 'utf8')
    try {
      appendFileSync(config, 'lxc.utsname = alpha\n')
      const changed = await d.call('changed', 'listContainers', {})
      expect(names(changed.result)).toEqual(['alpha (legacy)', 'beta'])
    } finally {
      writeFileSync(config, original)
    }
    const back = await d.call('back', 'listContainers', {})
    expect(back.result).toEqual(first.result)
    // and the wire carried changes, not whole listings (the helper's log says what it sent)
    expect(d.stderr).toMatch(/listContainers -> ok \(same as version \d+\)/)
    expect(d.stderr).toMatch(/listContainers -> ok \(as a change of version \d+: 1 of 2 items\)/)
  })

  it('the client starts the helper again after it died', async () => {
    const d = driverFor(fx.allowed, [lx.path])
    d.send({ op: 'connect' })
    const first = (await d.next((x) => x.tag === 'connect')).hello!
    process.kill(first.pid, 'SIGKILL')
    expect(await exits(first.pid)).toBe(true)
    // the client notices the exit on its own; the next call starts a new helper
    let e = await d.call('again', 'listContainers', {})
    if (e.error?.rule === 'helper-gone') e = await d.call('again2', 'listContainers', {})
    expect(e.error).toBeUndefined()
    expect((e.result as unknown[]).length).toBe(2)
    expect(d.stderr).toMatch(/strata-helper\[\d+\]: \d+ listContainers -> ok/)
  })

  it('a user polkit denies gets a clear not-authorised error', async () => {
    const d = driverFor(fx.denied, [lx.path])
    d.send({ op: 'connect' })
    const e = await d.next((x) => x.tag === 'connect')
    expect(e.error).toMatchObject({ code: 'permission', rule: 'not-authorised' })
    expect(e.error?.message).toMatch(/polkit did not authorise this user.*io\.strata\.helper/)
  })

  it('a user who would need a password but has no agent is told to start one', async () => {
    const d = driverFor(fx.agentless, [lx.path])
    const e = await d.call('list', 'listContainers', {})
    expect(e.error).toMatchObject({ code: 'unavailable', rule: 'no-agent' })
    expect(e.error?.message).toMatch(/No polkit authentication agent is running/)
  })
})
