// Adding an SSH host from the app: its name, destination and lxcpath (and, folded, how the
// helper is started there). Its host key is shown with its fingerprint and trusted only when the
// user confirms it; main checks the key again against what was confirmed before it stores
// anything. A changed key is an error saying what to do. LXD hosts are added with the CLI.
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Alert, Button, ExpandableSection, Form, FormGroup, FormSelect, FormSelectOption, HelperText, HelperTextItem, TextInput } from '@patternfly/react-core'
import type { HostKeyCheck } from '@shared/api'
import { api, errorText } from '../api'
import { saidText } from '../i18n/said'
import { useHosts } from '../stores/hosts'
import { Dialog } from './Dialog'

const ELEVATIONS = ['pkexec', 'sudo', 'none'] as const

export function AddHostDialog(props: { onClose(): void; onAdded(name: string): void }): React.JSX.Element {
  const { t } = useTranslation()
  const [name, setName] = useState('')
  const [destination, setDestination] = useState('')
  const [lxcpath, setLxcpath] = useState('')
  const [helper, setHelper] = useState('')
  const [elevate, setElevate] = useState<(typeof ELEVATIONS)[number]>('pkexec')
  const [more, setMore] = useState(false)
  const [keys, setKeys] = useState<HostKeyCheck | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const edited = (f: (v: string) => void) => (_e: unknown, v: string) => {
    f(v)
    setKeys(null) // the keys shown were for what was typed before
    setError(null)
  }
  const check = async (): Promise<void> => {
    setBusy(true)
    setError(null)
    try {
      setKeys(await api.scanHostKey({ destination: destination.trim() }))
    } catch (e) {
      setError(errorText(e))
    } finally {
      setBusy(false)
    }
  }
  const add = async (): Promise<void> => {
    if (!keys) return
    setBusy(true)
    setError(null)
    try {
      const list = await api.addSshHost({
        name: name.trim(),
        destination: destination.trim(),
        ...(lxcpath.trim() ? { lxcpath: lxcpath.trim() } : {}),
        ...(helper.trim() ? { helper: helper.trim() } : {}),
        elevate,
        fingerprints: keys.fingerprints
      })
      useHosts.setState({ list })
      props.onAdded(name.trim())
    } catch (e) {
      setError(errorText(e))
      setBusy(false)
    }
  }
  const ready = name.trim() !== '' && destination.trim() !== ''
  const footer = (
    <>
      {keys && keys.known !== 'changed' ? (
        <Button variant="primary" onClick={() => void add()} isDisabled={busy} isLoading={busy} data-testid="host-add-confirm">
          {keys.known === 'new' ? t('hosts.trustAndAdd') : t('hosts.addHost')}
        </Button>
      ) : (
        <Button variant="primary" onClick={() => void check()} isDisabled={!ready || busy} isLoading={busy} data-testid="host-check-key">
          {t('hosts.checkKey')}
        </Button>
      )}
      <Button variant="link" onClick={props.onClose}>
        {t('app.cancel')}
      </Button>
    </>
  )
  return (
    <Dialog title={t('hosts.addTitle')} testId="add-host" onClose={props.onClose} footer={footer}>
      <Form onSubmit={(e) => e.preventDefault()}>
        <FormGroup label={t('hosts.name')} isRequired fieldId="host-name">
          <TextInput id="host-name" data-testid="host-name" value={name} onChange={edited(setName)} isRequired />
        </FormGroup>
        <FormGroup label={t('hosts.destination')} isRequired fieldId="host-destination">
          <TextInput id="host-destination" data-testid="host-destination" value={destination} onChange={edited(setDestination)} placeholder="user@host:port" isRequired />
          <HelperText>
            <HelperTextItem>{t('hosts.destinationHelp')}</HelperTextItem>
          </HelperText>
        </FormGroup>
        <FormGroup label={t('hosts.lxcpath')} fieldId="host-lxcpath">
          <TextInput id="host-lxcpath" data-testid="host-lxcpath" value={lxcpath} onChange={edited(setLxcpath)} placeholder="/var/lib/lxc" />
        </FormGroup>
        <ExpandableSection toggleText={t('hosts.helperSection')} isExpanded={more} onToggle={(_e, v) => setMore(v)}>
          <FormGroup label={t('hosts.helper')} fieldId="host-helper">
            <TextInput id="host-helper" data-testid="host-helper" value={helper} onChange={edited(setHelper)} placeholder="/usr/libexec/strata/strata-helper" />
          </FormGroup>
          <FormGroup label={t('hosts.elevate')} fieldId="host-elevate">
            <FormSelect id="host-elevate" data-testid="host-elevate" value={elevate} onChange={(_e, v) => setElevate(v as (typeof ELEVATIONS)[number])}>
              {ELEVATIONS.map((x) => (
                <FormSelectOption key={x} value={x} label={t(`hosts.elevation.${x}`)} />
              ))}
            </FormSelect>
          </FormGroup>
        </ExpandableSection>
      </Form>
      {keys && (
        <Alert
          isInline
          className="host-keys"
          data-testid="host-keys"
          data-known={keys.known}
          variant={keys.known === 'changed' ? 'danger' : keys.known === 'new' ? 'warning' : 'success'}
          title={t(`hosts.keys.${keys.known}`, { destination })}
        >
          <ul className="fingerprints">
            {keys.fingerprints.map((f) => (
              <li key={f}>
                <code data-testid="host-fingerprint">{f}</code>
              </li>
            ))}
          </ul>
          <p>{keys.problem ? saidText(keys.problem) : t(`hosts.keysHelp.${keys.known}`, { file: keys.file })}</p>
        </Alert>
      )}
      {error && (
        <Alert isInline variant="danger" className="host-keys" data-testid="host-add-error" title={error} />
      )}
    </Dialog>
  )
}
