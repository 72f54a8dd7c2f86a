// The session's open streams (consoles): each has an id, its engine call running on the engine
// that serves its lxcpath (in process or the root helper, one helper request per stream), the
// listener its input goes to, and an abort that closes it. Output and the end are events; a
// client that goes away closes the streams it opened (web/server.ts, ipc.ts).
import type { Events } from '../shared/api'
import type { StreamInput } from '../shared/engine-api'
import { errorData, notFound, unavailable } from '../shared/errors'
import { say } from '../shared/engine-text'
import type { CallOptions } from './engine-client'

/** Open streams per session: each is a pty in a container, so a runaway client is refused, not obeyed. */
export const MAX_STREAMS = 16

interface OpenStream {
  abort: AbortController
  input: ((m: StreamInput) => void) | null
}

export class Streams {
  private readonly open = new Map<string, OpenStream>()
  private next = 1

  constructor(
    private readonly emitData: (e: Events['streamData']) => void,
    private readonly emitEnd: (e: Events['streamEnd']) => void,
    /** stream numbers, shared with other sessions' streams where several hosts are open */
    private readonly nextId: () => number = () => this.next++
  ) {}

  /** Starts `run` as a stream; answers its id at once. */
  start(run: (call: CallOptions) => Promise<unknown>): { streamId: string } {
    if (this.open.size >= MAX_STREAMS) {
      throw unavailable('too-many-streams', say('too-many-consoles', { count: MAX_STREAMS }))
    }
    const streamId = `s${this.nextId()}`
    const s: OpenStream = { abort: new AbortController(), input: null }
    this.open.set(streamId, s)
    const stream = {
      send: (data: string) => this.emitData({ streamId, data }),
      onInput: (cb: (m: StreamInput) => void) => void (s.input = cb)
    }
    // Run after the answer is sent: a client learns the id before any output or end can arrive.
    setImmediate(() => {
      void run({ signal: s.abort.signal, stream })
        .then(
          (result) => this.emitEnd({ streamId, result: result as Events['streamEnd']['result'] }),
          (err: unknown) => this.emitEnd({ streamId, error: errorData(err) })
        )
        .finally(() => this.open.delete(streamId))
    })
    return { streamId }
  }

  input(streamId: string, m: StreamInput): void {
    const s = this.open.get(streamId)
    if (!s) throw notFound(`stream ${streamId} is not open (it may have just ended)`, streamId)
    s.input?.(m)
  }

  /** Closes a stream; its end arrives as the `streamEnd` event. Closing one that has ended is fine. */
  close(streamId: string): void {
    this.open.get(streamId)?.abort.abort(new Error('closed'))
  }

  closeAll(): void {
    for (const s of this.open.values()) s.abort.abort(new Error('session closed'))
  }

  /** The ids of the open streams. */
  get ids(): string[] {
    return [...this.open.keys()]
  }
}
