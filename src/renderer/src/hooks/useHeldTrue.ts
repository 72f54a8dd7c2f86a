// A flag that, once true, stays true on screen for at least `ms`: a state that lasts a few
// milliseconds (a change's usage measured again) is seen as a short, steady indicator instead
// of a flicker, or not at all.
import { useEffect, useState } from 'react'

export function useHeldTrue(value: boolean, ms: number): boolean {
  const [since, setSince] = useState<number | null>(null)
  const [, redraw] = useState(0)
  useEffect(() => {
    if (value) setSince(Date.now())
  }, [value])
  const left = since === null ? 0 : since + ms - Date.now()
  useEffect(() => {
    if (value || left <= 0) return
    const timer = setTimeout(() => redraw((n) => n + 1), left)
    return () => clearTimeout(timer)
  }, [value, left])
  return value || left > 0
}
