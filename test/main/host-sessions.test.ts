// The app's service with remote hosts (main/hosts/host-sessions.ts, host-connection.ts), against
// real "remote" hosts: network namespaces with their own sshd, Strata's helper started there over
// ssh as root (test/hosts/netns-hosts.ts). A call naming a host runs on that host's lxcpath, as
// LXC there sees it; its state is pushed as it changes; a host that goes down is said to be
// unreachable in ssh's words and comes back with connectHost; a host key is trusted only as
// confirmed.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Events, HostStatus } from '../../src/shared/api'
import { createService, type Service } from '../../src/main/service'
import { HELPER_COMMAND, hostsSkipReason, netnsPids, type NetnsHost } from '../hosts/netns-hosts'
import { setUpHosts, type HostsSetup } from '../hosts/setup'

const skip = hostsSkipReason()
if (skip) console.warn(`skipping the app's host sessions: ${skip}`)

let hs: HostsSetup
let service: Service
const states: HostStatus[] = []
const changed: Events['changed'][] = []
const lxcpathOf = (h: NetnsHost): string => join(hs.dir, `lxc-${h.name}`)
const hostsFile = (): string => hs.hostsFile
const lxcLs = (lxcpath: string): string[] => execFileSync('lxc-ls', ['-P', lxcpath, '-1'], { encoding: 'utf8' }).split('\n').filter(Boolean).sort()

async function until(what: string, cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe.skipIf(skip)('the app service on remote hosts (network namespaces with their own sshd)', () => {
  let local: string
  beforeAll(async () => {
    hs = await setUpHosts(2, async (s) => {
      hs = s // for the helpers below, already while setting up
      process.env.STRATA_SSH_CONFIG = s.env.STRATA_SSH_CONFIG
      s.onCleanup(() => delete process.env.STRATA_SSH_CONFIG)
      for (const h of s.hosts) await s.lxcpath(`lxc-${h.name}`)
      local = join(s.dir, 'lxc-local')
      mkdirSync(local)
      const [h1] = s.hosts as [NetnsHost]
      execFileSync('lxc-create', ['-P', lxcpathOf(h1), '-n', 'r1', '-t', 'busybox', '-f', s.netConf], { stdio: 'ignore' })
      s.writeHosts([{ name: 'h1', host: h1, lxcpaths: [lxcpathOf(h1)] }])
      const pub = readFileSync(`${h1.hostKey}.pub`, 'utf8').split(' ')
      writeFileSync(join(s.dir, 'known_hosts'), `${h1.address} ${pub[0]} ${pub[1]}\n`)
      service = createService({ lxcpaths: [local], watch: false, userns: false, helper: false, hostsFile: hostsFile() })
      s.onCleanup(() => service.close()) // when a later step of the setup fails
      service.on('hostState', (st) => void states.push(st))
      service.on('changed', (c) => void changed.push(c))
    })
  }, 120_000)

  afterAll(async () => {
    service?.close() // before its hosts' helpers go
    await hs?.cleanup()
  }, 60_000)

  it('a call naming h1 connects to it and runs on its lxcpath; this computer stays its own', async () => {
    const [h1] = hs.hosts as [NetnsHost]
    expect((await service.api.hosts({})).map((h) => [h.name, h.state])).toEqual([['h1', 'idle']])
    const list = await service.api.listContainers({ host: 'h1' })
    expect(list.map((c) => `${c.lxcpath}/${c.name}`)).toEqual(lxcLs(lxcpathOf(h1)).map((n) => `${lxcpathOf(h1)}/${n}`))
    expect(states.map((s) => s.state)).toEqual(['connecting', 'connected'])
    expect(await service.api.lxcpaths({ host: 'h1' })).toEqual([lxcpathOf(h1)])
    expect(await service.api.lxcpaths({})).toEqual([local])
    expect(await service.api.listContainers({})).toEqual([])
    // the host's own rule, as its session states it
    await expect(service.api.listContainers({ host: 'h1', lxcpaths: [local] })).rejects.toMatchObject({ rule: 'session-lxcpaths' })
    await expect(service.api.listContainers({ host: 'nope' })).rejects.toMatchObject({ rule: 'no-such-host' })
    await expect(service.api.environment({ host: 'h1' })).rejects.toMatchObject({ rule: 'remote-environment' })
  })

  it('a clone on h1 runs as a task there; its end and the change name h1', async () => {
    const [h1] = hs.hosts as [NetnsHost]
    const done: Events['taskDone'][] = []
    const off = service.on('taskDone', (e) => void done.push(e))
    const { taskId } = await service.api.clone({ host: 'h1', origin: { lxcpath: lxcpathOf(h1), name: 'r1' }, name: 'r2' })
    await until('the clone', () => done.some((d) => d.taskId === taskId))
    off()
    expect(done.find((d) => d.taskId === taskId)).toMatchObject({ result: { lxcpath: lxcpathOf(h1), name: 'r2' } })
    expect(lxcLs(lxcpathOf(h1))).toEqual(['r1', 'r2'])
    expect(changed).toContainEqual({ lxcpath: lxcpathOf(h1), host: 'h1' })
    // a task's id names it wherever it ran: cancelling an ended one is this session's not-found
    await expect(service.api.cancelTask({ taskId })).rejects.toMatchObject({ code: 'not-found' })
  })

  it("copyToHost copies this computer's container to h1 as a task; a name taken there is refused before a task starts", async () => {
    const [h1] = hs.hosts as [NetnsHost]
    execFileSync('lxc-create', ['-P', local, '-n', 'l1', '-t', 'busybox', '-f', hs.netConf], { stdio: 'ignore' })
    const done: Events['taskDone'][] = []
    const off = service.on('taskDone', (e) => void done.push(e))
    const copy = (name: string): Promise<{ taskId: string }> =>
      service.api.copyToHost({ lxcpath: local, name: 'l1', toHost: 'h1', to: { lxcpath: lxcpathOf(h1), name } })
    try {
      // refused to the caller (the dialog) before a task starts
      await expect(copy('r1')).rejects.toMatchObject({ rule: 'taken', message: expect.stringContaining(`(on h1, in ${lxcpathOf(h1)})`) })
      expect(done).toEqual([])
      expect(lxcLs(lxcpathOf(h1))).toEqual(['r1', 'r2'])

      const made = await copy('l1copy')
      await until('the copy', () => done.some((d) => d.taskId === made.taskId), 120_000)
      expect(done.find((d) => d.taskId === made.taskId)).toMatchObject({ result: { lxcpath: lxcpathOf(h1), name: 'l1copy' } })
      expect(lxcLs(lxcpathOf(h1))).toEqual(['l1copy', 'r1', 'r2'])
      expect(lxcLs(local)).toEqual(['l1'])
      expect(changed).toContainEqual({ lxcpath: lxcpathOf(h1), host: 'h1' })
      // one host is not a copy between hosts
      await expect(service.api.copyToHost({ lxcpath: local, name: 'l1', to: { lxcpath: local, name: 'l2' } })).rejects.toMatchObject({ rule: 'same-host' })
    } finally {
      off()
      if (lxcLs(lxcpathOf(h1)).includes('l1copy')) execFileSync('lxc-destroy', ['-P', lxcpathOf(h1), '-n', 'l1copy'], { stdio: 'ignore' })
    }
  }, 180_000)

  it('h1 going down is said in ssh words; calls answer why until connectHost finds it back, and its lxcpaths read as changed', async () => {
    const [h1] = hs.hosts as [NetnsHost]
    states.length = 0
    changed.length = 0
    for (const pid of netnsPids(h1)) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // gone already
      }
    }
    await hs.fx.stopSshd(h1)
    await until('h1 unreachable after the reconnect attempt', () => states.filter((s) => s.state === 'unreachable').length >= 2)
    const last = states[states.length - 1]!
    expect(last.state).toBe('unreachable')
    expect(last.error).toMatchObject({ rule: 'host-unreachable' })
    expect(last.error?.message).toContain('Connection refused')
    await expect(service.api.listContainers({ host: 'h1' })).rejects.toMatchObject({ rule: 'host-unreachable' })
    await hs.fx.startSshd(h1)
    expect(await service.api.connectHost({ name: 'h1' })).toMatchObject({ state: 'connected', lxcpaths: [lxcpathOf(h1)] })
    expect(changed).toContainEqual({ lxcpath: lxcpathOf(h1), host: 'h1' })
    expect((await service.api.listContainers({ host: 'h1' })).map((c) => c.name).sort()).toEqual(['r1', 'r2'])
  })

  it('adding h2 stores nothing unless its keys are the fingerprints confirmed', async () => {
    const [, h2] = hs.hosts as [NetnsHost, NetnsHost]
    const pub = readFileSync(`${h2.hostKey}.pub`, 'utf8').split(' ')[1]!
    const scan = await service.api.scanHostKey({ destination: `root@${h2.address}` })
    expect(scan.known).toBe('new')
    expect(scan.fingerprints).toEqual([`${await hs.fx.fingerprint(h2.hostKey)} (ED25519)`])
    const add = { name: 'h2', destination: `root@${h2.address}`, lxcpath: lxcpathOf(h2), helper: HELPER_COMMAND, elevate: 'none' as const }
    await expect(service.api.addSshHost({ ...add, fingerprints: ['256 SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA (ED25519)'] })).rejects.toMatchObject({ rule: 'host-key-not-confirmed' })
    expect(readFileSync(join(hs.dir, 'known_hosts'), 'utf8')).not.toContain(pub)
    expect(readFileSync(hostsFile(), 'utf8')).not.toContain('"h2"')
    const hosts = await service.api.addSshHost({ ...add, fingerprints: scan.fingerprints })
    expect(hosts.map((h) => h.name)).toEqual(['h1', 'h2'])
    expect(readFileSync(join(hs.dir, 'known_hosts'), 'utf8')).toContain(pub)
    expect(await service.api.listContainers({ host: 'h2' })).toEqual([])
    await expect(service.api.addSshHost({ ...add, fingerprints: scan.fingerprints })).rejects.toMatchObject({ rule: 'host-exists' })
  })
})
