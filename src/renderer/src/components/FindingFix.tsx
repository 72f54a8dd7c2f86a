// A finding's fix, as the engine words it, with the button that has the engine carry it out.
import { useTranslation } from 'react-i18next'
import type { Finding } from '@shared/model'
import { api } from '../api'
import { useRepair } from '../stores/repair'
import { maybeSaidText } from '../i18n/said'

export function FindingFix({ f }: { f: Finding }): React.JSX.Element | null {
  const { t } = useTranslation()
  const running = useRepair((s) => s.running)
  const run = useRepair((s) => s.run)
  if (!f.fix) return null
  const mine = running === `${f.subject.lxcpath}/${f.subject.name}`
  return (
    <div className="fix" data-testid="finding-fix">
      <span className="fix-text">{t('finding.fix', { description: maybeSaidText(f.fix.said, f.fix.description) })}</span>
      <button data-testid="repair" disabled={running !== null} onClick={() => void run(api, f.subject)}>
        {mine ? t('finding.repairing') : t('finding.repair')}
      </button>
    </div>
  )
}

/** What the last repair of this container did (or why it failed), in the engine's words. */
export function RepairNote({ id }: { id: string }): React.JSX.Element | null {
  const said = useRepair((s) => s.said.get(id))
  if (!said) return null
  return (
    <p className={said.ok ? 'fix-done' : 'error'} role={said.ok ? 'status' : 'alert'} data-testid="repair-said">
      {said.message}
    </p>
  )
}
