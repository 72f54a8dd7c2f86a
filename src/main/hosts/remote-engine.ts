// The engine on a remote host: its root helper started over OpenSSH, speaking the same protocol
// as the local helper (helper/protocol.ts) and running the same table of methods. Only the way it
// is started and what its start-up failures mean differ (ssh.ts).
import type { EngineMethod, EngineParams, EngineResult } from '@shared/engine-api'
import type { StrataError } from '@shared/errors'
import type { CallOptions } from '../engine-client'
import { HelperClient } from '../helper/client'
import type { HostEngine } from './host-engine'
import { parseDestination, type SshHost } from './hosts-file'
import { remoteHelperCommand, sshArgs, sshFailure } from './ssh'

/** Connecting is ssh, then the helper's hello. */
export interface RemoteEngine extends HostEngine {
  readonly host: SshHost
}

export function remoteEngine(host: SshHost, opts: { onLog?: (line: string) => void; onGone?: (err: StrataError) => void } = {}): RemoteEngine {
  const target = parseDestination(host.destination)
  const client = new HelperClient({
    lxcpaths: host.lxcpaths,
    onLog: opts.onLog,
    onGone: opts.onGone,
    launcher: {
      describe: `The Strata helper on ${host.name} (${host.destination})`,
      command: (helperArgs) => ({ file: 'ssh', argv: [...sshArgs(target), remoteHelperCommand(host, helperArgs)] }),
      failure: (exitCode, stderr) => sshFailure(host, exitCode, stderr)
    }
  })
  return {
    kind: 'remote',
    host,
    connect: () => client.connect(),
    get info() {
      return client.info
    },
    call: <M extends EngineMethod>(method: M, params: EngineParams<M>, callOpts?: CallOptions): Promise<EngineResult<M>> => client.call(method, params, callOpts),
    channelCommand: (offer) => client.channelCommand(offer),
    close: () => client.close()
  }
}
