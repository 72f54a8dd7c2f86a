// A container's config: the expanded view (includes followed) with each entry's source
// file:line and legacy keys flagged with their modern names, and the raw file; the conversion
// of legacy keys offered as an action with a preview (ModernizeDialog). PatternFly throughout:
// Tabs (arrow keys move between them, Enter or Space opens), a FormSelect picker, a compact Table, a CodeBlock.
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  Alert,
  CodeBlock,
  CodeBlockCode,
  EmptyState,
  EmptyStateBody,
  FormSelect,
  FormSelectOption,
  Label,
  List,
  ListItem,
  Tab,
  Tabs,
  TabTitleText,
  Title,
  Toolbar,
  ToolbarContent,
  ToolbarItem
} from '@patternfly/react-core'
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table'
import type { ConfigView as ConfigData } from '@shared/api'
import { api, errorText } from '../api'
import { keyOf, useContainers } from '../stores/containers'
import { useSelection } from '../stores/selection'
import { FixButton, fixIdsOf, useFix } from '../components/FixButton'
import { PathText } from '../components/PathText'
import { saidText } from '../i18n/said'

type TabKey = 'expanded' | 'raw'

/** Left and right arrows move the focus between the tabs (the WAI-ARIA tabs pattern; PatternFly's Tabs leave it out). */
function moveBetweenTabs(e: React.KeyboardEvent): void {
  if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return
  const tab = (e.target as HTMLElement).closest<HTMLElement>('[role="tab"]')
  const tabs = tab ? [...(tab.closest('[role="tablist"]')?.querySelectorAll<HTMLElement>('[role="tab"]') ?? [])] : []
  if (!tab || tabs.length < 2) return
  e.preventDefault()
  tabs[(tabs.indexOf(tab) + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length]!.focus()
}

export function ConfigView(): React.JSX.Element {
  const { t } = useTranslation()
  const list = useContainers((s) => s.list)
  const focus = useSelection((s) => s.focus)
  const select = useSelection((s) => s.select)
  const fix = useFix()
  const c = list.find((x) => keyOf(x) === focus)
  const [tab, setTab] = useState<TabKey>('expanded')
  const [data, setData] = useState<{ key: string; view: ConfigData | null; error: string | null } | null>(null)

  useEffect(() => {
    if (!c) return
    const key = keyOf(c)
    let live = true
    api.configView({ lxcpath: c.lxcpath, name: c.name }).then(
      (view) => live && setData({ key, view, error: null }),
      (e: unknown) => live && setData({ key, view: null, error: errorText(e) })
    )
    return () => {
      live = false
    }
  }, [c])

  const view = c && data?.key === keyOf(c) ? data : null
  const config = view?.view ?? null
  return (
    <section className="pane pad config" data-testid="config-view">
      <Toolbar className="view-toolbar" inset={{ default: 'insetNone' }}>
        <ToolbarContent>
          <ToolbarItem alignSelf="center">
            <Title headingLevel="h2">{t('config.title')}</Title>
          </ToolbarItem>
          <ToolbarItem alignSelf="center">
            <label htmlFor="config-pick" className="config-pick-label">
              {t('config.pick')}
            </label>
          </ToolbarItem>
          <ToolbarItem>
            <FormSelect id="config-pick" data-testid="config-pick" value={c ? keyOf(c) : ''} onChange={(_e, v) => select(v)} aria-label={t('config.pick')} className="config-pick">
              <FormSelectOption value="" label="—" isDisabled />
              {list.map((x) => (
                <FormSelectOption key={keyOf(x)} value={keyOf(x)} label={x.name} />
              ))}
            </FormSelect>
          </ToolbarItem>
          {/* the fixes the engine offers for its problems (the conversion of legacy keys), each its button */}
          {c &&
            fixIdsOf(c.problems).map((id) => (
              <ToolbarItem key={id}>
                <FixButton fixId={id} onClick={() => fix.open(id, c)} />
              </ToolbarItem>
            ))}
        </ToolbarContent>
      </Toolbar>
      {!c && (
        <EmptyState variant="sm" titleText={t('config.title')} headingLevel="h3">
          <EmptyStateBody>{t('config.pickNone')}</EmptyStateBody>
        </EmptyState>
      )}
      {fix.dialog}
      {view?.error && <Alert variant="danger" isInline role="alert" title={t('app.error', { message: view.error })} />}
      {config && (
        <div onKeyDown={moveBetweenTabs}>
        <Tabs activeKey={tab} onSelect={(_e, k) => setTab(k as TabKey)} aria-label={t('config.title')} data-testid="config-tabs" mountOnEnter>
          <Tab eventKey="expanded" title={<TabTitleText>{t('config.expanded')}</TabTitleText>}>
            <div className="config-tab">
              <Table variant="compact" data-testid="config-expanded" aria-label={t('config.expanded')} className="config-table">
                <Thead>
                  <Tr>
                    <Th width={30}>{t('config.key')}</Th>
                    <Th width={40}>{t('config.value')}</Th>
                    <Th width={30}>{t('config.source')}</Th>
                  </Tr>
                </Thead>
                <Tbody>
                  {config.entries.map((e, i) => (
                    <Tr key={i} className={e.legacy ? 'legacy' : undefined}>
                      <Td dataLabel={t('config.key')} className="mono">
                        {e.key}{' '}
                        {e.legacy && (
                          <Label color="orange" isCompact className="legacy-label">
                            {t('config.legacy', { modern: e.legacy })}
                          </Label>
                        )}
                      </Td>
                      <Td dataLabel={t('config.value')} className="mono wrap-path">
                        {e.value}
                      </Td>
                      <Td dataLabel={t('config.source')} className="mono muted wrap-path">
                        <PathText text={`${e.file}:${e.line}`} />
                      </Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
              <Title headingLevel="h3" className="dialog-section">
                {t('config.problems')}
              </Title>
              {config.problems.length === 0 ? (
                <p className="muted">{t('config.noProblems')}</p>
              ) : (
                <List isPlain data-testid="config-problems">
                  {config.problems.map((p, i) => (
                    <ListItem key={i} className={p.severity === 'error' ? 'bad' : 'warn'}>
                      <span className="mono wrap-path">
                        <PathText text={`${p.file}:${p.line}`} />
                      </span>{' '}
                      {saidText(p.said, p.message)}
                    </ListItem>
                  ))}
                </List>
              )}
            </div>
          </Tab>
          <Tab eventKey="raw" title={<TabTitleText>{t('config.raw')}</TabTitleText>}>
            <div className="config-tab">
              <p className="mono muted wrap-path"><PathText text={config.file} /></p>
              <CodeBlock data-testid="config-raw" className="config-raw">
                <CodeBlockCode>{config.raw}</CodeBlockCode>
              </CodeBlock>
            </div>
          </Tab>
        </Tabs>
        </div>
      )}
    </section>
  )
}
