// The registrar: one handler per contract method, the sender frame checked, params validated.
import { describe, expect, it } from 'vitest'
import type { IpcMain, IpcMainInvokeEvent } from 'electron'
import { METHODS, channel } from '../../src/shared/api'
import { registerIpc, trustedUrlFor } from '../../src/main/ipc'
import type { Service } from '../../src/main/service'

type Handler = (e: IpcMainInvokeEvent, p: unknown) => Promise<unknown>

function fakeIpc(): { ipc: IpcMain; handlers: Map<string, Handler> } {
  const handlers = new Map<string, Handler>()
  const ipc = {
    handle: (ch: string, h: Handler) => void handlers.set(ch, h),
    removeHandler: (ch: string) => void handlers.delete(ch)
  } as unknown as IpcMain
  return { ipc, handlers }
}

const calls: unknown[] = []
const service = {
  api: Object.fromEntries(METHODS.map((m) => [m, async (p: unknown) => (calls.push([m, p]), 'ok')])),
  on: () => () => undefined,
  close: () => undefined
} as unknown as Service

const from = (url: string): IpcMainInvokeEvent => ({ senderFrame: { url } }) as unknown as IpcMainInvokeEvent

describe('registerIpc', () => {
  const trusted = trustedUrlFor('/app/out/renderer/index.html', undefined)
  const { ipc, handlers } = fakeIpc()
  const off = registerIpc(ipc, service, trusted)

  it('registers exactly the contract methods', () => {
    expect([...handlers.keys()].sort()).toEqual(METHODS.map(channel).sort())
  })
  it('calls the service from our own page with validated params', async () => {
    const h = handlers.get(channel('configView'))!
    await expect(h(from('file:///app/out/renderer/index.html'), { lxcpath: '/var/lib/lxc', name: 'c1' })).resolves.toBe('ok')
    expect(calls.at(-1)).toEqual(['configView', { lxcpath: '/var/lib/lxc', name: 'c1' }])
  })
  it('refuses other senders', async () => {
    const h = handlers.get(channel('lxcpaths'))!
    await expect(h(from('https://evil.example/'), {})).rejects.toThrow(/refused/)
    await expect(h(from('file:///tmp/other.html'), {})).rejects.toThrow(/refused/)
  })
  it('refuses bad params', async () => {
    const h = handlers.get(channel('stopContainer'))!
    const page = from('file:///app/out/renderer/index.html')
    await expect(h(page, { lxcpath: 'relative', name: 'c1' })).rejects.toThrow()
    await expect(h(page, { lxcpath: '/a/../b', name: 'c1' })).rejects.toThrow()
    await expect(h(page, { lxcpath: '/a', name: 'c1', extra: 1 })).rejects.toThrow()
  })
  it('trusts the dev server origin only in development', () => {
    const dev = trustedUrlFor('/app/out/renderer/index.html', 'http://localhost:5173')
    expect(dev('http://localhost:5173/')).toBe(true)
    expect(dev('http://localhost:5174/')).toBe(false)
    expect(trusted('http://localhost:5173/')).toBe(false)
  })
  it('unregisters', () => {
    off()
    expect(handlers.size).toBe(0)
  })
})
