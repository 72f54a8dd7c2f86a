// Sandboxed preload (bundled to CJS): exposes exactly the contract's methods and `on(event)`
// as window.strata, never ipcRenderer itself. Each method answers main's Reply as it is: an
// Error's own fields (code, rule) would not survive contextBridge; the renderer unwraps it.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { EVENTS, METHODS, channel, type EventName, type StrataBridge } from '../shared/api'

const api = Object.fromEntries(
  METHODS.map((m) => [m, (params: unknown) => ipcRenderer.invoke(channel(m), params ?? {})])
) as unknown as Omit<StrataBridge, 'on'>

const on: StrataBridge['on'] = (event, cb) => {
  if (!(EVENTS as readonly EventName[]).includes(event)) throw new Error(`unknown event ${String(event)}`)
  const listener = (_e: IpcRendererEvent, payload: Parameters<typeof cb>[0]): void => cb(payload)
  ipcRenderer.on(channel(event), listener)
  return () => void ipcRenderer.off(channel(event), listener)
}

contextBridge.exposeInMainWorld('strata', { ...api, on })
