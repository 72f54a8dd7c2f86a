// One remote host in the app: its engine, connected when the user first selects it and kept; its
// state (connecting, connected, unreachable with the reason in the host's words) pushed as it
// changes; its session (the service on that engine, with the lxcpaths the host's hello named).
// A connection that drops is noticed (the helper's ssh ends, or a call fails for it), said, and
// reconnected once at once; after a reconnect every lxcpath reads as changed, so the views list
// again and show how an operation in flight ended over there. An LXD host's events stream
// tells both ways within a second or two (lxd/lxd-presence.ts): the stream that cannot be
// opened again is the drop, with the reason, and the one that opens again is the host back,
// connected again at once. An unreachable SSH host is not retried behind the user's back: their
// Reconnect connects again.
import type { HostStatus } from '@shared/api'
import { errorData, fromErrorData, isStrataError, refused, unavailable, type ErrorData, type StrataError } from '@shared/errors'
import { isSaid, say, type Said } from '@shared/engine-text'
import type { Hello } from '../helper/protocol'
import type { EngineClient } from '../engine-client'
import { engineOfHost, type HostEngine } from './host-engine'
import { isLxdHost, type RemoteHost } from './hosts-file'
import type { Session } from './host-sessions'

/** Errors that say the host, not the call, went away. */
const CONNECTION_RULES = new Set(['helper-gone', 'host-unreachable', 'lxd-unreachable', 'lxd-not-running', 'connection-dropped'])
export const isConnectionError = (err: unknown): boolean => isStrataError(err) && err.rule !== undefined && CONNECTION_RULES.has(err.rule)

export interface HostConnectionOptions {
  /** the service for the host's engine, serving its lxcpaths */
  session(engine: EngineClient, lxcpaths: string[]): Session
  /** its state changed */
  onState(status: HostStatus): void
  /** a new session was made (to hear its events) */
  onSession(session: Session): void
  /** the lxcpaths to list again after a reconnect */
  onChanged(lxcpath: string): void
}

export class HostConnection {
  private state: HostStatus['state'] = 'idle'
  private error: ErrorData | undefined
  private engine: HostEngine | null = null
  private session: Session | null = null
  private connecting: Promise<void> | null = null
  private closed = false

  constructor(
    readonly host: RemoteHost,
    private readonly opts: HostConnectionOptions
  ) {}

  status(): HostStatus {
    return {
      name: this.host.name,
      kind: isLxdHost(this.host) ? 'lxd' : 'ssh',
      address: isLxdHost(this.host) ? this.host.lxd.url : this.host.destination,
      state: this.state,
      ...(this.error ? { error: this.error } : {}),
      lxcpaths: this.session ? (this.engine?.info?.lxcpaths ?? []) : []
    }
  }

  /** The host's session, connecting first if it never was; an unreachable host answers why until Reconnect. */
  async ready(): Promise<Session> {
    if (this.state === 'idle' || this.state === 'connecting') await this.connect()
    if (this.state !== 'connected' || !this.session) throw this.error ? fromErrorData(this.error) : unavailable('host-unreachable', say('host-not-connected', { host: this.host.name }))
    return this.session
  }

  /** Connects (again); the attempt already under way when there is one. */
  connect(): Promise<HostStatus> {
    this.connecting ??= this.attempt().finally(() => (this.connecting = null))
    return this.connecting.then(() => this.status())
  }

  private set(state: HostStatus['state'], error?: ErrorData): void {
    this.state = state
    this.error = error
    if (!this.closed) this.opts.onState(this.status())
  }

  private async attempt(): Promise<void> {
    this.set('connecting')
    // a fresh engine each time: a dropped one may hold a half-dead ssh
    await this.engine?.close().catch(() => undefined)
    const engine = engineOfHost(this.host, {
      onGone: (err) => this.engine === engine && this.dropped(err),
      // an LXD host whose events stream opened again: connected again without the user
      onBack: () => void (this.engine === engine && !this.closed && this.state === 'unreachable' && this.connect())
    })
    this.engine = engine
    try {
      const hello = await engine.connect()
      if (hello.lxcpaths.length === 0) throw servesNothing(this.host.name, hello)
      const reconnected = this.session !== null
      this.session?.close()
      this.session = this.opts.session(this.guarded(engine), hello.lxcpaths)
      this.opts.onSession(this.session)
      this.set('connected')
      if (reconnected) for (const p of hello.lxcpaths) this.opts.onChanged(p)
    } catch (err) {
      if (this.engine === engine) this.set('unreachable', errorData(err))
    }
  }

  /** The engine as the session uses it: a call that fails because the host went away says so for the whole host. */
  private guarded(engine: HostEngine): EngineClient {
    return {
      kind: 'remote',
      channelCommand: engine.channelCommand && ((offer) => engine.channelCommand!(offer)),
      channelSocket: engine.channelSocket && ((offer) => engine.channelSocket!(offer)),
      call: async (method, params, opts) => {
        try {
          return await engine.call(method, params, opts)
        } catch (err) {
          if (isConnectionError(err) && this.engine === engine) this.dropped(err as StrataError)
          throw err
        }
      }
    }
  }

  /** The connection went away: say so, and try once to get it back. */
  private dropped(err: StrataError): void {
    if (this.closed || this.state !== 'connected') return
    this.set('unreachable', errorData(err))
    void this.connect()
  }

  close(): void {
    this.closed = true
    this.session?.close()
    void this.engine?.close().catch(() => undefined)
  }
}

/** A helper that serves none of its lxcpaths: why not, each configured one with its reason (said as data where the helper sent it so). */
export function servesNothing(host: string, hello: Pick<Hello, 'refused'>): StrataError {
  const reasons = hello.refused.map((r): Said => say('served-refusal', { path: r.path, reason: isSaid(r.said) ? r.said : r.reason }))
  const why = reasons.reduce<Said | null>((first, then) => (first ? say('joined', { first, then }) : then), null)
  return refused('helper-lxcpaths', why ? say('helper-serves-nothing-why', { host, why }) : say('helper-serves-nothing', { host }), host)
}
