// Runs ELK's layered layout off the UI thread (1000 nodes take ~1 s on a slow machine).
import ELK from 'elkjs/lib/elk.bundled.js'
import { fromElk, type LayoutRequest, type LayoutResponse } from './layout'

const elk = new ELK()
// elk.bundled.js installs its own self.onmessage when loaded in a worker: replace it.
self.onmessage = async (ev: MessageEvent<LayoutRequest>) => {
  const { seq, graph } = ev.data
  let res: LayoutResponse
  try {
    res = { seq, positions: fromElk(await elk.layout(graph)) }
  } catch (e) {
    res = { seq, error: e instanceof Error ? e.message : String(e) }
  }
  self.postMessage(res)
}
