// Drives test/helper/fixtures/client-driver.ts running as a given user: sends commands,
// waits for the events that answer them.
import { execa, type ResultPromise } from 'execa'
import type { TestUser } from './polkit-fixture'

export interface DriverEvent {
  tag: string
  hello?: { pid: number; uid: number; lxcpaths: string[]; refused: { path: string; reason: string }[]; methods: string[] }
  result?: unknown
  error?: { code: string; message: string; rule?: string; subject?: string }
  progress?: { phase: string }
  closed?: boolean
}

export class Driver {
  readonly events: DriverEvent[] = []
  readonly proc: ResultPromise
  stderr = ''
  private waiters: (() => void)[] = []

  constructor(driver: string, user: TestUser, lxcpaths: string[]) {
    this.proc = execa('setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', 'node', driver, ...lxcpaths], {
      reject: false,
      cwd: '/',
      buffer: false,
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe'
    })
    let rest = ''
    this.proc.stdout!.on('data', (d: Buffer) => {
      rest += d.toString()
      const lines = rest.split('\n')
      rest = lines.pop() ?? ''
      for (const l of lines) if (l) this.events.push(JSON.parse(l) as DriverEvent)
      for (const w of this.waiters.splice(0)) w()
    })
    this.proc.stderr!.on('data', (d: Buffer) => void (this.stderr += d.toString()))
    this.proc.stdin!.on('error', () => undefined)
  }

  send(cmd: Record<string, unknown>): void {
    this.proc.stdin!.write(JSON.stringify(cmd) + '\n')
  }

  /** The first event matching, waiting for it (the test's own timeout bounds the wait). */
  async next(pred: (e: DriverEvent) => boolean): Promise<DriverEvent> {
    for (;;) {
      const hit = this.events.find(pred)
      if (hit) return hit
      if (this.proc.exitCode !== null && this.proc.exitCode !== undefined) {
        throw new Error(`the client driver exited (${this.proc.exitCode}); stderr: ${this.stderr}`)
      }
      await new Promise<void>((r) => this.waiters.push(r))
    }
  }

  /** A call's final event: its result or its error. */
  async call(tag: string, method: string, params: unknown): Promise<DriverEvent> {
    this.send({ op: 'call', tag, method, params })
    return this.next((e) => e.tag === tag && ('result' in e || 'error' in e))
  }

  async stop(): Promise<void> {
    this.proc.kill('SIGKILL')
    await this.proc
  }
}
