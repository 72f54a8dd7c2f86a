import type { StrataBridge } from '../shared/api'

declare global {
  interface Window {
    /** set by the Electron preload (each method answers a Reply); absent in browser mode */
    strata?: StrataBridge
  }
}
export {}
