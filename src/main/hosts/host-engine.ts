// The engine of a host other than this computer, whichever way it is reached: Strata's own helper
// over SSH (remote-engine.ts) or an LXD server's API (lxd/lxd-engine.ts). Both run methods of the
// one engine table; a session or a command does not care which it has.
import type { StrataError } from '@shared/errors'
import type { EngineClient } from '../engine-client'
import type { Hello } from '../helper/protocol'
import { findHost, isLxdHost, type RemoteHost } from './hosts-file'
import { lxdEngine } from './lxd/lxd-engine'
import { remoteEngine } from './remote-engine'

export interface HostEngine extends EngineClient {
  readonly host: RemoteHost
  /** connects and says what it serves (its lxcpaths); again after the connection went away */
  connect(): Promise<Hello>
  /** what the host said when connected, or null when not connected */
  readonly info: Hello | null
  close(): Promise<void>
}

export interface HostEngineOptions {
  onLog?: (line: string) => void
  /** the host went away after greeting: an SSH host's helper (the connection dropped), or an LXD host's events stream that cannot be opened again */
  onGone?: (err: StrataError) => void
  /** an LXD host's events stream opened again after onGone, or after a connect that failed (SSH hosts are reconnected by the user) */
  onBack?: () => void
}

/** The engine of the host called `name` in the user's hosts file. */
export function hostEngine(name: string, opts: HostEngineOptions = {}): HostEngine {
  return engineOfHost(findHost(name), opts)
}

export function engineOfHost(host: RemoteHost, opts: HostEngineOptions = {}): HostEngine {
  return isLxdHost(host) ? lxdEngine(host, opts) : remoteEngine(host, opts)
}
