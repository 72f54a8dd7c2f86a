// Every external command the engine runs goes through here, so that there is one place to
// see what Strata executes. execa is loaded on first use: most CLI commands never need it.
import type { Options, Result } from 'execa'
import { cancelled, failed, isStrataError } from '@shared/errors'

/** What a failed tool said: the cause of run()'s error, for callers that look closer. */
export interface ToolFailure {
  command: string
  exitCode: number | undefined
  stderr: string
}

/** The tool's exit and stderr when `err` is run()'s failure, else null. */
export function toolFailure(err: unknown): ToolFailure | null {
  const cause = isStrataError(err) ? (err.cause as Partial<ToolFailure> | undefined) : undefined
  return cause && typeof cause.command === 'string' && typeof cause.stderr === 'string' ? (cause as ToolFailure) : null
}

export interface RunOptions {
  signal?: AbortSignal
  env?: Record<string, string>
  cwd?: string
  input?: string
  timeoutMs?: number
}

/** Runs `file args...` without a shell; rejects with a StrataError whose cause is the ToolFailure (stderr) on failure. */
export async function run(file: string, args: readonly string[], opts: RunOptions = {}): Promise<Result> {
  const { execa } = await import('execa')
  const options: Options = {
    cancelSignal: opts.signal,
    env: opts.env,
    cwd: opts.cwd,
    input: opts.input,
    timeout: opts.timeoutMs,
    reject: false,
    stripFinalNewline: true
  }
  const result = await execa(file, args, options)
  if (result.failed) {
    const stderr = String(result.stderr ?? '').trim()
    const what = [file, ...args].join(' ')
    const why = result.isCanceled
      ? 'was cancelled'
      : result.timedOut
        ? `timed out after ${opts.timeoutMs} ms`
        : result.exitCode === undefined
          ? `could not run (${result.shortMessage})`
          : `exited with ${result.exitCode}`
    const cause: ToolFailure = { command: what, exitCode: result.exitCode, stderr }
    throw (result.isCanceled ? cancelled : failed)(`\`${what}\` ${why}${stderr ? `: ${stderr}` : ''}`, { subject: what, cause })
  }
  return result
}

/**
 * LXC's tools prefix every line with `tool: name: file.c: function: line `; users need the
 * words after it. Lines that only point at log options are dropped.
 */
export function lxcErrorText(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.replace(/^lxc-[\w-]+: [^:]*: [^:]*: [^:]*: \d+ /, '').trim())
    .filter((l) => l && !/--logfile|foreground mode/.test(l))
  return lines.join(' ') || stderr.trim()
}

/** The first line of a failed tool's stderr (or its message), to quote in a reason. */
export function toolText(err: unknown): string {
  const e = err as { stderr?: string; message?: string }
  return (e.stderr?.trim() || e.message || String(err)).split('\n')[0]!.replace(/^ERROR:\s*/, '')
}

/** A program running in a pseudo-terminal (node-pty's IPty, the part Strata uses). */
export interface PtyProcess {
  readonly pid: number
  onData(cb: (chunk: string) => void): void
  onExit(cb: (e: { exitCode: number; signal?: number }) => void): void
  write(data: string): void
  resize(cols: number, rows: number): void
  /** stop reading its output: the kernel's pty buffer fills and the program blocks on its writes */
  pause(): void
  resume(): void
  kill(signal?: string): void
}

export interface PtyOptions {
  cols: number
  rows: number
  /** the whole environment: nothing of this process's is passed on */
  env: Record<string, string>
}

/**
 * Runs `file args...` in a new pty (node-pty, built from source at install; its pty.node sits
 * next to the bundled helper). Output is decoded as UTF-8, split sequences kept whole.
 */
export async function spawnPty(file: string, args: readonly string[], opts: PtyOptions): Promise<PtyProcess> {
  const pty = await import('node-pty')
  const p = pty.spawn(file, [...args], { name: opts.env.TERM ?? 'xterm-256color', cols: opts.cols, rows: opts.rows, cwd: '/', env: opts.env })
  return {
    pid: p.pid,
    onData: (cb) => void p.onData(cb),
    onExit: (cb) => void p.onExit(cb),
    write: (d) => p.write(d),
    resize: (c, r) => p.resize(c, r),
    pause: () => p.pause(),
    resume: () => p.resume(),
    kill: (s) => {
      try {
        p.kill(s)
      } catch {
        // already gone
      }
    }
  }
}
