// One spec set, two targets. `useStrata()` registers beforeAll/afterAll for a spec file: a real
// lxcpath built with LXC, and (web) browser mode started on it. `test` gives each test an
// `openApp()` returning the page showing Strata: Chromium against browser mode, or an
// Electron window. The two variants are separate base.extend()s so the Electron project
// never launches a browser.
import { test as base, _electron, type Page, type ElectronApplication } from '@playwright/test'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { destroyLxcpath, makeLineageLxcpath } from './lxc'

export { expect } from '@playwright/test'

export interface StrataEnv {
  lxcpath: string
  /** browser-mode URL with its token ('' for Electron) */
  url: string
}

const ELECTRON = process.env.E2E_TARGET === 'electron'

function electronBinary(): string | null {
  if (process.env.ELECTRON_EXEC_PATH) return process.env.ELECTRON_EXEC_PATH
  const txt = 'node_modules/electron/path.txt'
  if (existsSync(txt)) return `node_modules/electron/dist/${readFileSync(txt, 'utf8').trim()}`
  return null
}

/** Start `node out/main/web.js --lxcpath P --port 0` (with `env` added) and read the URL from its first stdout line. */
export async function startWeb(lxcpath: string, env: Record<string, string> = {}): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, ['out/main/web.js', '--lxcpath', lxcpath, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env }
  })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('browser mode did not print its URL in 15 s')), 15_000)
    proc.once('exit', (code) => reject(new Error(`browser mode exited with ${code}`)))
    createInterface({ input: proc.stdout! }).once('line', (line) => {
      clearTimeout(timer)
      resolve(line.trim())
    })
  })
  return { proc, url }
}

/** Per spec file: build the lxcpath and start browser mode; tear both down, also after failures. */
export function useStrata(build: () => string = makeLineageLxcpath, teardown: (lxcpath: string) => void = destroyLxcpath): StrataEnv {
  const env: StrataEnv = { lxcpath: '', url: '' }
  let proc: ChildProcess | null = null
  base.beforeAll(async () => {
    base.setTimeout(120_000)
    env.lxcpath = build()
    if (!ELECTRON) {
      const s = await startWeb(env.lxcpath)
      proc = s.proc
      env.url = s.url
    }
  })
  base.afterAll(async () => {
    if (proc && proc.exitCode === null) {
      const exited = new Promise((r) => proc!.once('exit', r))
      proc.kill('SIGTERM')
      await exited
    }
    if (env.lxcpath) teardown(env.lxcpath)
  })
  return env
}

/** Screenshots of each view, kept under e2e/artifacts/ (gitignored). */
export async function snap(page: Page, name: string): Promise<void> {
  mkdirSync('e2e/artifacts', { recursive: true })
  await page.screenshot({ path: `e2e/artifacts/${ELECTRON ? 'electron' : 'web'}-${name}.png` })
}

type Fixtures = { openApp: (env: StrataEnv) => Promise<Page>; sayPageOnFailure: void }

/** Lines of the page's accessibility tree printed with a failure: enough for the masthead, the alerts and a screen of rows. */
const FAILURE_LINES = 120

const webTest = base.extend<Fixtures>({
  openApp: async ({ page }, use) => {
    await use(async (env) => {
      await page.goto(env.url)
      return page
    })
  },
  // A failure on another machine leaves its trace there: the log says what the page showed
  // (the host's state, an error alert, the rows), which is often the cause.
  sayPageOnFailure: [
    async ({ page }, use, testInfo) => {
      await use()
      if (testInfo.status === testInfo.expectedStatus || page.isClosed()) return
      const tree = await page
        .locator('body')
        .ariaSnapshot({ timeout: 3_000 })
        .catch((e: unknown) => `(not read: ${String(e)})`)
      const lines = tree.split('\n')
      const more = lines.length > FAILURE_LINES ? `\n  … ${lines.length - FAILURE_LINES} more lines` : ''
      console.log(`What the page showed when "${testInfo.title}" failed:\n${lines.slice(0, FAILURE_LINES).join('\n')}${more}`)
    },
    { auto: true }
  ]
})

let saidWhy = false
const electronTest = base.extend<Fixtures>({
  openApp: async ({ locale }, use, testInfo) => {
    const bin = electronBinary()
    if (!bin) {
      const why = 'no Electron binary here (set ELECTRON_EXEC_PATH or install one): Electron e2e skipped'
      if (!saidWhy) console.log(why)
      saidWhy = true
      testInfo.skip(true, why)
      return
    }
    let app: ElectronApplication | null = null
    await use(async (env) => {
      app = await _electron.launch({
        executablePath: bin,
        args: ['.', '--lxcpath', env.lxcpath, ...(locale ? [`--lang=${locale}`] : [])]
      })
      return app.firstWindow()
    })
    await (app as ElectronApplication | null)?.close()
  }
})

export const test = ELECTRON ? electronTest : webTest

/** Open the task drawer (the masthead's bell) unless it is open: running and finished work is listed there. */
export async function openTasks(page: Page): Promise<void> {
  const bell = page.getByTestId('tasks-toggle')
  if ((await bell.getAttribute('aria-expanded')) !== 'true') await bell.click()
}

/** Go to a view from the sidebar, unfolding it first where the window is narrow (below 1200 px). */
export async function showView(page: Page, view: 'containers' | 'lineage' | 'usage' | 'config'): Promise<void> {
  const item = page.getByTestId(`nav-${view}`)
  if ((await page.locator('.pf-v6-c-page__sidebar').getAttribute('aria-hidden')) === 'true') await page.locator('#nav-toggle').click()
  await item.click()
}
