import type { StrataApi } from '../shared/api'

declare global {
  interface Window {
    /** set by the Electron preload; absent in browser mode */
    strata?: StrataApi
  }
}
export {}
