// The views other than the containers table, loaded on demand: the graph (React Flow, the ELK
// worker), usage (the treemap) and config are most of the bundle, and the first view must not
// wait for their code. `preloadView` starts a view's download early (the one the window opens
// on, at boot; the others once the first view is up), so switching to one does not wait either.
import { lazy } from 'react'
import type { View } from '../stores/prefs'

const loaders = {
  lineage: () => import('./LineageView').then((m) => ({ default: m.LineageView })),
  usage: () => import('./UsageView').then((m) => ({ default: m.UsageView })),
  config: () => import('./ConfigView').then((m) => ({ default: m.ConfigView }))
}

export const LineageView = lazy(loaders.lineage)
export const UsageView = lazy(loaders.usage)
export const ConfigView = lazy(loaders.config)

export function preloadView(view: View): void {
  if (view in loaders) void loaders[view as keyof typeof loaders]()
}

export function preloadAllViews(): void {
  for (const load of Object.values(loaders)) void load()
}
