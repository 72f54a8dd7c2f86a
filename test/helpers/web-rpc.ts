// The renderer's own WebSocket client (src/shared/ws-client.ts) for tests that talk to a
// browser-mode server: from Node, with the Origin a page of that server would send.
import WebSocket from 'ws'
import { createWsApi, type WsCtor } from '../../src/shared/ws-client'

/** A client of the server at `url` (the printed URL, with its token). */
export function rpcClient(url: URL): ReturnType<typeof createWsApi> {
  const origin = `http://${url.host}`
  const Ctor = class extends WebSocket {
    constructor(address: string) {
      super(address, { origin })
    }
  } as unknown as WsCtor
  return createWsApi(`ws://${url.host}/rpc?token=${url.searchParams.get('token') ?? ''}`, Ctor)
}
