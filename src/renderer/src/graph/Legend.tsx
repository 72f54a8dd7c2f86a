// Edge kinds and their colours: only the kinds drawn on screen, each with its arrowhead.
import { useTranslation } from 'react-i18next'
import type { LineageEdgeKind } from '@shared/model'

export const EDGE_KINDS: LineageEdgeKind[] = ['depends-on-lower', 'cloned-from', 'snapshot-of', 'copied-from']

/** The CSS colour of an edge kind (the same variable its stroke and arrowhead use). */
export const edgeColor = (kind: LineageEdgeKind): string => `var(--e-${{ 'depends-on-lower': 'lower', 'cloned-from': 'clone', 'snapshot-of': 'snap', 'copied-from': 'copy' }[kind]})`

export function Legend({ kinds }: { kinds: ReadonlySet<LineageEdgeKind> }): React.JSX.Element | null {
  const { t } = useTranslation()
  const shown = EDGE_KINDS.filter((k) => kinds.has(k))
  if (!shown.length) return null
  return (
    <div className="legend" data-testid="legend" aria-label={t('lineage.legend')}>
      <strong>{t('lineage.legend')}</strong>
      {shown.map((k) => (
        <span key={k} className="legend-item" data-testid={`legend-${k}`}>
          <svg width="34" height="10" aria-hidden="true">
            <line x1="0" y1="5" x2="26" y2="5" className={`edge-${k}`} />
            <path d="M26,1 L34,5 L26,9 z" style={{ fill: edgeColor(k) }} />
          </svg>
          {t(`lineage.edge.${k}`)}
        </span>
      ))}
    </div>
  )
}
