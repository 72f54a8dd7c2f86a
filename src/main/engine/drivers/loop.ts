// loop: the rootfs is a filesystem image, `loop:<P>/<n>/rootdev` (LXC 5.0.2 storage/loop.c): a
// sparse file of fssize + 1 bytes (LXC seeks to the size and writes one byte), mode 0600, made
// with mkfs.ext4; 1 GiB unless told, for a new container and for a copy alike. The image is
// mounted read-write only while something is written into it (a template at create, a copy or
// clone hooks at clone, the hostname rewrite), and then always inside a mount namespace of its
// own: the mount, and the loop device that mount -o loop attaches and auto-clears, cannot
// outlive the work whatever happens to Strata. LXC gives loop no snapshot clones; lxc-snapshot
// copies the image.
import { say } from '@shared/engine-text'
import { closeSync, lstatSync, mkdirSync, openSync, unlinkSync, writeSync, type Stats } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import type { RootfsSpec } from '@shared/model'
import type { OpContext } from '../context'
import type { HostnameResult } from '../fs/hostname'
import { blockAccess, mountFailure, mountRootfs, runWithRootfs } from '../fs/rootfs-mount'
import { figures, NO_FIGURES } from '../fs/tree-usage'
import { withScanMount } from '../mount'
import { addonPath, nativeAvailable, scanUsage } from '../native/index'
import { failed, refused } from '@shared/errors'
import { run } from '../tools'
import { directoryOf, type BuildTarget, type SourceStorage, type StorageDriver } from './driver'
import { pathOutside } from './outside-storage'

/** LXC's DEFAULT_FS_SIZE and DEFAULT_FSTYPE. */
const LOOP_DEFAULT_SIZE = 1024 ** 3
const FSTYPE = 'ext4'

/** Runs argv with the image mounted read-write at `at`, in a mount namespace of its own; its stdout. */
async function runWithImageMounted(image: string, at: string, argv: readonly string[], opts: { env?: Record<string, string>; signal?: AbortSignal } = {}): Promise<string> {
  const access = await blockAccess(image, false, true)
  try {
    return await runWithRootfs(access, at, argv, opts)
  } catch (err) {
    const why = await mountFailure(access, err)
    if (why !== null) throw failed(say('loop-mount-failed', { image, why }), { subject: image, rule: 'loop-mount', cause: err })
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
async function rewriteHostnameInImage(image: string, at: string, name: string): Promise<HostnameResult> {
  if (!nativeAvailable()) return { outcome: 'skipped', reason: say('hostname-no-addon', { image }) }
  const env = { ...(process.env as Record<string, string>), ELECTRON_RUN_AS_NODE: '1' }
  const out = await runWithImageMounted(image, at, [process.execPath, '-e', HOSTNAME_WRITER, addonPath(), at, name], { env })
  if (out === 'written') return { outcome: 'written', file: `${image}:/etc/hostname` }
  if (out === 'absent') return { outcome: 'absent' }
  return { outcome: 'skipped', reason: say('hostname-image-not-plain', { image }) }
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

/** Runs fn with the image of the container at `dir` mounted read-only at Strata's private mountpoint (found and cleaned if ever left behind). */
function withImageMounted<T>(image: string, dir: string, fn: (root: string) => Promise<T>): Promise<T> {
  const mount = async (at: string): Promise<undefined> => mountRootfs(await blockAccess(image, true, true), at, true).then(() => undefined)
  return withScanMount({ lxcpath: dirname(dir), name: basename(dir) }, 'loop', mount, fn)
}

export const loopDriver: StorageDriver = {
  backend: 'loop',
  capabilities: {
    create: null,
    copyInto: null,
    cloneFrom: null,
    snapshotOf: [],
    snapshotRule: say('loop-no-snapshots'),
    snapshotDependsOnOrigin: false,
    mountableWhileRunning: false,
    needs: { tools: { losetup: 'mount', 'mkfs.ext4': 'e2fsprogs' }, root: true }
  },
  async create(target: BuildTarget, ctx: OpContext) {
    const image = await newImage(target, ctx)
    // the template fills the image, mounted there for it only
    return { spec: rootfsSpec(target), fill: await blockAccess(image, false, true) }
  },
  async copy(source: SourceStorage, target: BuildTarget, ctx: OpContext): Promise<RootfsSpec> {
    const image = await newImage(target, ctx)
    const at = join(target.buildDir, 'rootfs')
    // cp -a keeps owners, modes, times, hard links, xattrs and ACLs, like LXC's rsync -aHX
    await source.withVisibleTree((root) => runWithImageMounted(image, at, ['cp', '-a', '--', `${root}/.`, `${at}/`], { signal: ctx.signal }))
    return rootfsSpec(target)
  },
  async snapshot(): Promise<RootfsSpec> {
    throw refused('loop-cannot-snapshot', say('loop-no-snapshots'))
  },
  access: (spec, readOnly) => blockAccess(directoryOf(spec), readOnly, true),
  visibleTree: (spec, dir, fn) => withImageMounted(directoryOf(spec), dir, fn),
  async usage(spec, probe) {
    // The image is what the disk holds; its contents are counted only when it can be mounted (stopped).
    const path = directoryOf(spec)
    const st = lstatSync(path, { throwIfNoEntry: false })
    const image = st ? st.blocks * 512 : 0
    let measured = { ...NO_FIGURES, allocatedBytes: image }
    if (!probe.running && st) measured = await withImageMounted(path, join(probe.ref.lxcpath, probe.ref.name), async (root) => figures(await scanUsage(root, { signal: probe.signal })))
    return { measured, dataBytes: image, fsShared: null, source: 'scan', restBytes: probe.rest(path) }
  },
  writeHostname: (spec, at, name) => rewriteHostnameInImage(directoryOf(spec), at, name),
  detect: (_path: string, st: Stats | undefined) => st?.isFile() === true,
  storageOutside: (spec, containerDir) => pathOutside(directoryOf(spec), containerDir),
  async destroy(spec: RootfsSpec, containerDir: string): Promise<void> {
    // an image elsewhere goes too, as LXC unlinks it (once the user confirmed it)
    const outside = pathOutside(directoryOf(spec), containerDir)
    if (!outside) return
    try {
      unlinkSync(outside)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
  }
}
