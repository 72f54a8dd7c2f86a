// The helper answers in JSON lines: one message a line, a chunk may end mid-line.
import type { Readable } from 'node:stream'

/** Calls `onMessage` with each whole line of `stream`, parsed, in order. */
export function onJsonLines<T>(stream: Readable, onMessage: (message: T) => void): void {
  let rest = ''
  stream.on('data', (d: Buffer) => {
    rest += d.toString()
    const lines = rest.split('\n')
    rest = lines.pop() ?? ''
    for (const l of lines) onMessage(JSON.parse(l) as T)
  })
}
