// The masthead's host switcher: this computer and the remote hosts in the user's hosts file,
// each with the state of its connection (the reason it is unreachable on hover), and "Add SSH
// host…" at the end. LXD hosts are added with the CLI; the menu says how.
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Divider, Label, MenuToggle, Select, SelectList, SelectOption, Tooltip } from '@patternfly/react-core'
import { ServerIcon, PlusCircleIcon } from '@patternfly/react-icons'
import type { HostStatus } from '@shared/api'
import { currentHost, useHosts } from '../stores/hosts'
import { switchHost } from '../hooks/hostSwitch'
import { AddHostDialog } from './AddHostDialog'

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
  return host.error ? <Tooltip content={host.error.message}>{label}</Tooltip> : label
}

export function HostSwitcher(): React.JSX.Element {
  const { t } = useTranslation()
  const [open, setOpen] = useState(false)
  const [adding, setAdding] = useState(false)
  const list = useHosts((s) => s.list)
  const current = useHosts((s) => s.current)
  const shown = useHosts(currentHost)
  const pick = (v: string): void => {
    setOpen(false)
    if (v === ADD) setAdding(true)
    else switchHost(v === LOCAL ? null : v)
  }
  return (
    <>
      <Select
        isOpen={open}
        selected={current ?? LOCAL}
        onSelect={(_e, v) => pick(String(v))}
        onOpenChange={setOpen}
        popperProps={{ position: 'end' }}
        toggle={(ref) => (
          <MenuToggle
            ref={ref}
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
        )}
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
