// A containers-table header whose width the user can change: a handle on its right edge, dragged
// with the pointer, or focused (Tab) and moved with the arrow keys (Shift for bigger steps);
// Home or a double-click gives the column back its natural width. PatternFly 6.6's react-table
// has no resizable columns, so the handle is ours: a WAI-ARIA window splitter (role=separator
// with its value), placed in the header cell outside its sort button.
import { useLayoutEffect, useRef, useState } from 'react'
import { createPortal } from 'react-dom'
import { useTranslation } from 'react-i18next'
import { Th, type ThProps } from '@patternfly/react-table'
import { clampWidth, MAX_COLUMN_WIDTH, MIN_COLUMN_WIDTH, useColumnWidths } from '../stores/columnWidths'

const STEP = 16

function Handle({ column, label, th }: { column: string; label: string; th: HTMLTableCellElement }): React.JSX.Element {
  const { t } = useTranslation()
  const width = useColumnWidths((s) => s.widths[column])
  const setWidth = useColumnWidths((s) => s.setWidth)
  const reset = useColumnWidths((s) => s.reset)
  const current = (): number => width ?? th.getBoundingClientRect().width
  const onPointerDown = (e: React.PointerEvent<HTMLDivElement>): void => {
    e.preventDefault()
    e.stopPropagation()
    const startX = e.clientX
    const start = th.getBoundingClientRect().width
    const handle = e.currentTarget
    handle.setPointerCapture(e.pointerId)
    const move = (ev: PointerEvent): void => setWidth(column, start + ev.clientX - startX)
    const up = (): void => {
      handle.removeEventListener('pointermove', move)
      handle.removeEventListener('pointerup', up)
      handle.removeEventListener('pointercancel', up)
    }
    handle.addEventListener('pointermove', move)
    handle.addEventListener('pointerup', up)
    handle.addEventListener('pointercancel', up)
  }
  const onKeyDown = (e: React.KeyboardEvent): void => {
    const step = e.shiftKey ? STEP * 4 : STEP
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') setWidth(column, current() + (e.key === 'ArrowRight' ? step : -step))
    else if (e.key === 'Home') reset(column)
    else return
    e.preventDefault()
    e.stopPropagation()
  }
  return (
    <div
      className="column-resizer"
      role="separator"
      aria-orientation="vertical"
      aria-label={t('containers.resizeColumn', { column: label })}
      aria-valuemin={MIN_COLUMN_WIDTH}
      aria-valuemax={MAX_COLUMN_WIDTH}
      aria-valuenow={Math.round(width ?? clampWidth(th.getBoundingClientRect().width))}
      title={t('containers.resizeHint')}
      tabIndex={0}
      data-testid={`resize-${column}`}
      onPointerDown={onPointerDown}
      onDoubleClick={() => reset(column)}
      onClick={(e) => e.stopPropagation()}
      onKeyDown={onKeyDown}
    />
  )
}

/** A Th with a resize handle; `column` keys the stored width, `label` names it for screen readers. */
export function ResizableTh({ column, label, style, ...props }: ThProps & { column: string; label: string }): React.JSX.Element {
  // an object ref: PatternFly's Th reads `ref.current` itself (a callback ref breaks it)
  const ref = useRef<HTMLTableCellElement>(null)
  const [th, setTh] = useState<HTMLTableCellElement | null>(null)
  useLayoutEffect(() => setTh(ref.current), [])
  const width = useColumnWidths((s) => s.widths[column])
  const sized = width === undefined ? style : { ...style, width, minWidth: width, maxWidth: width }
  return (
    <>
      <Th {...props} ref={ref} style={sized} className={[props.className, 'resizable'].filter(Boolean).join(' ')} />
      {th && createPortal(<Handle column={column} label={label} th={th} />, th)}
    </>
  )
}
