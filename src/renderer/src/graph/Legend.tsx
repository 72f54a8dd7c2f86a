// Edge kinds and their colours.
import { useTranslation } from 'react-i18next'
import type { LineageEdgeKind } from '@shared/model'

export const EDGE_KINDS: LineageEdgeKind[] = ['depends-on-lower', 'cloned-from', 'snapshot-of', 'copied-from']

export function Legend(): React.JSX.Element {
  const { t } = useTranslation()
  return (
    <div className="legend" data-testid="legend" aria-label={t('lineage.legend')}>
      <strong>{t('lineage.legend')}</strong>
      {EDGE_KINDS.map((k) => (
        <span key={k} className="legend-item">
          <svg width="28" height="8" aria-hidden="true">
            <line x1="0" y1="4" x2="28" y2="4" className={`edge-${k}`} />
          </svg>
          {t(`lineage.edge.${k}`)}
        </span>
      ))}
    </div>
  )
}
