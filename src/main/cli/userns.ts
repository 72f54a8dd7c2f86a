// A non-root user's commands on unprivileged containers run inside a user namespace with the
// container's id map, as LXC runs its own work for such a user (engine/identity.ts says why):
// the command runs itself again under lxc-usernsexec (engine/userns.ts builds the map: the
// container's own lxc.idmap, else the user's default config's for one not made yet).
import { spawn } from 'node:child_process'
import { accessSync, constants, existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { readGlobalConfig } from '../engine/global-config'
import { usernsOwner } from '../engine/identity'
import { usernsCommand, usernsMapFor } from '../engine/userns'

/** The values a command line gives an option (`-x V`, `-xV`, `--long V`, `--long=V`), as getopt reads them. */
function optionValues(args: string[], short: string, long: string): string[] {
  const values: string[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a === '--') break
    const m = new RegExp(`^(?:-${short}|--${long}=?)(.*)$`).exec(a)
    if (!m) continue
    const value = m[1] !== '' ? m[1]! : args[++i]
    if (value !== undefined) values.push(value)
  }
  return values
}

/** The lxcpaths a command line names with -P/-p/--lxcpath/--origpath/--newpath. */
function namedLxcpaths(args: string[]): string[] {
  return ['P', 'p'].flatMap((s) => optionValues(args, s, s === 'P' ? '(?:lxcpath|newpath)' : 'origpath'))
}

/** The existing container a command works on (a clone's origin, else -n), in its lxcpath, if it names one. */
function namedContainer(command: string, args: string[]): { lxcpath: string; name: string } | undefined {
  const name = command === 'clone' ? optionValues(args, 'o', 'orig')[0] : optionValues(args, 'n', 'name')[0]
  if (name === undefined || command === 'create') return undefined
  const lxcpath = (command === 'clone' ? optionValues(args, 'p', 'origpath')[0] : optionValues(args, 'P', 'lxcpath')[0]) ?? readGlobalConfig().lxcpath
  return { lxcpath: resolve(lxcpath), name }
}

/** The user may write the lxcpath (or, for one not made yet, the directory it will be made in). */
function writable(path: string): boolean {
  let p = resolve(path)
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p)
  try {
    accessSync(p, constants.W_OK | constants.X_OK)
    return true
  } catch {
    return false
  }
}

/**
 * Runs this command again inside the user's namespace when it must be (a non-root user, an
 * id map for the container); its exit status, or null to run here.
 */
export default async function runInUsernsIfNeeded(command: string, args: string[]): Promise<number | null> {
  if (process.geteuid?.() === 0 || usernsOwner() !== null) return null
  // listing and cleaning Strata's own mounts are not about a container
  if (command === 'mount' && args.some((a) => a === '--list' || a === '--clean')) return null
  // only for the user's own lxcpaths: one only root may write goes through the root helper instead
  if (namedLxcpaths(args).some((p) => !writable(p))) return null
  const ns = usernsMapFor(namedContainer(command, args))
  if (!ns) return null
  // through sh, which turns a death by signal into 128+N: lxc-usernsexec itself reports such a death as success
  const { file, args: argv } = usernsCommand(ns, ['/bin/sh', '-c', '"$@"; exit $?', 'sh', process.execPath, ...process.execArgv, process.argv[1]!, command, ...args])
  const child = spawn(file, argv, { stdio: 'inherit' })
  const forward = (signal: NodeJS.Signals): void => void child.kill(signal)
  process.on('SIGINT', forward)
  process.on('SIGTERM', forward)
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code, signal) => resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 2)))
  })
}
