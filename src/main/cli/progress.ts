// Shared by the write commands: progress on a terminal, recovery of interrupted work first,
// and Ctrl-C turned into a cancel of the operation.
import type { ContainerRef, OpProgress } from '@shared/model'
import { readGlobalConfig } from '../engine/global-config'
import { cancelled } from '@shared/errors'
import { recoverInterrupted } from '../engine/ops/recover'
import type { OpContext } from '../engine/context'
import { containerNameArg, CONTAINER_OPTIONS, parseOptions, type Command } from './command'
import { stderrIsTerminal, writeStderr, writeStdout } from './output'

/** Phases whose messages say something the user should know even in a log, not just progress. */
const NOTES = new Set(['hostname', 'config', 'convert', 'attributes'])

function mb(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MB`
}

/**
 * Phase messages on stderr; on a terminal also a progress line with totals. Elsewhere
 * progressTotals is false, so the engine skips the pre-scan it makes only to know totals.
 */
export function progressPrinter(): { onProgress: (p: OpProgress) => void; progressTotals: boolean; done: () => void } {
  const tty = stderrIsTerminal()
  let drawn = false
  return {
    onProgress: draw,
    progressTotals: tty,
    done() {
      if (drawn) writeStderr('\n')
    }
  }
  function draw(p: OpProgress): void {
    if (p.message) {
      if (drawn) writeStderr('\n')
      drawn = false
      if (tty || NOTES.has(p.phase)) writeStderr(`${p.message}\n`)
      return
    }
    if (!tty || p.files === undefined) return
    const pct = p.totalBytes ? ` ${Math.min(100, Math.floor(((p.bytes ?? 0) / Math.max(1, p.totalBytes)) * 100))}%` : ''
    const of = p.totalFiles ? `/${p.totalFiles}` : ''
    writeStderr(`\r${p.phase}:${pct} ${p.files}${of} files, ${mb(p.bytes ?? 0)}${p.totalBytes ? ` of ${mb(p.totalBytes)}` : ''}   `)
    drawn = true
  }
}

export function lxcpathOf(given: string | undefined): string {
  const p = given ?? readGlobalConfig().lxcpath
  return p.length > 1 ? p.replace(/\/+$/, '') : p
}

/** Engine start: finish or undo what an interrupted Strata left behind in these lxcpaths. */
export async function recover(lxcpaths: string[]): Promise<void> {
  for (const p of new Set(lxcpaths)) {
    for (const r of await recoverInterrupted(p)) process.stderr.write(`strata: recovery: ${r.message}\n`)
  }
}

/** Runs an engine operation that SIGINT and SIGTERM cancel; its errors reach main, whose code decides the exit status. */
export async function engineCall<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController()
  const onSignal = (): void => ac.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    return await fn(ac.signal)
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw cancelled('cancelled; nothing was changed.', { cause: err })
    throw err
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

/**
 * A command that takes `-n NAME [-P LXCPATH]` and runs one whole-container operation with
 * progress (flatten, convert): repair first, run, then say what was done.
 */
export function containerOpCommand(
  usage: string,
  op: (ref: ContainerRef, ctx: OpContext) => Promise<unknown>,
  done: (ref: ContainerRef) => string
): Command {
  return {
    usage,
    async run(args) {
      const o = parseOptions(args, CONTAINER_OPTIONS)
      const ref = { lxcpath: lxcpathOf(o.lxcpath), name: containerNameArg(o.name) }
      await recover([ref.lxcpath])
      const progress = progressPrinter()
      await engineCall((signal) => op(ref, { signal, onProgress: progress.onProgress, progressTotals: progress.progressTotals })).finally(progress.done)
      writeStdout(`${done(ref)}\n`)
      return 0
    }
  }
}
