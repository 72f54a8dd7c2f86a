// A container's LXC log, following new lines while it is open: the engine reads from an offset
// (readLog), so each poll costs only what was written since. Polled rather than streamed: one
// request a second works the same in process, through the root helper and in browser mode.
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { ContainerRef, LxcLogLine } from '@shared/model'
import { api, errorText } from '../api'
import { Alert, Button, Checkbox, CodeBlock, CodeBlockCode } from '@patternfly/react-core'
import { Dialog } from './Dialog'

const POLL_MS = 1000
/** The view keeps this many lines; older ones scroll out. */
const MAX_LINES = 5000

export function LogPanel({ c, onClose }: { c: ContainerRef; onClose(): void }): React.JSX.Element {
  const { t } = useTranslation()
  const [lines, setLines] = useState<LxcLogLine[]>([])
  const [file, setFile] = useState<{ path: string; source: 'config' | 'strata'; exists: boolean } | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [follow, setFollow] = useState(true)
  const box = useRef<HTMLDivElement>(null)

  useEffect(() => {
    let next: number | undefined
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const poll = async (): Promise<void> => {
      try {
        const tail = await api.readLog({ lxcpath: c.lxcpath, name: c.name, offset: next })
        if (stopped) return
        // a log that shrank (truncated, rotated) was read from its start again
        const restarted = next !== undefined && tail.offset < next
        next = tail.next
        setFile({ path: tail.file, source: tail.source, exists: tail.exists })
        setError(null)
        if (tail.lines.length || restarted) setLines((old) => (restarted ? tail.lines : [...old, ...tail.lines]).slice(-MAX_LINES))
      } catch (e) {
        if (!stopped) setError(errorText(e))
      }
      if (!stopped) timer = setTimeout(() => void poll(), POLL_MS)
    }
    void poll()
    return () => {
      stopped = true
      clearTimeout(timer)
    }
  }, [c.lxcpath, c.name])

  useEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight
  }, [lines, follow])

  return (
    <Dialog
      title={t('log.title', { name: c.name })}
      testId="log-panel"
      onClose={onClose}
      wide
      footer={
        <>
          <Checkbox id="log-follow" data-testid="log-follow" label={t('log.follow')} isChecked={follow} onChange={(_e, on) => setFollow(on)} />
          <span className="muted small">{t('log.lines', { count: lines.length })}</span>
          <Button variant="secondary" onClick={onClose}>{t('app.close')}</Button>
        </>
      }
    >
      {file && (
        <p className="small">
          {t('log.file')}: <span className="mono path">{file.path}</span>{' '}
          <span className="muted">({file.source === 'config' ? t('log.fromConfig') : t('log.fromStrata')})</span>
        </p>
      )}
      {error && <Alert variant="danger" isInline isPlain role="alert" title={t('log.failed', { message: error })} />}
      {/* the scroller holds PatternFly's code block: the app follows new lines by scrolling it */}
      <div className="log-scroll" ref={box} data-testid="log-lines" tabIndex={0} role="log" aria-label={t('log.title', { name: c.name })}>
        <CodeBlock>
          <CodeBlockCode>
            {lines.length === 0 && file ? <span className="muted">{t('log.empty')}</span> : null}
            {lines.map((l, i) => (
              <span key={i} className={`log-line log-${(l.level ?? 'plain').toLowerCase()}`}>{l.raw}</span>
            ))}
          </CodeBlockCode>
        </CodeBlock>
      </div>
    </Dialog>
  )
}
