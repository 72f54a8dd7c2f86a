// First run: create a container from an installed LXC template (busybox works offline), as a
// task with progress; it then appears in the list by itself. The name is checked by the engine.
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Alert, Button, Form, FormGroup, FormHelperText, FormSelect, FormSelectOption, HelperText, HelperTextItem, TextInput, Title, ActionGroup } from '@patternfly/react-core'
import { api, errorText } from '../api'
import { useTasks } from '../stores/tasks'
import { useNameCheck } from '../hooks/useNameCheck'
import { useNameIssueText } from '../hooks/nameIssueText'

export function CreateForm({ lxcpaths, templates }: { lxcpaths: string[]; templates: string[] }): React.JSX.Element {
  const { t } = useTranslation()
  const [template, setTemplate] = useState(templates.includes('busybox') ? 'busybox' : (templates[0] ?? ''))
  const [name, setName] = useState('first')
  const [lxcpath, setLxcpath] = useState(lxcpaths[0] ?? '')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const target = lxcpath || lxcpaths[0] || ''
  const { issue, checking } = useNameCheck(target, name)
  const issueText = useNameIssueText()
  if (!templates.length) return <Alert isInline variant="warning" title={t('create.noTemplates')} />
  const submit = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault()
    if (issue || checking || busy) return
    setBusy(true)
    setError(null)
    try {
      await useTasks.getState().start('create', name, () => api.create({ lxcpath: target, name, template }))
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <Form className="create" onSubmit={(e) => void submit(e)} data-testid="create-form" aria-labelledby="create-title" isHorizontal>
      <Title headingLevel="h3" size="md" id="create-title">{t('create.title')}</Title>
      <FormGroup label={t('create.template')} fieldId="create-template">
        <FormSelect id="create-template" data-testid="create-template" value={template} onChange={(_e, v) => setTemplate(v)}>
          {templates.map((x) => <FormSelectOption key={x} value={x} label={x} />)}
        </FormSelect>
      </FormGroup>
      <FormGroup label={t('create.name')} fieldId="create-name" isRequired>
        <TextInput id="create-name" data-testid="create-name" value={name} validated={issue ? 'error' : 'default'} aria-invalid={issue !== null} onChange={(_e, v) => setName(v)} />
        {issue && (
          <FormHelperText>
            <HelperText data-testid="create-name-problem">
              <HelperTextItem variant="error">{issueText(issue)}</HelperTextItem>
            </HelperText>
          </FormHelperText>
        )}
      </FormGroup>
      {lxcpaths.length > 1 && (
        <FormGroup label={t('create.lxcpath')} fieldId="create-lxcpath">
          <FormSelect id="create-lxcpath" value={lxcpath} onChange={(_e, v) => setLxcpath(v)}>
            {lxcpaths.map((p) => <FormSelectOption key={p} value={p} label={p} />)}
          </FormSelect>
        </FormGroup>
      )}
      {error && <Alert isInline variant="danger" role="alert" title={t('create.failed', { message: error })} />}
      <ActionGroup>
        <Button type="submit" variant="primary" data-testid="create-submit" isDisabled={issue !== null || checking || busy} isLoading={busy}>{t('create.submit')}</Button>
      </ActionGroup>
    </Form>
  )
}
