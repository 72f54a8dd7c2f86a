// Entry of the root helper (bundled to out/helper/strata-helper.mjs and started through
// pkexec by /usr/libexec/strata/strata-helper). Usage:
//   strata-helper --stdio [--lxcpath PATH]...
// The lxcpaths are fixed for the helper's life; without any, root's LXC default is served.
// It exits when its input closes or when the app that started it goes away.
import { defaultLxcpaths } from '../engine/lxcpath'
import { HelperServer } from './server'

const PARENT_POLL_MS = 1000
/** after input closes, how long aborted operations get to clean up before the helper exits anyway */
const DRAIN_LIMIT_MS = 60_000

function usage(message: string): never {
  process.stderr.write(`strata-helper: ${message}\nusage: strata-helper --stdio [--lxcpath PATH]...\n`)
  process.exit(2)
}

function parseArgv(argv: string[]): { lxcpaths: string[] } {
  let stdio = false
  const lxcpaths: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--stdio') stdio = true
    else if (a === '--lxcpath') {
      const p = argv[++i]
      if (p === undefined) usage('--lxcpath needs a path')
      lxcpaths.push(p)
    } else usage(`unknown argument ${JSON.stringify(a)}`)
  }
  if (!stdio) usage('--stdio is required (requests are read from stdin, one JSON object per line)')
  return { lxcpaths }
}

function main(): void {
  const { lxcpaths } = parseArgv(process.argv.slice(2))
  // pkexec starts us in the caller's home directory: work from / so nothing is relative to it.
  process.chdir('/')
  process.umask(0o022)
  // The app may be gone (stderr closed): a failed log write must not crash the helper
  // before the operations in flight have been aborted and cleaned up.
  process.stderr.on('error', () => undefined)
  const log = (line: string): void => {
    if (process.stderr.writable) process.stderr.write(`strata-helper[${process.pid}]: ${line}\n`)
  }
  const server = new HelperServer({
    input: process.stdin,
    output: process.stdout,
    lxcpaths: lxcpaths.length ? lxcpaths : defaultLxcpaths(),
    log,
    // A hung cleanup must not keep a root process around for ever.
    onClosing: () =>
      void setTimeout(() => {
        log(`operations did not finish within ${DRAIN_LIMIT_MS} ms of shutdown; exiting`)
        process.exit(1)
      }, DRAIN_LIMIT_MS).unref()
  })
  for (const r of server.policy.refused) log(`not serving ${r.path}: ${r.reason}`)

  // The parent is the app (pkexec execs us in its place). When it dies we are re-parented:
  // Node has no PR_SET_PDEATHSIG, so watch process.ppid instead.
  const parent = process.ppid
  const watch = setInterval(() => {
    if (process.ppid !== parent) server.shutdown(`parent ${parent} went away`)
  }, PARENT_POLL_MS)
  watch.unref()
  process.on('SIGTERM', () => server.shutdown('SIGTERM'))
  process.on('SIGHUP', () => server.shutdown('SIGHUP'))
  process.stdout.on('error', () => server.shutdown('stdout closed'))

  server.start()
  void server.done.then(() => {
    log('exiting')
    process.exit(0)
  })
}

main()
