// Where a dragged container can be dropped to clone it: the "Clone" target (clone into its own
// lxcpath) and one target per lxcpath. Clicking the Clone target clones the focused container,
// so the action needs no mouse.
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { ContainerRef } from '@shared/model'
import { dropProps } from '../dnd'
import { openClone } from '../hooks/openClone'
import { keyOf, useContainers } from '../stores/containers'
import { useSelection } from '../stores/selection'

function Target(props: { label: string; testId: string; title: string; onDrop(ref: ContainerRef): void; onClick?(): void; disabled?: boolean }): React.JSX.Element {
  const [over, setOver] = useState(false)
  return (
    <button
      type="button"
      className={over ? 'drop-target over' : 'drop-target'}
      data-testid={props.testId}
      title={props.title}
      disabled={props.disabled}
      onClick={props.onClick}
      {...dropProps(props.onDrop, setOver)}
    >
      {props.label}
    </button>
  )
}

export function CloneTargets({ lxcpaths }: { lxcpaths: string[] }): React.JSX.Element {
  const { t } = useTranslation()
  const focus = useSelection((s) => s.focus)
  const focused = useContainers((s) => s.list.find((c) => keyOf(c) === focus))
  return (
    <div className="drop-targets" role="group" aria-label={t('clone.targets')}>
      <Target
        label={t('clone.target')}
        testId="clone-target"
        title={t('clone.targetHelp')}
        onDrop={(ref) => openClone(ref, ref.lxcpath)}
        onClick={() => focused && openClone(focused, focused.lxcpath)}
        disabled={false}
      />
      {lxcpaths.length > 1 &&
        lxcpaths.map((p, i) => (
          <Target
            key={p}
            label={t('clone.intoLxcpath', { lxcpath: p })}
            testId={`lxcpath-target-${i}`}
            title={t('clone.intoLxcpathHelp', { lxcpath: p })}
            onDrop={(ref) => openClone(ref, p)}
            onClick={() => focused && openClone(focused, p)}
          />
        ))}
    </div>
  )
}
