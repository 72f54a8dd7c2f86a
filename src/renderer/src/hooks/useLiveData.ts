// Fetch containers and lineage once, then again on every `changed` event from main about the
// host shown; the hosts' states as main reports them, and a host's views again once it connects.
import { useEffect } from 'react'
import { api } from '../api'
import { keyOf, useContainers } from '../stores/containers'
import { useLineage } from '../stores/lineage'
import { useSelection } from '../stores/selection'
import { useTasks } from '../stores/tasks'
import { useLxcpaths } from '../stores/lxcpaths'
import { useUsage } from '../stores/usage'
import { usePrefs } from '../stores/prefs'
import { useHosts } from '../stores/hosts'
import { useConnection } from '../stores/connection'

/** `lineageAfterPaint`: the graph data is asked for once the listing is on screen (the table's first load). */
export async function refresh({ lineageAfterPaint = false } = {}): Promise<void> {
  const all = usePrefs.getState().showHidden
  if (lineageAfterPaint) {
    const painted = useContainers.getState().fetch(api, all).then(afterNextPaint)
    const lineage = painted.then(() => useLineage.getState().fetch(api, all))
    // Usage may take a while: it fills the size column when it arrives, never blocks the list.
    // Asked just after the lineage once the rows are painted, not after its answer (the sizes
    // came a round trip later); not with the listing: the engine's measuring then slowed the
    // listing's answer. Measuring from now, so that the rows show it from their first render.
    void useUsage.getState().fetch(api, all, painted)
    await lineage
  } else {
    await Promise.all([useContainers.getState().fetch(api, all), useLineage.getState().fetch(api, all)])
    void useUsage.getState().fetch(api, all)
  }
  useSelection.getState().prune(new Set(useContainers.getState().list.map(keyOf)))
}

const afterNextPaint = (): Promise<void> => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)))

/** True when the selected host can be asked: this computer, or a connected remote host. */
export function selectedHostReady(): boolean {
  const { current, list } = useHosts.getState()
  return current === null || list.find((h) => h.name === current)?.state === 'connected'
}

/** Lists the selected host's containers, graph, figures and lxcpaths again. */
export function reloadHost(): void {
  if (!selectedHostReady()) return
  void refresh()
  void useLxcpaths.getState().fetch(api)
}

let first: Promise<void> | null = null
/**
 * The first fetches: main.tsx starts them before React mounts, so the listing does not wait for
 * the first render. When the window opens on the table, the lineage (which the table does not show)
 * is asked for after the rows are painted: the engine's work on it and its answer competed with
 * the first render of the rows for the same two cores.
 */
export function firstRefresh(): Promise<void> {
  if (!first) {
    // The lxcpaths and the hosts first: their small answers come back (and the masthead and the
    // view render with them) before the listing does, so nothing renders the rows a second time.
    void useLxcpaths.getState().fetch(api)
    void useHosts.getState().fetch(api)
    first = refresh({ lineageAfterPaint: usePrefs.getState().view === 'containers' })
  }
  return first
}

export function useLiveData(): void {
  useEffect(() => {
    void firstRefresh()
    const offHost = api.on('hostState', (status) => {
      const was = useHosts.getState().list.find((h) => h.name === status.name)?.state
      useHosts.getState().update(status)
      // connected (again): the views list what the host holds now
      if (status.name === useHosts.getState().current && status.state === 'connected' && was !== 'connected') reloadHost()
    })
    const offProgress = api.on('taskProgress', (ev) => useTasks.getState().progress(ev))
    const offDone = api.on('taskDone', (ev) => {
      useTasks.getState().done(ev)
      // The new container appears with the next refresh; select it so it is easy to find.
      const made = ev.result && 'name' in ev.result ? ev.result : null
      if (made) {
        void refresh().then(() => useSelection.getState().select(`${made.lxcpath}/${made.name}`))
      }
    })
    const offConnection = api.on('connection', ({ state }) => {
      useConnection.getState().setLost(state === 'lost')
      // browser mode's server is back: whatever happened meanwhile, on any host, was not heard
      if (state === 'back') {
        void useHosts.getState().fetch(api)
        reloadHost()
      }
    })
    let timer: ReturnType<typeof setTimeout> | undefined
    // Main already debounces; coalesce bursts across several lxcpaths here too.
    const off = api.on('changed', (ev) => {
      if ((ev.host ?? null) !== useHosts.getState().current) return
      clearTimeout(timer)
      timer = setTimeout(() => void refresh(), 50)
    })
    // Showing hidden containers or not is the engine's answer to another question: ask again.
    const offPrefs = usePrefs.subscribe((s, prev) => {
      if (s.showHidden !== prev.showHidden) void refresh()
    })
    return () => {
      offHost()
      offConnection()
      offPrefs()
      off()
      offProgress()
      offDone()
      clearTimeout(timer)
    }
  }, [])
}
