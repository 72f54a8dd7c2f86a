// The right-click (and Shift+F10 / context-menu key) menu of a lineage node: the same actions
// as the rest of the app, through the same stores and calls; what does not apply is disabled
// with the reason (shared/lifecycle.ts) on hover. A snapshot can be cloned from and restored.
import { useEffect, useRef } from 'react'
import { Menu, MenuContent, MenuItem, MenuList, Divider } from '@patternfly/react-core'
import CloneIcon from '@patternfly/react-icons/dist/esm/icons/clone-icon'
import CameraIcon from '@patternfly/react-icons/dist/esm/icons/camera-icon'
import PlayIcon from '@patternfly/react-icons/dist/esm/icons/play-icon'
import StopIcon from '@patternfly/react-icons/dist/esm/icons/stop-icon'
import TrashIcon from '@patternfly/react-icons/dist/esm/icons/trash-icon'
import CogIcon from '@patternfly/react-icons/dist/esm/icons/cog-icon'
import ChartPieIcon from '@patternfly/react-icons/dist/esm/icons/chart-pie-icon'
import HistoryIcon from '@patternfly/react-icons/dist/esm/icons/history-icon'
import { useTranslation } from 'react-i18next'
import type { ContainerInfo, LineageNode } from '@shared/model'
import { containerRefusal } from '@shared/lifecycle'
import { useStateReason } from '../hooks/stateReason'
import { useCopyToHost } from '../hooks/copyToHost'

/** What a chosen item asks the view to do; the view owns the dialogs and the calls. */
export type NodeAction =
  | { kind: 'clone' | 'copyToHost' | 'snapshot' | 'start' | 'stop' | 'destroy' | 'config' | 'usage'; container: ContainerInfo }
  | { kind: 'clone-snapshot' | 'restore-snapshot'; node: LineageNode }

interface Props {
  node: LineageNode
  /** the container row of a container node (none for a snapshot or a missing origin) */
  container: ContainerInfo | undefined
  /** viewport coordinates of the pointer (or of the node, from the keyboard) */
  at: { x: number; y: number }
  onAction(a: NodeAction): void
  onClose(): void
}

export function NodeMenu({ node, container: c, at, onAction, onClose }: Props): React.JSX.Element {
  const { t } = useTranslation()
  const reasonOf = useStateReason()
  const copy = useCopyToHost()
  const ref = useRef<HTMLDivElement>(null)

  // Focus the first item so the keyboard can go on; Escape or a click elsewhere closes it.
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('button:not([aria-disabled="true"]), a')?.focus()
    const away = (e: MouseEvent): void => {
      if (!ref.current?.contains(e.target as Node)) onClose()
    }
    const key = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onClose()
    }
    document.addEventListener('mousedown', away)
    document.addEventListener('keydown', key)
    return () => {
      document.removeEventListener('mousedown', away)
      document.removeEventListener('keydown', key)
    }
  }, [onClose])

  const choose = (a: NodeAction): void => {
    onClose()
    onAction(a)
  }
  const refused = (action: 'start' | 'stop' | 'destroy'): string | undefined => {
    const r = c ? containerRefusal(action, c) : null
    return r && c ? reasonOf(r.rule, c) : undefined
  }
  const item = (id: string, label: string, icon: React.ReactNode, run: () => void, reason?: string, danger = false): React.JSX.Element => (
    <MenuItem
      key={id}
      itemId={id}
      icon={icon}
      isDanger={danger}
      isAriaDisabled={reason !== undefined}
      tooltipProps={reason ? { content: reason } : undefined}
      // the reason on screen too, not only on hover: a keyboard user reads it (as the row menu does)
      description={reason}
      data-testid={`node-menu-${id}`}
      onClick={() => reason === undefined && run()}
    >
      {label}
    </MenuItem>
  )

  // Kept inside the window: the menu opens up or left of the pointer near an edge.
  const style: React.CSSProperties = { position: 'fixed', zIndex: 1000, minWidth: 220 }
  if (at.x > window.innerWidth - 240) style.right = window.innerWidth - at.x
  else style.left = at.x
  if (at.y > window.innerHeight - 320) style.bottom = window.innerHeight - at.y
  else style.top = at.y

  let items: React.JSX.Element[]
  if (c) {
    const stop = refused('stop')
    items = [
      item('clone', t('lineage.menu.clone'), <CloneIcon />, () => choose({ kind: 'clone', container: c })),
      item('copyToHost', t('lineage.menu.copyToHost'), <CloneIcon />, () => choose({ kind: 'copyToHost', container: c }), copy.why(c) ?? undefined),
      item('snapshot', t('lineage.menu.snapshot'), <CameraIcon />, () => choose({ kind: 'snapshot', container: c })),
      stop === undefined
        ? item('stop', t('lineage.menu.stop'), <StopIcon />, () => choose({ kind: 'stop', container: c }))
        : item('start', t('lineage.menu.start'), <PlayIcon />, () => choose({ kind: 'start', container: c }), refused('start')),
      <Divider component="li" key="d1" />,
      item('config', t('lineage.menu.config'), <CogIcon />, () => choose({ kind: 'config', container: c })),
      item('usage', t('lineage.menu.usage'), <ChartPieIcon />, () => choose({ kind: 'usage', container: c })),
      <Divider component="li" key="d2" />,
      // Destroy stays available on a running container: its dialog offers to stop it first.
      item('destroy', t('lineage.menu.destroy'), <TrashIcon />, () => choose({ kind: 'destroy', container: c }), undefined, true)
    ]
  } else if (node.kind === 'snapshot') {
    items = [
      item('clone-snapshot', t('lineage.menu.cloneSnapshot'), <CloneIcon />, () => choose({ kind: 'clone-snapshot', node })),
      item('restore-snapshot', t('lineage.menu.restoreSnapshot'), <HistoryIcon />, () => choose({ kind: 'restore-snapshot', node }))
    ]
  } else {
    items = [item('none', t('lineage.menu.none'), null, () => undefined, t('lineage.menu.missing'))]
  }
  return (
    <div ref={ref} style={style} className="lineage-menu-host" data-testid="node-menu">
      <Menu aria-label={t('lineage.menu.label', { name: node.ref.name })} onSelect={() => undefined}>
        <MenuContent>
          <MenuList>{items}</MenuList>
        </MenuContent>
      </Menu>
    </div>
  )
}
