// The registrar: one handler per contract method, the sender frame checked, params validated.
import { describe, expect, it } from 'vitest'
import type { IpcMain, IpcMainInvokeEvent } from 'electron'
import { apiFromBridge, METHODS, channel, type StrataBridge } from '../../src/shared/api'
import { refused } from '../../src/shared/errors'
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

const calls: unknown[][] = []
const service = {
  api: {
    ...Object.fromEntries(METHODS.map((m) => [m, async (p: unknown) => (calls.push([m, p]), 'ok')])),
    destroy: async () => Promise.reject(refused('has-dependents', 'base cannot be destroyed', '/var/lib/lxc/base'))
  },
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
    await expect(h(from('file:///app/out/renderer/index.html'), { lxcpath: '/var/lib/lxc', name: 'c1' })).resolves.toEqual({ result: 'ok' })
    expect(calls.at(-1)).toEqual(['configView', { lxcpath: '/var/lib/lxc', name: 'c1' }])
  })
  it('refuses other senders', async () => {
    const h = handlers.get(channel('lxcpaths'))!
    await expect(h(from('https://evil.example/'), {})).rejects.toThrow(/refused/)
    await expect(h(from('file:///tmp/other.html'), {})).rejects.toThrow(/refused/)
  })
  it('refuses bad params, as a usage error the renderer receives whole', async () => {
    const h = handlers.get(channel('stopContainer'))!
    const page = from('file:///app/out/renderer/index.html')
    const invalid = { error: { code: 'usage', rule: 'invalid-params' } }
    await expect(h(page, { lxcpath: 'relative', name: 'c1' })).resolves.toMatchObject(invalid)
    await expect(h(page, { lxcpath: '/a/../b', name: 'c1' })).resolves.toMatchObject(invalid)
    await expect(h(page, { lxcpath: '/a', name: 'c1', extra: 1 })).resolves.toMatchObject(invalid)
    expect(calls.filter(([m]) => m === 'stopContainer')).toEqual([])
  })
  it('answers the service\'s error as data, which the renderer\'s API rebuilds with its code, subject and rule', async () => {
    const bridge = Object.fromEntries(METHODS.map((m) => [m, (p: unknown) => handlers.get(channel(m))!(from('file:///app/out/renderer/index.html'), p)]))
    const api = apiFromBridge({ ...bridge, on: () => () => undefined } as unknown as StrataBridge)
    await expect(api.destroy({ lxcpath: '/var/lib/lxc', name: 'base' })).rejects.toMatchObject({
      name: 'StrataError',
      code: 'refused',
      rule: 'has-dependents',
      subject: '/var/lib/lxc/base',
      message: 'base cannot be destroyed'
    })
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
