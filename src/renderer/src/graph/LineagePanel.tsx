// Below the graph: the selected node's relations and the lineage's problems, as two tabs with
// their counts. Closed by default where the window is short, so the graph keeps the height (a
// click on a tab opens it; the chevron closes it again), open where there is room.
import { useState } from 'react'
import { Badge, Button, Tab, TabContent, Tabs, TabTitleText } from '@patternfly/react-core'
import AngleDownIcon from '@patternfly/react-icons/dist/esm/icons/angle-down-icon'
import AngleUpIcon from '@patternfly/react-icons/dist/esm/icons/angle-up-icon'
import { useTranslation } from 'react-i18next'
import type { LineageEdge } from '@shared/model'
import { useLineage } from '../stores/lineage'
import { NodeRelations, drawnFrom } from './NodeRelations'
import { FindingsList } from '../components/FindingsList'

/** Below this window height the panel starts closed: at 1024x700 the graph needs the room. */
const OPEN_FROM_HEIGHT = 850

type PanelTab = 'relations' | 'problems'

export function LineagePanel({ focus, drawn, transitive }: { focus: string | null; drawn: readonly LineageEdge[]; transitive: readonly LineageEdge[] }): React.JSX.Element {
  const { t } = useTranslation()
  const findings = useLineage((s) => s.graph.findings)
  const [open, setOpen] = useState(() => window.innerHeight >= OPEN_FROM_HEIGHT)
  // until a tab is chosen: the problems when there are any
  const [chosen, setTab] = useState<PanelTab | null>(null)
  const tab: PanelTab = chosen ?? (findings.length ? 'problems' : 'relations')
  const relationCount = focus ? drawnFrom(focus, drawn).length + transitive.length : 0
  const errors = findings.some((f) => f.severity === 'error')
  const title = (key: PanelTab, label: string, count: number, unread: boolean): React.JSX.Element => (
    <>
      <TabTitleText>{label}</TabTitleText>{' '}
      <Badge isRead={!unread} data-testid={`lineage-tab-${key}-count`}>{count}</Badge>
    </>
  )
  return (
    <section className="lineage-panel" data-testid="lineage-panel" data-open={open}>
      <div className="lineage-panel-head">
        <Tabs
          activeKey={open ? tab : ''}
          onSelect={(_e, k) => {
            setTab(k as PanelTab)
            setOpen(true)
          }}
          aria-label={t('lineage.panel.label')}
          hasNoBorderBottom
          inset={{ default: 'insetSm' }}
        >
          <Tab eventKey="relations" data-testid="lineage-tab-relations" tabContentId="lineage-panel-relations" title={title('relations', t('lineage.relations'), relationCount, false)} />
          <Tab eventKey="problems" data-testid="lineage-tab-problems" tabContentId="lineage-panel-problems" title={title('problems', t('lineage.panel.problems'), findings.length, errors)} />
        </Tabs>
        <Button
          variant="plain"
          data-testid="lineage-panel-toggle"
          aria-expanded={open}
          aria-label={t(open ? 'lineage.panel.hide' : 'lineage.panel.show')}
          title={t(open ? 'lineage.panel.hide' : 'lineage.panel.show')}
          icon={open ? <AngleDownIcon /> : <AngleUpIcon />}
          onClick={() => setOpen(!open)}
        />
      </div>
      <TabContent id="lineage-panel-relations" eventKey="relations" hidden={!open || tab !== 'relations'} className="lineage-panel-body" aria-label={t('lineage.relations')}>
        {focus && relationCount ? <NodeRelations id={focus} drawn={drawn} transitive={transitive} /> : <p className="muted pad">{t(focus ? 'lineage.panel.noRelations' : 'lineage.panel.selectNode')}</p>}
      </TabContent>
      <TabContent id="lineage-panel-problems" eventKey="problems" hidden={!open || tab !== 'problems'} className="lineage-panel-body" aria-label={t('lineage.panel.problems')}>
        <FindingsList />
      </TabContent>
    </section>
  )
}
