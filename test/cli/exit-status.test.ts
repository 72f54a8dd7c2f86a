// The CLI's exit status follows the code of the one error type: documented in `strata --help`,
// and the same for a refusal, a missing container, a permission problem or a usage error,
// whichever part of the engine said it. Before, anything but five error classes exited 70.
import { chmodSync } from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeLxcpath, strata, type TestLxcpath } from '../helpers/lxc'
import { lxcLs } from '../ops/helpers'

const CLI = join(import.meta.dirname, '../../bin/strata')

/** The CLI as user nobody, who may read the lxcpath but not write it. */
async function asNobody(...args: string[]): Promise<{ code: number; stderr: string }> {
  const r = await execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'node', CLI, ...args], { reject: false, cwd: '/' })
  return { code: r.exitCode ?? -1, stderr: r.stderr }
}

describe.skipIf(process.geteuid?.() !== 0)('exit statuses', () => {
  let P: TestLxcpath

  beforeAll(async () => {
    P = await makeLxcpath('strata-exit-')
    await P.create('base')
    await P.lxc('lxc-copy', '-n', 'base', '-N', 'o1', '-s')
    // readable by everyone, writable by root only (as /var/lib/lxc would be, were it readable)
    for (const dir of [P.path, join(P.path, 'base'), join(P.path, 'o1')]) chmodSync(dir, 0o755)
    for (const file of ['base/config', 'o1/config']) chmodSync(join(P.path, file), 0o644)
  }, 60_000)
  afterAll(async () => {
    await P?.cleanup()
  })

  it('strata --help lists them', async () => {
    const r = await strata('--help')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Exit status:')
    for (const line of [/^ {2}1 +refused by a rule/m, /^ {2}2 +usage/m, /^ {2}3 +not found/m, /^ {2}4 +permission/m, /^ {2}70 +internal error/m, /^ {2}130 +interrupted/m]) {
      expect(r.stdout).toMatch(line)
    }
  })

  it('a refusal by a rule is 1, a missing container 3, a usage error 2', async () => {
    const refused = await strata('destroy', '-P', P.path, '-n', 'base')
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain(`1 container or snapshot depends on it: ${P.path}/o1`)
    const missing = await strata('destroy', '-P', P.path, '-n', 'nope')
    expect(missing.code).toBe(3)
    expect(missing.stderr).toBe(`strata destroy: There is no container nope in ${P.path} (no ${P.path}/nope/config).`)
    expect((await strata('du', '-P', P.path, '-n', 'nope')).code).toBe(3)
    expect((await strata('destroy', '-P', P.path, '-n', 'base', '--no-such-option')).code).toBe(2)
    expect(await lxcLs(P.path)).toEqual(['base', 'o1'])
  })

  it('a user who may not write the lxcpath gets 4 and the path, not an internal error (70)', async () => {
    for (const args of [
      ['destroy', '-P', P.path, '-n', 'o1'],
      ['clone', '-p', P.path, '-o', 'base', '-n', 'o2', '-s'],
      ['snapshot', '-P', P.path, '-n', 'base'],
      ['mount', '-P', P.path, '-n', 'base']
    ]) {
      const r = await asNobody(...args)
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(4)
      expect(r.stderr).toMatch(new RegExp(`^strata ${args[0]}: .*(Permission denied|permission denied)`))
    }
    expect(await lxcLs(P.path)).toEqual(['base', 'o1'])
  })
})
