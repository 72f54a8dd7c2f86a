// The one list of Debian packages is the truth about what the tests need: every package on it is
// installed, and the data files the tests read come from the package the list names for them.
import { describe, expect, it } from 'vitest'
import { namedPackages, packageFiles, packageStatus } from '../helpers/debian'

describe('Debian packages the tests read', () => {
  it.each(namedPackages())('%s is installed', (pkg) => {
    expect(packageStatus(pkg)).toMatch(/^ii/)
  })

  it('names the packages that ship the data files, not only the commands', () => {
    const named = namedPackages()
    for (const pkg of ['lxc-templates', 'lxcfs', 'fonts-noto-cjk']) expect(named).toContain(pkg)
    expect(packageFiles('lxcfs', '/usr/share/lxc/config')).toContain('/usr/share/lxc/config/common.conf.d/00-lxcfs.conf')
    expect(packageFiles('lxc-templates', '/usr/share/lxc/config').length).toBeGreaterThan(20)
    expect(packageFiles('fonts-noto-cjk').some((f) => /NotoSansCJK.*\.tt[cf]$/.test(f))).toBe(true)
  })
})
