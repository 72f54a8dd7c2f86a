// Bundles the root helper into one self-contained file, out/helper/strata-helper.mjs:
// it is installed next to the wrapper in /usr/libexec/strata and must not resolve anything
// from node_modules at run time (root should load only files root owns).
import { build } from 'esbuild'
import { chmodSync, copyFileSync, mkdirSync, rmSync } from 'node:fs'
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
  // Some bundled CommonJS dependencies call require() for Node built-ins, and node-pty loads its
  // pty.node with require() relative to the bundle (./build/Release) and reads __dirname.
  banner: {
    js: [
      "import { createRequire as __strataRequire } from 'node:module';",
      "import { dirname as __strataDirname } from 'node:path';",
      "import { fileURLToPath as __strataPath } from 'node:url';",
      'const require = __strataRequire(import.meta.url);',
      'const __dirname = __strataDirname(__strataPath(import.meta.url));'
    ].join(' ')
  },
  sourcemap: false,
  minify: false,
  legalComments: 'none',
  logLevel: 'warning'
})
chmodSync('out/helper/strata-helper.mjs', 0o644)
// node-pty's native part (consoles), where its loader looks beside a bundle; installed the same
// way under /usr/libexec/strata/build/Release.
mkdirSync('out/helper/build/Release', { recursive: true })
copyFileSync('node_modules/node-pty/build/Release/pty.node', 'out/helper/build/Release/pty.node')
chmodSync('out/helper/build/Release/pty.node', 0o644)
