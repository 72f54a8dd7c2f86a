// Fetch containers and lineage once, then again on every `changed` event from main.
import { useEffect } from 'react'
import { api } from '../api'
import { keyOf, useContainers } from '../stores/containers'
import { useLineage } from '../stores/lineage'
import { useSelection } from '../stores/selection'

export async function refresh(): Promise<void> {
  await Promise.all([useContainers.getState().fetch(api), useLineage.getState().fetch(api)])
  useSelection.getState().prune(new Set(useContainers.getState().list.map(keyOf)))
}

export function useLiveData(): void {
  useEffect(() => {
    void refresh()
    let timer: ReturnType<typeof setTimeout> | undefined
    // Main already debounces; coalesce bursts across several lxcpaths here too.
    const off = api.on('changed', () => {
      clearTimeout(timer)
      timer = setTimeout(() => void refresh(), 50)
    })
    return () => {
      off()
      clearTimeout(timer)
    }
  }, [])
}
