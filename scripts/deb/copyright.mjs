// debian/copyright (machine-readable, DEP-5) for what the package ships: Strata's own code,
// the npm packages installed under /usr/lib/strata/node_modules, and the npm packages bundled
// into Strata's own files (the renderer, the helper, the CLI), found from esbuild's metafile of
// the same entry points; Electron and Chromium where the package holds the Electron app.
import { build } from 'esbuild'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

/** The package directory (node_modules/x or node_modules/@s/x, the innermost) of a bundled input path. */
function packageDirOf(input) {
  const i = input.lastIndexOf('node_modules/')
  if (i < 0) return null
  const rest = input.slice(i + 'node_modules/'.length).split('/')
  return input.slice(0, i) + 'node_modules/' + (rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0])
}

/** The npm packages esbuild pulls into bundles of `entryPoints` for `platform` (the renderer's CSS and workers' URLs left out). */
export async function bundledPackages(root, entryPoints, platform) {
  const result = await build({
    absWorkingDir: root,
    entryPoints,
    outdir: 'unwritten',
    bundle: true,
    write: false,
    metafile: true,
    platform,
    format: 'esm',
    jsx: 'automatic',
    logLevel: 'silent',
    loader: { '.css': 'empty', '.svg': 'empty', '.png': 'empty', '.woff2': 'empty' },
    alias: { '@shared': resolve(root, 'src/shared'), '@renderer': resolve(root, 'src/renderer/src') },
    external: ['electron'],
    plugins: [
      {
        // `./x.worker?worker` (Vite's worker import): the worker is its own entry point here
        name: 'worker-query',
        setup(b) {
          b.onResolve({ filter: /\?worker$/ }, () => ({ path: 'worker', namespace: 'worker-query' }))
          b.onLoad({ filter: /.*/, namespace: 'worker-query' }, () => ({ contents: 'export default class {}' }))
        }
      }
    ]
  })
  return [...new Set(Object.keys(result.metafile.inputs).map(packageDirOf).filter(Boolean))].map((d) => join(root, d))
}

function licenceFile(dir) {
  return readdirSync(dir).find((f) => /^(licen[sc]e|copying)(\.|$)/i.test(f))
}

/** { name, version, licence, copyright: [lines], text } of an npm package directory. */
function describe(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  const file = licenceFile(dir)
  const text = file ? readFileSync(join(dir, file), 'utf8') : ''
  const copyright = [...new Set([...text.matchAll(/^\s*(?:Copyright|\(c\))\s*(?:\(c\)|©)?\s*(.+)$/gim)].map((m) => m[1].trim()))]
  const author = typeof pkg.author === 'string' ? pkg.author : pkg.author?.name
  return { name: pkg.name, version: pkg.version, licence: String(pkg.license ?? 'unknown'), copyright: copyright.length ? copyright : [author ?? `the ${pkg.name} authors`], text }
}

/** A licence text as a DEP-5 body: each line indented, blank lines as " ." */
function indent(text) {
  return text
    .trim()
    .split('\n')
    .map((l) => (l.trim() === '' ? ' .' : ` ${l.trimEnd()}`))
    .join('\n')
}

/**
 * @param shipped  npm package dirs installed as files under usr/lib/strata/node_modules
 * @param bundled  npm package dirs bundled into out/ and the helper
 * @param electron true when the package holds Electron (its licence files ship beside it)
 */
export function copyrightFile({ shipped, bundled, electron }) {
  const all = new Map()
  for (const d of [...shipped, ...bundled]) {
    const info = describe(d)
    all.set(info.name, info)
  }
  const licences = new Map() // licence id -> text (from the first package that carries it)
  const paragraphs = [
    'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/',
    'Upstream-Name: strata',
    'Comment: Strata and the npm packages it ships or bundles. Each package under',
    ' usr/lib/strata/node_modules has its own paragraph; the packages bundled into',
    " Strata's own files are listed in the first paragraph's comment.",
    ''
  ]
  const bundledInfos = bundled.map((d) => all.get(describe(d).name)).sort((a, b) => a.name.localeCompare(b.name))
  const ids = (licence) => licence.replace(/[()]/g, '').split(/ (?:OR|AND) /)
  for (const info of all.values()) for (const id of ids(info.licence)) if (!licences.has(id)) licences.set(id, info.text)
  const bundledIds = [...new Set(['MIT', ...bundledInfos.flatMap((b) => ids(b.licence))])]
  paragraphs.push(
    'Files: *',
    `Copyright: 2026 Strata contributors`,
    ...bundledInfos.flatMap((b) => b.copyright.map((c) => ` ${c}`)),
    `License: ${bundledIds.join(' and ')}`,
    "Comment: Strata is MIT licensed. Its renderer, root helper and CLI bundles",
    ' (usr/lib/strata/out, usr/libexec/strata/strata-helper.mjs) include these npm packages:',
    ...bundledInfos.map((b) => ` ${b.name} ${b.version} (${b.licence})`),
    ''
  )
  for (const d of shipped) {
    const info = describe(d)
    const path = d.slice(d.lastIndexOf('node_modules/'))
    paragraphs.push(`Files: usr/lib/strata/${path}/*`, `Copyright: ${info.copyright.join('\n ')}`, `License: ${ids(info.licence).join(' or ')}`, '')
  }
  if (electron) {
    paragraphs.push(
      'Files: usr/lib/strata/electron/*',
      'Copyright: Electron contributors, GitHub Inc., The Chromium Authors and others',
      'License: MIT and other-chromium',
      ''
    )
    licences.set('other-chromium', 'The licences of Chromium and the libraries it includes are in\n/usr/lib/strata/electron/LICENSES.chromium.html.')
  }
  for (const [id, text] of licences) {
    const common = `/usr/share/common-licenses/${id}`
    paragraphs.push(`License: ${id}`, existsSync(common) ? ` On Debian systems the full text is in ${common}.` : indent(text || `See the package's ${id} licence.`), '')
  }
  return paragraphs.join('\n')
}
