// Entry of the root helper (bundled to out/helper/strata-helper.mjs and started through
// pkexec by /usr/libexec/strata/strata-helper). Usage:
//   strata-helper --stdio [--own] [--lxcpath PATH]...
//   strata-helper --channel ID:SECRET     the byte channel a stream request of a running helper offered (byte-channel.ts)
// The lxcpaths are fixed for the helper's life; without any, root's LXC default is served.
// --own: the same helper in a user's namespace (started by the app under lxc-usernsexec,
// main/userns-engine.ts), serving only lxcpaths the user owns (own-lxcpath.ts).
// It exits when its input closes or when the app that started it goes away.
import { usernsOwner } from '../engine/identity'
import { defaultLxcpaths } from '../engine/lxcpath'
import { pipeChannel } from './byte-channel'
import { ownLxcpathPolicy } from './own-lxcpath'
import { HelperServer } from './server'

const PARENT_POLL_MS = 1000
/** after input closes, how long aborted operations get to clean up before the helper exits anyway */
const DRAIN_LIMIT_MS = 60_000

function usage(message: string): never {
  process.stderr.write(`strata-helper: ${message}\nusage: strata-helper --stdio [--own] [--lxcpath PATH]...\n`)
  process.exit(2)
}

function parseArgv(argv: string[]): { lxcpaths: string[]; own: boolean } {
  let stdio = false
  let own = false
  const lxcpaths: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--stdio') stdio = true
    else if (a === '--own') own = true
    else if (a === '--lxcpath') {
      const p = argv[++i]
      if (p === undefined) usage('--lxcpath needs a path')
      lxcpaths.push(p)
    } else usage(`unknown argument ${JSON.stringify(a)}`)
  }
  if (!stdio) usage('--stdio is required (requests are read from stdin, one JSON object per line)')
  if (own && usernsOwner() === null) usage('--own serves a user in their namespace: it runs under lxc-usernsexec with STRATA_USERNS_OWNER set')
  if (own && lxcpaths.length === 0) usage('--own needs the user\'s lxcpaths (--lxcpath PATH)')
  return { lxcpaths, own }
}

function main(): void {
  const argv = process.argv.slice(2)
  if (argv[0] === '--channel') {
    if (argv.length !== 2) usage('--channel takes one ID:SECRET and nothing else')
    pipeChannel(argv[1]!).then(
      (code) => process.exit(code),
      (err: Error) => usage(err.message)
    )
    return
  }
  const { lxcpaths, own } = parseArgv(argv)
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
    policy: own ? ownLxcpathPolicy(lxcpaths, usernsOwner()!) : undefined,
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
