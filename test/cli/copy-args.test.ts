// `strata copy` refuses what only an LXD target takes (--pool, --member) for an LXC target at
// argument checking, naming the flag and the rule, before it connects to either host: the hosts
// here are a TCP listener (an SSH host) and a unix socket listener (an LXD host) on loopback that
// count the connections they get, which must stay at none.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const CLI = join(import.meta.dirname, '../../bin/strata')

let dir: string
let connections = 0
const servers: Server[] = []

async function listen(server: Server, where: string | number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    if (typeof where === 'number') server.listen(where, '127.0.0.1', resolve)
    else server.listen(where, resolve)
  })
}

function counting(): Server {
  const server = createServer((socket) => {
    connections++
    socket.destroy()
  })
  servers.push(server)
  return server
}

async function strata(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await execa('node', [CLI, ...args], { reject: false, env: { XDG_CONFIG_HOME: join(dir, 'config') }, timeout: 60_000 })
  return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr }
}

describe('strata copy: LXD-only choices for an LXC target', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'strata-copy-args-'))
    const ssh = counting()
    await listen(ssh, 0)
    const port = (ssh.address() as { port: number }).port
    const socket = join(dir, 'lxd.socket')
    await listen(counting(), socket)
    mkdirSync(join(dir, 'config', 'strata'), { recursive: true })
    writeFileSync(
      join(dir, 'config', 'strata', 'hosts.json'),
      JSON.stringify({ hosts: [{ name: 'far', destination: `root@127.0.0.1:${port}`, lxcpaths: ['/var/lib/lxc'] }, { name: 'lxdhost', lxd: { url: `unix:${socket}` } }] })
    )
  })
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))))
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('--member for an SSH host or this computer is refused by the rule copy-member, naming the flag, with no connection made', async () => {
    const toSsh = await strata('copy', 'lxdhost:a1', 'far:a1', '--member', 'm2')
    expect(toSsh.code).toBe(1)
    expect(toSsh.stderr).toContain('--member m2 is refused by the rule copy-member: far is an LXC host, which has no cluster members')
    const toHere = await strata('copy', 'lxdhost:a1', 'a1here', '-P', join(dir, 'lxc'), '--member', 'm2')
    expect(toHere.code).toBe(1)
    expect(toHere.stderr).toContain('--member m2 is refused by the rule copy-member: this computer is an LXC host')
    expect(connections).toBe(0)
  })

  it('--pool for an LXC target is refused by the rule copy-pool the same way', async () => {
    const r = await strata('copy', 'lxdhost:a1', 'far:a1', '--pool', 'fast')
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('--pool fast is refused by the rule copy-pool: far is an LXC host, which has no storage pools')
    expect(connections).toBe(0)
  })

  it('the same --member for an LXD target passes the argument checks and goes on to connect', async () => {
    const r = await strata('copy', 'far:a1', 'lxdhost:a1', '--member', 'm2')
    expect(r.code).not.toBe(0)
    expect(r.stderr).not.toContain('copy-member')
    expect(connections).toBeGreaterThan(0)
  })
})
