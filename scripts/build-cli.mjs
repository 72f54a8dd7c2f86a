// Bundles the strata CLI as CommonJS: a small entry, out/cli/strata.cjs, and one self-contained
// bundle per command under out/cli/commands/, required only when that command runs. A
// synchronous require starts faster than Node's asynchronous ESM loader, and `strata ls` then
// parses only the read side of the engine, not the clone/copy/usage code.
import { build } from 'esbuild'
import { randomUUID } from 'node:crypto'
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'

const COMMAND_DIR = 'src/main/cli'
// main.ts names each command module `./<name>`: those become separate bundles.
const commands = readdirSync(COMMAND_DIR)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .filter((name) => !['main', 'run', 'command', 'output', 'progress', 'units', 'root-helper', 'lifecycle-command'].includes(name))

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  // Debian 12's nodejs (18) runs the installed CLI (DESIGN.md, the package)
  target: 'node18',
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
}

/**
 * In the entry, `import('./ls')` becomes a synchronous require of the separate bundle
 * `./commands/ls.cjs` (an external import() would go through the slower ESM loader).
 */
const commandsAsSeparateBundles = {
  name: 'commands-as-separate-bundles',
  setup(b) {
    b.onLoad({ filter: /cli\/main\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8').replace(/import\('\.\/([a-z]+)'\)/g, (whole, name) =>
        commands.includes(name) ? `Promise.resolve({ default: require('./commands/${name}.cjs') })` : whole
      )
      return { contents: source, loader: 'ts' }
    })
    b.onResolve({ filter: /^\.\/commands\// }, (args) => ({ path: args.path, external: true }))
  }
}

rmSync('out/cli', { recursive: true, force: true })
// strata.cjs: the plain CLI; warm-worker.cjs: the warm worker (src/main/cli/warm/worker.ts)
await build({
  ...common,
  entryPoints: { strata: `${COMMAND_DIR}/run.ts`, 'warm-worker': `${COMMAND_DIR}/warm/worker.ts` },
  outdir: 'out/cli',
  plugins: [commandsAsSeparateBundles]
})
await build({
  ...common,
  entryPoints: Object.fromEntries(commands.map((c) => [c, `${COMMAND_DIR}/${c}.ts`])),
  outdir: 'out/cli/commands',
  // The entry imports a command in Node's way (default = module.exports): export the command itself.
  footer: { js: 'module.exports = module.exports.default;' }
})
// A warm worker serves only the build it loaded: it compares this with the one on disk per command.
writeFileSync('out/cli/build-id', randomUUID())
