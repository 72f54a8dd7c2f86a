// Mounts its children once the page has painted: what the first view does not show (the
// toasts' live region, a portal appended to <body>) is not styled before its first paint.
import { useEffect, useState } from 'react'

export function AfterFirstPaint({ children }: { children: React.ReactNode }): React.ReactNode {
  const [painted, setPainted] = useState(false)
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const frame = requestAnimationFrame(() => (timer = setTimeout(() => setPainted(true), 0)))
    return () => {
      cancelAnimationFrame(frame)
      clearTimeout(timer)
    }
  }, [])
  return painted ? children : null
}
