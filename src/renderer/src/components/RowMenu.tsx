// A container's actions as a kebab menu (the table's last column), also opened by a right-click
// on the row: details, start, stop, clone, destroy. An action the state does not allow is
// shown disabled with the reason, by the engine's own rule (shared/lifecycle.ts). Only the toggle
// is mounted with the row: the Dropdown (a Popper, which reads computed styles on each render)
// and its items are mounted when the menu opens, anchored to the toggle. The toggle is
// PatternFly's plain MenuToggle markup with its kebab icon drawn by CSS (ContainerTable.css):
// the component's OUIA id and nested SVGs were 7 elements in each of 500 rows, now 1.
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Divider, Dropdown, DropdownItem, DropdownList } from '@patternfly/react-core'
import type { ContainerInfo } from '@shared/model'
import { actionRefusal, containerRefusal, type LifecycleAction } from '@shared/lifecycle'
import { api } from '../api'
import { useActionError } from '../stores/actions'
import { useDestroyDialog } from '../stores/destroyDialog'
import { useSelection } from '../stores/selection'
import { keyOf } from '../stores/containers'
import { openClone } from '../hooks/openClone'
import { useStateReason } from '../hooks/stateReason'
import { useCopyToHost } from '../hooks/copyToHost'

const LIFECYCLE: LifecycleAction[] = ['start', 'stop', 'restart']

/** `label`: the toggle's accessible name ("Actions for NAME"), made by the table in the current language. */
export function RowMenu({ c, label, open, setOpen }: { c: ContainerInfo; label: string; open: boolean; setOpen(open: boolean): void }): React.JSX.Element {
  const toggleRef = useRef<HTMLButtonElement>(null)
  return (
    <>
      <button
        ref={toggleRef}
        type="button"
        tabIndex={-1}
        className={`pf-v6-c-menu-toggle pf-m-plain kebab-toggle${open ? ' pf-m-expanded' : ''}`}
        aria-label={label}
        aria-expanded={open}
        data-testid={`row-menu-${c.name}`}
        onClick={(e) => {
          e.stopPropagation()
          setOpen(!open)
        }}
      />
      {open && <RowMenuItems c={c} toggleRef={toggleRef} setOpen={setOpen} />}
    </>
  )
}

function RowMenuItems({ c, toggleRef, setOpen }: { c: ContainerInfo; toggleRef: React.RefObject<HTMLButtonElement | null>; setOpen(open: boolean): void }): React.JSX.Element {
  const { t } = useTranslation()
  const reasonOf = useStateReason()
  const run = (f: () => void): void => {
    setOpen(false)
    // the focus leaves the menu for its kebab, where a dialog the action opens gives it back
    toggleRef.current?.focus()
    f()
  }
  const destroyWhy = actionRefusal('destroy', c.name, c.state)
  const copy = useCopyToHost()
  const copyWhy = copy.why(c)
  // mounted closed and opened right after: PatternFly's Popper finds its menu element only
  // when it goes from hidden to shown (mounted already open, it stays unpositioned at 0,0)
  const [shown, setShown] = useState(false)
  useEffect(() => setShown(true), [])
  return (
    <Dropdown
      isOpen={shown}
      onOpenChange={setOpen}
      // opened by a right-click or Shift+F10 the focus is on the row, where the menu's own keys
      // (arrows, Escape) would not reach it: it goes to the first item, as a desktop menu's does
      shouldFocusFirstItemOnOpen
      popperProps={{ position: 'right' }}
      toggle={{ toggleNode: null, toggleRef }}
    >
      <DropdownList>
        <DropdownItem onClick={() => run(() => useSelection.getState().select(keyOf(c)))}>{t('containers.open')}</DropdownItem>
        {LIFECYCLE.map((action) => {
          const refusal = containerRefusal(action, c)
          return (
            <DropdownItem
              key={action}
              isAriaDisabled={refusal !== null}
              tooltipProps={refusal ? { content: reasonOf(refusal.rule, c) } : undefined}
              description={refusal ? reasonOf(refusal.rule, c) : undefined}
              onClick={() => run(() => void useActionError.getState().run(api, action, [c]))}
            >
              {t(`lifecycle.${action}`)}
            </DropdownItem>
          )
        })}
        <DropdownItem onClick={() => run(() => openClone(c, c.lxcpath))}>{t('clone.title', { name: c.name })}</DropdownItem>
        <DropdownItem
          data-testid={`row-copy-host-${c.name}`}
          isAriaDisabled={copyWhy !== null}
          tooltipProps={copyWhy ? { content: copyWhy } : undefined}
          description={copyWhy ?? undefined}
          onClick={() => run(() => copy.open(c))}
        >
          {t('copyHost.menu')}
        </DropdownItem>
        <Divider component="li" />
        <DropdownItem
          isDanger
          description={destroyWhy ? reasonOf(destroyWhy.rule, c) : undefined}
          onClick={() => run(() => useDestroyDialog.getState().open(c))}
        >
          {t('destroy.button')}
        </DropdownItem>
      </DropdownList>
    </Dropdown>
  )
}
