// Clone: a copy clone (a standalone copy, dir) or a snapshot clone (overlay over the origin's
// lower), in the same or another lxcpath, with LXC 5's bookkeeping and config rewriting.
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Backend, ContainerRef, RootfsSpec } from '@shared/model'
import { claimer } from '../drivers/claims'
import { readGlobalConfig } from '../global-config'
import { settleForUser } from '../identity'
import { cloneConfig, includedLegacyKeys } from '../config/rewrite'
import type { ContainerRecord } from '../container'
import { resolveCloneBackend } from '../drivers/compat'
import { driverFor, sourceStorage } from '../drivers/index'
import type { HostnameResult } from '../fs/hostname'
import type { RootfsAccess } from '../fs/rootfs-mount'
import { RDEPENDS_FILE } from '../lineage/bookkeeping'
import { recordBaseFingerprint } from '../lineage/drift'
import { writeRdepends } from '../lineage/update'
import { writeProvenance } from '../lineage/provenance'
import { newContainerNameSaid } from '@shared/names'
import { canonicalRootfsSpec, relocateSpec } from '../rootfs'
import { assertFree, buildAndRegister, type BuildPlan } from './build'
import { configHooks, runLxcHooks } from './lxc-hooks'
import { note, type OpContext } from '../context'
import { refused } from '@shared/errors'
import { say } from '@shared/engine-text'
import { show } from '../errors'
import { assertStopped, loadExisting } from './preconditions'
import { refuseXattrLoss } from './xattr-loss'
import { admitLowers, admitRecordedRefs } from './recorded'

export interface CloneOptions {
  origin: ContainerRef
  name: string
  /** default: origin.lxcpath */
  lxcpath?: string
  snapshot?: boolean
  /** default: LXC's rule (drivers/compat.ts) */
  backend?: Backend
  expandConfig?: boolean
  /** passed on to each lxc.hook.clone of the new config (lxc-copy's `-- ARGS`) */
  hookArgs?: string[]
  /** make a copy into storage that keeps no xattrs even when the origin has some (ops/xattr-loss.ts) */
  allowLossy?: boolean
}

/** What lxc-snapshot and restore need beyond a user's clone. */
export interface CloneInternals {
  what?: string
  keepName?: boolean
  keepMacs?: boolean
  /** false for snapshots and restores: LXC cancels need_rdep between `<P>/<n>/snaps` and `<P>` */
  recordOrigin?: boolean
  /** where the journal/staging go when the target lxcpath is a snaps dir */
  workDir?: string
  /** extra files written into the new container dir (ts, comment) */
  extraFiles?: Record<string, string | Buffer>
  onHostname?: (r: HostnameResult) => void
}

export async function cloneContainer(opts: CloneOptions, ctx: OpContext = {}): Promise<ContainerRef> {
  if (!opts.expandConfig) refuseLegacyIncludes(loadExisting(opts.origin))
  return cloneWith(opts, {}, ctx)
}

/**
 * The clone keeps the origin's `lxc.include` lines and Strata converts only the clone's own
 * config: an included file with LXC 1.x/2.0 keys would leave a clone LXC 5 cannot load.
 */
export function refuseLegacyIncludes(origin: ContainerRecord): void {
  const legacy = includedLegacyKeys(origin.configFile)
  if (legacy.length === 0) return
  const files = [...new Set(legacy.map((k) => k.file))]
  const perFile = files.map((file) => {
    const keys = legacy.filter((k) => k.file === file).map((k) => `line ${k.line} ${k.key} ${k.modern === null ? '(remove it)' : `-> ${k.modern}`}`)
    return `${file} (${keys.join(', ')})`
  })
  const values = { name: origin.ref.name, files: perFile.join('; ') }
  throw refused(
    'legacy-include',
    files.length > 1 ? say('legacy-include-many', values) : say('legacy-include-one', values)
  )
}

export async function cloneWith(opts: CloneOptions, internals: CloneInternals, ctx: OpContext = {}): Promise<ContainerRef> {
  const prepared = await prepareClone(opts, internals, ctx)
  assertFree(prepared.plan.target, prepared.plan.finalDir)
  await buildAndRegister(prepared.plan, prepared.build, ctx)
  return prepared.plan.target
}

export interface PreparedClone {
  plan: BuildPlan
  /** builds the complete new container dir at `staging` (config names the final dir) */
  build: (staging: string) => Promise<RootfsSpec>
  backend: Backend
}

/** The new config's lxc.hook.clone on the new rootfs (mounted at `mountpoint` for them unless a directory). */
export async function runCloneHooks(configFile: string, staged: RootfsSpec, mountpoint: string, srcName: string, opts: CloneOptions, ctx: OpContext): Promise<number> {
  const hooks = configHooks(configFile, 'clone')
  if (hooks.hooks.length === 0) return 0
  const driver = driverFor(staged.backend)
  const root: RootfsAccess = await driver.access(staged, false)
  try {
    const env = { LXC_SRC_NAME: srcName, LXC_ROOTFS_MOUNT: 'dir' in root ? root.dir : mountpoint, LXC_ROOTFS_PATH: hooks.rootfsPath ?? undefined }
    return await runLxcHooks({ type: 'clone', configFile, name: opts.name, env, args: opts.hookArgs, rootfs: root, at: mountpoint, signal: ctx.signal }, hooks)
  } finally {
    if ('held' in root && root.held) await driver.release?.(root.held)
  }
}

/** Checks everything and plans the clone; nothing is written until build() runs. */
export async function prepareClone(opts: CloneOptions, internals: CloneInternals, ctx: OpContext = {}): Promise<PreparedClone> {
  const origin = loadExisting(opts.origin)
  const lxcpath = (opts.lxcpath ?? opts.origin.lxcpath).replace(/(.)\/+$/, '$1')
  if (!lxcpath.startsWith('/')) throw refused('relative-lxcpath', say('relative-lxcpath', { lxcpath }), lxcpath)
  const target: ContainerRef = { lxcpath, name: opts.name }
  const mode = opts.snapshot ? 'snapshot' : 'copy'
  if (!origin.spec || !origin.backend) {
    const problem = origin.problems.find((p) => p.severity === 'error')
    const why = problem ? (problem.said ?? problem.message) : say('no-rootfs-why')
    throw refused('no-rootfs', say('clone-no-rootfs', { name: origin.ref.name, why }), show(origin.ref))
  }
  const backend = resolveCloneBackend({ backend: origin.backend, lxcpath: origin.ref.lxcpath }, { lxcpath }, mode, opts.backend)
  const nameProblem = newContainerNameSaid(opts.name, { keepUtsName: internals.keepName })
  if (nameProblem) throw refused('bad-name', nameProblem)
  const finalDir = join(lxcpath, opts.name)
  if (!/\/snaps$/.test(opts.origin.lxcpath))   await assertStopped(opts.origin, 'clone')

  const driver = driverFor(backend)
  const source = sourceStorage(origin.spec, origin.dir)
  const specs = { zfsRoot: readGlobalConfig().zfsRoot }
  // What the new storage cannot keep is said before anything is made.
  if (mode === 'copy' && !opts.allowLossy) await refuseXattrLoss({ origin: origin.ref, into: { as: show(target) }, backend, driver, source, specs }, ctx.signal)
  // The dependencies a clone that reads its origin records (LXC's copy_rdepends + add_rdepends, for overlay).
  const deps: ContainerRef[] = []
  // Everything the build reads or records that the origin's files name must be in reach.
  admitLowers(origin.spec, origin.configFile, ctx)
  // (Where the storage records it itself, a zfs clone's origin, LXC writes nothing, nor does Strata.)
  if (driver.capabilities.snapshotDependsOnOrigin && !driver.capabilities.originInStorage) {
    if (mode === 'snapshot') {
      admitRecordedRefs(origin.rdepends ?? [], join(origin.dir, RDEPENDS_FILE), ctx)
      deps.push(...(origin.rdepends ?? []))
    }
    if (internals.recordOrigin !== false) deps.push(origin.ref)
  }
  const origins = deps.filter((d, i) => deps.findIndex((e) => e.lxcpath === d.lxcpath && e.name === d.name) === i)
  const recordCopyOrigin = mode === 'copy' && internals.recordOrigin !== false && !origins.some((o) => o.lxcpath === origin.ref.lxcpath && o.name === origin.ref.name)
  const plan: BuildPlan = { what: internals.what ?? 'clone', workDir: internals.workDir ?? lxcpath, target, finalDir, origins }
  const build = async (staging: string): Promise<RootfsSpec> => {
    note(ctx, mode, say(mode === 'snapshot' ? 'progress-snapshot-of' : 'progress-copy-of', { origin: show(origin.ref), backend }))
    const buildTarget = { buildDir: staging, finalDir, specs, claim: claimer(staging, backend), dropUnsupportedXattrs: opts.allowLossy }
    const spec = mode === 'snapshot' ? await driver.snapshot(source, buildTarget, ctx) : await driver.copy(source, buildTarget, ctx)
    const config = cloneConfig(origin.configFile, {
      oldDir: origin.dir,
      newDir: finalDir,
      newName: opts.name,
      rootfs: canonicalRootfsSpec(spec),
      keepName: internals.keepName,
      keepMacs: internals.keepMacs,
      expand: opts.expandConfig
    })
    for (const said of config.notes) note(ctx, 'config', said)
    for (const { from, to } of config.copies) {
      if (!existsSync(from)) continue
      const dest = staging + to.slice(finalDir.length)
      mkdirSync(dirname(dest), { recursive: true })
      copyFileSync(from, dest)
    }
    writeFileSync(join(staging, 'config'), config.text, { mode: 0o640 })
    if (origins.length > 0) writeRdepends(staging, origins)
    // A copy LXC keeps no origin for gets Strata's own record of it (not for snapshots and restores).
    if (recordCopyOrigin) writeProvenance(staging, origin.ref)
    // When this clone was made, so that `strata check` can name what in its base changed since.
    if ('lowers' in spec && spec.lowers[0]) recordBaseFingerprint(staging, spec.lowers[0])
    for (const [file, data] of Object.entries(internals.extraFiles ?? {})) writeFileSync(join(staging, file), data, { mode: 0o644 })
    settleForUser(staging)
    const staged = relocateSpec(spec, finalDir, staging)
    const mountpoint = join(staging, 'rootfs')
    // LXC runs the clone hooks first, then rewrites the hostname.
    const hooks = await runCloneHooks(join(staging, 'config'), staged, mountpoint, origin.ref.name, opts, ctx)
    if (hooks > 0) note(ctx, 'hooks', say('progress-clone-hooks', { count: hooks }))
    if (!internals.keepName) {
      const r = await driver.writeHostname(staged, mountpoint, opts.name)
      internals.onHostname?.(r)
      if (r.outcome === 'skipped') note(ctx, 'hostname', r.reason)
    }
    return spec
  }
  return { plan, build, backend }
}
