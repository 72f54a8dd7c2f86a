// The clone dialog: name (checked by the engine as you type), copy or snapshot, the backends
// that can make it (LXC's default marked), one "why not the others?" disclosure for the rest,
// target lxcpath. Confirming starts a clone task; the task drawer shows its progress and cancel.
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  Alert,
  Button,
  Checkbox,
  Form,
  FormGroup,
  FormHelperText,
  FormSelect,
  FormSelectOption,
  HelperText,
  HelperTextItem,
  Label,
  Radio,
  TextInput
} from '@patternfly/react-core'
import { api, errorText } from '../api'
import { useCloneDialog, type CloneMode } from '../stores/cloneDialog'
import { useTasks } from '../stores/tasks'
import { useContainers } from '../stores/containers'
import { Dialog } from './Dialog'
import { WhyNotOthers } from './WhyNotOthers'
import { useNameIssueText } from '../hooks/nameIssueText'
import { maybeSaidText } from '../i18n/said'

export function CloneDialog({ lxcpaths }: { lxcpaths: string[] }): React.JSX.Element | null {
  const { t } = useTranslation()
  const d = useCloneDialog()
  const [submitError, setSubmitError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [whyOpen, setWhyOpen] = useState(false)
  // the user's yes to a copy that loses xattrs: asked again for every other choice
  const [lossyOk, setLossyOk] = useState(false)
  const issueText = useNameIssueText()
  const originBackend = useContainers((s) => s.list.find((c) => c.lxcpath === d.origin?.lxcpath && c.name === d.origin?.name)?.backend ?? '')

  useEffect(() => {
    if (d.open) void d.loadChoices(api)
    setSubmitError(null)
  }, [d.open, d.origin])

  useEffect(() => setLossyOk(false), [d.backend, d.mode, d.lxcpath, d.open])

  // the engine's check, a moment after the last keystroke
  useEffect(() => {
    if (!d.open) return
    const timer = setTimeout(() => void useCloneDialog.getState().checkName(api), 120)
    return () => clearTimeout(timer)
  }, [d.open, d.name, d.lxcpath])

  if (!d.open || !d.origin) return null
  const origin = d.origin
  const mine = d.choices.filter((c) => c.mode === d.mode)
  const possible = mine.filter((c) => c.allowed)
  const others = mine.filter((c) => !c.allowed)
  // the engine said what this copy would lose (xattrs the storage cannot keep): only with the user's yes
  const chosen = mine.find((c) => c.backend === d.backend && c.allowed)
  const loses = chosen?.loses === undefined ? null : maybeSaidText(chosen.losesSaid, chosen.loses)
  const canSubmit = !d.checking && !d.nameIssue && d.backend !== null && !busy && !d.loading && (loses === null || lossyOk)

  const submit = async (e?: React.FormEvent): Promise<void> => {
    e?.preventDefault()
    if (!canSubmit) return
    setBusy(true)
    setSubmitError(null)
    try {
      await useTasks.getState().start('clone', d.name, () =>
        api.clone({
          origin,
          name: d.name,
          lxcpath: d.lxcpath,
          snapshot: d.mode === 'snapshot',
          backend: d.backend ?? undefined,
          ...(loses !== null && lossyOk ? { allowLossy: true } : {})
        })
      )
      d.close()
    } catch (err) {
      setSubmitError(errorText(err))
    } finally {
      setBusy(false)
    }
  }

  const footer = (
    <>
      <Button variant="primary" type="submit" form="clone-form" data-testid="clone-confirm" isDisabled={!canSubmit} isLoading={busy}>
        {d.mode === 'snapshot' ? t('clone.confirmSnapshot') : t('clone.confirmCopy')}
      </Button>
      <Button variant="link" onClick={d.close}>
        {t('app.cancel')}
      </Button>
    </>
  )

  return (
    <Dialog title={t('clone.title', { name: origin.name })} testId="clone-dialog" onClose={d.close} footer={footer}>
      <Form id="clone-form" onSubmit={(e) => void submit(e)} isHorizontal>
        <FormGroup label={t('clone.name')} fieldId="clone-name" isRequired>
          <TextInput
            id="clone-name"
            data-testid="clone-name"
            value={d.name}
            autoFocus
            spellCheck={false}
            validated={d.nameIssue ? 'error' : d.checking ? 'default' : 'success'}
            aria-invalid={d.nameIssue !== null}
            aria-describedby="clone-name-problem"
            onChange={(_e, v) => d.setName(v)}
          />
          <FormHelperText>
            <HelperText id="clone-name-problem" data-testid="clone-name-problem" aria-live="polite">
              <HelperTextItem variant={d.nameIssue ? 'error' : d.checking ? 'indeterminate' : 'success'}>
                {d.nameIssue ? issueText(d.nameIssue) : d.checking ? t('clone.checking') : t('clone.nameOk')}
              </HelperTextItem>
            </HelperText>
          </FormHelperText>
        </FormGroup>

        {lxcpaths.length > 1 && (
          <FormGroup label={t('clone.lxcpath')} fieldId="clone-lxcpath">
            <FormSelect id="clone-lxcpath" data-testid="clone-lxcpath" value={d.lxcpath} onChange={(_e, v) => void d.setLxcpath(v, api)}>
              {lxcpaths.map((p) => (
                <FormSelectOption key={p} value={p} label={p} />
              ))}
            </FormSelect>
          </FormGroup>
        )}

        <FormGroup label={t('clone.mode')} role="radiogroup" fieldId="clone-mode" isStack>
          {(['snapshot', 'copy'] as CloneMode[]).map((m) => {
            const any = d.choices.some((c) => c.mode === m && c.allowed)
            return (
              <Radio
                key={m}
                id={`clone-mode-${m}`}
                name="mode"
                data-testid={`clone-mode-${m}`}
                isChecked={d.mode === m}
                isDisabled={!any && !d.loading}
                onChange={() => d.setMode(m)}
                label={t(`clone.modes.${m}`)}
                description={t(`clone.modeHelp.${m}`)}
              />
            )
          })}
        </FormGroup>

        <FormGroup label={t('clone.backend')} role="radiogroup" fieldId="clone-backends" isStack data-testid="clone-backends">
          {d.loading && <span className="muted">{t('app.loading')}</span>}
          {!d.loading && possible.length === 0 && <span className="muted">{t('clone.none')}</span>}
          {possible.map((c) => (
            <Radio
              key={c.backend}
              id={`clone-backend-${c.backend}`}
              name="backend"
              data-testid={`clone-backend-${c.backend}`}
              isChecked={d.backend === c.backend}
              onChange={() => d.setBackend(c.backend)}
              label={
                <>
                  {c.backend}{' '}
                  {c.isDefault && (
                    <Label isCompact color="blue">
                      {t('clone.lxcDefault')}
                    </Label>
                  )}
                </>
              }
            />
          ))}
          <WhyNotOthers others={others} origin={originBackend} expanded={whyOpen} onToggle={setWhyOpen} testId="clone-why-not" />
        </FormGroup>

        {loses !== null && (
          <Alert variant="warning" isInline isPlain data-testid="clone-loses" title={t('clone.loses.title')}>
            <p>{loses}</p>
            <Checkbox id="clone-allow-lossy" data-testid="clone-allow-lossy" isChecked={lossyOk} onChange={(_e, v) => setLossyOk(v)} label={t('clone.loses.accept')} />
          </Alert>
        )}

        {(d.error || submitError) && (
          <Alert variant="danger" isInline isPlain role="alert" data-testid="clone-error" title={t('clone.failed', { message: d.error ?? submitError })} />
        )}
      </Form>
    </Dialog>
  )
}
