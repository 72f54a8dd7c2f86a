// The container hooks LXC runs around its own storage work, run the way LXC 5.0.2 runs them
// (conf.c run_lxc_hooks / run_script_argv): each `lxc.hook.<type>` of the config, in order, as
// `sh -c "exec <hook> <name> lxc <type> <args>"` (lxc.hook.version 0) or `sh -c "exec <hook>
// <args>"` with LXC_HOOK_TYPE and LXC_HOOK_SECTION set (version 1), the words joined with
// spaces and not quoted, as LXC does. A hook that fails fails the operation.
//   clone (lxccontainer.c clone_update_rootfs): on the new rootfs, mounted read-write, before
//     the hostname is rewritten; LXC_NAME, LXC_SRC_NAME, LXC_CONFIG_FILE, LXC_ROOTFS_MOUNT,
//     LXC_ROOTFS_PATH. The mount lives in a mount namespace of the hooks' own, as LXC's does,
//     so it cannot outlive them whatever happens to Strata.
//   destroy (container_destroy): before anything is removed; LXC_NAME, LXC_CONFIG_FILE,
//     LXC_ROOTFS_MOUNT, LXC_ROOTFS_PATH, LXC_CONSOLE, LXC_CONSOLE_LOGPATH.
import { existsSync, readdirSync } from 'node:fs'
import { effectiveList, effectiveValue, expandConfigFile } from '../config/expand'
import { mountFailure, runWithRootfs, type RootfsAccess } from '../fs/rootfs-mount'
import { permissionDenied, refused } from '@shared/errors'
import { say } from '@shared/engine-text'
import { toolFailure } from '../tools'

export type HookType = 'clone' | 'destroy'

export interface HookRun {
  type: HookType
  /** the config whose hooks run (LXC_CONFIG_FILE) */
  configFile: string
  name: string
  /** the LXC_* variables of this hook type, beyond LXC_NAME and LXC_CONFIG_FILE */
  env: Record<string, string | undefined>
  /** what follows `--` on lxc-copy's command line */
  args?: readonly string[]
  /** the rootfs, mounted read-write at `at` first unless a directory (as root, in the hooks' mount namespace) */
  rootfs?: RootfsAccess
  at?: string
  signal?: AbortSignal
}

/** Runs each command in turn; the first that fails ends the run with its status. */
const EACH = 'for c in "$@"; do sh -c "$c" || exit $?; done'

export interface ConfigHooks {
  hooks: string[]
  version: 0 | 1
  /** lxc.rootfs.path, lxc.rootfs.mount, lxc.console.path, lxc.console.logfile as the config sets them */
  rootfsPath: string | null
  rootfsMount: string | null
  console: string | null
  consoleLog: string | null
  /** lxc.rootfs.managed: false when LXC does not own the storage (lxc-destroy then removes nothing) */
  rootfsManaged: boolean
}

let rootfsMountDefault: string | undefined

/**
 * LXC's compiled-in rootfs mount dir (LXCROOTFSMOUNT, `<libdir>/lxc/rootfs`), which its package
 * creates: what a loaded config holds without lxc.rootfs.mount. Looked up once, when first needed.
 */
export function defaultRootfsMount(): string {
  rootfsMountDefault ??= findRootfsMountDefault()
  return rootfsMountDefault
}

function findRootfsMountDefault(): string {
  for (const lib of ['/usr/lib', '/usr/lib64', '/usr/local/lib']) {
    for (const multiarch of readdirSafe(lib)) if (existsSync(`${lib}/${multiarch}/lxc/rootfs`)) return `${lib}/${multiarch}/lxc/rootfs`
    if (existsSync(`${lib}/lxc/rootfs`)) return `${lib}/lxc/rootfs`
  }
  return '/usr/lib/lxc/rootfs'
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir).filter((d) => d.includes('-linux-'))
  } catch {
    return []
  }
}

export function configHooks(configFile: string, type: HookType): ConfigHooks {
  const { entries } = expandConfigFile(configFile)
  const value = (key: string): string | null => effectiveValue(entries, key)?.value ?? null
  return {
    hooks: effectiveList(entries, `lxc.hook.${type}`).map((e) => e.value),
    version: value('lxc.hook.version') === '1' ? 1 : 0,
    rootfsPath: value('lxc.rootfs.path'),
    rootfsMount: value('lxc.rootfs.mount'),
    console: value('lxc.console.path'),
    consoleLog: value('lxc.console.logfile'),
    rootfsManaged: !['0', 'false'].includes(value('lxc.rootfs.managed') ?? '1')
  }
}

/** Runs the config's hooks of this type; returns how many ran. */
export async function runLxcHooks(h: HookRun, hooks = configHooks(h.configFile, h.type)): Promise<number> {
  if (hooks.hooks.length === 0) return 0
  const args = h.args ?? []
  const commands = hooks.hooks.map((hook) => ['exec', hook, ...(hooks.version === 0 ? [h.name, 'lxc', h.type] : []), ...args].join(' '))
  const env: Record<string, string> = { ...(process.env as Record<string, string>), LXC_NAME: h.name, LXC_CONFIG_FILE: h.configFile }
  for (const [k, v] of Object.entries(h.env)) if (v !== undefined) env[k] = v
  if (hooks.version === 1) Object.assign(env, { LXC_HOOK_TYPE: h.type, LXC_HOOK_SECTION: 'lxc' })
  const root = process.geteuid?.() === 0
  const rootfs = h.rootfs ?? { dir: '' }
  if (!('dir' in rootfs) && !root)
    throw permissionDenied(say('hook-needs-root', { name: h.name, type: h.type }), { rule: `${h.type}-hook` })
  try {
    // As root, in a mount namespace of their own.
    await runWithRootfs(rootfs, h.at ?? '', ['sh', '-c', EACH, `strata-${h.type}-hooks`, ...commands], { env, signal: h.signal, ownNamespace: root })
  } catch (err) {
    const tool = toolFailure(err)
    if (!tool) throw err
    const mountWhy = await mountFailure(rootfs, err)
    const code = String(tool.exitCode)
    const why = mountWhy !== null ? say('hook-mount-failed', { why: mountWhy }) : tool.stderr ? say('hook-exited-saying', { code, stderr: tool.stderr }) : say('hook-exited', { code })
    const what = h.type === 'clone' ? say('hook-no-clone') : say('hook-not-destroyed', { name: h.name })
    throw refused(`${h.type}-hook`, say('hook-failed', { type: h.type, name: h.name, what, why }))
  }
  return hooks.hooks.length
}
