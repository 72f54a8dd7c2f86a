// The "why not the others?" disclosure of the clone and copy-to-host dialogs: the backends the
// engine answered cannot make this clone or copy, each with the kind of rule in a few words and
// then the engine's whole reason, both in the user's language.
import { useTranslation } from 'react-i18next'
import { ExpandableSection } from '@patternfly/react-core'
import type { BackendChoice } from '@shared/model'
import { saidText } from '../i18n/said'

/** Why a backend cannot make this clone or copy: short (the rule's kind), then the engine's sentence. */
function WhyNot({ c, origin }: { c: BackendChoice; origin: string }): React.JSX.Element {
  const { t } = useTranslation()
  const whole = saidText(c.said, c.reason ?? '')
  const short = c.why ? t(`clone.why.${c.why}`, { backend: c.backend, origin }) : whole
  return (
    <li data-testid={`clone-backend-${c.backend}`}>
      <strong>{c.backend}</strong>: <span data-testid={`clone-why-short-${c.backend}`}>{short}</span>
      {short !== whole && whole !== '' && (
        <div className="small muted why-not-whole" data-testid={`clone-why-whole-${c.backend}`}>
          {whole}
        </div>
      )}
    </li>
  )
}

export function WhyNotOthers(p: {
  others: BackendChoice[]
  /** the origin's backend the reasons name; each choice's own where there is no origin (a copy from another host) */
  origin?: string
  expanded: boolean
  onToggle: (open: boolean) => void
  testId: string
}): React.JSX.Element | null {
  const { t } = useTranslation()
  if (p.others.length === 0) return null
  return (
    <ExpandableSection
      toggleText={t('clone.whyNotCount', { count: p.others.length })}
      isExpanded={p.expanded}
      onToggle={(_e, open) => p.onToggle(open)}
      data-testid={p.testId}
      isIndented
    >
      <ul className="why-not">
        {p.others.map((c) => (
          <WhyNot key={c.backend} c={c} origin={p.origin ?? c.backend} />
        ))}
      </ul>
    </ExpandableSection>
  )
}
