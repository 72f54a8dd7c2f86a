// The hosts the app can show: this computer (`current` null) and the remote hosts in the user's
// hosts file, each with the state of its connection as main reports it (hostState events). The
// selected one is where every call goes (api.ts adds it to each call).
import { create } from 'zustand'
import type { HostStatus, StrataApi } from '@shared/api'
import { errorText } from '../i18n/said'

type HostsApi = Pick<StrataApi, 'hosts' | 'connectHost'>

interface HostsState {
  /** the selected host's name; null: this computer */
  current: string | null
  list: HostStatus[]
  /** why the hosts file could not be read, if it could not */
  error: string | null
  fetch(api: HostsApi): Promise<void>
  /** a host's new state, from main */
  update(status: HostStatus): void
  /** shows another host; a remote one is connected if it is not yet */
  select(name: string | null, api: HostsApi): void
  /** connects again (after it became unreachable) */
  reconnect(name: string, api: HostsApi): void
}

export const useHosts = create<HostsState>()((set, get) => ({
  current: null,
  list: [],
  error: null,
  async fetch(api) {
    try {
      set({ list: await api.hosts({}), error: null })
    } catch (e) {
      set({ error: errorText(e) })
    }
  },
  update(status) {
    const list = get().list
    set({ list: list.some((h) => h.name === status.name) ? list.map((h) => (h.name === status.name ? status : h)) : [...list, status] })
  },
  select(name, api) {
    set({ current: name })
    const h = get().list.find((x) => x.name === name)
    if (name !== null && h && h.state !== 'connected' && h.state !== 'connecting') get().reconnect(name, api)
  },
  reconnect(name, api) {
    void api.connectHost({ name }).then(
      (status) => get().update(status),
      () => undefined // the state events say why
    )
  }
}))

/** The selected host's status; null for this computer. */
export const currentHost = (s: Pick<HostsState, 'current' | 'list'>): HostStatus | null => (s.current === null ? null : (s.list.find((h) => h.name === s.current) ?? null))
