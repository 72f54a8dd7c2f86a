// Broken lineage, in words: every finding, red for errors, with the engine's fix where it has
// one; a click selects its subject (whose details then say what a repair did). Shown in the
// lineage panel's Problems tab, whose title counts them.
import { useTranslation } from 'react-i18next'
import { useLineage } from '../stores/lineage'
import { useSelection } from '../stores/selection'
import { FindingFix } from './FindingFix'
import { FixButton, useFix } from './FixButton'
import { saidText } from '../i18n/said'

export function FindingsList(): React.JSX.Element {
  const { t } = useTranslation()
  const findings = useLineage((s) => s.graph.findings)
  const select = useSelection((s) => s.select)
  const fix = useFix()
  // a fix by id (the conversion of legacy keys) once per container, on its first finding that has it
  const offered = new Set<string>()
  const offerHere = (f: (typeof findings)[number]): boolean => {
    const key = `${f.subject.lxcpath}/${f.subject.name}#${f.fixId}`
    if (!f.fixId || offered.has(key)) return false
    offered.add(key)
    return true
  }
  return (
    <>
      {findings.length === 0 ? (
        <p className="muted pad">{t('lineage.panel.noProblems')}</p>
      ) : (
        <section className="findings" data-testid="findings" aria-label={t('lineage.findings', { count: findings.length })}>
          <ul>
            {findings.map((f, i) => (
              <li key={i} className={f.severity === 'error' ? 'bad' : 'warn'}>
                <button className="link" onClick={() => select(`${f.subject.lxcpath}/${f.subject.name}`)}>
                  {f.subject.name}
                </button>{' '}
                <strong>{t(`finding.${f.code}`)}</strong>: {saidText(f.said, f.message)}
                <FindingFix f={f} />
                {offerHere(f) && f.fixId && (
                  <div className="fix">
                    <FixButton fixId={f.fixId} onClick={() => fix.open(f.fixId!, f.subject)} size="sm" where="lineage-" />
                  </div>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      {/* beside the list, not in it: the dialog stays when its fix takes the last problem away, and says what it did */}
      {fix.dialog}
    </>
  )
}
