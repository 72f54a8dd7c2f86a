// The hosts file and the command ssh runs: destinations parsed as ssh would take them (never as
// an option), the file refused with its name when broken, the helper's arguments quoted for the
// remote shell.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { addHost, findHost, parseDestination, readHosts, removeHost } from '../../src/main/hosts/hosts-file'
import { remoteHelperCommand, sshArgs } from '../../src/main/hosts/ssh'

describe('SSH destinations', () => {
  it('reads [user@]host[:port], IPv6 in brackets', () => {
    expect(parseDestination('web1')).toEqual({ host: 'web1' })
    expect(parseDestination('admin@10.0.0.5:2222')).toEqual({ user: 'admin', host: '10.0.0.5', port: 2222 })
    expect(parseDestination('root@[fd00::5]:22')).toEqual({ user: 'root', host: 'fd00::5', port: 22 })
  })

  it('refuses what ssh would read as an option or a shell would split, naming the destination', () => {
    expect(() => parseDestination('-oProxyCommand=sh')).toThrow(/"-oProxyCommand=sh" is not \[user@\]host\[:port\]/)
    expect(() => parseDestination('a b')).toThrow(/not \[user@\]host/)
    expect(() => parseDestination('host:70000')).toThrow(/port is a number from 1 to 65535/)
    expect(() => parseDestination('-x@host')).toThrow(/user/)
  })

  it('puts the destination after -- so that ssh never takes it as an option', () => {
    const args = sshArgs({ user: 'u', host: 'h', port: 2200 })
    expect(args.slice(-2)).toEqual(['--', 'h'])
    expect(args).toEqual(expect.arrayContaining(['BatchMode=yes', 'StrictHostKeyChecking=yes', '-p', '2200', '-l', 'u']))
  })
})

describe('the remote helper command', () => {
  it('starts the installed helper through pkexec by default, sudo -n or directly when asked, with its arguments quoted', () => {
    const args = ['--stdio', '--lxcpath', "/srv/it's lxc"]
    expect(remoteHelperCommand({ name: 'h', destination: 'h' }, args)).toBe(
      `pkexec --disable-internal-agent /usr/libexec/strata/strata-helper --stdio --lxcpath '/srv/it'\\''s lxc'`
    )
    expect(remoteHelperCommand({ name: 'h', destination: 'h', elevate: 'sudo' }, ['--stdio'])).toBe('sudo -n -- /usr/libexec/strata/strata-helper --stdio')
    expect(remoteHelperCommand({ name: 'h', destination: 'h', elevate: 'none', helper: '/opt/strata/helper' }, ['--stdio'])).toBe('/opt/strata/helper --stdio')
  })
})

describe('the hosts file', () => {
  let dir: string
  let file: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-hostsfile-'))
    file = join(dir, 'strata', 'hosts.json')
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('adds, finds and removes hosts; a name is taken once', () => {
    expect(readHosts(file)).toEqual([])
    addHost({ name: 'web1', destination: 'admin@web1:2222', elevate: 'sudo' }, file)
    addHost({ name: 'db', destination: 'db' }, file)
    expect(findHost('web1', file)).toEqual({ name: 'web1', destination: 'admin@web1:2222', elevate: 'sudo' })
    expect(() => addHost({ name: 'db', destination: 'other' }, file)).toThrow(/already a host "db"/)
    removeHost('web1', file)
    expect(readHosts(file).map((h) => h.name)).toEqual(['db'])
    expect(() => findHost('web1', file)).toThrow(/no host "web1" in .*hosts\.json \(hosts: db\)/)
    // as data too, the name and the file as values, for the app to say in its language
    expect(() => findHost('web1', file)).toThrow(expect.objectContaining({ rule: 'no-such-host', said: expect.objectContaining({ key: 'no-such-host-listed', values: { host: 'web1', file, hosts: 'db' } }) }))
  })

  it('refuses a broken file by its name instead of reading it as empty, and leaves it as it was', () => {
    addHost({ name: 'db', destination: 'db' }, file)
    writeFileSync(file, '{"hosts": [{"name": "x", "destination": "x", "port": 22}]}')
    expect(() => readHosts(file)).toThrow(new RegExp(`${file} is not a Strata hosts file: .*port`))
    expect(() => addHost({ name: 'y', destination: 'y' }, file)).toThrow(/not a Strata hosts file/)
    expect(readFileSync(file, 'utf8')).toContain('"port": 22')
    writeFileSync(file, '{')
    expect(() => readHosts(file)).toThrow(/is not valid JSON/)
  })

  it("says what is wrong in an entry in Strata's own sentences (the app says them in its language), never the schema library's words", () => {
    const saidOf = (f: () => unknown): unknown => {
      try {
        f()
      } catch (e) {
        return (e as { said?: unknown }).said
      }
      throw new Error('it did not refuse')
    }
    const keysIn = (said: unknown): string[] => JSON.stringify(said).match(/"key":"[^"]+"/g) ?? []
    mkdirSync(join(dir, 'strata'))
    writeFileSync(file, '{"hosts": [{"name": "x", "destination": "x", "port": 22}]}')
    expect(() => readHosts(file)).toThrow(`${file} is not a Strata hosts file: hosts.0: "port" is not a key it takes.`)
    writeFileSync(file, '{"hosts": [{"name": "-x", "destination": "x"}, {"name": "l", "lxd": {"url": "http://l"}}]}')
    expect(() => readHosts(file)).toThrow('hosts.0.name: a host name is letters, digits, ".", "_" and "-" (at most 64); hosts.1.lxd.url: an LXD address is unix:/PATH or https://HOST[:PORT].')
    expect(keysIn(saidOf(() => readHosts(file)))).toEqual(expect.arrayContaining(['"key":"hosts-file-bad"', '"key":"param-host-name"', '"key":"param-lxd-url"']))
    const invalid = saidOf(() => addHost({ name: 'a b', destination: 'x' }, join(dir, 'other.json')))
    expect(keysIn(invalid)).toEqual(expect.arrayContaining(['"key":"host-invalid"', '"key":"param-host-name"']))
    expect(keysIn(saidOf(() => parseDestination('host:0')))).toEqual(expect.arrayContaining(['"key":"bad-destination"', '"key":"destination-port-rule"']))
  })
})
