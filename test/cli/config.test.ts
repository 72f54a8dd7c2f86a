// `strata config` on real containers: raw bytes, includes expanded with provenance, errors
// that name the file, the line and the rule.
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeLxcpath, strata, type TestLxcpath } from '../helpers/lxc'

let P: TestLxcpath
let config: string

describe('strata config', () => {
  beforeAll(async () => {
    P = await makeLxcpath()
    await P.create('c1')
    config = join(P.path, 'c1/config')
    const inc = join(P.path, 'inc.conf')
    writeFileSync(inc, '# shared settings\nlxc.cap.drop = sys_rawio\nlxc.tty.max = 2\n')
    mkdirSync(join(P.path, 'inc.d'))
    writeFileSync(join(P.path, 'inc.d/extra.conf'), 'lxc.environment = FROM_DIR=1\n')
    appendFileSync(config, `lxc.include = ${inc}\nlxc.include = ${P.path}/inc.d/\nlxc.tty.max = 3\n`)
  }, 60_000)
  afterAll(async () => P?.cleanup())

  it('prints the file byte for byte', async () => {
    const r = await strata('config', '-n', 'c1', '-P', P.path)
    expect(r.code).toBe(0)
    expect(r.stdout + '\n').toBe(readFileSync(config, 'utf8'))
  })

  it('expands includes, with the file and line of each effective entry', async () => {
    const r = await strata('config', '-n', 'c1', '-P', P.path, '--expanded', '--provenance')
    expect(r.code).toBe(0)
    const lines = r.stdout.split('\n')
    expect(lines).toContain(`${P.path}/inc.conf:2: lxc.cap.drop = sys_rawio`)
    expect(lines).toContain(`${P.path}/inc.d/extra.conf:1: lxc.environment = FROM_DIR=1`)
    // the last scalar wins: tty.max from the container's own last line, not the include's
    const tty = lines.filter((l) => l.includes('lxc.tty.max'))
    expect(tty).toHaveLength(1)
    expect(tty[0]).toMatch(new RegExp(`^${config}:\\d+: lxc.tty.max = 3$`))
    // lists accumulate across files: the template's drops and the include's
    expect(lines.filter((l) => l.includes('lxc.cap.drop')).length).toBe(2)
    // LXC itself agrees on the effective value
    expect(await P.lxc('lxc-info', '-n', 'c1', '-c', 'lxc.tty.max')).toBe('lxc.tty.max = 3')
  })

  /** `strata config` of c1 with `text` as the config's last line (put back after), and that line's number */
  async function withLastLine(text: string): Promise<{ stderr: string; code: number; line: number }> {
    const before = readFileSync(config, 'utf8')
    appendFileSync(config, `${text}\n`)
    try {
      const r = await strata('config', '-n', 'c1', '-P', P.path)
      return { stderr: r.stderr, code: r.code, line: before.split('\n').length }
    } finally {
      writeFileSync(config, before)
    }
  }

  it('names the file, line and rule of a key LXC 5 rejects, and exits 1', async () => {
    const r = await withLastLine('lxc.bogus.key = 1')
    expect(r.stderr).toContain(`${config}:${r.line}: "lxc.bogus.key" is not a key LXC 5 knows`)
    expect(r.stderr).toContain('[unknown-key]')
    expect(r.code).toBe(1)
  })

  it('advises its command for a legacy key (the app offers its button instead)', async () => {
    const r = await withLastLine('lxc.utsname = old')
    expect(r.stderr).toContain(`${config}:${r.line}: "lxc.utsname" is an LXC 1.x/2.0 key; LXC 5 rejects it; the modern key is lxc.uts.name. Fix: \`strata config --modern\`. [legacy-key]`)
    expect(r.code).toBe(1)
  })

  it('says which container does not exist', async () => {
    const r = await strata('config', '-n', 'nope', '-P', P.path)
    expect(r.code).toBe(3) // not found
    expect(r.stderr).toBe(`strata config: there is no container "nope" in ${P.path} (no ${P.path}/nope/config)`)
  })

  it('requires -n', async () => {
    const r = await strata('config', '-P', P.path)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/-n NAME is required/)
  })
})
