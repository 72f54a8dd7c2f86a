// Contract -> ipcMain: one loop registers every method of the contract. Each call checks the
// sender frame (only our own renderer may call) and validates params before the service runs.
// It answers a Reply: the result, or the error as data, so its code and rule reach the renderer.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import { EVENTS, METHODS, channel, opensStream, parseParams, streamOf, type Reply } from '../shared/api'
import { errorData } from '../shared/errors'
import type { Service } from './service'

export type TrustedUrl = (url: string) => boolean

export function registerIpc(ipcMain: IpcMain, service: Service, trusted: TrustedUrl): () => void {
  // Streams (consoles) a page opened close when it goes away: reloaded, navigated, crashed or closed.
  const pageStreams = new WeakMap<WebContents, Set<string>>()
  const streamsOf = (wc: WebContents): Set<string> => {
    let set = pageStreams.get(wc)
    if (!set) {
      const opened = new Set<string>()
      set = opened
      pageStreams.set(wc, opened)
      const closeAll = (): void => {
        service.closeStreams(opened)
        opened.clear()
      }
      wc.on('did-start-navigation', (details) => details.isMainFrame && !details.isSameDocument && closeAll())
      wc.on('render-process-gone', closeAll)
      wc.once('destroyed', closeAll)
    }
    return set
  }
  for (const m of METHODS) {
    ipcMain.handle(channel(m), async (e: IpcMainInvokeEvent, params: unknown): Promise<Reply> => {
      const url = e.senderFrame?.url ?? ''
      // not our renderer: refused outright, without a word about the contract
      if (!trusted(url)) throw new Error(`refused ${m} from ${url || 'an unknown frame'}`)
      try {
        const fn = service.api[m] as (p: unknown) => Promise<unknown>
        const result = await fn(parseParams(m, params))
        if (opensStream(m)) streamsOf(e.sender).add(streamOf(result)!)
        return { result }
      } catch (err) {
        return { error: errorData(err) }
      }
    })
  }
  return () => METHODS.forEach((m) => ipcMain.removeHandler(channel(m)))
}

/** Forward every contract event to a window's renderer. */
export function forwardEvents(service: Service, target: () => WebContents | null): () => void {
  const offs = EVENTS.map((ev) =>
    service.on(ev, (payload) => {
      const wc = target()
      if (wc && !wc.isDestroyed()) wc.send(channel(ev), payload)
    })
  )
  return () => offs.forEach((off) => off())
}

/** Our renderer: the built index.html over file:, or the dev server's origin in development. */
export function trustedUrlFor(rendererFile: string, devUrl: string | undefined): TrustedUrl {
  const fileUrl = new URL(`file://${rendererFile}`)
  const devOrigin = devUrl ? new URL(devUrl).origin : null
  return (raw) => {
    let u: URL
    try {
      u = new URL(raw)
    } catch {
      return false
    }
    if (u.protocol === 'file:') return u.pathname === fileUrl.pathname
    return devOrigin !== null && u.origin === devOrigin
  }
}
