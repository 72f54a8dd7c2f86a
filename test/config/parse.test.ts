import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseConfig, parseConfigBytes, serializeConfig } from '../../src/main/engine/config/parse'
import { packageFiles } from '../helpers/debian'

const roundTrip = (text: string): string => serializeConfig(parseConfig(text, '/t/config').doc)

describe('lossless round trip', () => {
  // every config LXC's packages ship: lxc (common.conf, userns.conf), lxc-templates (the
  // distributions'), lxcfs (common.conf.d/00-lxcfs.conf)
  const shipped = ['lxc', 'lxc-templates', 'lxcfs'].flatMap((pkg) => packageFiles(pkg, '/usr/share/lxc/config'))

  it('finds the shipped LXC configs, including common.conf.d', () => {
    expect(shipped.length).toBeGreaterThan(20)
    expect(shipped).toContain('/usr/share/lxc/config/common.conf.d/00-lxcfs.conf')
  })

  it.each(shipped)('%s round-trips byte for byte', (file) => {
    const bytes = readFileSync(file)
    const { doc } = parseConfigBytes(bytes, file)
    expect(Buffer.from(serializeConfig(doc), 'utf8').equals(bytes)).toBe(true)
  })

  it.each([
    ['CRLF', 'lxc.uts.name = a\r\n# c\r\n\r\nlxc.arch = x86_64\r\n'],
    ['mixed endings and lone CR', 'lxc.uts.name = a\r\nlxc.arch=amd64\nfoo\rbar\r\n\n'],
    ['no final newline', 'lxc.uts.name = a\nlxc.arch = x86_64'],
    ['tabs and indented keys', '\tlxc.uts.name\t=\t"a b"\t\n   lxc.arch=  amd64  \n\t# indented comment\n'],
    ['quotes', "lxc.environment = 'X=1'\nlxc.environment = \"Y=2\"\nlxc.uts.name = \"unbalanced\n"],
    ['martian lines', 'martian.key = foo\nLXC.uts.name = ignored\n  some text\n=\n'],
    ['empty file', ''],
    ['only newlines', '\n\n\r\n'],
    ['whitespace-only lines', '  \n\t\n \t \r\n'],
    ['unicode', 'lxc.uts.name = é\n# 日本語\n']
  ])('%s round-trips', (_name, text) => {
    expect(roundTrip(text)).toBe(text)
  })

  it('records line endings per line', () => {
    const { doc } = parseConfig('a\r\nb\nc\rd', '/t/config')
    expect(doc.lines.map((l) => l.eol)).toEqual(['\r\n', '\n', '\r', ''])
    expect(doc.lines.map((l) => l.raw)).toEqual(['a', 'b', 'c', 'd'])
    expect(doc.lines.map((l) => l.lineNo)).toEqual([1, 2, 3, 4])
  })

  it('keeps invalid UTF-8 bytes (decoded as latin1) and warns', () => {
    const bytes = Buffer.concat([Buffer.from('lxc.uts.name = a\n# caf'), Buffer.from([0xe9]), Buffer.from('\n')])
    const parsed = parseConfigBytes(bytes, '/t/latin1')
    expect(parsed.encoding).toBe('latin1')
    expect(Buffer.from(serializeConfig(parsed.doc), 'latin1').equals(bytes)).toBe(true)
    expect(parsed.problems).toEqual([expect.objectContaining({ rule: 'not-utf8', line: 2, severity: 'warning', file: '/t/latin1' })])
  })
})

describe('line classification and values (confile.c parse_line)', () => {
  const text = [
    'lxc.uts.name = "c1"', // 1
    "lxc.environment = 'quoted'", // 2
    'lxc.environment = INLINE=1 # not a comment?', // 3
    '   lxc.arch=amd64   ', // 4
    '# comment', // 5
    '   # indented comment', // 6
    '', // 7
    'martian.key = foo', // 8
    'LXC.uts.name = no', // 9
    'lxc.apparmor.profile = "x\'', // 10: quotes do not match: kept
    'lxc.start.auto = ""', // 11: an empty value after stripping
    'lxc.start.delay = "', // 12: a lone quote is kept
    'lxc.include ='
  ].join('\n')
  const { doc, problems } = parseConfig(text, '/t/config')
  const line = (n: number) => doc.lines[n - 1]

  it('has no problems', () => expect(problems).toEqual([]))
  it('strips one pair of matching quotes', () => {
    expect(line(1)).toMatchObject({ kind: 'entry', key: 'lxc.uts.name', value: 'c1' })
    expect(line(2)?.value).toBe('quoted')
    expect(line(10)?.value).toBe('"x\'')
    expect(line(11)?.value).toBe('')
    expect(line(12)?.value).toBe('"')
  })
  it('has no inline comments', () => expect(line(3)?.value).toBe('INLINE=1 # not a comment?'))
  it('trims key and value, spaces around = optional', () => expect(line(4)).toMatchObject({ key: 'lxc.arch', value: 'amd64' }))
  it('classifies comments, blanks and martians', () => {
    expect([5, 6, 7, 8, 9].map((n) => line(n)?.kind)).toEqual(['comment', 'comment', 'blank', 'martian', 'martian'])
  })
  it('an empty value is an entry with value ""', () => expect(line(13)).toMatchObject({ kind: 'entry', key: 'lxc.include', value: '' }))
})

describe('problems', () => {
  const check = (text: string) => parseConfig(text, '/x/config').problems

  it('an lxc. line without = is an error', () => {
    const problems = check('# c\nlxc.uts.name\n')
    expect(problems).toEqual([
      expect.objectContaining({ file: '/x/config', line: 2, rule: 'missing-equals', severity: 'error' })
    ])
    expect(problems[0]?.message).toMatch(/^\/x\/config:2: "lxc.uts.name" has no "="/)
  })

  it('an unknown key is an error naming file, line and key', () => {
    const [problem] = check('lxc.uts.name = a\n\n\n\n\n\nlxc.foo = 1\n')
    expect(problem).toMatchObject({ line: 7, rule: 'unknown-key', severity: 'error' })
    expect(problem?.message).toBe('/x/config:7: "lxc.foo" is not a key LXC 5 knows (unsupported config key).')
  })

  it('checks network sub-keys and indices', () => {
    expect(check('lxc.net.0.type = veth\nlxc.net.0.link = br0\nlxc.net.12.ipv4.address = 1.2.3.4/24\nlxc.net.0 =\nlxc.net =\n')).toEqual([])
    expect(check('lxc.net.0.foo = 1\n')).toEqual([expect.objectContaining({ rule: 'unknown-key', line: 1 })])
    expect(check('lxc.net.x.type = veth\n')).toEqual([expect.objectContaining({ rule: 'unknown-key' })])
    expect(check('lxc.net.0 = veth\n')).toEqual([expect.objectContaining({ rule: 'value-not-allowed' })])
    expect(check('lxc.net = veth\n')).toEqual([expect.objectContaining({ rule: 'value-not-allowed' })])
  })

  it('accepts the prefix families and the exact hook keys', () => {
    const ok = [
      'lxc.cgroup.memory.limit_in_bytes = 1G',
      'lxc.cgroup2.memory.max = 1G',
      'lxc.cgroup.dir = x',
      'lxc.prlimit.nofile = 1024',
      'lxc.sysctl.net.ipv4.ip_forward = 1',
      'lxc.proc.oom_score_adj = 10',
      'lxc.namespace.share.net = other',
      'lxc.hook.pre-start = /bin/true',
      'lxc.hook.version = 1',
      'lxc.hook =',
      'lxc.cgroup2 =',
      'lxc.mount.fstab = /x/fstab'
    ]
    expect(check(ok.join('\n'))).toEqual([])
    expect(check('lxc.hook.nonsense = x\nlxc.namespace.share.bogus = x\nlxc.cgroup. = x\n').map((p) => p.rule)).toEqual([
      'unknown-key',
      'unknown-key',
      'unknown-key'
    ])
    expect(check('lxc.mount.fstab =\n')).toEqual([expect.objectContaining({ rule: 'empty-value' })])
  })

  it('legacy keys are errors that name the modern key', () => {
    const problems = check('lxc.utsname = a\nlxc.network.ipv4 = 1.2.3.4/24\nlxc.limit.nofile = 10\nlxc.pivotdir = x\n')
    expect(problems.map((p) => [p.line, p.rule])).toEqual([
      [1, 'legacy-key'],
      [2, 'legacy-key'],
      [3, 'legacy-key'],
      [4, 'legacy-key']
    ])
    expect(problems[0]?.message).toContain('LXC 5 rejects it; the modern key is lxc.uts.name.')
    // the fix is data, not a command in the sentence: the CLI names its command, the app its button
    expect(problems[0]?.message).not.toContain('strata config')
    expect(problems.map((p) => p.fixId)).toEqual(['config-modern', 'config-modern', 'config-modern', 'config-modern'])
    expect(problems[1]?.message).toContain('lxc.net.N.ipv4.address')
    expect(problems[2]?.message).toContain('lxc.prlimit.nofile')
  })

  it('a NUL byte is an error on its line; what follows is not reported', () => {
    const { doc, problems } = parseConfig('lxc.uts.name = a\nlxc.arch = x\0junk\nlxc.foo = 1\n', '/x/config')
    expect(doc.nulLine).toBe(2)
    expect(doc.lines[1]).toMatchObject({ key: 'lxc.arch', value: 'x' })
    expect(problems).toEqual([expect.objectContaining({ line: 2, rule: 'nul-byte', severity: 'error' })])
  })

  it('binary garbage gives a clear error and round-trips unchanged', () => {
    let seed = 42
    const bytes = Buffer.alloc(2 * 1024 * 1024)
    for (let i = 0; i < bytes.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0
      bytes[i] = seed >>> 24
    }
    const parsed = parseConfigBytes(bytes, '/x/garbage')
    expect(parsed.problems.find((p) => p.rule === 'nul-byte')).toMatchObject({ severity: 'error', file: '/x/garbage' })
    expect(parsed.problems.length).toBeLessThan(50)
    expect(Buffer.from(serializeConfig(parsed.doc), 'latin1').equals(bytes)).toBe(true)
  })
})
