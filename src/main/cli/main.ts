// The `strata` CLI entry: parses the command name and loads only that command's module,
// so that `strata ls` starts as fast as Node allows.
import { errorData, usageError } from '@shared/errors'
import type { Command } from './command'
import { EXIT_HELP, EXIT_STATUS } from './exit-status'
import { writeStdout } from './output'
import { markPhase } from './phases'

markPhase('node-start')

const COMMANDS: Record<string, () => Promise<{ default: Command }>> = {
  ls: () => import('./ls'),
  lineage: () => import('./lineage'),
  config: () => import('./config'),
  check: () => import('./check'),
  du: () => import('./du'),
  diff: () => import('./diff'),
  mount: () => import('./mount'),
  umount: () => import('./umount'),
  clone: () => import('./clone'),
  copy: () => import('./copy'),
  destroy: () => import('./destroy'),
  snapshot: () => import('./snapshot'),
  create: () => import('./create'),
  flatten: () => import('./flatten'),
  convert: () => import('./convert'),
  hosts: () => import('./hosts'),
  start: () => import('./start'),
  stop: () => import('./stop'),
  restart: () => import('./restart'),
  freeze: () => import('./freeze'),
  unfreeze: () => import('./unfreeze')
}

/**
 * Commands a non-root user's run in their user namespace (userns.ts): those that write into an
 * lxcpath (check: recovery and --repair), du and diff (they read files of the mapped root the
 * user may not, a 0600 file or a 0700 directory), and mount (its mount lives in that namespace).
 */
const IN_USERNS = new Set(['clone', 'create', 'destroy', 'snapshot', 'flatten', 'convert', 'check', 'du', 'diff', 'mount'])

const USAGE = `Usage: strata <command> [options]

Commands:
  ls       [-P LXCPATH]... [-a] [--json]                  list containers with backend, state, origin, dependents, snapshots
  lineage  [-P LXCPATH]... [-a] [--json | --dot]          the clone and snapshot lineage graph
  config   -n NAME [-P LXCPATH] [--expanded] [--provenance] [--modern]
                                                          a container's config, raw, flattened or converted to modern keys
  check    [-P LXCPATH]... [-a] [--repair] [--json]       integrity findings with their fixes; exits 1 when there is an error
  du       [-n NAME]... [-P LXCPATH]... [-a] [--json]     exclusive, shared, freed-if-deleted and saved bytes; per lineage tree
  diff     -n NAME [-P LXCPATH] [--json]                  an overlay clone's changes against its lower
  mount    -n NAME [-P LXCPATH] [--path DIR] [--rw]       mount a rootfs (read-only unless asked) at a private mountpoint
  umount   -n NAME [-P LXCPATH]                           undo strata mount
  create   -n NAME -t TEMPLATE [-B BACKEND] [-P LXCPATH] [-f CONFIG]
  clone    -o ORIG -n NEW [-s] [-B BACKEND] [-p ORIG_LXCPATH] [-P NEW_LXCPATH] [--expand-config] [-- HOOK_ARGS]
  copy     [HOST:]NAME [HOST:][NEWNAME] [-p FROM_LXCPATH] [-P TO_LXCPATH] [-B BACKEND]
                                                          copy a stopped container to another host (or from one)
  destroy  -n NAME [-P LXCPATH] [--with-dependents]        destroy a container (refused while others depend on it)
  destroy  -n NAME -n NAME... [-P LXCPATH]                destroy a set: prints what goes, leaves first, and what stays and why
  snapshot -n NAME [-c COMMENT_FILE] | -L | -r SNAP [-N NEWNAME] | -d SNAP
  flatten  -n NAME [-P LXCPATH]                           turn an overlay clone into a standalone dir container
  convert  -n NAME [-P LXCPATH]                           migrate an aufs clone (LXC <= 2.x) to overlay
  start    -n NAME [-P LXCPATH]                           start in the background (lxc-start -d); says why when it fails
  stop     -n NAME [-P LXCPATH] [-t TIMEOUT] [-k]         clean shutdown, killed after TIMEOUT s (default 60); -k: kill now
  restart  -n NAME [-P LXCPATH] [-t TIMEOUT] [-k]         stop, then start
  freeze   -n NAME [-P LXCPATH]                           freeze a running container's processes
  unfreeze -n NAME [-P LXCPATH]                           thaw a frozen container
  hosts    [list | add NAME [USER@]HOST[:PORT] | remove NAME | trust NAME [--yes]]
                                                          remote hosts, reached over SSH
  warm stop                                               stop this user's warm worker (see STRATA_WARM below)

--host NAME (or STRATA_HOST=NAME) runs ls, lineage, check, du, config, clone, destroy and snapshot on
a remote host from \`strata hosts\`, through the Strata helper there (started over ssh with your
keys and agent; the host key must already be in known_hosts). -P then names the host's lxcpaths.

The installed \`strata\` hands each command to a warm worker of this user (a Node process with the
CLI loaded, started in the background after the first command; it ends after 10 idle minutes),
which runs it in a fresh process of its own with your environment, directory and terminal.
STRATA_WARM=0 runs every command in a new Node process instead.

Without -P, Strata uses LXC's default lxcpath (lxc.lxcpath in lxc.conf, else /var/lib/lxc for root).
-a, --all also lists hidden containers (names starting with "."), which lxc-ls leaves out.
Run \`strata <command> --help\` for a command's options.

${EXIT_HELP}`

const WARM_USAGE = `Usage: strata warm stop

Stops this user's warm worker: the Node process, with the CLI loaded, to which the installed
strata hands each command (each then runs in a fresh process of its own). The next command
runs the plain way and starts a new one. STRATA_WARM=0 runs every command the plain way.`

/** `strata warm stop`: a warm worker ends on it itself; reaching here, none served it, so none runs. */
function warmCommand(args: string[]): number {
  if (args.includes('--help') || args.includes('-h')) {
    writeStdout(`${WARM_USAGE}\n`)
    return 0
  }
  if (args.length === 1 && args[0] === 'stop') return 0
  process.stderr.write(`strata warm: ${args.length ? `unknown "${args.join(' ')}"` : 'missing "stop"'}\n\n${WARM_USAGE}\n`)
  return 2
}

/** `--host NAME` / `--host=NAME` before any `--`, taken out of the command's arguments; else STRATA_HOST. */
function takeHost(args: string[]): { host: string | undefined; args: string[] } {
  const end = args.indexOf('--')
  const head = end < 0 ? args : args.slice(0, end)
  const tail = end < 0 ? [] : args.slice(end)
  let host = process.env.STRATA_HOST || undefined
  const kept: string[] = []
  for (let i = 0; i < head.length; i++) {
    const a = head[i]!
    if (a === '--host') {
      host = head[++i]
      if (!host || host.startsWith('-')) throw usageError('--host NAME is missing its NAME (a host from `strata hosts list`).')
    } else if (a.startsWith('--host=')) host = a.slice('--host='.length)
    else kept.push(a)
  }
  return { host, args: [...kept, ...tail] }
}

export async function main(argv: string[]): Promise<number> {
  let taken: ReturnType<typeof takeHost>
  try {
    taken = takeHost(argv)
  } catch (err) {
    process.stderr.write(`strata: ${errorData(err).message}\n`)
    return 2
  }
  const { host } = taken
  const [name, ...rest] = taken.args
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    writeStdout(`${USAGE}\n`)
    return name === undefined ? 2 : 0
  }
  if (name === 'warm') return warmCommand(rest)
  const load = COMMANDS[name]
  if (!load) {
    process.stderr.write(`strata: unknown command "${name}"\n\n${USAGE}\n`)
    return 2
  }
  try {
    const command = (await load()).default
    markPhase('module-load')
    if (rest.includes('--help') || rest.includes('-h')) {
      writeStdout(`${command.usage}\n`)
      return 0
    }
    // the remote side is its own bundle, loaded only with --host
    // copy names its hosts in its arguments (HOST:NAME)
    if (host !== undefined && name !== 'hosts' && name !== 'copy') return await (await import('./host')).default.runOnHost(name, command, host, rest)
    if (IN_USERNS.has(name)) {
      const inUserns = await (await import('./userns')).default(name, rest)
      if (inUserns !== null) return inUserns
      markPhase('userns-check')
    }
    return await command.run(rest)
  } catch (err) {
    // Every error is one StrataError (errorData reads it by name: each command is bundled on its
    // own, with its own copy of the class); its code decides the exit status.
    const e = errorData(err)
    process.stderr.write(`strata ${name}: ${e.message}\n`)
    return EXIT_STATUS[e.code]
  }
}
