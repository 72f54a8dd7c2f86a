// loop: the rootfs is a filesystem image, `loop:<P>/<n>/rootdev` (LXC 5.0.2 storage/loop.c): a
// sparse file of fssize + 1 bytes (LXC seeks to the size and writes one byte), mode 0600, made
// with mkfs.ext4; 1 GiB unless told, for a new container and for a copy alike. The image is
// mounted only while something is written into it (a template at create, a copy at clone), and
// always inside a mount namespace of its own: the mount, and the loop device that mount -o loop
// attaches and auto-clears, cannot outlive the work whatever happens to Strata. LXC gives loop
// no snapshots.
import { closeSync, mkdirSync, openSync, unlinkSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import type { RootfsSpec } from '@shared/model'
import type { OpContext } from '../context'
import type { HostnameResult } from '../fs/hostname'
import { addonPath, nativeAvailable } from '../native/index'
import { run, ToolError } from '../tools'
import { withVisibleTree } from './dir'
import { DriverError, type BuildTarget, type SourceStorage, type StorageDriver } from './driver'
import { storageOutside } from './outside-storage'

/** LXC's DEFAULT_FS_SIZE and DEFAULT_FSTYPE. */
export const LOOP_DEFAULT_SIZE = 1024 ** 3
const FSTYPE = 'ext4'

/** Mounts the image ($1) at $2, then runs the rest as the command. */
const MOUNTED = 'mount -o loop "$1" "$2" || exit 97; shift 2; exec "$@"'

/** Runs argv with the image mounted read-write at `at`, in a mount namespace of its own; its stdout. */
export async function runWithImageMounted(image: string, at: string, argv: readonly string[], opts: { env?: Record<string, string>; signal?: AbortSignal; cwd?: string } = {}): Promise<string> {
  try {
    const r = await run('unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c', MOUNTED, 'strata-loop', image, at, ...argv], opts)
    return String(r.stdout)
  } catch (err) {
    if (err instanceof ToolError && err.exitCode === 97) throw new DriverError('loop', 'loop-mount', `The image ${image} could not be mounted: ${err.stderr}`)
    throw err
  }
}

/** Writes the new name into the image's etc/hostname with the addon's symlink-proof write (see fs/hostname.ts), from a Node child inside the mount. */
const HOSTNAME_WRITER = `const [addon, root, name] = process.argv.slice(1)
try {
  require(addon).writeFileBeneath(root, 'etc/hostname', Buffer.from(name + '\\n'), -1, -1, -1)
  process.stdout.write('written')
} catch (e) {
  if (e.code === 'ENOENT') process.stdout.write('absent')
  else if (['ELOOP', 'EXDEV', 'EINVAL'].includes(e.code)) process.stdout.write('skipped')
  else throw e
}`

/** /etc/hostname of a new loop clone: rewritten only where it exists, never through a symlink. */
export async function rewriteHostnameInImage(image: string, at: string, name: string): Promise<HostnameResult> {
  if (!nativeAvailable()) return { outcome: 'skipped', reason: `the native addon is missing, so /etc/hostname inside ${image} was left alone` }
  const env = { ...(process.env as Record<string, string>), ELECTRON_RUN_AS_NODE: '1' }
  const out = await runWithImageMounted(image, at, [process.execPath, '-e', HOSTNAME_WRITER, addonPath(), at, name], { env })
  if (out === 'written') return { outcome: 'written', file: `${image}:/etc/hostname` }
  if (out === 'absent') return { outcome: 'absent' }
  return { outcome: 'skipped', reason: `${image}: /etc/hostname is a symlink or not a plain file inside the rootfs; it was left alone` }
}

/** A new image as LXC makes one: size + 1 bytes, sparse, mode 0600, then mkfs. */
async function makeImage(path: string, size: number, ctx: OpContext): Promise<void> {
  const fd = openSync(path, 'wx', 0o600)
  try {
    writeSync(fd, Buffer.from('1'), 0, 1, size)
  } finally {
    closeSync(fd)
  }
  await run(`mkfs.${FSTYPE}`, ['-q', '-F', path], { signal: ctx.signal })
}

function rootfsSpec(target: BuildTarget): RootfsSpec {
  return { backend: 'loop', prefix: 'loop', path: join(target.finalDir, 'rootdev') }
}

/** A new image in the build dir, and the (empty) mountpoint LXC keeps next to it. */
async function newImage(target: BuildTarget, ctx: OpContext): Promise<string> {
  const image = join(target.buildDir, 'rootdev')
  await makeImage(image, LOOP_DEFAULT_SIZE, ctx)
  mkdirSync(join(target.buildDir, 'rootfs'), { recursive: true, mode: 0o755 })
  return image
}

export const loopDriver: StorageDriver = {
  backend: 'loop',
  capabilities: { create: true, copy: true, snapshot: false, snapshotDependsOnOrigin: false, needs: 'loop devices, and mkfs.ext4 (e2fsprogs)' },
  probe(): string | null {
    if (process.geteuid?.() !== 0) return 'Mounting a loop image needs root.'
    return null
  },
  detect: (spec) => spec.backend === 'loop',
  async create(target: BuildTarget, ctx: OpContext): Promise<RootfsSpec> {
    await newImage(target, ctx)
    return rootfsSpec(target)
  },
  async copy(source: SourceStorage, target: BuildTarget, ctx: OpContext): Promise<RootfsSpec> {
    const image = await newImage(target, ctx)
    const at = join(target.buildDir, 'rootfs')
    // cp -a keeps owners, modes, times, hard links, xattrs and ACLs, like LXC's rsync -aHX
    await withVisibleTree(source, (root) => runWithImageMounted(image, at, ['cp', '-a', '--', `${root}/.`, `${at}/`], { signal: ctx.signal }))
    return rootfsSpec(target)
  },
  async snapshot(): Promise<RootfsSpec> {
    throw new DriverError('loop', 'loop-cannot-snapshot', 'loop does not support snapshots (LXC\'s rule).')
  },
  async mount(): Promise<void> {
    throw new DriverError('loop', 'loop-mount-here', 'A loop rootfs is mounted only inside the work that needs it (runWithImageMounted).')
  },
  async umount(): Promise<void> {},
  async destroyOutside(spec: RootfsSpec, containerDir: string): Promise<void> {
    // an image elsewhere goes too, as LXC unlinks it (once the user confirmed it)
    const outside = spec.backend === 'loop' ? storageOutside(spec, containerDir) : null
    if (!outside) return
    try {
      unlinkSync(outside)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
  }
}
