// Overlay mounts, built in one place: the filesystem type this kernel names, the options with
// every path escaped as overlayfs parses them, why a mount failed, and the read-only merged
// view of a layered rootfs that a copy reads (in a private temporary directory, always
// unmounted afterwards). Used by the overlay driver, flatten and the mount of any overlay.
import { mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { RootfsSpec } from '@shared/model'
import { mountOf } from '../mount'
import type { RootfsAccess } from './rootfs-mount'
import { failed, refused, unavailable } from '@shared/errors'
import { say, type Said } from '@shared/engine-text'
import { run, toolFailure } from '../tools'

/**
 * The filesystem type name to mount overlays with: `overlay` (kernel >= 4.0), or the legacy
 * `overlayfs` of Ubuntu's old kernels when /proc/filesystems lists only that; null when neither.
 */
export function overlayFsType(procFilesystems = '/proc/filesystems'): 'overlay' | 'overlayfs' | null {
  let text: string
  try {
    text = readFileSync(procFilesystems, 'utf8')
  } catch {
    return null
  }
  const names = new Set(text.split('\n').map((l) => l.split('\t').pop()?.trim()))
  if (names.has('overlay')) return 'overlay'
  if (names.has('overlayfs')) return 'overlayfs'
  return null
}

/** overlayfs parses its options itself: `\` escapes a `:` inside a layer path and a `,` inside any path. */
function escapeLayer(path: string): string {
  return path.replace(/([\\:,])/g, '\\$1')
}

/** The layers of a layered rootfs (overlay, or aufs read as one). */
export function layersOf(spec: RootfsSpec): OverlayLayers {
  if (!('lowers' in spec)) throw refused('not-layered', say('not-layered', { backend: spec.backend }))
  return { lowers: spec.lowers, upper: spec.upper }
}

export interface OverlayLayers {
  /** top layer first, as in `lowerdir=` */
  lowers: string[]
  upper: string
  /** default: LXC's rule, `dirname(upper)/work` */
  workdir?: string
}

/**
 * The mount options for an overlay. Read-only puts the upper on top of the lowers as one more
 * read-only layer: the kernel then writes nothing (no workdir, no copy-up, no index) and the
 * upper can even be in use by LXC at the same time. Read-write mounts it as LXC does.
 */
export function overlayMountOptions(layers: OverlayLayers, readOnly: boolean): string {
  if (layers.lowers.length === 0) throw refused('overlay-needs-lower', say('overlay-needs-lower', { upper: layers.upper }), layers.upper)
  if (readOnly) return `ro,lowerdir=${[layers.upper, ...layers.lowers].map(escapeLayer).join(':')}`
  const workdir = layers.workdir ?? join(dirname(layers.upper), 'work')
  return `lowerdir=${layers.lowers.map(escapeLayer).join(':')},upperdir=${escapeLayer(layers.upper)},workdir=${escapeLayer(workdir)}`
}

/** The last overlayfs line the kernel logged: it says why a mount was refused (mount(8) only says "wrong fs type"). */
async function kernelOverlayMessage(): Promise<string | null> {
  try {
    const r = await run('dmesg', [], { timeoutMs: 5000 })
    const lines = String(r.stdout)
      .split('\n')
      .filter((l) => /overlayfs:/.test(l))
    const last = lines[lines.length - 1]
    return last ? last.replace(/^\[[^\]]*\]\s*/, '') : null
  } catch {
    return null
  }
}

/**
 * Why an overlay mount failed, in words: a missing layer, a workdir that is missing or on another
 * filesystem than the upper, no overlay support, or (found by a test mount of empty directories
 * on the same filesystem) a filesystem that cannot hold an overlay layer at all.
 */
export async function explainOverlayFailure(layers: OverlayLayers, readOnly: boolean, fstype = overlayFsType()): Promise<Said> {
  if (!fstype) return say('overlay-no-kernel')
  // mount(2) needs root, or a user namespace of one's own: an unprivileged user's rootfs is mounted by LXC inside the container's
  const uid = process.geteuid?.()
  if (uid !== undefined && uid !== 0)
    return say('overlay-needs-root', { uid })
  for (const lower of layers.lowers) {
    const st = statSync(lower, { throwIfNoEntry: false })
    if (!st) return say('overlay-lower-missing', { lower })
    if (!st.isDirectory()) return say('overlay-lower-not-dir', { lower })
  }
  const up = statSync(layers.upper, { throwIfNoEntry: false })
  if (!up) return say('overlay-upper-missing', { upper: layers.upper })
  if (!up.isDirectory()) return say('overlay-upper-not-dir', { upper: layers.upper })
  if (!readOnly) {
    const workdir = layers.workdir ?? join(dirname(layers.upper), 'work')
    const wk = statSync(workdir, { throwIfNoEntry: false })
    if (!wk) return say('overlay-workdir-missing', { workdir })
    if (wk.dev !== up.dev) return say('overlay-workdir-other-fs', { workdir, upper: layers.upper })
  }
  // Test mounts with empty layers on the same filesystems tell "this filesystem cannot do it" from "these layers are wrong".
  for (const dir of [dirname(layers.upper), ...layers.lowers.map((l) => dirname(l))]) {
    const why = await testOverlayOn(dir, fstype, !readOnly && dir === dirname(layers.upper))
    if (why) {
      const fs = mountOf(dir)
      const on = { dir, fstype: fs?.fstype ?? 'unknown', mountpoint: fs?.mountpoint ?? '?', why }
      return dir === dirname(layers.upper) ? say('overlay-fs-no-upper', on) : say('overlay-fs-no-lower', on)
    }
  }
  const kernel = await kernelOverlayMessage()
  return kernel ? say('overlay-kernel-refused-saying', { kernel }) : say('overlay-kernel-refused')
}

/** Mounts an overlay of empty directories made in `dir`; returns null if it works, else the reason. */
async function testOverlayOn(dir: string, fstype: string, withUpper: boolean): Promise<Said | string | null> {
  let base: string
  try {
    base = mkdtempSync(join(dir, '.strata-ovltest-'))
  } catch (err) {
    return say('overlay-test-dir', { dir, error: (err as Error).message })
  }
  const [l1, l2, u, w, m] = ['l1', 'l2', 'u', 'w', 'm'].map((n) => join(base, n)) as [string, string, string, string, string]
  for (const d of [l1, l2, u, w, m]) mkdirSync(d)
  const options = withUpper ? `lowerdir=${escapeLayer(l1)},upperdir=${escapeLayer(u)},workdir=${escapeLayer(w)}` : `ro,lowerdir=${escapeLayer(l1)}:${escapeLayer(l2)}`
  try {
    await run('mount', ['-t', fstype, '-o', options, 'strata-test', m], { timeoutMs: 15_000 })
    await run('umount', [m], { timeoutMs: 15_000 })
    return null
  } catch (err) {
    return (await kernelOverlayMessage()) ?? (toolFailure(err) ? toolFailure(err)?.stderr || (err as Error).message : String(err))
  } finally {
    rmSync(base, { recursive: true, force: true })
  }
}

/** Runs fn with the merged tree of `layers` mounted read-only: the upper becomes the topmost lower, so nothing is written. */
export async function withMergedView<T>(layers: OverlayLayers, fn: (root: string) => Promise<T>): Promise<T> {
  const fstype = overlayFsType()
  if (!fstype) throw unavailable('no-overlay', say('merged-tree-unavailable', { upper: layers.upper, why: await explainOverlayFailure(layers, true, null) }), { subject: layers.upper })
  const at = mkdtempSync(join(tmpdir(), 'strata-merged-'))
  try {
    await run('mount', ['-t', fstype, '-o', overlayMountOptions(layers, true), 'strata-merged', at])
  } catch (err) {
    rmdirSync(at)
    if (!toolFailure(err)) throw err
    throw failed(say('merged-tree-unavailable', { upper: layers.upper, why: await explainOverlayFailure(layers, true, fstype) }), { subject: layers.upper, cause: err })
  }
  try {
    return await fn(at)
  } finally {
    await run('umount', [at]).catch(() => run('umount', ['-l', at]))
    rmdirSync(at)
  }
}

/** An overlay mount of these layers, read-only (the upper as one more lower: nothing is written) or as LXC mounts it. */
export async function overlayAccess(layers: OverlayLayers, readOnly: boolean): Promise<RootfsAccess> {
  const fstype = overlayFsType()
  if (!fstype) throw unavailable('no-overlay', say('overlay-cannot-mount', { upper: layers.upper, why: await explainOverlayFailure(layers, readOnly, null) }), { subject: layers.upper })
  return { type: fstype, options: [overlayMountOptions(layers, readOnly)], source: 'strata-overlay', explain: () => explainOverlayFailure(layers, readOnly, fstype) }
}
