// Container names on the command line: the CLI applies the engine's one rule, as the app's API
// and the root helper do, says which option is missing its name, and a failed build is told
// with the container's own path, never the hidden staging directory's.
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseParams } from '../../src/shared/api'
import { makeLxcpath, strata, type TestLxcpath } from '../helpers/lxc'
import { lxcLs } from '../ops/helpers'

let P: TestLxcpath

describe('names on the command line', () => {
  beforeAll(async () => {
    P = await makeLxcpath('strata-cli-names-')
    await P.create('c1')
  }, 60_000)
  afterAll(async () => P?.cleanup())

  it('the CLI and the engine contract (the app\'s API and the helper) give one answer for a name, with the rule', async () => {
    const rule = '"a$b" contains "$": a container name is letters, digits and _ . + - (characters that paths, shells and template scripts carry safely).'
    const cli = await strata('create', '-P', P.path, '-n', 'a$b', '-t', 'busybox')
    expect(cli.code).toBe(1)
    expect(cli.stderr.trim()).toBe(`strata create: ${rule}`)
    expect(() => parseParams('create', { lxcpath: P.path, name: 'a$b', template: 'busybox' })).toThrow(`create: name: invalid container name: ${rule}`)
    // the same for a container that exists: LXC made it, Strata leaves it to LXC's tools
    await P.lxc('lxc-copy', '-n', 'c1', '-N', 'a$b')
    const destroy = await strata('destroy', '-P', P.path, '-n', 'a$b')
    expect(destroy.stderr.trim()).toBe(`strata destroy: ${rule}`)
    expect((await lxcLs(P.path)).sort()).toEqual(['a$b', 'c1'])
    await P.lxc('lxc-destroy', '-n', 'a$b')
  })

  it('an option followed by another option is missing its name, and says so', async () => {
    const r = await strata('destroy', '-P', P.path, '-n', '-rf')
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe('strata destroy: -n NAME is missing: "-rf" after it is an option, not a name.')
    expect((await strata('clone', '-o', 'c1', '-n')).stderr.trim()).toBe('strata clone: -n NAME is missing.')
    expect(await lxcLs(P.path)).toEqual(['c1'])
  })

  it('a template that fails is reported with the container\'s path, not the staging directory\'s', async () => {
    const r = await strata('create', '-P', P.path, '-n', 'x1', '-t', 'busybox', '--', '--no-such-option')
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`The create of ${P.path}/x1 failed and was undone; nothing was changed: \`/usr/share/lxc/templates/lxc-busybox --no-such-option --path ${P.path}/x1 --name x1 --rootfs ${P.path}/x1/rootfs\` exited with 1`)
    expect(r.stderr).not.toContain('.strata-build-')
    expect(readdirSync(P.path).filter((f) => f.startsWith('.strata-'))).toEqual([])
    expect(existsSync(join(P.path, 'x1'))).toBe(false)
  })
})
