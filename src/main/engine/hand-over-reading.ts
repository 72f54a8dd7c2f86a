// Handing a socket's reading to another process (tar, cat) that gets its descriptor: this
// process must stop reading it, or the two would split its bytes between them.
import type { Socket } from 'node:net'

/**
 * Stops this process reading a socket, so that the process it is handed to reads all of it; the
 * function returned reads it again. A paused stream still asks its socket for more (Readable's
 * read-ahead), which would start reading again: its `_read` does nothing meanwhile.
 */
export function handOverReading(socket: Socket): () => void {
  type Internals = { _handle?: { reading: boolean; readStop(): number } | null; _read(n: number): void }
  const s = socket as unknown as Internals
  socket.pause()
  s._read = () => undefined
  if (s._handle?.reading) {
    s._handle.reading = false
    s._handle.readStop()
  }
  return () => {
    delete (s as Partial<Internals>)._read // the prototype's again
    socket.resume()
    s._read(64 * 1024) // a read it was asked for meanwhile waits for this
  }
}
