// Changes made outside Strata, as one stream: the lxcpath watcher (files: containers made or
// destroyed) and the state watcher (starts, stops, freezes) together, until the signal aborts.
// This computer's session runs both itself; a remote host's helper runs them for its session
// (the engine's watchChanges), so `lxc-start` in a shell over there shows up here the same way.
import type { ConsoleEnd } from '@shared/engine-api'
import { StateWatcher } from './state-watch'
import { LxcpathWatcher } from './watch'

export function watchChanges(lxcpaths: string[], signal: AbortSignal, onChange: (lxcpath: string) => void): Promise<ConsoleEnd> {
  return new Promise((resolve) => {
    const files = new LxcpathWatcher(lxcpaths, onChange)
    const states = new StateWatcher(lxcpaths, onChange)
    const end = (): void => {
      files.close()
      states.close()
      resolve({ exitCode: null, closed: true })
    }
    if (signal.aborted) end()
    else signal.addEventListener('abort', end, { once: true })
  })
}
