// The conversion of a config's legacy keys (LXC 1.x/2.0) to the keys LXC 5 reads, as the engine
// plans it: each changed line old → new with the reason, then Apply writes exactly that (the
// engine refuses if the file changed since the preview). A PatternFly modal and compact table.
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Alert, Button, Spinner } from '@patternfly/react-core'
import type { ContainerRef } from '@shared/model'
import { api, errorText } from '../api'
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table'
import { Dialog } from './Dialog'
import type { Said } from '@shared/engine-text'
import { saidText } from '../i18n/said'

type Preview = { changes: { line: number; from: string; to: string | null; note: string; noteSaid?: Said }[]; digest: string }

export function ModernizeDialog({ c, onClose }: { c: ContainerRef; onClose(): void }): React.JSX.Element {
  const { t } = useTranslation()
  const [preview, setPreview] = useState<Preview | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [done, setDone] = useState<number | null>(null)
  useEffect(() => {
    api.configModernPreview({ lxcpath: c.lxcpath, name: c.name }).then(setPreview, (e: unknown) => setError(errorText(e)))
  }, [c.lxcpath, c.name])
  const apply = async (): Promise<void> => {
    if (!preview) return
    setBusy(true)
    setError(null)
    try {
      setDone((await api.configModernApply({ lxcpath: c.lxcpath, name: c.name, digest: preview.digest })).changed)
    } catch (e) {
      setError(errorText(e))
    } finally {
      setBusy(false)
    }
  }
  const footer =
    done !== null ? (
      <Button variant="primary" onClick={onClose}>{t('app.close')}</Button>
    ) : (
      <>
        <Button variant="primary" data-testid="modernize-apply" isDisabled={!preview || preview.changes.length === 0 || busy} isLoading={busy} onClick={() => void apply()}>
          {t('config.modernApply', { count: preview?.changes.length ?? 0 })}
        </Button>
        <Button variant="link" onClick={onClose}>{t('app.cancel')}</Button>
      </>
    )
  return (
    <Dialog title={t('config.modernTitle', { name: c.name })} testId="modernize-dialog" onClose={onClose} footer={footer} wide>
      {!preview && !error && <Spinner size="md" aria-label={t('app.loading')} />}
      {error && <Alert variant="danger" isInline role="alert" title={error} />}
      {done !== null && <Alert variant="success" isInline data-testid="modernize-done" title={t('config.modernDone', { count: done, name: c.name })} />}
      {preview && done === null && preview.changes.length === 0 && <p>{t('config.modernNone')}</p>}
      {preview && done === null && preview.changes.length > 0 && (
        <>
          <p>{t('config.modernExplain')}</p>
          <Table variant="compact" className="diff-preview" data-testid="modernize-preview" aria-label={t('config.modernTitle', { name: c.name })}>
            <Thead>
              <Tr>
                <Th width={10}>{t('config.modernLine')}</Th>
                <Th>{t('config.modernChange')}</Th>
              </Tr>
            </Thead>
            <Tbody>
              {preview.changes.map((ch) => (
                <Tr key={ch.line}>
                  <Td dataLabel={t('config.modernLine')} className="muted mono">{ch.line}</Td>
                  <Td dataLabel={t('config.modernChange')}>
                    <pre className="diff-lines mono">
                      <span className="diff-old">− {ch.from}</span>
                      {ch.to !== null && <span className="diff-new">{'\n'}+ {ch.to}</span>}
                    </pre>
                    <div className="small muted" data-testid={`modern-note-${ch.line}`}>{saidText(ch.noteSaid, ch.note)}</div>
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        </>
      )}
    </Dialog>
  )
}
