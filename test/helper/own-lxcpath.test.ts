// The rules of a helper in a user's namespace (--own): it serves only lxcpaths the user owns,
// on real directories and owners (the user's id inside the namespace stands for the user here).
import { chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ownLxcpathPolicy } from '../../src/main/helper/own-lxcpath'

const USER = 4242

describe.skipIf(process.geteuid?.() !== 0)("own-lxcpath policy: only the user's own lxcpaths (needs root to chown)", () => {
  let root: string
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'strata-own-policy-'))
    for (const d of ['mine', 'mine/c1', 'theirs']) mkdirSync(join(root, d))
    chownSync(join(root, 'mine'), USER, USER)
    symlinkSync(join(root, 'mine'), join(root, 'link'))
  })
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it("serves the user's own lxcpath, also through a symlink, and refuses another's, naming the rule, the path and its owner", () => {
    const policy = ownLxcpathPolicy([join(root, 'mine'), join(root, 'link'), join(root, 'theirs'), 'relative/lxc'], USER)
    expect(policy.lxcpaths).toEqual([join(root, 'mine'), join(root, 'link')])
    expect(policy.refused.map((r) => r.path)).toEqual([join(root, 'theirs'), 'relative/lxc'])
    expect(policy.refused[0]!.reason).toMatch(new RegExp(`The lxcpath ${join(root, 'theirs')} is not yours \\(its owner is uid 0 in your namespace\\)`))
    expect(policy.refused[1]!.reason).toMatch(/not an absolute path/)
    expect(() => policy.lxcpath(join(root, 'theirs'))).toThrow(expect.objectContaining({ rule: 'helper-lxcpaths', message: expect.stringMatching(/is not yours/) }))
  })

  it('a path recorded on disk outside the served lxcpaths is refused with what the namespace touches', () => {
    const policy = ownLxcpathPolicy([join(root, 'mine')], USER)
    expect(() => policy.recordedPath(join(root, 'mine/c1/rootfs'), 'config')).not.toThrow()
    expect(() => policy.recordedPath(join(root, 'theirs/c2/rootfs'), `${root}/mine/c1/config`)).toThrow(
      expect.objectContaining({ rule: 'helper-lxcpaths', message: expect.stringMatching(/your user namespace touches only your own lxcpaths/) })
    )
  })

  it('an lxcpath that changes owner after the start is refused on the next request', () => {
    mkdirSync(join(root, 'later'))
    chownSync(join(root, 'later'), USER, USER)
    const policy = ownLxcpathPolicy([join(root, 'later')], USER)
    chownSync(join(root, 'later'), 0, 0)
    expect(() => policy.lxcpath(join(root, 'later'))).toThrow(expect.objectContaining({ rule: 'own-lxcpath' }))
  })
})
