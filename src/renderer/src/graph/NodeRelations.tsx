// The selected node's relations in words: the one the graph draws, and what LXC also records
// that follows from it (an ancestor's lxc_snapshots entry for a clone of a clone), which the
// graph does not draw as extra edges.
import { useTranslation } from 'react-i18next'
import type { LineageEdge } from '@shared/model'

/** A node's drawn relations: those leaving it. */
export const drawnFrom = (id: string, drawn: readonly LineageEdge[]): LineageEdge[] => drawn.filter((e) => e.from === id)

export function NodeRelations({ id, drawn, transitive }: { id: string; drawn: readonly LineageEdge[]; transitive: readonly LineageEdge[] }): React.JSX.Element | null {
  const { t } = useTranslation()
  const mine = drawnFrom(id, drawn)
  if (!mine.length && !transitive.length) return null
  const name = (nodeId: string): string => nodeId.slice(nodeId.lastIndexOf('/') + 1)
  return (
    <section className="node-relations" data-testid="node-relations" aria-label={t('lineage.relations')}>
      <ul>
        {mine.map((e) => (
          <li key={`${e.to}#${e.kind}`}>
            {t(`lineage.edge.${e.kind}`)} <span className="mono" title={e.to}>{name(e.to)}</span>
          </li>
        ))}
        {transitive.map((e) => (
          <li key={`${e.to}#${e.kind}`} className="muted" data-testid="node-relation-transitive">
            {t('lineage.transitive', { relation: t(`lineage.edge.${e.kind}`), name: name(e.to) })}
          </li>
        ))}
      </ul>
    </section>
  )
}
