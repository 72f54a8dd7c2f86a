// Broken lineage, in words: every finding, red for errors, with the engine's fix where it has
// one; a click selects its subject (whose details then say what a repair did).
import { useTranslation } from 'react-i18next'
import { useLineage } from '../stores/lineage'
import { useSelection } from '../stores/selection'
import { FindingFix } from './FindingFix'
import { saidText } from '../i18n/said'

export function FindingsList(): React.JSX.Element | null {
  const { t } = useTranslation()
  const findings = useLineage((s) => s.graph.findings)
  const select = useSelection((s) => s.select)
  if (findings.length === 0) return null
  return (
    <section className="findings" data-testid="findings">
      <h3>{t('lineage.findings', { count: findings.length })}</h3>
      <ul>
        {findings.map((f, i) => (
          <li key={i} className={f.severity === 'error' ? 'bad' : 'warn'}>
            <button className="link" onClick={() => select(`${f.subject.lxcpath}/${f.subject.name}`)}>
              {f.subject.name}
            </button>{' '}
            <strong>{t(`finding.${f.code}`)}</strong>: {saidText(f.said, f.message)}
            <FindingFix f={f} />
          </li>
        ))}
      </ul>
    </section>
  )
}
