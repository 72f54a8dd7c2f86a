// The package build where an Electron binary is present. No Electron binary can be downloaded
// on these machines, so a stand-in takes its place (a copy of /usr/bin/true as `electron` and
// `chrome-sandbox`, an ELF file as the real ones are): what is checked is the package's layout,
// control fields and modes, not Electron itself. The browser-mode build is tested end to end in
// deb.test.ts.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execa } from 'execa'

const REPO = resolve(import.meta.dirname, '../..')
const tools = ['/usr/bin/dpkg-deb', '/usr/bin/dpkg-shlibdeps', '/usr/bin/rsvg-convert', '/usr/bin/strip']
const missing = tools.find((t) => !existsSync(t))
const unbuilt = ['out/main/index.js', 'out/preload/index.cjs', 'out/cli/strata.cjs'].find((f) => !existsSync(join(REPO, f)))
const skip = missing ? `${missing} is missing (scripts/ensure-system.sh installs it)` : unbuilt ? `${unbuilt} is missing: run \`npm run build\` first` : null
if (skip) console.warn(`Electron package layout test skipped: ${skip}`)

describe.skipIf(skip)('the package built with a stand-in Electron binary (none can be downloaded here)', () => {
  let work = ''
  let deb = ''
  const field = async (name: string): Promise<string> => (await execa('dpkg-deb', ['-f', deb, name])).stdout

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'strata-deb-electron-'))
    const dist = join(work, 'electron-dist')
    mkdirSync(dist)
    copyFileSync('/usr/bin/true', join(dist, 'electron'))
    copyFileSync('/usr/bin/true', join(dist, 'chrome-sandbox'))
    writeFileSync(join(dist, 'LICENSES.chromium.html'), '<p>stand-in</p>\n')
    const r = await execa('node', ['scripts/package-deb.mjs', '--electron-dist', dist, '--out', join(work, 'out')], { cwd: REPO })
    deb = r.stdout.split(' ')[0]!
  }, 180_000)

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true })
  })

  it('says in its description that it holds the Electron app, and needs no xdg-open', async () => {
    expect(await field('Description')).toMatch(/This build holds the Electron app: the desktop entry opens its window\./)
    expect(await field('Depends')).not.toContain('xdg-utils')
  })

  it('holds Electron beside the app, its preload, and a setuid chrome-sandbox as Chromium needs', async () => {
    const listing = (await execa('dpkg-deb', ['-c', deb])).stdout
    expect(listing).toMatch(/^-rwxr-xr-x root\/root .* \.\/usr\/lib\/strata\/electron\/electron$/m)
    expect(listing).toMatch(/^-rwsr-xr-x root\/root .* \.\/usr\/lib\/strata\/electron\/chrome-sandbox$/m)
    expect(listing).toMatch(/ \.\/usr\/lib\/strata\/out\/preload\/index\.cjs$/m)
    expect(listing).toMatch(/ \.\/usr\/lib\/strata\/out\/main\/index\.js$/m)
  })

  it('names Electron and Chromium in its copyright', async () => {
    const root = join(work, 'root')
    await execa('dpkg-deb', ['-x', deb, root])
    const copyright = (await execa('cat', [join(root, 'usr/share/doc/strata/copyright')])).stdout
    expect(copyright).toContain('Files: usr/lib/strata/electron/*')
    expect(copyright).toContain('LICENSES.chromium.html')
  })
})
