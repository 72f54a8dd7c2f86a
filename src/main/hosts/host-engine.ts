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
  /** an SSH host's helper went away after greeting (the connection dropped); LXD's API has no standing connection */
  onGone?: (err: StrataError) => void
}

/** The engine of the host called `name` in the user's hosts file. */
export function hostEngine(name: string, opts: HostEngineOptions = {}): HostEngine {
  return engineOfHost(findHost(name), opts)
}

export function engineOfHost(host: RemoteHost, opts: HostEngineOptions = {}): HostEngine {
  return isLxdHost(host) ? lxdEngine(host) : remoteEngine(host, opts)
}
