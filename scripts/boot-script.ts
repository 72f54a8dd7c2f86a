/**
 * The renderer's boot script (src/renderer/src/boot.ts) built alone as a classic script,
 * `boot.js` beside index.html: it runs in <head> before the page's modules, so it cannot be one
 * of their chunks or import them, and the CSP (`script-src 'self'`) allows no inline script. It
 * imports the same rules and socket code as the app (stores/prefs-rules.ts, shared/ws-early.ts),
 * bundled into it by esbuild.
 */
import { build } from 'esbuild'
import { resolve } from 'node:path'

const ENTRY = resolve('src/renderer/src/boot.ts')

async function bootScript(minify: boolean): Promise<string> {
  const out = await build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: 'iife',
    minify,
    charset: 'ascii',
    target: 'chrome130',
    alias: { '@shared': resolve('src/shared') }
  })
  return out.outputFiles[0]!.text
}

interface DevServer {
  middlewares: { use(path: string, fn: (req: unknown, res: { setHeader(k: string, v: string): void; end(body: string): void }) => void): void }
}

export function bootScriptPlugin(): {
  name: string
  configureServer(server: DevServer): void
  generateBundle(this: { emitFile(f: { type: 'asset'; fileName: string; source: string }): void }): Promise<void>
} {
  return {
    name: 'strata-boot-script',
    // `electron-vite dev`: built again on each page load
    configureServer(server) {
      server.middlewares.use('/boot.js', (_req, res) => {
        void bootScript(false).then((js) => {
          res.setHeader('content-type', 'text/javascript')
          res.end(js)
        })
      })
    },
    async generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'boot.js', source: await bootScript(true) })
    }
  }
}
