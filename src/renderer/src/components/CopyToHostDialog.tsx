// "Copy to host…": a stopped container copied to another host (this computer, a connected LXC
// host or an LXD host), into one of its lxcpaths, under a name the target's engine checks as you
// type, in storage the target's engine says it can make the copy in (cloneChoices without an
// origin: backends there, or an LXD host's pools, each by its name, and a cluster's members), the
// others under "why not?". Confirming starts a task (progress and cancel in the task drawer); the
// copy is on the target once it is done (switch hosts to see it). A copy into storage that keeps
// no xattrs, of a container that has some, is refused first with what it would lose: shown with
// a checkbox to go ahead without them, as the clone dialog does.
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Alert, Button, Checkbox, Form, FormGroup, FormHelperText, FormSelect, FormSelectOption, HelperText, HelperTextItem, TextInput } from '@patternfly/react-core'
import { isStrataError } from '@shared/errors'
import type { BackendChoice } from '@shared/model'
import { api, errorText } from '../api'
import { useNameIssueText } from '../hooks/nameIssueText'
import { useNameCheck } from '../hooks/useNameCheck'
import { copyTargets, useCopyHostDialog } from '../stores/copyHostDialog'
import { useHosts } from '../stores/hosts'
import { useTasks } from '../stores/tasks'
import { Dialog } from './Dialog'
import { WhyNotOthers } from './WhyNotOthers'

/** The select's value for this computer (host names never start with a space). */
const LOCAL = ' local'

export function CopyToHostDialog(): React.JSX.Element | null {
  const { origin, from, close } = useCopyHostDialog()
  return origin ? <CopyForm key={`${from}/${origin.lxcpath}/${origin.name}`} origin={origin} from={from} close={close} /> : null
}

function CopyForm({ origin, from, close }: { origin: { lxcpath: string; name: string }; from: string | null; close(): void }): React.JSX.Element {
  const { t } = useTranslation()
  const hosts = useHosts((s) => s.list)
  const targets = copyTargets(from, hosts)
  const [to, setTo] = useState<string | null | undefined>(targets[0])
  const [localLxcpaths, setLocalLxcpaths] = useState<string[]>([])
  const lxcpaths = to === null ? localLxcpaths : (hosts.find((h) => h.name === to)?.lxcpaths ?? [])
  const [lxcpath, setLxcpath] = useState('')
  const [name, setName] = useState(origin.name)
  const [picked, setPicked] = useState<string | null>(null)
  const [member, setMember] = useState('')
  const [whyOpen, setWhyOpen] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  // what the engines said this copy would lose (clone-loses-xattrs), and the user's yes to it
  const [loses, setLoses] = useState<{ for: string; text: string } | null>(null)
  const [lossyOk, setLossyOk] = useState(false)
  const issueText = useNameIssueText()
  const target = lxcpaths.includes(lxcpath) ? lxcpath : (lxcpaths[0] ?? '')
  const { issue, checking } = useNameCheck(target, name, to === undefined ? null : to)
  const choices = useImportChoices(to, target, setError)
  const allowed = choices?.filter((c) => c.allowed) ?? []
  const others = choices?.filter((c) => !c.allowed) ?? []
  const choice = allowed.find((c) => choiceKey(c) === picked) ?? allowed.find((c) => c.isDefault) ?? allowed[0]
  const backend = choice?.backend
  // an LXD cluster's member, among those the chosen pool is on; none: LXD places it
  const onMember = choice?.members?.includes(member) ? member : undefined

  // this computer's lxcpaths are asked of it (the selected host is another)
  useEffect(() => {
    if (from !== null) void api.lxcpaths({ host: undefined }).then(setLocalLxcpaths, (e: unknown) => setError(errorText(e)))
  }, [from])

  // the loss was said for this target and storage; another choice is asked again
  const lossKey = `${to}\0${target}\0${choice ? choiceKey(choice) : ''}\0${name}`
  const lossText = loses?.for === lossKey ? loses.text : null
  const canSubmit = to !== undefined && target !== '' && backend !== undefined && !checking && !issue && !busy && (lossText === null || lossyOk)
  const where = (h: string | null): string => h ?? t('hosts.local')
  const submit = async (e?: React.FormEvent): Promise<void> => {
    e?.preventDefault()
    if (!canSubmit) return
    setBusy(true)
    setError(null)
    try {
      const params = {
        ...origin,
        ...(from === null ? {} : { host: from }),
        ...(to === null ? {} : { toHost: to }),
        to: { lxcpath: target, name, backend, ...(choice?.pool ? { pool: choice.pool } : {}), ...(onMember ? { member: onMember } : {}) },
        ...(lossText !== null && lossyOk ? { allowLossy: true } : {})
      }
      await useTasks.getState().start('copyToHost', name, () => api.copyToHost(from === null ? { ...params, host: undefined } : params))
      close()
    } catch (err) {
      if (isStrataError(err) && err.rule === 'clone-loses-xattrs') {
        setLossyOk(false)
        setLoses({ for: lossKey, text: errorText(err) })
      } else setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }

  const footer = (
    <>
      <Button variant="primary" type="submit" form="copy-host-form" data-testid="copy-host-confirm" isDisabled={!canSubmit} isLoading={busy}>
        {t('copyHost.confirm')}
      </Button>
      <Button variant="link" onClick={close}>
        {t('app.cancel')}
      </Button>
    </>
  )
  return (
    <Dialog title={t('copyHost.title', { name: origin.name })} testId="copy-host-dialog" onClose={close} footer={footer}>
      <Form id="copy-host-form" onSubmit={(e) => void submit(e)} isHorizontal>
        {targets.length === 0 ? (
          <Alert variant="info" isInline isPlain data-testid="copy-host-none" title={t('copyHost.noTarget')} />
        ) : (
          <>
            <FormGroup label={t('copyHost.to')} fieldId="copy-host-to" isRequired>
              <FormSelect id="copy-host-to" data-testid="copy-host-to" value={to === null ? LOCAL : (to ?? '')} onChange={(_e, v) => setTo(v === LOCAL ? null : v)}>
                {targets.map((h) => (
                  <FormSelectOption key={h ?? LOCAL} value={h ?? LOCAL} label={where(h)} />
                ))}
              </FormSelect>
            </FormGroup>
            <FormGroup label={t('clone.lxcpath')} fieldId="copy-host-lxcpath">
              <FormSelect id="copy-host-lxcpath" data-testid="copy-host-lxcpath" value={target} onChange={(_e, v) => setLxcpath(v)}>
                {lxcpaths.map((p) => (
                  <FormSelectOption key={p} value={p} label={p} />
                ))}
              </FormSelect>
            </FormGroup>
            <FormGroup label={t('clone.name')} fieldId="copy-host-name" isRequired>
              <TextInput
                id="copy-host-name"
                data-testid="copy-host-name"
                value={name}
                autoFocus
                spellCheck={false}
                validated={issue ? 'error' : checking ? 'default' : 'success'}
                aria-invalid={issue !== null}
                aria-describedby="copy-host-name-problem"
                onChange={(_e, v) => setName(v)}
              />
              <FormHelperText>
                <HelperText id="copy-host-name-problem" data-testid="copy-host-name-problem" aria-live="polite">
                  <HelperTextItem variant={issue ? 'error' : checking ? 'indeterminate' : 'success'}>
                    {issue ? issueText(issue) : checking ? t('clone.checking') : t('copyHost.nameOk', { host: where(to ?? null) })}
                  </HelperTextItem>
                </HelperText>
              </FormHelperText>
            </FormGroup>
            <FormGroup label={t('clone.backend')} fieldId="copy-host-backend">
              <FormSelect
                id="copy-host-backend"
                data-testid="copy-host-backend"
                value={choice ? choiceKey(choice) : ''}
                isDisabled={allowed.length === 0}
                onChange={(_e, v) => setPicked(v)}
              >
                {choices === null && <FormSelectOption value="" label={t('clone.checking')} isPlaceholder />}
                {choices !== null && allowed.length === 0 && <FormSelectOption value="" label={t('copyHost.noBackend')} isPlaceholder />}
                {allowed.map((c) => (
                  <FormSelectOption key={choiceKey(c)} value={choiceKey(c)} label={choiceLabel(c, t('copyHost.default'))} />
                ))}
              </FormSelect>
              <WhyNotOthers others={others} expanded={whyOpen} onToggle={setWhyOpen} testId="copy-host-why-not" />
            </FormGroup>
            {choice?.members?.length ? (
              <FormGroup label={t('copyHost.member')} fieldId="copy-host-member">
                <FormSelect id="copy-host-member" data-testid="copy-host-member" value={onMember ?? ''} onChange={(_e, v) => setMember(v)}>
                  <FormSelectOption value="" label={t('copyHost.anyMember')} />
                  {choice.members.map((m) => (
                    <FormSelectOption key={m} value={m} label={m} />
                  ))}
                </FormSelect>
              </FormGroup>
            ) : null}
          </>
        )}
        {lossText !== null && (
          <Alert variant="warning" isInline isPlain data-testid="copy-host-loses" title={t('copyHost.loses.title')}>
            <p>{lossText}</p>
            <Checkbox id="copy-host-allow-lossy" data-testid="copy-host-allow-lossy" isChecked={lossyOk} onChange={(_e, v) => setLossyOk(v)} label={t('copyHost.loses.accept')} />
          </Alert>
        )}
        {error && <Alert variant="danger" isInline isPlain role="alert" data-testid="copy-host-error" title={t('copyHost.failed', { message: error })} />}
      </Form>
    </Dialog>
  )
}

/** A choice in the select: its backend, or an LXD host's pool by name (two pools may share a driver). */
function choiceKey(c: BackendChoice): string {
  return c.pool ? `pool:${c.pool}` : c.backend
}

/** "dir (default)", or an LXD host's "dir: pool default (default)". */
function choiceLabel(c: BackendChoice, defaultWord: string): string {
  const base = c.pool ? `${c.backend}: pool ${c.pool}` : c.backend
  return c.isDefault ? `${base} (${defaultWord})` : base
}

/** What the target's engine can make a copy in, in that lxcpath (null while it is asked). */
function useImportChoices(to: string | null | undefined, lxcpath: string, onError: (e: string) => void): BackendChoice[] | null {
  const [state, setState] = useState<{ for: string; choices: BackendChoice[] | null }>({ for: '', choices: null })
  const key = `${to}\0${lxcpath}`
  useEffect(() => {
    if (to === undefined || !lxcpath) return
    let live = true
    api.cloneChoices({ lxcpath, host: to ?? undefined }).then(
      (choices) => live && setState({ for: key, choices }),
      (e: unknown) => live && onError(errorText(e))
    )
    return () => {
      live = false
    }
  }, [key])
  return state.for === key ? state.choices : null
}
