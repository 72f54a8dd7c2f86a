// The engine on a remote host: its root helper started over OpenSSH, speaking the same protocol
// as the local helper (helper/protocol.ts) and running the same table of methods. Only the way it
// is started and what its start-up failures mean differ (ssh.ts). Its ssh is a ControlMaster
// (ssh-master.ts), through which a transfer's byte channel there is forwarded.
import type { EngineMethod, EngineParams, EngineResult } from '@shared/engine-api'
import { say } from '@shared/engine-text'
import type { StrataError } from '@shared/errors'
import type { CallOptions } from '../engine-client'
import { HelperClient } from '../helper/client'
import type { HostEngine } from './host-engine'
import { parseOffer, type ChannelSocket } from '../helper/byte-channel'
import { parseDestination, type SshHost } from './hosts-file'
import { remoteHelperCommand, sshArgs, sshFailure } from './ssh'
import { SshMaster } from './ssh-master'

/** Connecting is ssh, then the helper's hello. */
export interface RemoteEngine extends HostEngine {
  readonly host: SshHost
}

export function remoteEngine(host: SshHost, opts: { onLog?: (line: string) => void; onGone?: (err: StrataError) => void } = {}): RemoteEngine {
  const target = parseDestination(host.destination)
  const master = new SshMaster(target)
  const client = new HelperClient({
    lxcpaths: host.lxcpaths,
    onLog: opts.onLog,
    onGone: (err) => {
      master.close()
      opts.onGone?.(err)
    },
    launcher: {
      describe: say('the-helper-on', { host: host.name, destination: host.destination }),
      // the helper's own connection is the master; a `--channel` process (where a forward is refused) logs in on its own
      command: (helperArgs) => ({ file: 'ssh', argv: [...(helperArgs[0] === '--stdio' ? master.masterArgs() : []), ...sshArgs(target), remoteHelperCommand(host, helperArgs)] }),
      failure: (exitCode, stderr) => sshFailure(host, exitCode, stderr)
    }
  })
  return {
    kind: 'remote',
    host,
    // a connection that never opened leaves no directory behind
    connect: () =>
      client.connect().catch((err: unknown) => {
        master.close()
        throw err
      }),
    get info() {
      return client.info
    },
    call: <M extends EngineMethod>(method: M, params: EngineParams<M>, callOpts?: CallOptions): Promise<EngineResult<M>> => client.call(method, params, callOpts),
    channelCommand: (offer) => client.channelCommand(offer),
    channelSocket: async (offer): Promise<ChannelSocket | null> => {
      const path = parseOffer(offer)?.path
      return path && client.info ? master.forward(path) : null
    },
    close: () => client.close().finally(() => master.close())
  }
}
