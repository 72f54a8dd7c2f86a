// The ssh connection that carries a remote helper's stdio, made an OpenSSH ControlMaster on a
// socket in a directory of this process's own, so that a transfer's byte channel on that host
// is reached through it (`ssh -O forward -L local.sock:remote.sock`): no second login, no second
// helper, only a new channel on the connection already open. The user's own configuration,
// keys, agent and known_hosts checks are those of the helper's connection; only ControlMaster
// and ControlPath are set here, so a master of the user's own is never used or disturbed.
// Everything made goes with `close` (the master's socket goes with its ssh); what a Strata killed
// outright (SIGKILL) left is swept when the next master starts (owned-dirs.ts).
import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChannelSocket } from '../helper/byte-channel'
import type { SshTarget } from './hosts-file'
import { makeOwnedDir, sweepOwnedDirs } from './owned-dirs'
import { sshArgs } from './ssh'

/** The control directories' names: `strata-ssh-<pid>.<start>-XXXXXX`, their owner's. */
const DIR_PREFIX = 'strata-ssh-'

/** How long an `ssh -O` request to the master may take. */
const MUX_TIMEOUT_MS = 30_000

/** The directories still held, removed when this process exits however it ends its event loop (a master's ssh goes with it). */
const held = new Set<string>()
let exitHook = false
function hold(dir: string): void {
  held.add(dir)
  if (exitHook) return
  exitHook = true
  process.once('exit', () => {
    for (const d of held) rmSync(d, { recursive: true, force: true })
  })
}

export class SshMaster {
  private dir: string | null = null
  private forwards = 0

  constructor(private readonly target: SshTarget) {}

  private get control(): string {
    return join(this.dir!, 'master')
  }

  /** The options that make the next ssh to the host the master (a fresh directory each time: a dropped master's is gone). */
  masterArgs(): string[] {
    this.close()
    const parent = process.env.XDG_RUNTIME_DIR || tmpdir()
    sweepOwnedDirs(parent, DIR_PREFIX)
    this.dir = makeOwnedDir(parent, DIR_PREFIX)
    hold(this.dir)
    return ['-o', 'ControlMaster=yes', '-o', `ControlPath=${this.control}`, '-o', 'ControlPersist=no']
  }

  private async mux(operation: 'forward' | 'cancel', spec: string): Promise<boolean> {
    const { execa } = await import('execa')
    const r = await execa('ssh', ['-S', this.control, '-O', operation, '-L', spec, ...sshArgs(this.target)], { reject: false, timeout: MUX_TIMEOUT_MS, stdin: 'ignore' })
    return r.exitCode === 0
  }

  /** `remotePath` on the host as a socket here, forwarded through the master; null when there is no master or it refused. */
  async forward(remotePath: string): Promise<ChannelSocket | null> {
    if (!this.dir) return null
    const local = join(this.dir, `channel-${++this.forwards}.sock`)
    const spec = `${local}:${remotePath}`
    if (!(await this.mux('forward', spec))) return null
    const dir = this.dir
    return {
      path: local,
      release: async () => {
        // a master gone meanwhile took its forwards along
        if (this.dir === dir) await this.mux('cancel', spec)
        rmSync(local, { force: true })
      }
    }
  }

  /** Removes the directory (and any socket left in it): the connection closed, or never opened. */
  close(): void {
    if (this.dir) {
      rmSync(this.dir, { recursive: true, force: true })
      held.delete(this.dir)
    }
    this.dir = null
  }
}
