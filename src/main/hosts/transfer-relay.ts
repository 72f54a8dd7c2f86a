// A copy of a container from one host to another (this computer counts as one): the source's
// exportContainer stream relayed into the target's importContainer stream by this process, so
// the hosts need not reach each other. Each side runs in its own engine (the helper over ssh,
// or this process); the importer's acks pace the exporter, so at most the transfer window is
// in flight. Whatever ends one side early cancels the other: a failed or cancelled copy leaves
// the source untouched and the target without the copy (its build is undone there).
import { STREAM_INPUT_MAX, type StreamInput } from '@shared/engine-api'
import { asStrataError, StrataError } from '@shared/errors'
import type { ContainerRef, Backend, OpProgress } from '@shared/model'
import type { EngineClient } from '../engine-client'

export interface TransferSide {
  engine: EngineClient
  /** the host as people name it: `h1`, or `this computer` */
  where: string
}

export interface CopyAcrossOptions {
  signal?: AbortSignal
  onProgress?: (p: OpProgress) => void
}

/** The error of one side, told with its host and what it was doing; code, rule and subject kept. */
function onSide(err: unknown, what: string): StrataError {
  const e = asStrataError(err)
  return new StrataError(e.code, `${what}: ${e.message}`, { rule: e.rule, subject: e.subject, cause: err })
}

export async function copyAcrossHosts(
  from: TransferSide & { ref: ContainerRef },
  to: TransferSide & { lxcpath: string; name: string; backend?: Backend },
  opts: CopyAcrossOptions = {}
): Promise<ContainerRef> {
  opts.signal?.throwIfAborted()
  const importAc = new AbortController()
  const exportAc = new AbortController()
  const cancelBoth = (): void => {
    importAc.abort()
    exportAc.abort()
  }
  opts.signal?.addEventListener('abort', cancelBoth, { once: true })
  let toImporter: ((input: StreamInput) => void) | null = null
  let toExporter: ((input: StreamInput) => void) | null = null
  let ready!: () => void
  const importerReady = new Promise<void>((r) => (ready = r))
  const importing = to.engine
    .call(
      'importContainer',
      { lxcpath: to.lxcpath, name: to.name, ...(to.backend ? { backend: to.backend } : {}) },
      {
        signal: importAc.signal,
        onProgress: opts.onProgress,
        stream: {
          // `r` once it holds its build, then `a<n>` for each write it made: passed on as the exporter's window
          send: (out) => {
            if (out === 'r') ready()
            else if (out.startsWith('a')) toExporter?.({ ack: Number(out.slice(1)) })
          },
          onInput: (cb) => (toImporter = cb)
        }
      }
    )
    .catch((err: unknown) => {
      exportAc.abort()
      throw onSide(err, `Copying ${from.ref.name} into ${to.name} on ${to.where} failed there`)
    })
  // The exporter starts only when the importer can take its first bytes (input sent earlier would be dropped).
  const started = await Promise.race([importerReady.then(() => true), importing.then(() => false)])
  if (!started) throw new StrataError('internal', `The import on ${to.where} ended before it was ready.`)
  const exporting = from.engine
    .call('exportContainer', from.ref, {
      signal: exportAc.signal,
      onProgress: opts.onProgress,
      stream: {
        send: (out) => {
          if (out.length > STREAM_INPUT_MAX) return importAc.abort()
          toImporter?.({ data: out })
        },
        onInput: (cb) => (toExporter = cb)
      }
    })
    .catch((err: unknown) => {
      importAc.abort()
      throw onSide(err, `Sending ${from.ref.name} from ${from.where} failed`)
    })
  try {
    const [, made] = await Promise.all([exporting, importing])
    return made
  } catch (err) {
    // Both sides have ended (or been told to): wait for both, so that each has undone its part when this returns.
    await Promise.allSettled([exporting, importing])
    throw err
  } finally {
    opts.signal?.removeEventListener('abort', cancelBoth)
  }
}
