// The app's hosts: this computer's session, and one per remote host in the user's hosts file
// (host-connection.ts), behind the one contract (src/shared/api.ts). A call names its host, or
// none for this computer, and runs in that host's session; tasks and streams are then followed by
// their id, which names one session (the ids are shared). Events carry on as they come, a
// `changed` naming its host. Adding an SSH host trusts its keys only as the user confirmed them.
import { EventEmitter } from 'node:events'
import { EVENTS, METHODS, parseParams, type EventName, type Events, type HostStatus, type Method, type StrataInvoke } from '@shared/api'
import { refused } from '@shared/errors'
import { say, type SaidValue } from '@shared/engine-text'
import { note } from '../engine/context'
import type { CallOptions, EngineClient } from '../engine-client'
import { changedKeyAdvice, checkHostKeys } from './host-keys'
import { HostConnection } from './host-connection'
import { addHost, findHost, hostsFilePath, parseDestination, readHosts, type SshHost } from './hosts-file'
import { trustKeys } from './ssh'
import { checkCopy, copyProgress, droppedNote, refuseLoss, refuseLxdOnlyChoices } from './host-copy'
import { copyAcrossHosts } from './transfer-relay'

const HOST_METHODS = ['hosts', 'connectHost', 'scanHostKey', 'addSshHost', 'copyToHost'] as const
type HostMethod = (typeof HOST_METHODS)[number]
/** What one host's session answers: everything but the methods about hosts. */
export type SessionApi = Omit<StrataInvoke, HostMethod>

/** The app's service: every host's, behind one api; its events; the streams its clients opened. */
export interface Service {
  api: StrataInvoke
  on<E extends EventName>(event: E, cb: (payload: Events[E]) => void): () => void
  /** closes streams a client opened, when it goes away (a closed page, a dropped WebSocket) */
  closeStreams(streamIds: Iterable<string>): void
  close(): void
}

/** One host's service (service.ts): its api, its engine and tasks (for work that spans hosts), its events, its open streams. */
export interface Session extends Omit<Service, 'api'> {
  api: SessionApi
  /** its engine methods, routed and admitted as its api's are */
  engine: EngineClient
  /** runs work as one of its tasks (progress, cancel, taskDone), the lxcpaths listed as changed after it */
  task(work: (call: CallOptions) => Promise<unknown>, changed: string[]): { taskId: string }
}

export interface HostSessionsOptions {
  /** the service on a remote host's engine */
  session(engine: EngineClient, lxcpaths: string[]): Session
  /** the hosts file; default the user's (hosts-file.ts) */
  hostsFile?: string
}

/** Methods that follow a task or a stream by its id, wherever it was opened. */
const BY_ID: Partial<Record<Method, 'taskId' | 'streamId'>> = { cancelTask: 'taskId', streamInput: 'streamId', closeStream: 'streamId' }

export function withHosts(local: Session, opts: HostSessionsOptions): Service {
  const file = opts.hostsFile ?? hostsFilePath()
  const events = new EventEmitter()
  const emit = <E extends EventName>(e: E, p: Events[E]): void => void events.emit(e, p)
  /** the session each running task and open stream belongs to */
  const owners = new Map<string, Session>()
  const connections = new Map<string, HostConnection>()

  const listen = (session: Session, host?: string): void => {
    for (const ev of EVENTS) {
      session.on(ev, (payload: Events[typeof ev]) => {
        if (ev === 'taskDone') owners.delete((payload as Events['taskDone']).taskId)
        if (ev === 'streamEnd') owners.delete((payload as Events['streamEnd']).streamId)
        emit(ev, ev === 'changed' && host !== undefined ? { ...(payload as Events['changed']), host } : payload)
      })
    }
  }
  listen(local)

  /** The connection of a host in the hosts file (made on first use, not connected until asked). */
  const connection = (name: string): HostConnection => {
    const known = connections.get(name)
    if (known) return known
    const host = readHosts(file).find((h) => h.name === name)
    if (!host) throw refused('no-such-host', say('no-such-host-add', { host: name, file }), name)
    const made = new HostConnection(host, {
      session: opts.session,
      onState: (status) => emit('hostState', status),
      onSession: (session) => listen(session, name),
      onChanged: (lxcpath) => emit('changed', { lxcpath, host: name })
    })
    connections.set(name, made)
    return made
  }

  const statuses = (): HostStatus[] => readHosts(file).map((h) => connection(h.name).status())

  /** A host's session, connected; this computer's for none. */
  const sessionOf = async (host: string | undefined): Promise<Session> => (host === undefined ? local : connection(host).ready())
  /**
   * A stopped container copied to another host as a task of its source's session (host-copy.ts,
   * as `strata copy` makes it); cancel or a failure on either side leaves both hosts as they were.
   */
  const copyToHost: StrataInvoke['copyToHost'] = async (p) => {
    const where = (h: string | undefined): SaidValue => h ?? say('this-computer')
    if (p.host === p.toHost) throw refused('same-host', say('same-host', { name: p.name, where: where(p.host) }), p.name)
    refuseLxdOnlyChoices(p.toHost === undefined ? null : findHost(p.toHost, file), where(p.toHost), p.to)
    const [from, to] = await Promise.all([sessionOf(p.host), sessionOf(p.toHost)])
    const target = { lxcpath: p.to.lxcpath, name: p.to.name }
    const source = { engine: from.engine, where: where(p.host), ref: { lxcpath: p.lxcpath, name: p.name } }
    const dest = {
      engine: to.engine,
      where: where(p.toHost),
      ...target,
      ...(p.to.backend ? { backend: p.to.backend } : {}),
      ...(p.to.pool ? { pool: p.to.pool } : {}),
      ...(p.to.member ? { member: p.to.member } : {})
    }
    // the name and what the copy would lose are answered to the dialog, before a task starts
    const loss = await checkCopy(source, dest)
    if (loss !== null && !p.allowLossy) refuseLoss(loss, dest, say('how-tick-lossy'))
    const started = from.task(async (call) => {
      try {
        const made = await copyAcrossHosts(source, dest, { signal: call.signal, onProgress: call.onProgress && copyProgress(call.onProgress) })
        if (loss !== null) note(call, 'attributes', droppedNote(loss, dest))
        return made
      } finally {
        emit('changed', { lxcpath: target.lxcpath, ...(p.toHost === undefined ? {} : { host: p.toHost }) })
      }
    }, [])
    owners.set(started.taskId, from)
    return started
  }

  const hostMethods: Pick<StrataInvoke, HostMethod> = {
    hosts: async () => statuses(),
    connectHost: async (p) => connection(p.name).connect(),
    scanHostKey: async (p) => {
      const state = await checkHostKeys(parseDestination(p.destination), p.destination)
      const problem = state.known === 'changed' ? { problem: changedKeyAdvice(p.destination, state) } : {}
      return { fingerprints: state.keys.map((k) => k.fingerprint), known: state.known, file: state.file, ...problem }
    },
    addSshHost: async (p) => {
      if (readHosts(file).some((h) => h.name === p.name)) throw refused('host-exists', say('host-exists', { host: p.name }), p.name)
      const target = parseDestination(p.destination)
      const state = await checkHostKeys(target, p.destination)
      if (state.known === 'changed') throw refused('host-key-changed', changedKeyAdvice(p.destination, state), p.destination)
      const offered = state.keys.map((k) => k.fingerprint)
      if (state.known === 'new') {
        const same = offered.length === p.fingerprints.length && offered.every((f) => p.fingerprints.includes(f))
        if (!same)
          throw refused(
            'host-key-not-confirmed',
            say('host-key-not-confirmed', { destination: p.destination, offered: offered.join(', '), confirmed: p.fingerprints.join(', ') || '-' }),
            p.destination
          )
        await trustKeys(target, state.keys)
      }
      const host: SshHost = {
        name: p.name,
        destination: p.destination,
        ...(p.helper ? { helper: p.helper } : {}),
        ...(p.elevate ? { elevate: p.elevate } : {}),
        ...(p.lxcpath ? { lxcpaths: [p.lxcpath] } : {})
      }
      addHost(host, file)
      emit('hostState', connection(p.name).status())
      return statuses()
    },
    copyToHost
  }

  const route = (m: Method) => async (raw: unknown): Promise<unknown> => {
    const { host, ...params } = parseParams(m, raw) as { host?: string } & Record<string, unknown>
    if ((HOST_METHODS as readonly Method[]).includes(m)) return (hostMethods[m as HostMethod] as (p: unknown) => Promise<unknown>)({ ...params, ...(host === undefined ? {} : { host }) })
    const idKey = BY_ID[m]
    const session = (idKey && owners.get(params[idKey] as string)) || (host === undefined ? local : await connection(host).ready())
    if (m === 'environment' && session !== local) {
      throw refused('remote-environment', say('remote-environment', { host: host! }), host)
    }
    const result = await (session.api[m as keyof SessionApi] as (p: unknown) => Promise<unknown>)(params)
    const id = (result as { taskId?: string; streamId?: string } | null)?.taskId ?? (result as { streamId?: string } | null)?.streamId
    if (typeof id === 'string' && !idKey) owners.set(id, session)
    return result
  }

  return {
    api: Object.fromEntries(METHODS.map((m) => [m, route(m)])) as unknown as StrataInvoke,
    on(event, cb) {
      events.on(event, cb)
      return () => void events.off(event, cb)
    },
    closeStreams(ids) {
      for (const id of ids) (owners.get(id) ?? local).closeStreams([id])
    },
    close() {
      local.close()
      for (const c of connections.values()) c.close()
      events.removeAllListeners()
    }
  }
}
