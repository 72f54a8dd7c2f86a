// The focus must not fall to the page when the element holding it, or the element it would go
// back to, is removed with what it showed: a focused table row or graph node destroyed from a
// terminal, or the dialog opened from it closing after the destroy (PatternFly's modal gives the
// focus back to its opener, which is gone by then). The browser leaves the focus on <body> then,
// where Tab starts again from the page's top and the keyboard's place is lost. The widget's element
// last focused is remembered; when the focus leaves something for nowhere (a focusout with no
// element taking the focus, which Chromium also sends for a focused element removed) and, once the
// removal's work is done (the widget's render, the dialog's effects), it is on <body> while that
// element is gone, it goes to the widget's Tab stop, which the widget has put in the gone
// element's place. A focus the user took away to the page's blank area forgets the element.
// The widget itself gone with it (the table replaced by the first-run page when the last
// container went) leaves no Tab stop: the page's main region takes the focus then, its first
// control (the first-run page's create form) one Tab away.
import { useEffect, useRef } from 'react'

/** the element of a widget gone while the dialog opened from it was open */
let orphan: HTMLElement | null = null

const toMain = (): void => document.querySelector<HTMLElement>('main')?.focus({ preventScroll: true })

/** The dialog closed, its opener gone with its widget: the focus left on <body> goes to the main region. */
function onOrphanFocusOut(e: FocusEvent): void {
  if (e.relatedTarget !== null) return
  setTimeout(() => {
    const now = document.activeElement
    if (!orphan || (now !== null && now !== document.body)) return
    orphan = null
    document.removeEventListener('focusout', onOrphanFocusOut, true)
    toMain()
  }, 0)
}

/** `root()`: the widget's element; `stop()`: its Tab stop, in the place of an item gone. */
export function useFocusFallback(root: () => HTMLElement | null, stop: () => HTMLElement | null): void {
  const latest = useRef({ root, stop })
  latest.current = { root, stop }
  useEffect(() => {
    orphan = null
    document.removeEventListener('focusout', onOrphanFocusOut, true)
    let last: HTMLElement | null = null
    let timer: ReturnType<typeof setTimeout> | undefined
    const onFocusIn = (e: FocusEvent): void => {
      if (e.target instanceof HTMLElement && latest.current.root()?.contains(e.target)) last = e.target
    }
    const onFocusOut = (e: FocusEvent): void => {
      if (e.relatedTarget !== null || !last) return
      clearTimeout(timer)
      timer = setTimeout(() => {
        const now = document.activeElement
        if (!last || (now !== null && now !== document.body)) return
        if (!last.isConnected) latest.current.stop()?.focus({ preventScroll: true })
        else if (e.target === last) last = null
      }, 0)
    }
    document.addEventListener('focusin', onFocusIn, true)
    document.addEventListener('focusout', onFocusOut, true)
    return () => {
      clearTimeout(timer)
      document.removeEventListener('focusin', onFocusIn, true)
      document.removeEventListener('focusout', onFocusOut, true)
      // (run after the widget's elements were removed)
      if (!last || last.isConnected) return
      const now = document.activeElement
      if (now === null || now === document.body) toMain()
      else if (now.closest('[role="dialog"]')) {
        orphan = last
        document.addEventListener('focusout', onOrphanFocusOut, true)
      }
    }
  }, [])
}
