import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { effectiveConfig, effectiveList, effectiveValue, expandConfigFile } from '../../src/main/engine/config/expand'

let root = ''
const path = (...parts: string[]) => join(root, ...parts)
const write = (name: string, text: string) => {
  writeFileSync(path(name), text)
  return path(name)
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'strata-expand-'))
})
afterAll(() => {
  rmSync(root, { recursive: true, force: true })
})

describe('include expansion with provenance', () => {
  it('expands a file include in place', () => {
    const common = write('common.conf', '# shared\nlxc.cap.drop = sys_module\nlxc.uts.name = from-common\n')
    const config = write('a.config', `lxc.uts.name = first\nlxc.include = ${common}\nlxc.cap.drop = mac_admin\n`)
    const { entries, files, problems } = expandConfigFile(config)
    expect(problems).toEqual([])
    expect(files).toEqual([config, common])
    expect(entries).toEqual([
      { key: 'lxc.uts.name', value: 'first', file: config, line: 1 },
      { key: 'lxc.include', value: common, file: config, line: 2 },
      { key: 'lxc.cap.drop', value: 'sys_module', file: common, line: 2 },
      { key: 'lxc.uts.name', value: 'from-common', file: common, line: 3 },
      { key: 'lxc.cap.drop', value: 'mac_admin', file: config, line: 3 }
    ])
    expect(effectiveValue(entries, 'lxc.uts.name')).toEqual({ key: 'lxc.uts.name', value: 'from-common', file: common, line: 3 })
    expect(effectiveList(entries, 'lxc.cap.drop').map((e) => [e.value, e.file, e.line])).toEqual([
      ['sys_module', common, 2],
      ['mac_admin', config, 3]
    ])
  })

  it('expands a directory: *.conf of at least 6 characters, not recursive, missing dir fine', () => {
    mkdirSync(path('d'))
    mkdirSync(path('d', 'sub'))
    write('d/b.conf', 'lxc.environment = B=1\n')
    write('d/a.conf', 'lxc.environment = A=1\n')
    write('d/.conf', 'lxc.environment = DOT=1\n')
    write('d/c.txt', 'lxc.environment = TXT=1\n')
    write('d/sub/x.conf', 'lxc.environment = SUB=1\n')
    const config = write('d.config', `lxc.include = ${path('d')}/\nlxc.include = ${path('missing-dir')}/\n`)
    const { entries, files, problems } = expandConfigFile(config)
    expect(problems).toEqual([])
    // LXC uses raw readdir order, so only the set is fixed
    expect(new Set(files)).toEqual(new Set([config, path('d', 'a.conf'), path('d', 'b.conf')]))
    const env = effectiveList(entries, 'lxc.environment')
    expect(env.map((e) => e.value).sort()).toEqual(['A=1', 'B=1'])
    for (const entry of env) expect(entry).toMatchObject({ file: path('d', `${entry.value[0]?.toLowerCase()}.conf`), line: 1 })
  })

  it('scalars: last wins and an empty value unsets; lists: accumulate and an empty value clears', () => {
    const config = write(
      'rules.config',
      [
        'lxc.uts.name = a',
        'lxc.uts.name = b',
        'lxc.mount.entry = proc proc proc nodev 0 0',
        'lxc.mount.entry =',
        'lxc.mount.entry = sysfs sys sysfs ro 0 0',
        'lxc.cap.keep = sys_admin',
        'lxc.cap.drop =', // one caps list in LXC: clears keeps too
        'lxc.net.0.type = veth',
        'lxc.net.0.ipv4.address = 10.0.0.1/24',
        'lxc.net.0.ipv4.address = 10.0.0.2/24',
        'lxc.net.1.type = veth',
        'lxc.net.0 =', // removes network 0 only
        'lxc.net.1.mtu =', // network 1 exists: clears its mtu
        'lxc.log.level = 3',
        'lxc.log.level =',
        'lxc.hook.start = /a',
        'lxc.hook =',
        'lxc.hook.stop = /b',
        'lxc.prlimit.nofile = 10',
        'lxc.prlimit.nproc = 20',
        'lxc.prlimit =',
        'lxc.prlimit.nofile = 30'
      ].join('\n')
    )
    const { entries, problems } = expandConfigFile(config)
    expect(problems).toEqual([])
    expect(effectiveValue(entries, 'lxc.uts.name')).toMatchObject({ value: 'b', line: 2, file: config })
    expect(effectiveList(entries, 'lxc.mount.entry').map((e) => e.line)).toEqual([5])
    expect(effectiveList(entries, 'lxc.cap.keep')).toEqual([])
    expect(effectiveList(entries, 'lxc.net.0.ipv4.address')).toEqual([])
    expect(effectiveValue(entries, 'lxc.net.0.type')).toBeNull()
    expect(effectiveValue(entries, 'lxc.net.1.type')).toMatchObject({ value: 'veth', line: 11 })
    expect(effectiveValue(entries, 'lxc.log.level')).toBeNull()
    expect(effectiveList(entries, 'lxc.hook.start')).toEqual([])
    expect(effectiveList(entries, 'lxc.hook.stop').map((e) => e.value)).toEqual(['/b'])
    expect(effectiveValue(entries, 'lxc.prlimit.nproc')).toBeNull()
    expect(effectiveValue(entries, 'lxc.prlimit.nofile')).toMatchObject({ value: '30', line: 22 })

    const effective = effectiveConfig(entries)
    const byKey = new Map(effective.map((s) => [s.key, s.entries.map((e) => `${e.value}@${e.line}`)]))
    expect(byKey.get('lxc.uts.name')).toEqual(['b@2'])
    expect(byKey.get('lxc.mount.entry')).toEqual(['sysfs sys sysfs ro 0 0@5'])
    expect(byKey.has('lxc.cap.keep')).toBe(false)
    expect(byKey.has('lxc.net.0.type')).toBe(false)
    expect(byKey.get('lxc.net.1.type')).toEqual(['veth@11'])
    expect(byKey.has('lxc.log.level')).toBe(false)
    expect(byKey.get('lxc.hook.stop')).toEqual(['/b@18'])
    expect(byKey.get('lxc.prlimit.nofile')).toEqual(['30@22'])
    expect(byKey.has('lxc.prlimit.nproc')).toBe(false)
  })

  it('resolves relative includes against the given cwd and warns', () => {
    mkdirSync(path('rel'))
    write('rel/inc.conf', 'lxc.arch = amd64\n')
    const config = write('rel.config', 'lxc.include = rel/inc.conf\n')
    const { entries, problems } = expandConfigFile(config, { cwd: root })
    expect(effectiveValue(entries, 'lxc.arch')).toMatchObject({ file: path('rel', 'inc.conf'), line: 1 })
    expect(problems).toEqual([expect.objectContaining({ rule: 'include-relative', severity: 'warning', file: config, line: 1 })])
  })
})

// How fast these are read is measured in bench/config.bench.mjs; a loop that never ends fails here by the test's timeout.
describe('bad inputs: clear errors', () => {
  it('an include cycle (a includes b includes a) is an error naming the chain', () => {
    const a = path('cycle-a.conf')
    const b = path('cycle-b.conf')
    writeFileSync(a, `lxc.uts.name = a\nlxc.include = ${b}\n`)
    writeFileSync(b, `lxc.arch = amd64\n\nlxc.include = ${a}\n`)
    const { problems, files } = expandConfigFile(a)
    expect(files).toEqual([a, b])
    expect(problems).toEqual([expect.objectContaining({ rule: 'include-cycle', file: b, line: 3, severity: 'error' })])
    expect(problems[0]?.message).toContain(`${a} → ${b} → ${a}`)
  })

  it('a self-include is a cycle too', () => {
    const self = write('self.conf', `lxc.include = ${path('self.conf')}\n`)
    expect(expandConfigFile(self).problems.map((p) => p.rule)).toEqual(['include-cycle'])
  })

  it('a missing include file is an error at the include line', () => {
    const config = write('missing.config', `# x\nlxc.include = ${path('nope.conf')}\n`)
    const { problems } = expandConfigFile(config)
    expect(problems).toEqual([expect.objectContaining({ rule: 'include-missing', file: config, line: 2, severity: 'error' })])
    expect(problems[0]?.message).toContain('Failed to open file')
  })

  it('a directory named x.conf inside an included directory is skipped with a warning (LXC 5.0.2 logs and loads the rest)', () => {
    mkdirSync(path('withdir', 'x.conf'), { recursive: true })
    write('withdir/ok.conf', 'lxc.arch = amd64\n')
    const config = write('withdir.config', `lxc.include = ${path('withdir')}\n`)
    const { problems, entries } = expandConfigFile(config)
    expect(problems).toEqual([expect.objectContaining({ rule: 'include-dir-entry', file: config, line: 1, severity: 'warning' })])
    expect(problems[0]?.message).toContain('"x.conf"')
    expect(effectiveValue(entries, 'lxc.arch')).not.toBeNull()
  })

  it('binary garbage with NULs gives a nul-byte error and no entries after it', () => {
    const bytes = Buffer.alloc(64 * 1024)
    let seed = 7
    for (let i = 0; i < bytes.length; i++) {
      seed = (seed * 1664525 + 1013904223) >>> 0
      bytes[i] = seed >>> 24
    }
    bytes[100] = 0
    const file = path('garbage')
    writeFileSync(file, Buffer.concat([Buffer.from('lxc.uts.name = g\n'), bytes]))
    const { problems, entries } = expandConfigFile(file)
    expect(problems.find((p) => p.rule === 'nul-byte')).toMatchObject({ file, severity: 'error' })
    expect(entries).toEqual([{ key: 'lxc.uts.name', value: 'g', file, line: 1 }])
  })

  it('a line "lxc.uts.name" without = is an error with file and line', () => {
    const config = write('noeq.config', 'lxc.arch = amd64\nlxc.uts.name\n')
    const { problems, entries } = expandConfigFile(config)
    expect(problems).toEqual([expect.objectContaining({ rule: 'missing-equals', file: config, line: 2, severity: 'error' })])
    expect(entries.map((e) => e.key)).toEqual(['lxc.arch'])
  })

  it('a missing or unreadable config file is a problem with line 0', () => {
    const missing = path('does-not-exist')
    expect(expandConfigFile(missing).problems).toEqual([expect.objectContaining({ file: missing, line: 0, rule: 'file-missing' })])
    // we run as root, so permission bits do not stop reads; a directory is unreadable as a file
    const dir = path('d')
    expect(expandConfigFile(dir).problems).toEqual([expect.objectContaining({ file: dir, line: 0, rule: 'file-unreadable' })])
  })

  it('parses a 5 MB config whole, with no problems', () => {
    const block = 'lxc.mount.entry = /srv/data srv/data none bind,create=dir 0 0\n# a comment line\nlxc.environment = KEY=value\n\n'
    const text = block.repeat(Math.ceil((5 * 1024 * 1024) / block.length))
    const file = write('big.config', text)
    const { entries, problems } = expandConfigFile(file)
    expect(problems).toEqual([])
    // every block holds two entries (the comment and the blank line are not entries)
    expect(entries.length).toBe(2 * Math.ceil((5 * 1024 * 1024) / block.length))
  })
})
