// Bundles the strata CLI into one CommonJS file, out/cli/strata.cjs. One file read
// synchronously starts faster than ESM chunks, which Node's ESM loader reads asynchronously;
// V8 compiles functions lazily, so commands that are not run cost only a pre-parse.
import { build } from 'esbuild'
import { rmSync } from 'node:fs'
import { resolve } from 'node:path'

rmSync('out/cli', { recursive: true, force: true })
await build({
  entryPoints: { strata: 'src/main/cli/main.ts' },
  outdir: 'out/cli',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.cjs' },
  alias: { '@shared': resolve('src/shared') },
  // execa (ESM only) is loaded lazily with import() by commands that run tools.
  external: ['execa'],
  // The engine finds its package root (and the native addon) from import.meta.url.
  define: { 'import.meta.url': '__strataModuleUrl' },
  banner: { js: "const __strataModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  sourcemap: false,
  minify: false,
  legalComments: 'none',
  logLevel: 'warning'
})
