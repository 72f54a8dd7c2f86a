// Bundles the root helper into one self-contained file, out/helper/strata-helper.mjs:
// it is installed next to the wrapper in /usr/libexec/strata and must not resolve anything
// from node_modules at run time (root should load only files root owns).
import { build } from 'esbuild'
import { chmodSync, rmSync } from 'node:fs'
import { resolve } from 'node:path'

rmSync('out/helper', { recursive: true, force: true })
await build({
  entryPoints: { 'strata-helper': 'src/main/helper/main.ts' },
  outdir: 'out/helper',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node18',
  outExtension: { '.js': '.mjs' },
  alias: { '@shared': resolve('src/shared') },
  // Some bundled CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import { createRequire as __strataRequire } from 'node:module'; const require = __strataRequire(import.meta.url);" },
  sourcemap: false,
  minify: false,
  legalComments: 'none',
  logLevel: 'warning'
})
chmodSync('out/helper/strata-helper.mjs', 0o644)
