// `npm start`: the Electron app when an Electron binary exists (node_modules/electron/path.txt
// or ELECTRON_EXEC_PATH); otherwise say so in one sentence and start browser mode instead.
// Extra arguments (e.g. --lxcpath DIR) are passed through.
import { existsSync } from 'node:fs'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const hasElectron = Boolean(process.env.ELECTRON_EXEC_PATH) || existsSync(join(root, 'node_modules/electron/path.txt'))
const bin = (n) => join(root, 'node_modules/.bin', n)

const run = (cmd, argv) =>
  new Promise((resolve) => spawn(cmd, argv, { stdio: 'inherit', cwd: root }).on('exit', (code) => resolve(code ?? 1)))

let code
if (hasElectron) {
  code = await run(bin('electron-vite'), ['preview', '--', ...args])
} else {
  console.error('No Electron binary is available on this machine, so Strata starts in browser mode instead.')
  if (!existsSync(join(root, 'out/main/web.js')) || !existsSync(join(root, 'out/renderer/index.html'))) {
    code = await run(bin('electron-vite'), ['build'])
    if (code !== 0) process.exit(code)
  }
  code = await run(process.execPath, [join(root, 'out/main/web.js'), ...args])
}
process.exit(code)
