// The renderer's only door to Strata: the preload's window.strata in Electron, else the same
// contract over the browser-mode WebSocket (token taken from the page URL). Every call goes to
// the host selected in the masthead (stores/hosts.ts).
import { apiFromBridge, METHODS, type Method, type StrataApi } from '@shared/api'
import { ENGINE, isEngineMethod } from '@shared/engine-api'
import { createWsApi, type EarlySocket, type WsCtor } from '@shared/ws-client'
import { rpcUrl } from '@shared/ws-early'
import { useHosts } from './stores/hosts'

let settleConnected: () => void = () => undefined
/**
 * Settles when the first calls are on their way: at once in Electron, when the browser-mode
 * socket opens (or fails to) otherwise. main.tsx mounts the app after it, so that the engine
 * works on the first listing while the page renders its frame, not after.
 */
export const connected = new Promise<void>((resolve) => (settleConnected = resolve))

declare global {
  interface Window {
    /** the socket boot.ts opened, with the first calls it sent (browser mode) */
    strataEarlySocket?: EarlySocket & { socket: WebSocket }
  }
}

function browserApi(): StrataApi {
  const settleOnOpen = (sock: WebSocket): void => {
    if (sock.readyState !== WebSocket.CONNECTING) return settleConnected()
    for (const ev of ['open', 'error', 'close']) sock.addEventListener(ev, () => settleConnected(), { once: true })
  }
  class Socket extends WebSocket {
    constructor(url: string) {
      super(url)
      settleOnOpen(this)
    }
  }
  const early = window.strataEarlySocket
  if (early) settleOnOpen(early.socket)
  return createWsApi(rpcUrl(location), Socket as unknown as WsCtor, early)
}

/** Calls that only read: their answer belongs to the host they were asked of. */
const reads = (m: Method): boolean => m === 'lxcpaths' || (isEngineMethod(m) && !ENGINE[m].changes && !ENGINE[m].task && !ENGINE[m].stream)

/**
 * Each call names the selected host (unless it names one itself). A read answered after the user
 * switched hosts never settles: no store shows one host's data under another's name.
 */
export function forSelectedHost(raw: StrataApi, selected: () => string | null): StrataApi {
  const methods = Object.fromEntries(
    METHODS.map((m) => [
      m,
      async (p: Record<string, unknown> | undefined) => {
        const host = selected()
        const params = host === null || (p && 'host' in p) ? (p ?? {}) : { ...p, host }
        const result = await (raw[m] as (x: unknown) => Promise<unknown>)(params)
        if (reads(m) && selected() !== host) return new Promise<never>(() => undefined)
        return result
      }
    ])
  )
  return { ...(methods as unknown as Omit<StrataApi, 'on'>), on: (event, cb) => raw.on(event, cb) }
}

export const api: StrataApi = forSelectedHost(window.strata ? apiFromBridge(window.strata) : browserApi(), () => useHosts.getState().current)
if (window.strata) settleConnected()

/** Words for an error from the API, for the UI (i18n/said.ts). */
export { errorText } from './i18n/said'
