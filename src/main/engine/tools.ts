// Every external command the engine runs goes through here, so that there is one place to
// see what Strata executes. execa is loaded on first use: most CLI commands never need it.
import type { Options, Result } from 'execa'

export class ToolError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | undefined,
    readonly stderr: string,
    message: string
  ) {
    super(message)
    this.name = 'ToolError'
  }
}

export interface RunOptions {
  signal?: AbortSignal
  env?: Record<string, string>
  cwd?: string
  input?: string
  timeoutMs?: number
}

/** Runs `file args...` without a shell; rejects with a ToolError carrying stderr on failure. */
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
    throw new ToolError(what, result.exitCode, stderr, `\`${what}\` ${why}${stderr ? `: ${stderr}` : ''}`)
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
