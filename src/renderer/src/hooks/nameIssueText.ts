// The engine's verdict on a name (shared/names.ts NameIssue), in the user's language: the rule
// picks the sentence, its values fill it in.
import { useTranslation } from 'react-i18next'
import type { NameIssue } from '@shared/names'

export function useNameIssueText(): (issue: NameIssue) => string {
  const { t } = useTranslation()
  return (issue) => t(`clone.invalid.${issue.rule}`, { ...issue.values, defaultValue: issue.message })
}
