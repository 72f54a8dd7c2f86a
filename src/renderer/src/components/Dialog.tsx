// A modal dialog (PatternFly Modal): focus moves into it and stays there, Escape closes, focus
// goes back where it was. `footer` holds its buttons; without one, the children bring theirs.
// A button that disables itself (a stop or destroy that started) or is replaced (a finished
// destroy) drops focus to <body>, where the modal no longer hears Escape or Enter: the document
// listens for Escape too, and focus is put back on the dialog's first usable footer button.
import { useEffect, useRef } from 'react'
import { Modal, ModalBody, ModalFooter, ModalHeader } from '@patternfly/react-core'

export function Dialog(props: {
  title: string
  testId: string
  onClose(): void
  children: React.ReactNode
  footer?: React.ReactNode
  wide?: boolean
  titleIconVariant?: 'danger' | 'warning' | 'info' | 'success'
  /** a selector inside the dialog to focus first (a destructive dialog's Cancel), instead of PatternFly's close button */
  initialFocus?: string
}): React.JSX.Element {
  const closeRef = useRef(props.onClose)
  closeRef.current = props.onClose
  useEffect(() => {
    const onBodyKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape' && (document.activeElement === document.body || document.activeElement === null)) closeRef.current()
    }
    document.addEventListener('keydown', onBodyKey)
    // The element last focused inside the dialog: when a change disables or removes it while it
    // has focus (or focus fell to <body>), focus goes to the first usable footer button (else any usable button).
    let lastInside: HTMLElement | null = null
    const boxOf = (): Element | null => document.querySelector(`[data-testid="${props.testId}"]`)
    const onFocusIn = (e: FocusEvent): void => {
      if (e.target instanceof HTMLElement && boxOf()?.contains(e.target)) lastInside = e.target
    }
    document.addEventListener('focusin', onFocusIn)
    const watch = new MutationObserver(() => {
      // (the browser moves focus off a disabled element only at its next rendering step)
      const now = document.activeElement
      if (!lastInside || (now !== lastInside && now !== document.body && now !== null)) return
      if (lastInside.isConnected && !lastInside.matches(':disabled')) return
      const box = boxOf()
      const usable = (sel: string): HTMLElement | undefined =>
        [...(box?.querySelectorAll<HTMLElement>(sel) ?? [])].find((b) => !b.matches(':disabled') && b.getAttribute('aria-disabled') !== 'true')
      ;(usable('.pf-v6-c-modal-box__footer button') ?? usable('button'))?.focus()
    })
    watch.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['disabled'] })
    return () => {
      document.removeEventListener('keydown', onBodyKey)
      document.removeEventListener('focusin', onFocusIn)
      watch.disconnect()
    }
  }, [])
  return (
    <Modal
      isOpen
      variant={props.wide ? 'large' : 'medium'}
      onClose={() => props.onClose()}
      aria-labelledby={`${props.testId}-title`}
      data-testid={props.testId}
      {...(props.initialFocus ? { elementToFocus: `[data-testid="${props.testId}"] ${props.initialFocus}` } : {})}
    >
      <ModalHeader title={props.title} labelId={`${props.testId}-title`} titleIconVariant={props.titleIconVariant} />
      <ModalBody>{props.children}</ModalBody>
      {props.footer && <ModalFooter>{props.footer}</ModalFooter>}
    </Modal>
  )
}
