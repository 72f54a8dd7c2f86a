// Does our checker agree with real LXC 5.0.2 on whether a config loads? One line per case.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { expandConfigFile } from '../../src/main/engine/config/expand'

let root = ''
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'strata-agree-'))
})
afterAll(() => {
  rmSync(root, { recursive: true, force: true })
})

const cases: Array<[line: string, loads: boolean]> = [
  ['lxc.uts.name = a', true],
  ['lxc.foo = 1', false],
  ['lxc.uts.name', false],
  ['lxc.utsname = a', false],
  ['lxc.network.type = veth', false],
  ['lxc.limit.nofile = 10', false],
  ['LXC.foo = 1', true],
  ['martian = 1', true],
  ['lxc.net.0.type = veth', true],
  ['lxc.net.0.foo = 1', false],
  ['lxc.net.x.type = veth', false],
  ['lxc.net.0 = veth', false],
  ['lxc.net.0 =', true],
  ['lxc.net = veth', false],
  ['lxc.net.0.mtu =', false],
  ['lxc.net.0.type = veth\nlxc.net.0.mtu =', true],
  ['lxc.net.0.type = veth\nlxc.net =\nlxc.net.0.link =', false],
  ['lxc.hook = /bin/true', false],
  ['lxc.hook =', true],
  ['lxc.hook.nonsense = /bin/true', false],
  ['lxc.hook.start-host = /bin/true', true],
  ['lxc.mount.fstab =', false],
  ['lxc.cgroup2.memory.max = 1G', true],
  ['lxc.cgroup.dir.foo = x', true],
  ['lxc.cgroup. = 1', false],
  ['lxc.prlimit.nofile = 1024', true],
  ['lxc.prlimit = 1024', false],
  ['lxc.sysctl.net.ipv4.ip_forward = 1', true],
  ['lxc.proc.oom_score_adj = 10', true],
  ['lxc.namespace.share.net = other', true],
  ['lxc.namespace.share.bogus = x', false],
  ['lxc.include = /nonexistent-strata-dir/', true],
  ['lxc.include = /nonexistent-strata-file', false],
  ['lxc.environment = A=1 # not a comment', true]
]

it.each(cases)('%s: loads=%s in LXC and in our checker', (line, loads) => {
  const name = `c${cases.findIndex(([l]) => l === line)}`
  mkdirSync(join(root, name))
  const config = join(root, name, 'config')
  writeFileSync(config, `lxc.rootfs.path = dir:${root}\n${line}\n`)
  const run = spawnSync('lxc-info', ['-P', root, '-n', name, '-c', 'lxc.rootfs.path'], { encoding: 'utf8', timeout: 30_000 })
  expect(run.status === 0).toBe(loads)
  const errors = expandConfigFile(config).problems.filter((p) => p.severity === 'error')
  expect(errors.length === 0).toBe(loads)
})

it('an included directory holding a subdirectory named x.conf: LXC skips it and loads the rest; so do we, with a warning', () => {
  const name = 'incdir'
  const inc = join(root, 'incdir.d')
  mkdirSync(join(inc, 'x.conf'), { recursive: true })
  writeFileSync(join(inc, 'a.conf'), 'lxc.environment = FROM_A=1\n')
  mkdirSync(join(root, name))
  const config = join(root, name, 'config')
  writeFileSync(config, `lxc.rootfs.path = dir:${root}\nlxc.include = ${inc}/\n`)
  const run = spawnSync('lxc-info', ['-P', root, '-n', name, '-c', 'lxc.environment'], { encoding: 'utf8', timeout: 30_000 })
  expect(run.status).toBe(0)
  expect(run.stdout).toContain('FROM_A=1')
  const expanded = expandConfigFile(config)
  expect(expanded.problems.map((p) => [p.rule, p.severity])).toEqual([['include-dir-entry', 'warning']])
  expect(expanded.entries.filter((e) => e.key === 'lxc.environment').map((e) => e.value)).toEqual(['FROM_A=1'])
})
