// Sandboxed preload (bundled to CJS): exposes exactly the contract's methods and `on(event)`
// as window.strata, never ipcRenderer itself.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { EVENTS, METHODS, channel, type EventName, type StrataApi } from '../shared/api'

const api = Object.fromEntries(
  METHODS.map((m) => [m, (params: unknown) => ipcRenderer.invoke(channel(m), params ?? {})])
) as unknown as Omit<StrataApi, 'on'>

const on: StrataApi['on'] = (event, cb) => {
  if (!(EVENTS as readonly EventName[]).includes(event)) throw new Error(`unknown event ${String(event)}`)
  const listener = (_e: IpcRendererEvent, payload: Parameters<typeof cb>[0]): void => cb(payload)
  ipcRenderer.on(channel(event), listener)
  return () => void ipcRenderer.off(channel(event), listener)
}

contextBridge.exposeInMainWorld('strata', { ...api, on })
