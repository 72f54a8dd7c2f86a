// A modal dialog: focus moves into it, Tab stays inside, Escape closes, and focus goes back
// to where it was when it closes (also when a button inside disabled itself and dropped focus).
import { useEffect, useRef } from 'react'

export function Dialog(props: { title: string; testId: string; onClose(): void; children: React.ReactNode; wide?: boolean }): React.JSX.Element {
  const ref = useRef<HTMLDivElement>(null)
  const closeRef = useRef(props.onClose)
  closeRef.current = props.onClose
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null
    const first = ref.current?.querySelector<HTMLElement>('[autofocus], input, select, textarea, button')
    first?.focus()
    // A button that disables itself (a stop that started) drops focus to <body>, where the
    // dialog's own keydown no longer hears Escape: listen there too.
    const onBodyKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape' && (document.activeElement === document.body || document.activeElement === null)) closeRef.current()
    }
    document.addEventListener('keydown', onBodyKey)
    return () => {
      document.removeEventListener('keydown', onBodyKey)
      before?.focus?.()
    }
  }, [])
  const onKeyDown = (e: React.KeyboardEvent): void => {
    if (e.key === 'Escape') {
      e.stopPropagation()
      props.onClose()
      return
    }
    if (e.key !== 'Tab' || !ref.current) return
    const items = [...ref.current.querySelectorAll<HTMLElement>('input, select, textarea, button, [tabindex="0"]')].filter(
      (el) => !(el as HTMLButtonElement).disabled
    )
    if (!items.length) return
    const i = items.indexOf(document.activeElement as HTMLElement)
    if (e.shiftKey && i <= 0) {
      e.preventDefault()
      items[items.length - 1]!.focus()
    } else if (!e.shiftKey && i === items.length - 1) {
      e.preventDefault()
      items[0]!.focus()
    }
  }
  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}>
      <div
        ref={ref}
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${props.testId}-title`}
        className={props.wide ? 'dialog wide' : 'dialog'}
        data-testid={props.testId}
        onKeyDown={onKeyDown}
      >
        <h2 id={`${props.testId}-title`}>{props.title}</h2>
        {props.children}
      </div>
    </div>
  )
}
