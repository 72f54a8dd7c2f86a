// `npm run web -- [--lxcpath DIR]... [--port N]`: browser mode from the built output
// (out/main/web.js). Its FIRST line of stdout is the URL with the token; scripts read it.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { existsSync } from 'node:fs'
import { parseArgs } from '../args'
import { createService } from '../service'
import { startWebServer } from './server'

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  // not import.meta.dirname: the installed package runs this on Debian 12's Node 18, which lacks it
  const rendererDir = join(dirname(fileURLToPath(import.meta.url)), '../renderer')
  if (!existsSync(join(rendererDir, 'index.html'))) {
    console.error(`No built renderer at ${rendererDir}: run \`npx electron-vite build\` first.`)
    process.exit(1)
  }
  const service = createService({ lxcpaths: args.lxcpaths })
  const server = await startWebServer({ service, rendererDir, port: args.port })
  process.stdout.write(server.url + '\n')
  console.error(`Strata browser mode on ${(await service.api.lxcpaths({})).join(', ')} (Ctrl-C to stop)`)
  const stop = (): void => {
    service.close()
    void server.close().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e)
  process.exit(1)
})
