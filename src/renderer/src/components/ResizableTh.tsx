// A containers-table header: a sort button and a handle on its right edge to change the column's
// width, dragged with the pointer, or focused (Left/Right from the sort button: the table is one
// Tab stop, ContainerTableKeys) and moved with the arrow keys (Shift for bigger steps; Ctrl+arrows
// move the focus on, Escape back to the sort button); Home or a double-click gives the column
// back its natural width. PatternFly 6.6's
// react-table has no resizable columns, so the handle is ours: a WAI-ARIA window splitter
// (role=separator with its value). The cell is a plain `<th>` with PatternFly's classes and
// markup: react-table's Th measures offsetWidth/scrollWidth after mounting (to know whether its
// text is cut), which forced a layout of the whole table while its 500 rows were being built.
// Here the text is measured only on hover or focus, and the tooltip mounted only then. The
// column's width is the table's (a track of its header's grid, ContainerTable), not the cell's.
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Tooltip } from '@patternfly/react-core'
import { ArrowsAltVIcon, LongArrowAltDownIcon, LongArrowAltUpIcon } from '@patternfly/react-icons'
import { clampWidth, MAX_COLUMN_WIDTH, MIN_COLUMN_WIDTH, useColumnWidths } from '../stores/columnWidths'

const STEP = 16

function Handle({ column, label, th }: { column: string; label: string; th: React.RefObject<HTMLTableCellElement | null> }): React.JSX.Element {
  const { t } = useTranslation()
  const width = useColumnWidths((s) => s.widths[column])
  const setWidth = useColumnWidths((s) => s.setWidth)
  const reset = useColumnWidths((s) => s.reset)
  // the natural width for aria-valuenow, read after the first paint (and on focus), never while
  // the table is being built: a read then is a forced layout of every row
  const [natural, setNatural] = useState<number | null>(null)
  const measure = (): void => {
    if (th.current) setNatural(clampWidth(th.current.getBoundingClientRect().width))
  }
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => th.current && setNatural(clampWidth(th.current.getBoundingClientRect().width)), 0)
    })
    return () => {
      cancelAnimationFrame(frame)
      clearTimeout(timer)
    }
  }, [th])
  const current = (): number => width ?? th.current?.getBoundingClientRect().width ?? MIN_COLUMN_WIDTH
  const onPointerDown = (e: React.PointerEvent<HTMLDivElement>): void => {
    e.preventDefault()
    e.stopPropagation()
    const startX = e.clientX
    const start = th.current?.getBoundingClientRect().width ?? MIN_COLUMN_WIDTH
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
    if (e.ctrlKey || e.metaKey) return // Ctrl+arrows move the focus on (ContainerTableKeys)
    const step = e.shiftKey ? STEP * 4 : STEP
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') setWidth(column, current() + (e.key === 'ArrowRight' ? step : -step))
    else if (e.key === 'Home') {
      reset(column)
      setNatural(null)
      requestAnimationFrame(measure)
    } else return
    e.preventDefault()
    e.stopPropagation()
  }
  const now = width ?? natural
  return (
    <div
      className="column-resizer"
      role="separator"
      aria-orientation="vertical"
      aria-label={t('containers.resizeColumn', { column: label })}
      aria-valuemin={MIN_COLUMN_WIDTH}
      aria-valuemax={MAX_COLUMN_WIDTH}
      aria-valuenow={now === null ? undefined : Math.round(now)}
      title={t('containers.resizeHint')}
      tabIndex={-1}
      data-testid={`resize-${column}`}
      onFocus={() => width === undefined && measure()}
      onPointerDown={onPointerDown}
      onDoubleClick={() => {
        reset(column)
        requestAnimationFrame(measure)
      }}
      onClick={(e) => e.stopPropagation()}
      onKeyDown={onKeyDown}
    />
  )
}

export interface ResizableThProps {
  /** keys the stored width and the test ids (`sort-X`, `resize-X`) */
  column: string
  /** the header's text, also naming the handle for screen readers */
  label: string
  numeric?: boolean
  /** PatternFly's visibility classes: hidden below xl (1200 px) or 2xl (1450 px) */
  wide?: 'xl' | '2xl'
  /** shown on hover when the header's text is cut (the text itself when not given) */
  tooltip?: string
  /** this column's sort direction when the table is sorted by it */
  sorted?: 'asc' | 'desc'
  onSort(): void
}

/** A sortable header cell (PatternFly's markup: th.pf-v6-c-table__sort > button > text + indicator) with a resize handle. */
export function ResizableTh({ column, label, numeric, wide, tooltip, sorted, onSort }: ResizableThProps): React.JSX.Element {
  const ref = useRef<HTMLTableCellElement>(null)
  const textRef = useRef<HTMLSpanElement>(null)
  const [tip, setTip] = useState<string | null>(null)
  // PatternFly's TableText: a tooltip only when the text is cut
  const showTipIfCut = (): void => {
    const el = textRef.current
    setTip(el && el.offsetWidth < el.scrollWidth ? (tooltip ?? label) : null)
  }
  const Indicator = sorted === 'asc' ? LongArrowAltUpIcon : sorted === 'desc' ? LongArrowAltDownIcon : ArrowsAltVIcon
  const className = [
    'pf-v6-c-table__th',
    numeric && 'num',
    'resizable',
    numeric ? 'pf-m-fit-content' : 'pf-m-nowrap',
    'pf-v6-c-table__sort',
    sorted && 'pf-m-selected',
    wide && `pf-m-hidden pf-m-visible-on-${wide}`
  ]
    .filter(Boolean)
    .join(' ')
  return (
    <th ref={ref} tabIndex={-1} role="columnheader" className={className} aria-sort={sorted ? `${sorted}ending` : undefined} data-testid={`sort-${column}`} data-column={column}>
      <button
        type="button"
        tabIndex={-1}
        className="pf-v6-c-table__button"
        onClick={onSort}
        onMouseEnter={showTipIfCut}
        onMouseLeave={() => setTip(null)}
        onFocus={showTipIfCut}
        onBlur={() => setTip(null)}
      >
        <div className="pf-v6-c-table__button-content">
          <span ref={textRef} className="pf-v6-c-table__text">
            {label}
          </span>
          <span className="pf-v6-c-table__sort-indicator">
            <Indicator />
          </span>
        </div>
      </button>
      {tip !== null && <Tooltip triggerRef={textRef} content={tip} isVisible trigger="manual" />}
      <Handle column={column} label={label} th={ref} />
    </th>
  )
}
