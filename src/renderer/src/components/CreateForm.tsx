// First run: create a container from an installed LXC template (busybox works offline), as a
// task with progress; it then appears in the list by itself.
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, errorText } from '../api'
import { validateCloneName } from '../stores/cloneDialog'
import { useTasks } from '../stores/tasks'

export function CreateForm({ lxcpaths, templates }: { lxcpaths: string[]; templates: string[] }): React.JSX.Element {
  const { t } = useTranslation()
  const [template, setTemplate] = useState(templates.includes('busybox') ? 'busybox' : (templates[0] ?? ''))
  const [name, setName] = useState('first')
  const [lxcpath, setLxcpath] = useState(lxcpaths[0] ?? '')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  if (!templates.length) return <p className="warn">{t('create.noTemplates')}</p>
  const problem = validateCloneName(name, { taken: new Set(), lxcpath })
  const submit = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault()
    if (problem || busy) return
    setBusy(true)
    setError(null)
    try {
      await useTasks.getState().start('create', name, () => api.create({ lxcpath: lxcpath || lxcpaths[0]!, name, template }))
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form className="form create" onSubmit={(e) => void submit(e)} data-testid="create-form" aria-labelledby="create-title">
      <h3 id="create-title" className="span">{t('create.title')}</h3>
      <label htmlFor="create-template">{t('create.template')}</label>
      <select id="create-template" data-testid="create-template" value={template} onChange={(e) => setTemplate(e.target.value)}>
        {templates.map((x) => <option key={x} value={x}>{x}</option>)}
      </select>
      <label htmlFor="create-name">{t('create.name')}</label>
      <div>
        <input id="create-name" data-testid="create-name" value={name} aria-invalid={problem !== null} onChange={(e) => setName(e.target.value)} />
        {problem && <p className="bad small" data-testid="create-name-problem">{t(`clone.invalid.${problem.rule}`, problem.values ?? {})}</p>}
      </div>
      {lxcpaths.length > 1 && (
        <>
          <label htmlFor="create-lxcpath">{t('create.lxcpath')}</label>
          <select id="create-lxcpath" value={lxcpath} onChange={(e) => setLxcpath(e.target.value)}>
            {lxcpaths.map((p) => <option key={p} value={p}>{p}</option>)}
          </select>
        </>
      )}
      {error && <p className="error" role="alert">{t('create.failed', { message: error })}</p>}
      <div className="buttons">
        <button type="submit" className="primary" data-testid="create-submit" disabled={problem !== null || busy}>{t('create.submit')}</button>
      </div>
    </form>
  )
}
