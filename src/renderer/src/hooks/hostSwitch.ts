// Switching hosts: nothing of the host left behind stays on screen (its containers, graph,
// figures, selection, lxcpaths), then the new host's are fetched once it is connected; a host
// that is connecting or unreachable shows that instead (HostAlert).
import { api } from '../api'
import { useContainers } from '../stores/containers'
import { useHosts } from '../stores/hosts'
import { useLineage } from '../stores/lineage'
import { useLxcpaths } from '../stores/lxcpaths'
import { useSelection } from '../stores/selection'
import { useUsage } from '../stores/usage'
import { reloadHost } from './useLiveData'

export function switchHost(name: string | null): void {
  if (useHosts.getState().current === name) return
  useContainers.setState({ list: [], loaded: false, error: null })
  useLineage.setState({ graph: { nodes: [], edges: [], findings: [] }, findings: new Map(), error: null })
  useUsage.setState({ status: 'idle', byKey: new Map(), error: null, measuring: false, quotaNote: null })
  useSelection.getState().clear()
  useLxcpaths.setState({ list: [], scope: null })
  useHosts.getState().select(name, api)
  reloadHost()
}
