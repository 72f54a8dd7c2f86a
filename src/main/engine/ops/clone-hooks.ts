// lxc.hook.clone, run as lxc-copy runs it on a new clone before it rewrites the hostname (LXC
// 5.0.2 lxccontainer.c clone_update_rootfs, conf.c run_script_argv): each hook of the new
// config, in order, as `sh -c "exec <hook> <name> lxc clone <args>"` (lxc.hook.version 0) or
// `sh -c "exec <hook> <args>"` with LXC_HOOK_TYPE and LXC_HOOK_SECTION set (version 1), with
// the new rootfs mounted read-write and LXC_NAME, LXC_SRC_NAME, LXC_CONFIG_FILE,
// LXC_ROOTFS_MOUNT and LXC_ROOTFS_PATH set. Like LXC, the words are joined with spaces, not
// quoted. A hook that fails fails the clone. The overlay mount lives in a mount namespace of the
// hooks' own (as LXC's does), so it cannot outlive them, whatever happens to Strata.
import { effectiveList, effectiveValue, expandConfigFile } from '../config/expand'
import type { LayeredRoot } from '../fs/hostname'
import { overlayFsType, overlayMountOptions } from '../mount'
import { ToolError, run } from '../tools'
import { OpError } from './errors'

export interface CloneHookRun {
  /** the new config, in the build directory (LXC_CONFIG_FILE) */
  configFile: string
  name: string
  srcName: string
  /** the new rootfs, in the build directory; an overlay is mounted on `mountpoint` */
  rootfs: LayeredRoot
  mountpoint: string
  /** what follows `--` on the command line, passed on to every hook */
  args: readonly string[]
  signal?: AbortSignal
}

export class CloneHookError extends OpError {}

/** Mounts the overlay if there is one ($1 options, $2 mountpoint), then runs each command. */
const RUNNER = 'if [ -n "$1" ]; then mount -t "$3" overlay -o "$1" "$2" || exit 97; fi; shift 3; for c in "$@"; do sh -c "$c" || exit $?; done'

export function cloneHooks(configFile: string): { hooks: string[]; version: 0 | 1; rootfsPath: string | null } {
  const { entries } = expandConfigFile(configFile)
  return {
    hooks: effectiveList(entries, 'lxc.hook.clone').map((e) => e.value),
    version: effectiveValue(entries, 'lxc.hook.version')?.value === '1' ? 1 : 0,
    rootfsPath: effectiveValue(entries, 'lxc.rootfs.path')?.value ?? null
  }
}

/** Runs the new config's clone hooks; returns how many ran. */
export async function runCloneHooks(h: CloneHookRun): Promise<number> {
  const { hooks, version, rootfsPath } = cloneHooks(h.configFile)
  if (hooks.length === 0) return 0
  const commands = hooks.map((hook) => ['exec', hook, ...(version === 0 ? [h.name, 'lxc', 'clone'] : []), ...h.args].join(' '))
  const rootfsMount = h.rootfs.kind === 'overlay' ? h.mountpoint : h.rootfs.root
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    LXC_NAME: h.name,
    LXC_SRC_NAME: h.srcName,
    LXC_CONFIG_FILE: h.configFile,
    LXC_ROOTFS_MOUNT: rootfsMount,
    ...(rootfsPath ? { LXC_ROOTFS_PATH: rootfsPath } : {}),
    ...(version === 1 ? { LXC_HOOK_TYPE: 'clone', LXC_HOOK_SECTION: 'lxc' } : {})
  }
  let mountArgs = ['', '', '']
  if (h.rootfs.kind === 'overlay') {
    if (process.geteuid?.() !== 0)
      throw new CloneHookError('clone-hook', `${h.name}'s config has lxc.hook.clone, which runs on the mounted rootfs, and mounting an overlay clone needs root.`)
    mountArgs = [overlayMountOptions({ lowers: [...h.rootfs.lowers], upper: h.rootfs.upper }, false), h.mountpoint, overlayFsType() ?? 'overlay']
  }
  // As root, in a mount namespace of their own; a user's dir clone needs no mount at all.
  const argv = process.geteuid?.() === 0 ? ['unshare', '--mount', '--propagation', 'private', '--', 'sh'] : ['sh']
  try {
    await run(argv[0]!, [...argv.slice(1), '-c', RUNNER, 'strata-clone-hooks', ...mountArgs, ...commands], { env, signal: h.signal })
  } catch (err) {
    if (!(err instanceof ToolError)) throw err
    const why = err.exitCode === 97 ? `the new rootfs could not be mounted for it: ${err.stderr}` : `it exited with ${err.exitCode}${err.stderr ? `: ${err.stderr}` : ''}`
    throw new CloneHookError('clone-hook', `lxc.hook.clone of ${h.name} failed, so the clone was not made (as lxc-copy does): ${why}`)
  }
  return hooks.length
}
