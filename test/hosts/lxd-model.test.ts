// LXD's addresses, hosts-file entries and model mapping, without a daemon (lxd.test.ts runs one).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { addHost, findHost, readHosts } from '../../src/main/hosts/hosts-file'
import { parseLxdUrl } from '../../src/main/hosts/lxd/lxd-connection'
import { idMapOf, lxcTimestamp, nextSnapshotName, projectOf } from '../../src/main/hosts/lxd/lxd-model'

describe('LXD addresses', () => {
  it('reads a unix socket path and an HTTPS address with LXD port 8443 by default', () => {
    expect(parseLxdUrl('unix:/var/lib/lxd/unix.socket')).toEqual({ kind: 'unix', socket: '/var/lib/lxd/unix.socket' })
    expect(parseLxdUrl('unix:///var/lib/lxd/unix.socket')).toEqual({ kind: 'unix', socket: '/var/lib/lxd/unix.socket' })
    expect(parseLxdUrl('https://10.0.0.5')).toEqual({ kind: 'https', host: '10.0.0.5', port: 8443 })
    expect(parseLxdUrl('https://[fd00::5]:9443')).toEqual({ kind: 'https', host: 'fd00::5', port: 9443 })
  })

  it('refuses anything else, naming the address and the forms it takes', () => {
    expect(() => parseLxdUrl('http://10.0.0.5')).toThrow(/http:\/\/10.0.0.5 is not an LXD address: use unix:\/PATH\/unix.socket or https:\/\/HOST\[:PORT\]/)
    expect(() => parseLxdUrl('unix:relative.sock')).toThrow(/absolute path/)
    expect(() => parseLxdUrl('https://h:99999')).toThrow(/port is a number/)
    expect(() => parseLxdUrl('https://h/some/path')).toThrow(/not an LXD address/)
  })
})

describe('LXD hosts in the hosts file', () => {
  let dir: string
  let file: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-lxd-hosts-'))
    file = join(dir, 'hosts.json')
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('keeps an LXD host beside SSH hosts, and refuses one that is neither', () => {
    addHost({ name: 'web1', destination: 'root@10.0.0.5' }, file)
    addHost({ name: 'lab', lxd: { url: 'unix:/var/lib/lxd/unix.socket' } }, file)
    expect(findHost('lab', file)).toEqual({ name: 'lab', lxd: { url: 'unix:/var/lib/lxd/unix.socket' } })
    expect(readHosts(file).map((h) => h.name)).toEqual(['web1', 'lab'])
    writeFileSync(file, JSON.stringify({ hosts: [{ name: 'x', lxd: { url: 'ftp://x' } }] }))
    expect(() => readHosts(file)).toThrow(/is not a Strata hosts file/)
  })
})

describe('LXD in Strata model', () => {
  it('names snapshots as lxc snapshot does, after the highest snapN', () => {
    expect(nextSnapshotName([])).toBe('snap0')
    expect(nextSnapshotName([{ name: 'snap0', created_at: '' }, { name: 'before-upgrade', created_at: '' }, { name: 'snap4', created_at: '' }])).toBe('snap5')
  })

  it("writes LXD's creation times in LXC's ts format (UTC), and none for LXD's zero time", () => {
    expect(lxcTimestamp('2026-12-06T17:02:55.558303559Z')).toBe('2026:12:06 17:02:55')
    expect(lxcTimestamp('0001-01-01T00:00:00Z')).toBeNull()
  })

  it('takes only the projects the server has as lxcpaths, naming them when refusing', () => {
    expect(projectOf('/1.0/projects/default', 'lab', ['/1.0/projects/default'])).toBe('default')
    expect(() => projectOf('/var/lib/lxc', 'lab', ['/1.0/projects/default'])).toThrow(/\/var\/lib\/lxc is not a project of the LXD host lab; its lxcpaths are \/1.0\/projects\/default/)
  })

  it("reads an instance's id map as LXD applied it, and none for a privileged one", () => {
    const current = JSON.stringify([
      { Isuid: true, Isgid: false, Hostid: 1000000, Nsid: 0, Maprange: 1000000000 },
      { Isuid: false, Isgid: true, Hostid: 1000000, Nsid: 0, Maprange: 1000000000 }
    ])
    expect(idMapOf({ expanded_config: { 'volatile.idmap.current': current } })).toEqual([
      { kind: 'u', nsid: 0, hostid: 1000000, count: 1000000000 },
      { kind: 'g', nsid: 0, hostid: 1000000, count: 1000000000 }
    ])
    expect(idMapOf({ expanded_config: { 'volatile.idmap.current': current, 'security.privileged': 'true' } })).toEqual([])
    expect(idMapOf({ expanded_config: {} })).toEqual([])
  })
})
