// The engine as the app's main process reaches it: in process where this user may write the
// lxcpath (a user's ~/.local/share/lxc, or everything when running as root), and through the
// root helper (pkexec, one prompt per session) where only root may (/var/lib/lxc).
// Both run the methods of one table (src/shared/engine-api.ts); the service does not care which it has.
import { accessSync, constants } from 'node:fs'
import type { EngineMethod, EngineParams, EngineResult } from '@shared/engine-api'
import type { OpProgress } from '@shared/model'
import type { EngineStream } from './engine/console'
import { runEngineMethod } from './engine-methods'
import { LowerWalkCache } from './engine/lineage/drift'
import { recoverInterrupted } from './engine/ops/recover'
import type { ChannelSocket } from './helper/byte-channel'
import type { ChannelCommand, HelperClient } from './helper/client'

export interface CallOptions {
  signal?: AbortSignal
  onProgress?: (p: OpProgress) => void
  /** for a stream method: where its output goes and its input comes from */
  stream?: EngineStream
}

export interface EngineClient {
  /** which side this is, for logs and tests */
  readonly kind: 'local' | 'helper' | 'remote'
  /** one engine method on params the caller has validated and admitted */
  call<M extends EngineMethod>(method: M, params: EngineParams<M>, opts?: CallOptions): Promise<EngineResult<M>>
  /** a helper's (here or over ssh): how to reach a byte channel one of its streams offered */
  channelCommand?(offer: string): ChannelCommand
  /** a remote helper's: its byte channel as a socket here, forwarded through its own ssh connection; null where it cannot be */
  channelSocket?(offer: string): Promise<ChannelSocket | null>
}

/** True when this process may change the lxcpath itself (root, or the user's own lxcpath). */
export function canWriteLxcpath(lxcpath: string): boolean {
  if (process.geteuid?.() === 0) return true
  try {
    accessSync(lxcpath, constants.W_OK | constants.R_OK | constants.X_OK)
    return true
  } catch {
    return false
  }
}

/**
 * The engine in this process, serving `lxcpaths`. Interrupted work in `recover` (default: every
 * one it may write) is repaired before anything runs; a user's namespace repairs its own.
 */
export function localEngine(lxcpaths: readonly string[], recover: readonly string[] = lxcpaths): EngineClient {
  const lowerWalks = new LowerWalkCache(LowerWalkCache.FOR_LONG_LIVED_ENGINE_MS)
  const recovered = Promise.all(recover.filter(canWriteLxcpath).map((p) => recoverInterrupted(p).catch(() => [])))
  return {
    kind: 'local',
    async call(method, params, opts = {}) {
      await recovered
      return runEngineMethod(method, params, { ...opts, lxcpaths, lowerWalks })
    }
  }
}

/** The engine in the root helper; the helper validates and admits every request again on its side. */
export function helperEngine(client: HelperClient): EngineClient {
  return { kind: 'helper', call: (method, params, opts) => client.call(method, params, opts), channelCommand: (offer) => client.channelCommand(offer) }
}
