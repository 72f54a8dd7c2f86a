// The engine for a non-root user's writes on their own unprivileged containers, as the app
// reaches it: the same helper protocol as the root helper's (helper/*), the helper started
// under lxc-usernsexec with the container's id map instead of through pkexec (no password:
// the setuid newuidmap/newgidmap grant only the user's subordinate ids), serving only the
// user's own lxcpaths (helper/own-lxcpath.ts). In there it is the namespace's root, so what it
// makes in a rootfs or upper layer has the owner LXC gives it, and what the container wrote
// (0600 files of the mapped root) can be read, measured and removed (engine/identity.ts).
// One helper per id map: a container with a map of its own gets a namespace with that map.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { EngineMethod, EngineParams } from '@shared/engine-api'
import { say } from '@shared/engine-text'
import type { ContainerRef } from '@shared/model'
import { idMapOfFile, idMapSource, usernsCommand, usernsMapFor, type UsernsMap } from './engine/userns'
import type { EngineClient } from './engine-client'
import { helperError, HelperClient, INSTALLED_HELPER, type HelperLauncher } from './helper/client'

/**
 * The methods that run in the namespace on such an lxcpath: those that write a container's
 * files, and those that read files the user may not (usage, diff). The lifecycle and consoles
 * go through LXC's own tools, which set up the container's namespace themselves.
 */
export const IN_USERNS: ReadonlySet<EngineMethod> = new Set<EngineMethod>([
  'clone',
  'cloneChoices',
  'create',
  'destroy',
  'createSnapshot',
  'restoreSnapshot',
  'deleteSnapshot',
  'repairBookkeeping',
  'usage',
  'layerDiff'
])

/** True when this user's unprivileged containers need the namespace: not root, and their default config has an id map. */
export function userHasIdMap(): boolean {
  return process.geteuid?.() !== 0 && idMapOfFile(idMapSource()).length > 0
}

/** The existing container a call works on (a clone's origin), whose id map the namespace takes; none for a create or a listing. */
function containerOf(method: EngineMethod, params: Record<string, unknown>): ContainerRef | undefined {
  if (method === 'create') return undefined
  const origin = params['origin'] as ContainerRef | undefined
  if (origin) return origin
  return typeof params['lxcpath'] === 'string' && typeof params['name'] === 'string' ? { lxcpath: params['lxcpath'], name: params['name'] } : undefined
}

/** How to run the helper program: a given one as it is, else this build's own bundle or the installed one. */
function helperProgram(helperPath: string | undefined): string[] {
  const given = helperPath ?? process.env.STRATA_HELPER
  if (given) return [given]
  // the installed wrapper insists on files owned by root, which a user namespace shows as nobody's: run its bundle directly
  // out/helper beside out/main, this module's bundle or chunk (out/main/chunks) being somewhere below
  const here = dirname(fileURLToPath(import.meta.url))
  const built = ['..', '../..'].map((up) => join(here, up, 'helper/strata-helper.mjs'))
  const bundle = [...built, join(dirname(INSTALLED_HELPER), 'strata-helper.mjs')].find((p) => existsSync(p))
  if (!bundle) throw helperError('helper-missing', say('helper-reinstall', { path: INSTALLED_HELPER }))
  const node = existsSync('/usr/bin/node') ? '/usr/bin/node' : process.execPath
  return ['ELECTRON_RUN_AS_NODE=1', node, bundle]
}

function launcher(ns: UsernsMap, helperPath: string | undefined): HelperLauncher {
  return {
    describe: say('the-helper-userns'),
    command(helperArgs) {
      const { file, args } = usernsCommand(ns, [...helperProgram(helperPath), '--own', ...helperArgs])
      return { file, argv: args }
    },
    async failure(exitCode, stderr) {
      const tail = stderr.trim().split('\n').slice(-3).join(' ')
      return helperError('helper-gone', say('userns-helper-gone', { source: ns.source, exit: exitCode ?? say('exit-signal'), error: tail || say('no-message') }))
    }
  }
}

export interface UsernsEngineOptions {
  /** the user's own lxcpaths it serves */
  lxcpaths: readonly string[]
  /** the helper program; default STRATA_HELPER, else the installed or built bundle */
  helperPath?: string
  onLog?: (line: string) => void
}

/** The engine in the user's namespace; where there is no id map at all (a container without one), `fallback` runs the call. */
export function usernsEngine(opts: UsernsEngineOptions, fallback: EngineClient): EngineClient & { close(): Promise<void> } {
  const helpers = new Map<string, HelperClient>()
  return {
    kind: 'helper',
    async call(method, params, call) {
      const ns = usernsMapFor(containerOf(method, params as EngineParams<typeof method> & Record<string, unknown>))
      if (!ns) return fallback.call(method, params, call)
      const key = ns.maps.join(' ')
      let client = helpers.get(key)
      if (!client) {
        client = new HelperClient({ lxcpaths: [...opts.lxcpaths], launcher: launcher(ns, opts.helperPath), onLog: opts.onLog })
        helpers.set(key, client)
      }
      return client.call(method, params, call)
    },
    async close() {
      await Promise.all([...helpers.values()].map((h) => h.close()))
    }
  }
}
