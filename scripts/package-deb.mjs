// `npm run package`: dist/strata_<version>_<arch>.deb from a built checkout (`npm run build`),
// with Debian's own tools (dpkg-deb, dpkg-shlibdeps, rsvg-convert, gzip). What goes where:
//   /usr/lib/strata/                 the app: out/ (main, browser mode, renderer, CLI), its npm
//                                    runtime packages, the launcher strata-app, and, where this
//                                    machine has an Electron binary, electron/ (the Electron app)
//   /usr/bin/strata                  the CLI: a link to /usr/lib/strata/bin/strata, its C client
//   /usr/libexec/strata/             the root helper: wrapper, bundle, native addons (root's files)
//   /usr/share/polkit-1/actions/     its polkit action, which names that wrapper
//   /etc/strata/lxcpaths             the helper's allow-list (a conffile)
//   /usr/share/applications, icons/hicolor, man/man1, bash-completion, doc/strata
// The CLI, the helper and browser mode run on Debian's own nodejs (Debian 12 ships 18): see
// DESIGN.md, "The Debian package".
import { execFileSync } from 'node:child_process'
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { gzipSync } from 'node:zlib'
import { readCliHelp } from './deb/cli-help.mjs'
import { manPage } from './deb/man-page.mjs'
import { bashCompletion } from './deb/completion.mjs'
import { bundledPackages, copyrightFile } from './deb/copyright.mjs'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const APP = 'usr/lib/strata'
const HELPER = 'usr/libexec/strata'
const ICON_SIZES = [16, 22, 24, 32, 48, 64, 128, 256, 512]
// The oldest Debian nodejs the bundles are built for (execa 9 needs 18.19); Debian 12 has 18.20.
const NODEJS = 'nodejs (>= 18.19)'

const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { encoding: 'utf8', cwd: ROOT, ...opts }).trim()
const fail = (message) => {
  process.stderr.write(`npm run package: ${message}\n`)
  process.exit(1)
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
const version = pkg.version
const changelog = readFileSync(join(ROOT, 'resources/deb/changelog'), 'utf8')
const changelogVersion = /^strata \(([^)]+)\)/.exec(changelog)?.[1]
if (changelogVersion !== version) fail(`package.json is version ${version}, resources/deb/changelog's newest entry ${changelogVersion}: add a changelog entry`)
// Reproducible: every date in the package is the changelog's.
const epoch = Number(sh('dpkg-parsechangelog', ['-l', 'resources/deb/changelog', '-S', 'Timestamp']))
const arch = sh('dpkg', ['--print-architecture'])

const built = ['out/main/web.js', 'out/renderer/index.html', 'out/cli/strata.cjs', 'out/cli/warm-worker.cjs', 'build/Release/strata', 'out/helper/strata-helper.mjs', 'out/helper/build/Release/pty.node', 'build/Release/strata_native.node']
for (const f of built) if (!existsSync(join(ROOT, f))) fail(`${f} is missing: run \`npm run build\` first`)
// Options (for tests): --electron-dist DIR (default node_modules/electron/dist), --out DIR (default dist).
const { values: opts } = parseArgs({ options: { 'electron-dist': { type: 'string' }, out: { type: 'string' } } })
// An Electron binary, where this machine could download one.
const electronDist = resolve(opts['electron-dist'] ?? join(ROOT, 'node_modules/electron/dist'))
const withElectron = existsSync(join(electronDist, 'electron'))

const DIST = resolve(opts.out ?? join(ROOT, 'dist'))
const STAGE = join(DIST, 'deb-root')
rmSync(STAGE, { recursive: true, force: true })
mkdirSync(STAGE, { recursive: true, mode: 0o755 })

/** A file into the package, with the mode a package gives it (0644, or 0755 for programs). */
function put(dest, from, mode = 0o644) {
  const path = join(STAGE, dest)
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 })
  if (typeof from === 'string') copyFileSync(from, path)
  else writeFileSync(path, from.contents)
  chmodSync(path, mode)
}
const text = (contents) => ({ contents })
const gz = (contents) => ({ contents: gzipSync(Buffer.from(contents), { level: 9 }) }) // no name or time in the header: reproducible

/** A directory tree into the package: directories 0755, files 0644 (or 0755 where `executable` says). */
function putTree(dest, from, { skip = () => false, executable = () => false } = {}) {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const src = join(from, entry.name)
    const rel = join(dest, entry.name)
    if (skip(src, entry)) continue
    if (entry.isDirectory()) putTree(rel, src, { skip, executable })
    else if (entry.isSymbolicLink()) cpSync(src, join(STAGE, rel), { verbatimSymlinks: true })
    else put(rel, src, executable(src) ? 0o755 : 0o644)
  }
}

// The app.
put(`${APP}/package.json`, text(`${JSON.stringify({ name: 'strata', version, private: true, type: 'module', main: './out/main/index.js' }, null, 2)}\n`))
putTree(`${APP}/out`, join(ROOT, 'out'), { skip: (src) => src === join(ROOT, 'out/helper') || (!withElectron && src === join(ROOT, 'out/preload')) })
// The CLI: bin/strata's script, run by /usr/bin/strata on Debian's node (not whatever `node` is
// first on a user's PATH), without NODE_EXTRA_CA_CERTS as bin/strata's `env -u` does.
put(`${APP}/bin/strata.js`, text(readFileSync(join(ROOT, 'bin/strata'), 'utf8').replace(/^#!.*\n/, '')))
put(`${APP}/bin/package.json`, join(ROOT, 'bin/package.json'))
// /usr/bin/strata is the small C client (build/Release/strata, src/main/cli/warm) that hands a
// command to the user's warm worker, else runs strata.js beside it on /usr/bin/node itself.
put(`${APP}/bin/strata`, join(ROOT, 'build/Release/strata'), 0o755)
put(`${APP}/strata-app`, join(ROOT, 'resources/deb/strata-app'), 0o755)

// The npm packages the app loads at run time (execa, ws, zod and theirs): `npm ls --omit=dev`.
// Their READMEs, type declarations and licence files stay out (the licences are in copyright).
// node-addon-api is C++ headers node-pty compiled against: nothing loads it at run time.
const BUILD_ONLY = ['node-addon-api']
const runtime = sh('npm', ['ls', '--omit=dev', '--all', '--parseable'])
  .split('\n')
  .filter((p) => p.includes('/node_modules/') && !BUILD_ONLY.some((name) => p.endsWith(`/node_modules/${name}`)))
for (const dir of runtime) {
  // A native package (node-pty) needs only its JavaScript and its built addon at run time, not
  // its sources, vendored libraries or other platforms' prebuilds.
  const native = existsSync(join(dir, 'binding.gyp'))
  const runtimePart = (rel) => rel === 'package.json' || rel === 'lib' || rel.startsWith('lib/') || ['build', 'build/Release'].includes(rel) || /^build\/Release\/[^/]+\.node$/.test(rel)
  putTree(`${APP}/${relative(ROOT, dir)}`, dir, {
    skip: (src, e) =>
      (native && !runtimePart(relative(dir, src))) ||
      (e.isDirectory() && e.name === 'node_modules') ||
      e.name.startsWith('.') ||
      /\.(md|markdown|d\.ts|d\.mts|d\.cts|map|ts|test\.js)$/i.test(e.name) ||
      /^(licen[sc]e|copying)(\.|$)/i.test(e.name) ||
      /\/bin$/.test(src)
  })
}

// The root helper: wrapper, bundle and native addon, all root's (dpkg makes them root:root).
put(`${HELPER}/strata-helper`, join(ROOT, 'resources/strata-helper'), 0o755)
put(`${HELPER}/strata-helper.mjs`, join(ROOT, 'out/helper/strata-helper.mjs'))
put(`${HELPER}/strata_native.node`, join(ROOT, 'build/Release/strata_native.node'))
// node-pty's addon (consoles), where its loader looks beside the bundle
put(`${HELPER}/build/Release/pty.node`, join(ROOT, 'out/helper/build/Release/pty.node'))
// stripped as Debian's dh_strip strips a shared object
for (const addon of ['strata_native.node', 'build/Release/pty.node']) {
  execFileSync('strip', ['--strip-unneeded', '--remove-section=.comment', '--remove-section=.note', join(STAGE, HELPER, addon)])
}
// The app and the CLI load the same addons from their usual places: links to the helper's copies.
const link = (at, to) => {
  rmSync(join(STAGE, at), { force: true })
  mkdirSync(dirname(join(STAGE, at)), { recursive: true })
  symlinkSync(relative(dirname(join(STAGE, at)), join(STAGE, to)), join(STAGE, at))
}
link(`${APP}/build/Release/strata_native.node`, `${HELPER}/strata_native.node`)
execFileSync('strip', ['--strip-unneeded', '--remove-section=.comment', join(STAGE, APP, 'bin/strata')])
link('usr/bin/strata', `${APP}/bin/strata`)
if (existsSync(join(STAGE, APP, 'node_modules/node-pty'))) link(`${APP}/node_modules/node-pty/build/Release/pty.node`, `${HELPER}/build/Release/pty.node`)
put('usr/share/polkit-1/actions/io.strata.helper.policy', join(ROOT, 'resources/polkit/io.strata.helper.policy'))
put('etc/strata/lxcpaths', join(ROOT, 'resources/lxcpaths'))

// Electron, where there is one: the binary runs /usr/lib/strata (package.json main: out/main/index.js).
if (withElectron) {
  putTree(`${APP}/electron`, electronDist, { executable: (src) => (statSync(src).mode & 0o111) !== 0 })
  const sandbox = join(STAGE, APP, 'electron/chrome-sandbox')
  if (existsSync(sandbox)) chmodSync(sandbox, 0o4755) // Chromium's setuid sandbox helper
}

// Desktop entry and icons.
const desktop = readFileSync(join(ROOT, 'resources/strata.desktop'), 'utf8').replace(/^Exec=.*$/m, `Exec=/${APP}/strata-app`)
put('usr/share/applications/strata.desktop', text(desktop))
const svg = join(ROOT, 'resources/icons/strata.svg')
put('usr/share/icons/hicolor/scalable/apps/strata.svg', svg)
for (const size of ICON_SIZES) {
  const png = execFileSync('rsvg-convert', ['-w', String(size), '-h', String(size), svg])
  put(`usr/share/icons/hicolor/${size}x${size}/apps/strata.png`, { contents: png })
}

// Man page and bash completion, from the CLI's own help.
const help = readCliHelp(join(ROOT, 'bin/strata'))
const date = new Date(epoch * 1000).toISOString().slice(0, 10)
put('usr/share/man/man1/strata.1.gz', gz(manPage(help, { version, date, description: 'manage LXC container storage: clones, snapshots, lineage, disk usage', about: pkg.description })))
put('usr/share/bash-completion/completions/strata', text(bashCompletion(help)))

// Licence and changelog.
const bundled = [
  ...(await bundledPackages(ROOT, ['src/renderer/src/main.tsx', 'src/renderer/src/graph/layout.worker.ts'], 'browser')),
  ...(await bundledPackages(ROOT, ['src/main/helper/main.ts', 'src/main/cli/main.ts', 'src/main/web/main.ts'], 'node'))
]
put('usr/share/doc/strata/copyright', text(copyrightFile({ shipped: runtime, bundled: [...new Set(bundled)], electron: withElectron })))
put('usr/share/doc/strata/changelog.gz', gz(changelog))

// Control files.
const files = []
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) walk(p)
    else if (e.isFile()) files.push(p)
  }
}
walk(STAGE)
// Shared libraries the ELF files need (the addon: libc; Electron: GTK, NSS, ...), as Debian computes them.
const elves = files.filter((f) => readFileSync(f).subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46])))
const shlibsDir = join(DIST, 'deb-shlibs')
rmSync(shlibsDir, { recursive: true, force: true })
mkdirSync(join(shlibsDir, 'debian'), { recursive: true })
writeFileSync(join(shlibsDir, 'debian/control'), 'Source: strata\n\nPackage: strata\nArchitecture: any\n')
const shlibs = /shlibs:Depends=(.*)/.exec(sh('dpkg-shlibdeps', ['-O', '--ignore-missing-info', '--warnings=0', ...elves.map((f) => `-e${f}`)], { cwd: shlibsDir, stdio: ['ignore', 'pipe', 'pipe'] }))?.[1]
rmSync(shlibsDir, { recursive: true, force: true })
const depends = [
  shlibs,
  NODEJS,
  'lxc',
  'pkexec',
  'polkitd',
  'uidmap',
  'fonts-noto-cjk | fonts-ipafont-gothic | fonts-vlgothic',
  ...(withElectron ? [] : ['xdg-utils'])
].filter(Boolean)
const installedKb = files.reduce((sum, f) => sum + Math.ceil(statSync(f).size / 1024), 0)
const mode = withElectron
  ? ' This build holds the Electron app: the desktop entry opens its window.'
  : ' This build holds no Electron binary: the desktop entry starts browser mode, a\n server on 127.0.0.1 that the user\'s web browser opens (xdg-open).'
const control = `Package: strata
Version: ${version}
Architecture: ${arch}
Maintainer: ${/ -- (.+?>)/.exec(changelog)[1]}
Installed-Size: ${installedKb}
Depends: ${depends.join(', ')}
Recommends: bash-completion
Suggests: btrfs-progs, zfs-fuse | zfsutils-linux, lxc-templates
Section: admin
Priority: optional
Description: desktop manager for LXC container storage
 Strata shows what LXC keeps in an lxcpath: every container and snapshot, the
 storage backend under each rootfs and the lineage between them (which overlay
 clone reads which base, what was cloned or snapshotted from what), with disk
 usage per container and per lineage tree. It clones, snapshots and destroys
 containers as LXC does, and finds and repairs the bookkeeping LXC gets wrong.
 .
 The package holds the app, the strata command-line tool, and a root helper
 that polkit (pkexec) starts for lxcpaths only root may change (/var/lib/lxc).
 .
${mode}
`
mkdirSync(join(STAGE, 'DEBIAN'), { mode: 0o755 })
writeFileSync(join(STAGE, 'DEBIAN/control'), control)
writeFileSync(join(STAGE, 'DEBIAN/conffiles'), '/etc/strata/lxcpaths\n')
const md5 = files
  .filter((f) => !relative(STAGE, f).startsWith('etc/'))
  .map((f) => `${createHash('md5').update(readFileSync(f)).digest('hex')}  ${relative(STAGE, f)}`)
  .sort((a, b) => a.slice(34).localeCompare(b.slice(34)))
writeFileSync(join(STAGE, 'DEBIAN/md5sums'), `${md5.join('\n')}\n`)
for (const f of ['control', 'conffiles', 'md5sums']) chmodSync(join(STAGE, 'DEBIAN', f), 0o644)

const deb = join(DIST, `strata_${version}_${arch}.deb`)
rmSync(deb, { force: true })
execFileSync('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', STAGE, deb], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, SOURCE_DATE_EPOCH: String(epoch) } })
rmSync(STAGE, { recursive: true, force: true })
process.stdout.write(`${opts.out ? deb : relative(ROOT, deb)} (${withElectron ? 'Electron app' : 'browser mode, no Electron binary here'})\n`)
