// The masthead's host switcher: this computer and the remote hosts in the user's hosts file,
// each with the state of its connection (the reason it is unreachable on hover), and "Add SSH
// host…" at the end. LXD hosts are added with the CLI; the menu says how.
// Only the toggle is mounted with the masthead: the Select (a Popper, which reads the page's
// computed style on each render, a forced layout of the whole table while its rows were being
// built) and its options are mounted when the menu opens, anchored to the toggle (as RowMenu).
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Divider, Label, MenuToggle, Select, SelectList, SelectOption, Tooltip } from '@patternfly/react-core'
import { ServerIcon, PlusCircleIcon } from '@patternfly/react-icons'
import type { HostStatus } from '@shared/api'
import { currentHost, useHosts } from '../stores/hosts'
import { switchHost } from '../hooks/hostSwitch'
import { AddHostDialog } from './AddHostDialog'
import { errorDataText } from '../i18n/said'

const LOCAL = '\u0000local'
const ADD = '\u0000add'

export function HostStateLabel({ host }: { host: HostStatus }): React.JSX.Element {
  const { t } = useTranslation()
  const color = host.state === 'connected' ? 'green' : host.state === 'unreachable' ? 'red' : host.state === 'connecting' ? 'blue' : 'grey'
  const label = (
    <Label isCompact color={color} data-testid={`host-state-${host.name}`} data-state={host.state}>
      {t(`hosts.state.${host.state}`)}
    </Label>
  )
  return host.error ? <Tooltip content={errorDataText(host.error)}>{label}</Tooltip> : label
}

export function HostSwitcher(): React.JSX.Element {
  const { t } = useTranslation()
  const [open, setOpen] = useState(false)
  const [adding, setAdding] = useState(false)
  const current = useHosts((s) => s.current)
  const shown = useHosts(currentHost)
  const toggleRef = useRef<HTMLButtonElement>(null)
  const pick = (v: string): void => {
    setOpen(false)
    if (v === ADD) setAdding(true)
    else switchHost(v === LOCAL ? null : v)
  }
  return (
    <>
      <MenuToggle
        ref={toggleRef}
        onClick={() => setOpen(!open)}
        isExpanded={open}
        icon={<ServerIcon />}
        className="host-toggle"
        data-testid="host-switcher"
        aria-label={t('hosts.switcher')}
      >
        <span className="host-toggle-name">{current ?? t('hosts.local')}</span>
        {shown && shown.state !== 'connected' && (
          <>
            {' '}
            <HostStateLabel host={shown} />
          </>
        )}
      </MenuToggle>
      {open && <HostMenu toggleRef={toggleRef} selected={current ?? LOCAL} setOpen={setOpen} pick={pick} />}
      {adding && (
        <AddHostDialog
          onClose={() => setAdding(false)}
          onAdded={(name) => {
            setAdding(false)
            switchHost(name)
          }}
        />
      )}
    </>
  )
}

function HostMenu({
  toggleRef,
  selected,
  setOpen,
  pick
}: {
  toggleRef: React.RefObject<HTMLButtonElement | null>
  selected: string
  setOpen(open: boolean): void
  pick(value: string): void
}): React.JSX.Element {
  const { t } = useTranslation()
  const list = useHosts((s) => s.list)
  // mounted closed and opened right after: PatternFly's Popper finds its menu element only
  // when it goes from hidden to shown (mounted already open, it stays unpositioned at 0,0)
  const [shown, setShown] = useState(false)
  useEffect(() => setShown(true), [])
  return (
    <Select
      isOpen={shown}
      selected={selected}
      onSelect={(_e, v) => pick(String(v))}
      onOpenChange={setOpen}
      popperProps={{ position: 'end' }}
      toggle={{ toggleNode: null, toggleRef }}
    >
      <SelectList aria-label={t('hosts.switcher')}>
        <SelectOption value={LOCAL} data-testid="host-option-local">
          {t('hosts.local')}
        </SelectOption>
        {list.map((h) => (
          <SelectOption key={h.name} value={h.name} description={h.address} data-testid={`host-option-${h.name}`}>
            <span className="host-option">
              {h.name} <HostStateLabel host={h} />
            </span>
          </SelectOption>
        ))}
      </SelectList>
      <Divider />
      <SelectList>
        <SelectOption value={ADD} icon={<PlusCircleIcon />} description={list.length === 0 ? t('hosts.none') : t('hosts.lxdByCli')} data-testid="host-add">
          {t('hosts.add')}
        </SelectOption>
      </SelectList>
    </Select>
  )
}
