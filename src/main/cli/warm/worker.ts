// The warm CLI worker (out/cli/warm-worker.cjs): one Node process, started in the background by
// the `strata` client (native/warm_client.c), that loads the CLI's modules and warms its hot
// paths once, then waits on the user's socket for ONE command. When one comes it starts its
// successor (handing it the listening socket), takes the caller's fds 0/1/2, environment, cwd
// and umask, runs the command exactly as the plain CLI would, sends the exit status and ends.
// So every command still runs in a fresh process of its own; nothing is shared between them.
//
//   node warm-worker.cjs --dir DIR                 the first: binds DIR/cli-warm.sock
//   node warm-worker.cjs --dir DIR --ino N         a successor: the socket is its fd 3
//        [--keep-ls JSON]                          the last `ls` served (its argv): what it keeps listed
import { accessSync, constants, existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { INSTALLED_HELPER } from '../../helper/client'
import { main } from '../main'
import { markPhase, restartPhases } from '../phases'
import { isLs, keepListing, serveKeptLs } from './kept-listing'
import { exitNow, processAddon, type ProcessAddon, type WarmRequest } from './native'
import { loadServed, warmUp } from './warm-up'

const PROTOCOL = 'strata-warm 1'
const LISTEN_FD = 3
/** A worker nobody asked for this long removes its socket and ends. */
const IDLE_MS = Number(process.env.STRATA_WARM_IDLE_MS) || 10 * 60 * 1000
/** How long a command runs before its successor may start (worker.ts, spawnSuccessor). */
const HOLD_MS = 200

/**
 * Commands the caller's own process runs (the worker answers "run it yourself"): start and
 * restart (a container starts in the caller's cgroup), mount (its shell is the caller's),
 * hosts and anything with --host (ssh may ask on the caller's terminal).
 */
const PLAIN = new Set(['start', 'restart', 'mount', 'hosts'])

const BUNDLE_DIR = __dirname

function buildId(): string {
  try {
    return readFileSync(join(BUNDLE_DIR, 'build-id'), 'utf8')
  } catch {
    return ''
  }
}

interface Command {
  cwd: string
  umask: number
  argv: string[]
  env: Record<string, string>
}

/** The client's NUL-separated request, or null when it speaks another protocol. */
function parseRequest(payload: string): Command | null {
  const f = payload.split('\0')
  if (f[f.length - 1] === '') f.pop()
  if (f[0] !== PROTOCOL || f.length < 4) return null
  const argc = Number(f[3])
  if (!Number.isInteger(argc) || argc < 0 || 4 + argc > f.length) return null
  const env: Record<string, string> = {}
  for (const kv of f.slice(4 + argc)) {
    const eq = kv.indexOf('=')
    if (eq > 0) env[kv.slice(0, eq)] = kv.slice(eq + 1)
  }
  return { cwd: f[1]!, umask: parseInt(f[2]!, 8), argv: f.slice(4, 4 + argc), env }
}

/** Commands that go through the root helper (root-helper.ts) where the user may not use an lxcpath. */
const MAY_ASK_ROOT = new Set(['ls', 'clone', 'destroy'])

/**
 * True when a user's command may start the root helper through pkexec, whose password prompt
 * belongs to the caller's session and terminal: unless every lxcpath it names is the user's to
 * use, it runs plain (root-helper.ts decides there as it always does).
 */
function mayAskRoot(name: string, head: string[], cmd: Command): boolean {
  const env = cmd.env
  if (process.geteuid?.() === 0 || !MAY_ASK_ROOT.has(name)) return false
  if (!existsSync(env.STRATA_HELPER ?? INSTALLED_HELPER)) return false
  const paths: string[] = []
  for (let i = 0; i < head.length; i++) {
    const m = /^(?:-[Pp]|--(?:lxcpath|origpath|newpath)=?)(.*)$/.exec(head[i]!)
    if (m) paths.push(m[1] !== '' ? m[1]! : (head[++i] ?? ''))
  }
  if (paths.length === 0) return true // LXC's default lxcpath: often root's
  const mode = name === 'ls' ? constants.R_OK | constants.X_OK : constants.R_OK | constants.W_OK | constants.X_OK
  return paths.some((p) => {
    try {
      accessSync(resolve(cmd.cwd, p), mode)
      return false
    } catch {
      return true
    }
  })
}

/**
 * The environment Node reads its default locale from (Intl, dates, number formats) once, at
 * start: a caller whose locale differs from the worker's runs plain, so that its output is
 * what the plain CLI would print. (TZ is applied when env is: Node re-reads it on assignment.)
 */
const LOCALE_VARS = ['LC_ALL', 'LC_MESSAGES', 'LC_CTYPE', 'LC_NUMERIC', 'LC_TIME', 'LANG', 'LANGUAGE']
const workerLocale = LOCALE_VARS.map((k) => process.env[k] ?? '').join('\0')

/** True when the caller's own process must run this command line. */
function runsPlain(cmd: Command): boolean {
  const { argv, env } = cmd
  if (LOCALE_VARS.map((k) => env[k] ?? '').join('\0') !== workerLocale) return true
  const head = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv
  if (env.STRATA_HOST || head.some((a) => a === '--host' || a.startsWith('--host='))) return true
  const name = head.find((a) => !a.startsWith('-'))
  return name !== undefined && (PLAIN.has(name) || mayAskRoot(name, head, cmd))
}

function closeRequest(addon: ProcessAddon, req: WarmRequest): void {
  for (const fd of req.fds) addon.closeFd(fd)
  addon.closeFd(req.conn)
}

/** Takes the caller's place: its fds before anything opens process.stdout, then env, cwd, umask. */
function becomeCaller(addon: ProcessAddon, req: WarmRequest, cmd: Command): void {
  req.fds.forEach((fd, i) => addon.dup2Fd(fd, i))
  for (const fd of req.fds) addon.closeFd(fd)
  for (const k of Object.keys(process.env)) delete process.env[k]
  Object.assign(process.env, cmd.env)
  process.chdir(cmd.cwd)
  process.umask(cmd.umask)
  // a command that runs itself again (userns.ts) runs the plain CLI's entry
  process.argv = [process.execPath, join(BUNDLE_DIR, 'strata.cjs'), ...cmd.argv]
}

async function serve(): Promise<void> {
  const addon = processAddon()
  if (!addon) return
  const args = process.argv.slice(2)
  const dir = args[args.indexOf('--dir') + 1]
  if (!args.includes('--dir') || !dir) return
  let listenFd = LISTEN_FD
  let ino = Number(args[args.indexOf('--ino') + 1])
  const myBuild = buildId()
  if (!args.includes('--ino')) {
    const bound = addon.warmListen(dir)
    if (!bound) return // another worker serves this user
    listenFd = bound.fd
    ino = bound.ino
  }
  const keepAt = args.indexOf('--keep-ls')
  const lastLs = keepAt >= 0 ? (JSON.parse(args[keepAt + 1] ?? 'null') as string[] | null) : null
  loadServed()
  // a caller already waiting gets the modules loaded, not the few warm-up runs nor a kept listing
  if (!addon.warmPending(listenFd)) await warmUp()
  if (!addon.warmPending(listenFd)) await keepListing(addon, lastLs).catch(() => undefined)
  for (;;) {
    const req = addon.warmAccept(listenFd, IDLE_MS)
    if (!req) {
      addon.warmUnlink(dir, ino)
      return
    }
    const tookMs = performance.now()
    const cmd = parseRequest(req.payload)
    if (!cmd || buildId() !== myBuild) {
      // another client or CLI build: the caller runs it and starts a worker of its build
      addon.warmUnlink(dir, ino)
      addon.warmSend(req.conn, 'Q')
      closeRequest(addon, req)
      return
    }
    if (cmd.argv[0] === 'warm' && cmd.argv[1] === 'stop') {
      // `strata warm stop`: this worker ends and no successor starts
      addon.warmUnlink(dir, ino)
      addon.warmSend(req.conn, 'X0')
      closeRequest(addon, req)
      return
    }
    if (runsPlain(cmd)) {
      addon.warmSend(req.conn, 'P')
      closeRequest(addon, req)
      continue
    }
    // The successor is started now, held until this command ends or has run HOLD_MS: a
    // short command keeps the CPU to itself, and a caller that comes during a long one is
    // served by the successor.
    // it keeps listed what the last `ls` listed (kept-listing.ts)
    const keep = isLs(cmd.argv) ? cmd.argv : lastLs
    const successorArgs = [process.execPath, ...process.execArgv, __filename, '--dir', dir, '--ino', String(ino), ...(keep ? ['--keep-ls', JSON.stringify(keep)] : [])]
    const successor = addon.spawnSuccessor(process.execPath, successorArgs, listenFd)
    addon.closeFd(listenFd)
    setTimeout(() => addon.closeFd(successor.hold), HOLD_MS).unref()
    becomeCaller(addon, req, cmd)
    const conn = req.conn
    addon.warmSend(conn, `S${process.pid}`)
    restartPhases(tookMs)
    markPhase('worker-takeover')
    // The status goes last, after every other 'exit' listener (the phase marks) has written.
    // The caller's fds are let go first: a reader of its stdout then sees the end when the
    // client ends, not once this process's threads are all torn down.
    process.on('exit', (code) => {
      addon.releaseStdio()
      addon.warmSend(conn, `X${code}`)
    })
    let code: number
    try {
      code = (await serveKeptLs(cmd.argv).catch(() => null)) ?? (await main(cmd.argv))
    } catch (err) {
      process.stderr.write(`strata: ${err instanceof Error ? err.message : String(err)}\n`)
      code = 70
    }
    exitNow(code)
  }
}

serve().then(
  () => exitNow(0),
  () => exitNow(70)
)
