// A modal dialog (PatternFly Modal): focus moves into it and stays there, Escape closes, focus
// goes back where it was. `footer` holds its buttons; without one, the children bring theirs.
// A button that disables itself (a stop that started) drops focus to <body>, where the modal no
// longer hears Escape: the document listens too.
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
}): React.JSX.Element {
  const closeRef = useRef(props.onClose)
  closeRef.current = props.onClose
  useEffect(() => {
    const onBodyKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape' && (document.activeElement === document.body || document.activeElement === null)) closeRef.current()
    }
    document.addEventListener('keydown', onBodyKey)
    return () => document.removeEventListener('keydown', onBodyKey)
  }, [])
  return (
    <Modal
      isOpen
      variant={props.wide ? 'large' : 'medium'}
      onClose={() => props.onClose()}
      aria-labelledby={`${props.testId}-title`}
      data-testid={props.testId}
    >
      <ModalHeader title={props.title} labelId={`${props.testId}-title`} titleIconVariant={props.titleIconVariant} />
      <ModalBody>{props.children}</ModalBody>
      {props.footer && <ModalFooter>{props.footer}</ModalFooter>}
    </Modal>
  )
}
