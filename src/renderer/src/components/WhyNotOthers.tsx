// The "why not the others?" disclosure of the clone and copy-to-host dialogs: the backends the
// engine answered cannot make this clone or copy, each with its reason.
import { useTranslation } from 'react-i18next'
import { ExpandableSection } from '@patternfly/react-core'
import type { BackendChoice } from '@shared/model'

/** Why a backend cannot make this clone or copy, in the user's language (the engine's sentence on hover). */
function WhyNot({ c, origin }: { c: BackendChoice; origin: string }): React.JSX.Element {
  const { t } = useTranslation()
  const text = c.why ? t(`clone.why.${c.why}`, { backend: c.backend, origin }) : (c.reason ?? '')
  return (
    <li data-testid={`clone-backend-${c.backend}`} title={c.reason ?? undefined}>
      <strong>{c.backend}</strong>: {text}
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
