// An LXD (or Incus) server as an engine: the methods of the one engine table that LXD can carry
// out, each translated to LXD's API; the others are refused naming the rule. Strata keeps no state
// of its own here: LXD's database is the truth, and its operations do the work (a copy, a
// snapshot, a delete), so an interrupted call is LXD's to finish or roll back.
import { ENGINE, type EngineMethod, type EngineParams, type EngineResult } from '@shared/engine-api'
import { cancelled, failed, isStrataError, notFound, refused, unavailable, type StrataError } from '@shared/errors'
import { say } from '@shared/engine-text'
import { paramsSaid } from '@shared/param-issues'
import type { BackendChoice, ConfigView, ContainerInfo, ContainerRef, ContainerUsage, OpProgress, SnapshotInfo, UsageFigures } from '@shared/model'
import type { CallOptions } from '../../engine-client'
import { scanUsage } from '../../engine/native'
import { figures, NO_FIGURES } from '../../engine/fs/tree-usage'
import { firstFileWithXattrs } from '../../engine/fs/xattr-scan'
import type { Hello } from '../../helper/protocol'
import type { HostEngine, HostEngineOptions } from '../host-engine'
import type { RemoteHost } from '../hosts-file'
import { lxdConnection, parseLxdUrl, type LxdEndpoint, type LxdOperation } from './lxd-connection'
import { backendOfPool, configLines, containerInfo, instancePath, lineageOf, nextSnapshotName, projectOf, projectPath, rootPool, type LxdInstance, type LxdPool } from './lxd-model'
import { readLxdCredentials } from './lxd-trust'
import { watchLxdChanges } from './lxd-watch'
import { exportFromLxd, type LxdSource } from './lxd-export'
import { importIntoLxd, lxdNameIssue, type LxdTarget } from './lxd-import'
import { sweepTemporaryImages } from './lxd-temp-images'
import { watchLxdPresence } from './lxd-presence'
import { LxdEventHub } from './lxd-event-hub'

type Handler<M extends EngineMethod> = (params: EngineParams<M>, opts: CallOptions) => Promise<EngineResult<M>>
type Handlers = { [M in EngineMethod]?: Handler<M> }

export function lxdEngine(host: RemoteHost & { lxd: NonNullable<RemoteHost['lxd']> }, opts: Pick<HostEngineOptions, 'onGone' | 'onBack'> = {}): HostEngine {
  const endpoint: LxdEndpoint = { ...parseLxdUrl(host.lxd.url), ...(host.lxd.url.startsWith('https:') ? readLxdCredentials(host) : {}) } as LxdEndpoint
  const api = lxdConnection(host.name, endpoint)
  let info: Hello | null = null
  /** the cluster member this endpoint is (LXD's server_name) */
  let serverName = ''
  let clustered = false
  /** ends the watches when the engine is closed */
  const closing = new AbortController()
  /** the host's one events stream, for its presence and the watches of changes */
  const events = new LxdEventHub(api, closing.signal)
  /** whether the host's presence is watched yet (from the first connect on, when someone listens) */
  let watchingPresence = false
  const served = (): string[] => info?.lxcpaths ?? []
  const project = (lxcpath: string): string => projectOf(lxcpath, host.name, served())

  async function pools(): Promise<Map<string, LxdPool>> {
    const list = await api.get<LxdPool[]>('/1.0/storage-pools?recursion=1')
    // In a cluster, a pool's source is each member's own: asked of this member by name.
    const own = clustered ? await Promise.all(list.map((p) => api.get<LxdPool>(`/1.0/storage-pools/${encodeURIComponent(p.name)}?target=${encodeURIComponent(serverName)}`))) : list
    return new Map(own.map((p) => [p.name, p]))
  }

  async function instances(lxcpath: string): Promise<LxdInstance[]> {
    const all = await api.get<LxdInstance[]>(`/1.0/instances?recursion=2&project=${encodeURIComponent(project(lxcpath))}`)
    // Virtual machines are not containers: Strata shows LXC's kind of instance only.
    return all.filter((i) => i.type === 'container')
  }

  async function instance(ref: ContainerRef): Promise<LxdInstance> {
    try {
      return await api.get<LxdInstance>(instancePath(ref, project(ref.lxcpath)).replace('?', '?recursion=1&'))
    } catch (err) {
      if (isStrataError(err) && err.code === 'not-found') throw notFound(say('lxd-no-container', { name: ref.name, lxcpath: ref.lxcpath, host: host.name }), ref.name, 'no-such-container')
      throw err
    }
  }

  async function listInfos(lxcpaths: string[] | undefined): Promise<{ infos: ContainerInfo[]; raw: Map<string, LxdInstance>; pools: Map<string, LxdPool> }> {
    const poolMap = await pools()
    const infos: ContainerInfo[] = []
    const raw = new Map<string, LxdInstance>()
    for (const lxcpath of lxcpaths ?? served()) {
      for (const i of await instances(lxcpath)) {
        infos.push(containerInfo(lxcpath, i, poolMap))
        raw.set(`${lxcpath}/${i.name}`, i)
      }
    }
    return { infos, raw, pools: poolMap }
  }

  /** Runs an async LXD call to its end, its progress reported as LXD words it. */
  async function operate(method: string, path: string, body: unknown, opts: CallOptions, phase: string): Promise<LxdOperation | null> {
    if (opts.signal?.aborted) throw cancelled('cancelled; nothing was asked of LXD.')
    // Not aborted once sent: LXD may already act on it (an instance being made), and only its
    // operation, which wait() cancels where LXD can and follows to its end, says when that is
    // over. Aborting the request itself left a cancelled copy's instance to appear after its undo.
    const { operation } = await api.call(method, path, body)
    if (!operation) return null
    // LXD's events repeat the operation whenever anything in it changes: only new words are progress
    let said: string | undefined
    const onUpdate = (op: LxdOperation): void => {
      const progress = progressOf(op, phase)
      if (said !== undefined && progress.message === said) return
      said = progress.message
      opts.onProgress?.(progress)
    }
    return api.wait(operation, { signal: opts.signal, onUpdate })
  }

  /** A copy LXD could not cancel ends anyway; then the copy is deleted, so a cancelled clone leaves nothing. */
  async function copyInstance(target: ContainerRef, source: string, sourceProject: string, opts: CallOptions, member?: string): Promise<ContainerRef> {
    const proj = project(target.lxcpath)
    // LXD copies the volume; the instance's own config, devices and profiles come in the request, as `lxc copy` sends them.
    const [owner, snap] = source.split('/')
    const from = await api.get<{ architecture: string; config: Record<string, string>; devices: Record<string, unknown>; profiles: string[]; ephemeral: boolean }>(
      `/1.0/instances/${encodeURIComponent(owner!)}${snap ? `/snapshots/${encodeURIComponent(snap)}` : ''}?project=${encodeURIComponent(sourceProject)}`
    )
    const body = {
      name: target.name,
      architecture: from.architecture,
      config: copiedConfig(from.config),
      devices: from.devices,
      profiles: from.profiles,
      ephemeral: from.ephemeral,
      source: { type: 'copy', source, project: sourceProject, instance_only: true }
    }
    const undo = async (cause?: unknown): Promise<never> => {
      await operate('DELETE', instancePath(target, proj), undefined, {}, 'destroy').catch(() => undefined)
      throw cancelled(`cancelled; ${target.name} was not made on ${host.name}.`, { cause })
    }
    try {
      const where = member ? `&target=${encodeURIComponent(member)}` : ''
      await operate('POST', `/1.0/instances?project=${encodeURIComponent(proj)}${where}`, body, opts, 'copy')
    } catch (err) {
      if (opts.signal?.aborted) await undo(err)
      throw err
    }
    if (opts.signal?.aborted) await undo()
    return target
  }

  async function setState(ref: ContainerRef, action: string, extra: Record<string, unknown>, opts: CallOptions): Promise<{ ok: true }> {
    await operate('PUT', instancePath(ref, project(ref.lxcpath), '/state'), { action, ...extra }, opts, action)
    return { ok: true }
  }

  async function usageOf(infos: ContainerInfo[], raw: Map<string, LxdInstance>, poolMap: Map<string, LxdPool>): Promise<ContainerUsage[]> {
    const out: ContainerUsage[] = []
    for (const c of infos) {
      const inst = raw.get(`${c.lxcpath}/${c.name}`)!
      const poolName = rootPool(inst)
      const pool = poolName ? poolMap.get(poolName) : undefined
      const proj = project(c.lxcpath)
      const volume = proj === 'default' ? c.name : `${proj}_${c.name}`
      const own = await volumeBytes(pool, volume, proj, `containers/${volume}`, inst.location)
      const snaps: ContainerUsage[] = []
      for (const s of c.snapshots) {
        const m = await volumeBytes(pool, `${volume}/${s.name}`, proj, `containers-snapshots/${volume}/${s.name}`, inst.location)
        if (m) snaps.push(usageEntry({ lxcpath: s.snapdir, name: s.name }, c.backend, m, m.bytes))
      }
      if (own) out.push(usageEntry({ lxcpath: c.lxcpath, name: c.name }, c.backend, own, own.bytes + snaps.reduce((t, s) => t + s.exclusiveBytes, 0)))
      out.push(...snaps)
    }
    return out
  }

  /**
   * A volume's size from the pool (LXD knows it where the pool has quotas or its own accounting:
   * btrfs, zfs, lvm); where it does not (a dir pool without quotas) and the pool is on this
   * computer, its directory scanned here. Null when neither can be had.
   */
  async function volumeBytes(pool: LxdPool | undefined, volume: string, proj: string, dirUnderPool: string, location: string): Promise<Measured | null> {
    if (!pool) return null
    try {
      const state = await api.get<{ usage: { used: number } | null }>(`/1.0/storage-pools/${encodeURIComponent(pool.name)}/volumes/container/${volume.split('/').map(encodeURIComponent).join('/')}/state?project=${encodeURIComponent(proj)}`)
      if (state.usage) return { bytes: state.usage.used, figures: { ...NO_FIGURES, allocatedBytes: state.usage.used, apparentBytes: state.usage.used }, source: 'lxd', note: `LXD's ${pool.driver} pool reports bytes only, not files.` }
    } catch {
      // "Not supported": fall through to a scan where the pool is here
    }
    // A dir pool's directory is this member's: another member's volumes are not here to scan.
    if (endpoint.kind !== 'unix' || !pool.config.source?.startsWith('/') || (location && location !== 'none' && location !== serverName)) return null
    try {
      const r = figures(await scanUsage(`${pool.config.source}/${dirUnderPool}`))
      return { bytes: r.allocatedBytes, figures: r, source: 'scan', note: `LXD's ${pool.driver} pool does not measure volumes (no quotas); scanned on this computer.` }
    } catch {
      return null
    }
  }

  const handlers: Handlers = {
    listContainers: async (p) => (await listInfos(p.lxcpaths)).infos,
    lineage: async (p) => lineageOf((await listInfos(p.lxcpaths)).infos),
    usage: async (p) => {
      const { infos, raw, pools: poolMap } = await listInfos(p.lxcpaths)
      return usageOf(infos, raw, poolMap)
    },
    configView: async (p): Promise<ConfigView> => {
      const inst = await instance(p)
      const lines = configLines(inst)
      const file = `/1.0/instances/${inst.name}`
      return {
        file,
        raw: lines.map((l) => `${l.key}: ${l.value}\n`).join(''),
        entries: lines.map((l, i) => ({ ...l, file, line: i + 1, legacy: null })),
        problems: []
      }
    },
    startContainer: (p, o) => setState(p, 'start', {}, o),
    stopContainer: (p, o) => setState(p, 'stop', { timeout: p.timeout ?? 60, force: p.kill ?? false }, o),
    restartContainer: (p, o) => setState(p, 'restart', { timeout: p.timeout ?? 60, force: p.kill ?? false }, o),
    freezeContainer: (p, o) => setState(p, 'freeze', {}, o),
    unfreezeContainer: (p, o) => setState(p, 'unfreeze', {}, o),
    cloneChoices: async (p) => {
      if (!p.origin) return importChoices(await pools(), await defaultPool(project(p.lxcpath)), await onlineMembers())
      const backend = containerInfo(p.origin.lxcpath, await instance(p.origin), await pools()).backend ?? 'dir'
      return [{ backend, mode: 'copy', allowed: true, reason: null, isDefault: true }]
    },
    clone: async (p, o) => {
      const target = { lxcpath: p.lxcpath ?? p.origin.lxcpath, name: p.name }
      if (p.backend) {
        const backend = containerInfo(p.origin.lxcpath, await instance(p.origin), await pools()).backend
        if (backend !== p.backend)
          throw refused('lxd-backend', say('lxd-copy-pool', { host: host.name, backend: backend ?? 'unknown', requested: p.backend }), p.name)
      }
      // LXD makes a copy-on-write copy by itself where the pool can (btrfs, zfs, lvm thin); a
      // snapshot clone in LXC's sense (one that needs its origin) does not exist there.
      return copyInstance(target, p.origin.name, project(p.origin.lxcpath), o, p.member)
    },
    destroy: async (p, o) => {
      const ref = { lxcpath: p.lxcpath, name: p.name }
      const inst = await instance(ref)
      if (inst.status !== 'Stopped') throw refused('running', say('lxd-running', { name: p.name, host: host.name, status: inst.status.toLowerCase() }), p.name)
      const snaps = inst.snapshots ?? []
      if (snaps.length && !p.withDependents)
        throw refused(
          'has-dependents',
          say('lxd-has-snapshots', { name: p.name, host: host.name, count: snaps.length, snapshots: snaps.map((s) => s.name).join(', ') }),
          p.name
        )
      await operate('DELETE', instancePath(ref, project(p.lxcpath)), undefined, o, 'destroy')
      return { destroyed: [...snaps.map((s) => ({ lxcpath: `${p.lxcpath}/${p.name}/snaps`, name: s.name })), ref] }
    },
    createSnapshot: async (p, o): Promise<SnapshotInfo> => {
      if (p.comment) throw refused('lxd-snapshot-comment', say('lxd-snapshot-comment', { name: p.name, host: host.name }), p.name)
      const ref = { lxcpath: p.lxcpath, name: p.name }
      const inst = await instance(ref)
      const name = nextSnapshotName(inst.snapshots ?? [])
      await operate('POST', instancePath(ref, project(p.lxcpath), '/snapshots'), { name }, o, 'snapshot')
      const after = containerInfo(p.lxcpath, await instance(ref), await pools())
      const made = after.snapshots.find((s) => s.name === name)
      if (!made) throw failed(say('lxd-snapshot-unlisted', { host: host.name, snapshot: name, name: p.name }), { subject: p.name })
      return made
    },
    restoreSnapshot: async (p, o) => {
      const ref = { lxcpath: p.lxcpath, name: p.name }
      if (p.newName) return copyInstance({ lxcpath: p.lxcpath, name: p.newName }, `${p.name}/${p.snapshot}`, project(p.lxcpath), o)
      await operate('PUT', instancePath(ref, project(p.lxcpath)), { restore: p.snapshot }, o, 'restore')
      return ref
    },
    checkName: async (p) => {
      const issue = lxdNameIssue(p.name)
      if (issue) return { issue }
      const ref = { lxcpath: p.lxcpath, name: p.name }
      return { issue: (await exists(ref)) ? { rule: 'taken' as const, values: { name: p.name, lxcpath: p.lxcpath }, message: `${p.name} already exists on ${host.name}: choose another name.` } : null }
    },
    // LXD's pools keep xattrs (LXD writes ACLs and capabilities into them itself, unpacking images): nothing is lost in one
    importXattrLoss: async () => null,
    originXattrs: async (p, o) => {
      const inst = await instance(p)
      const poolName = rootPool(inst)
      const pool = poolName ? (await pools()).get(poolName) : undefined
      const proj = project(p.lxcpath)
      const volume = proj === 'default' ? p.name : `${proj}_${p.name}`
      // LXD's API does not say which files have xattrs: a dir pool on this computer is scanned here, as its usage is
      if (!pool || pool.driver !== 'dir' || endpoint.kind !== 'unix' || !pool.config.source?.startsWith('/') || (inst.location && inst.location !== 'none' && inst.location !== serverName))
        throw unavailable('lxd-xattr-scan', say('lxd-xattr-scan', { host: host.name, name: p.name, pool: poolName ?? '(none)' }), { subject: p.name })
      return firstFileWithXattrs(`${pool.config.source}/containers/${volume}/rootfs`, o.signal)
    },
    exportContainer: (p, o) => exportFromLxd(copySide, p, o),
    importContainer: (p, o) => importIntoLxd(copySide, p, o),
    deleteSnapshot: async (p, o) => {
      await operate('DELETE', instancePath(p, project(p.lxcpath), `/snapshots/${encodeURIComponent(p.snapshot)}`), undefined, o, 'destroy')
      return { ok: true as const }
    },
    // Changes made with LXD's own client (or anything else on its API), from its events stream (lxd-watch.ts).
    watchChanges: async (p, o) => {
      const stream = o.stream
      if (!stream || !o.signal) throw failed('watchChanges is a stream: it needs the stream to run on.', { subject: host.name })
      const lxcpaths = p.lxcpaths ?? served()
      const byProject = new Map(lxcpaths.map((lxcpath) => [project(lxcpath), lxcpath]))
      const stop = new AbortController()
      const end = (): void => stop.abort()
      o.signal.addEventListener('abort', end, { once: true })
      closing.signal.addEventListener('abort', end, { once: true })
      if (o.signal.aborted || closing.signal.aborted) end()
      try {
        await watchLxdChanges(events, [...byProject.keys()], stop.signal, (proj) => stream.send(byProject.get(proj)!))
      } finally {
        o.signal.removeEventListener('abort', end)
        closing.signal.removeEventListener('abort', end)
      }
      return { exitCode: null, closed: true }
    }
  }

  /** Whether an instance of that name is there. */
  async function exists(ref: ContainerRef): Promise<boolean> {
    try {
      await api.get(instancePath(ref, project(ref.lxcpath)))
      return true
    } catch (err) {
      if (isStrataError(err) && err.code === 'not-found') return false
      throw err
    }
  }

  /** A cluster's members that are online, by name; none outside a cluster. */
  async function onlineMembers(): Promise<string[]> {
    if (!clustered) return []
    const members = await api.get<{ server_name: string; status: string }[]>('/1.0/cluster/members?recursion=1')
    return members.filter((m) => m.status === 'Online').map((m) => m.server_name)
  }

  /** The pool of the project's default profile's root disk, if it has one. */
  async function defaultPool(proj: string): Promise<string | null> {
    const profile = await api.get<{ devices: Record<string, Record<string, string>> }>(`/1.0/profiles/default?project=${encodeURIComponent(proj)}`)
    return Object.values(profile.devices ?? {}).find((d) => d.type === 'disk' && d.path === '/')?.pool ?? null
  }

  /** What a copy between hosts (lxd-import.ts, lxd-export.ts) needs of this engine. */
  const copySide: LxdTarget & LxdSource = {
    host: host.name,
    endpoint,
    project,
    pools,
    defaultPool,
    architectures: async () => (await api.get<{ environment?: { architectures?: string[] } }>('/1.0')).environment?.architectures ?? [],
    exists,
    instance,
    state: async (ref, inst) => containerInfo(ref.lxcpath, inst, await pools()).state,
    operate,
    wait: (operation, opts, phase) => api.wait(operation, { signal: opts.signal, onUpdate: (op) => opts.onProgress?.(progressOf(op, phase)) }),
    sweepTemporaryImages: (proj) => sweepTemporaryImages(api, [proj])
  }

  /** What the server is and serves; left-behind temporary images swept. */
  async function greet(): Promise<Hello> {
    const server = await api.get<{ auth: string; environment?: { server_name?: string; server_clustered?: boolean } }>('/1.0')
    serverName = server.environment?.server_name ?? ''
    clustered = server.environment?.server_clustered ?? false
    if (server.auth !== 'trusted')
      throw refused('lxd-untrusted', say('lxd-not-trusted-yet', { host: host.name }), host.name)
    const projects = await api.get<string[]>('/1.0/projects')
    info = {
      protocol: 0,
      pid: 0,
      uid: 0,
      lxcpaths: projects.map((p) => projectPath(decodeURIComponent(p.split('/').pop()!))),
      refused: [],
      methods
    }
    // what a copy killed mid-way left here (lxd-temp-images.ts)
    await sweepTemporaryImages(api, info.lxcpaths.map(project))
    return info
  }

  /**
   * The host's state from its events stream (lxd-presence.ts), for whoever listens (the app's
   * host connection): a stream that cannot be opened again is the host gone, one that opens
   * after that (or after a connect that failed) is the host back.
   */
  function watchPresence(reachable: boolean): void {
    if (watchingPresence || !opts.onGone || closing.signal.aborted) return
    watchingPresence = true
    const gone = (err: unknown): StrataError =>
      isStrataError(err) ? err : unavailable('lxd-unreachable', say('lxd-host-unreachable', { host: host.name, error: String(err) }), { subject: host.name, cause: err })
    watchLxdPresence(events, closing.signal, { onLost: (err) => opts.onGone?.(gone(err)), onBack: () => opts.onBack?.() }, reachable)
  }

  const methods = Object.keys(handlers) as EngineMethod[]
  return {
    kind: 'remote',
    host,
    get info() {
      return info
    },
    async connect() {
      try {
        const hello = await greet()
        watchPresence(true)
        return hello
      } catch (err) {
        watchPresence(false)
        throw err
      }
    },
    async call<M extends EngineMethod>(method: M, params: EngineParams<M>, opts: CallOptions = {}): Promise<EngineResult<M>> {
      const handler = handlers[method] as Handler<M> | undefined
      if (!handler) throw refused('lxd-unsupported', say('lxd-unsupported', { method, host: host.name, methods: methods.join(', ') }), host.name)
      if (!info) await this.connect()
      const checked = ENGINE[method].params.safeParse(params)
      if (!checked.success) throw refused('bad-params', paramsSaid(method, checked.error.issues, params), host.name)
      return handler(checked.data as EngineParams<M>, opts)
    },
    close: async () => closing.abort()
  }
}

/** What a copy keeps of its source's config: LXD's own `volatile.*` keys are the source's alone (ids, MACs), except the image it came from. */
function copiedConfig(config: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(config ?? {}).filter(([k]) => !k.startsWith('volatile.') || k === 'volatile.base_image'))
}

type Measured = { bytes: number; figures: UsageFigures; source: ContainerUsage['source']; note?: string }

/** One container's (or snapshot's) usage: LXD shares nothing between volumes Strata can see, so all of it is its own. */
function usageEntry(ref: ContainerRef, backend: ContainerUsage['backend'], m: Measured, freed: number): ContainerUsage {
  return {
    ref,
    backend,
    exclusiveBytes: m.bytes,
    sharedBytes: 0,
    freedIfDeletedBytes: freed,
    savedByClonesBytes: 0,
    measured: m.figures,
    source: m.source,
    ...(m.note ? { sourceNote: m.note } : {})
  }
}

/** LXD's progress words (metadata like `create_instance_from_image_unpack_progress: "Unpack: 40%"`) as Strata's progress. */
function progressOf(op: LxdOperation, phase: string): OpProgress {
  const words = Object.entries(op.metadata ?? {})
    .filter(([k, v]) => /progress/i.test(k) && typeof v === 'string')
    .map(([, v]) => v as string)
  return { phase, message: words.length ? words.join(', ') : op.status }
}

/**
 * The storage a copy from another host can go into here: each pool of a driver Strata names, by
 * its name, the default profile's marked; in a cluster, with the members it can be placed on
 * (an LXD cluster's pools are on every member).
 */
function importChoices(pools: Map<string, LxdPool>, defaultPool: string | null, members: string[]): BackendChoice[] {
  const choices: BackendChoice[] = []
  for (const pool of pools.values()) {
    const backend = backendOfPool(pool)
    if (backend !== null) choices.push({ backend, mode: 'copy', allowed: true, reason: null, isDefault: pool.name === defaultPool, pool: pool.name, ...(members.length ? { members } : {}) })
  }
  if (choices.length && !choices.some((c) => c.isDefault)) choices[0]!.isDefault = true
  return choices
}
