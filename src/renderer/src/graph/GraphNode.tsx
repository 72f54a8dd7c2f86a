// A lineage node: fixed size (React Flow need not measure), memoised, badge by backend,
// state and exclusive size shown (the name whole on hover when it does not fit), red with the
// reason when the lineage has a finding about it. Zoomed out, where
// its text could not be read anyway, it is a plain box (kind, alarm, selection and tooltip
// kept), so a whole 1,000-node graph in view still pans smoothly.
import { memo } from 'react'
import { Handle, Position, useStore, type Node, type NodeProps, type ReactFlowState } from '@xyflow/react'
import { useTranslation } from 'react-i18next'
import type { Finding, LineageNode } from '@shared/model'
import { BackendBadge } from '../components/Badges'
import { dragProps } from '../dnd'
import { useHighlight } from '../stores/highlight'
import { formatBytes, useUsage } from '../stores/usage'
import { saidText } from '../i18n/said'

export type GraphNodeData = { node: LineageNode; findings: Finding[]; match: boolean }
export type GraphFlowNode = Node<GraphNodeData, 'lineage'>

/** Below this zoom a node's 12px text is under 5px on screen: draw plain boxes. */
export const DETAIL_MIN_ZOOM = 0.4
/** The zoom at which a node's 12px text (.gnode) is 11px on screen, the least a name can be read
 *  at: Fit and a graph's first view never zoom out further (the minimap shows the rest). */
export const READABLE_ZOOM = 11 / 12
export const zoomedOut = (s: ReactFlowState): boolean => s.transform[2] < DETAIL_MIN_ZOOM

export const GraphNode = memo(function GraphNode({ data, selected }: NodeProps<GraphFlowNode>): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const { node, findings, match } = data
  const doomed = useHighlight((s) => s.ids.has(node.id))
  const far = useStore(zoomedOut)
  const size = useUsage((s) => s.byKey.get(node.id)?.exclusiveBytes)
  const measuring = useUsage((s) => s.status === 'measuring')
  // errors (and a missing node) mark it red; warnings only in the warning colour
  const errors = findings.filter((f) => f.severity === 'error')
  const bad = errors.length > 0 || node.kind === 'missing'
  const warned = !bad && findings.length > 0
  const first = errors[0] ?? findings[0]
  const reason = findings.map((f) => `${t(`finding.${f.code}`)}: ${saidText(f.said, f.message)}`).join('\n')
  return (
    <div
      {...(node.kind === 'container' ? dragProps(node.ref) : {})}
      className={['gnode', node.kind === 'container' ? 'nopan nodrag' : '', `kind-${node.kind}`, bad ? 'bad' : '', warned ? 'warned' : '', selected ? 'selected' : '', match ? 'match' : '', doomed ? 'doomed' : '', far ? 'far' : ''].join(' ')}
      data-testid={`graph-node-${node.ref.name}`}
      title={reason ? `${node.ref.name}\n${reason}` : node.id}
      data-kind={node.kind}
    >
      {/* Edges run from the dependent (its left side) to its origin (the origin's right side). */}
      <Handle type="source" position={Position.Left} isConnectable={false} />
      {!far && (
        <>
          <div className="gnode-top">
            <span className="gnode-name" title={node.ref.name}>{node.ref.name}</span>
            <BackendBadge backend={node.backend} />
          </div>
          <div className="gnode-bottom">
            <span className={`state state-${node.state}`}>
              <span className="dot" aria-hidden="true" />
              {node.kind === 'container' ? t(`state.${node.state}`) : t(`lineage.kind.${node.kind}`)}
            </span>
            {first ? (
              <span className={`gnode-finding ${first.severity === 'error' ? 'bad' : 'warn'}`}>⚠ {t(`finding.${first.code}`)}</span>
            ) : node.kind !== 'missing' ? (
              <span className="gnode-size" title={t('usage.exclusive')} data-testid={`graph-node-size-${node.ref.name}`}>
                {size !== undefined ? formatBytes(size, i18n.language) : measuring ? t('usage.measuringShort') : ''}
              </span>
            ) : null}
          </div>
        </>
      )}
      <Handle type="target" position={Position.Right} isConnectable={false} />
    </div>
  )
})

/** Module-level, so React Flow never sees a new nodeTypes object. */
export const nodeTypes = { lineage: GraphNode }
