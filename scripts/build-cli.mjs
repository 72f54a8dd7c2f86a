// Bundles the strata CLI into out/cli: one small entry chunk plus one chunk per command,
// loaded on demand, so start-up only parses what the command needs.
import { build } from 'esbuild'
import { rmSync } from 'node:fs'
import { resolve } from 'node:path'

rmSync('out/cli', { recursive: true, force: true })
await build({
  entryPoints: { strata: 'src/main/cli/main.ts' },
  outdir: 'out/cli',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  alias: { '@shared': resolve('src/shared') },
  // execa is loaded lazily and only by commands that run tools; keep it a normal dependency.
  external: ['execa'],
  sourcemap: false,
  minify: false,
  legalComments: 'none',
  logLevel: 'warning'
})
