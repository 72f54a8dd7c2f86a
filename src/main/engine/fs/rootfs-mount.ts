// A rootfs as its driver says it is reached (drivers' access()): a directory as it is, or what
// mount(8) mounts. Mounted here in one of two ways: at a mountpoint of Strata's (strata mount,
// scans, copies), or inside a mount namespace of one piece of work (a template, clone hooks),
// where the mount cannot outlive the work whatever happens to Strata.
import { statSync } from 'node:fs'
import { failed } from '@shared/errors'
import { say, type Said } from '@shared/engine-text'
import { run, toolFailure } from '../tools'

export type RootfsAccess =
  /** a directory that is the rootfs; `held`: mounted for this access (a zfs dataset), for the driver's release() */
  | { dir: string; held?: string }
  /** `mount -t type -o options source AT`; an empty type lets mount(8) probe it; explain: why a failed mount failed */
  | { type: string; options: readonly string[]; source: string; explain?: () => Promise<Said> }

/** The rule of mountRootfs's own failures: its caller tells them as its mount failing. */
export const ROOTFS_MOUNT = 'rootfs-mount'

/** Mounts the rootfs at `at` (a bind mount for a directory); read-only mounts change nothing. */
export async function mountRootfs(access: RootfsAccess, at: string, readOnly: boolean): Promise<void> {
  if ('dir' in access) {
    if (!statSync(access.dir, { throwIfNoEntry: false })?.isDirectory()) throw failed(say('rootfs-not-dir', { dir: access.dir }), { subject: access.dir, rule: ROOTFS_MOUNT })
    await run('mount', ['--bind', access.dir, at], { timeoutMs: 30_000 })
    if (readOnly) await run('mount', ['-o', 'remount,bind,ro', at], { timeoutMs: 30_000 })
    return
  }
  try {
    await run('mount', [...(access.type ? ['-t', access.type] : []), '-o', access.options.join(','), access.source, at], { timeoutMs: 30_000 })
  } catch (err) {
    if (!toolFailure(err) || !access.explain) throw err
    throw failed(await access.explain(), { rule: ROOTFS_MOUNT, cause: err })
  }
}

/** Exit status of the runner when the mount itself failed. */
const MOUNT_FAILED = 97

/** Mounts ($1 type, $2 options, $3 source, $4 mountpoint) unless $3 is empty, then runs the rest. */
const RUNNER = `if [ -n "$3" ]; then mount \${1:+-t "$1"} -o "$2" "$3" "$4" || exit ${MOUNT_FAILED}; fi; shift 4; exec "$@"`

export interface RunOptions {
  env?: Record<string, string>
  signal?: AbortSignal
  cwd?: string
  /** a mount namespace of its own also for a directory (whatever the command mounts goes with it) */
  ownNamespace?: boolean
}

/**
 * Runs argv with the rootfs read-write at `at` and returns its stdout: a directory as it is, or
 * mounted inside a mount namespace of the command's own. A failed mount is a tool failure
 * with exitCode MOUNT_FAILED.
 */
export async function runWithRootfs(access: RootfsAccess, at: string, argv: readonly string[], opts: RunOptions = {}): Promise<string> {
  const { ownNamespace, ...runOpts } = opts
  if ('dir' in access && !ownNamespace) return String((await run(argv[0]!, argv.slice(1), runOpts)).stdout)
  const mount = 'dir' in access ? ['', '', '', at] : [access.type, access.options.join(','), access.source, at]
  const r = await run('unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c', RUNNER, 'strata-mounted', ...mount, ...argv], runOpts)
  return String(r.stdout)
}

/** The words of a failed runWithRootfs: why the mount failed, or null when the command itself failed. */
export async function mountFailure(access: RootfsAccess, err: unknown): Promise<Said | string | null> {
  const tool = toolFailure(err)
  if (!tool || tool.exitCode !== MOUNT_FAILED) return null
  return ('explain' in access && access.explain ? await access.explain() : null) ?? (tool.stderr || (err as Error).message)
}

/** The filesystem on a device or image, as blkid reads it, or null. */
async function blockFsType(device: string): Promise<string | null> {
  try {
    return String((await run('blkid', ['-o', 'value', '-s', 'TYPE', device], { timeoutMs: 10_000 })).stdout).trim() || null
  } catch {
    return null
  }
}

/** A filesystem on a block device, or in an image (`loop`): ext3/ext4 replay their journal even read-only unless told `noload`. */
export async function blockAccess(device: string, readOnly: boolean, loop: boolean): Promise<RootfsAccess> {
  const type = readOnly ? await blockFsType(device) : null
  const options = [readOnly ? 'ro' : 'rw', ...(loop ? ['loop'] : []), ...(type === 'ext3' || type === 'ext4' ? ['noload'] : [])]
  return { type: '', options, source: device }
}
