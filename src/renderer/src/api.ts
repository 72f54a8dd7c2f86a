// The renderer's only door to Strata: the preload's window.strata in Electron, else the same
// contract over the browser-mode WebSocket (token taken from the page URL).
import { apiFromBridge, type StrataApi } from '@shared/api'
import { createWsApi, type WsCtor } from '@shared/ws-client'

function browserApi(): StrataApi {
  const token = new URLSearchParams(location.search).get('token') ?? ''
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return createWsApi(`${proto}//${location.host}/rpc?token=${encodeURIComponent(token)}`, WebSocket as unknown as WsCtor)
}

export const api: StrataApi = window.strata ? apiFromBridge(window.strata) : browserApi()

/** Words for an error from the API, for the UI. */
export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e))
