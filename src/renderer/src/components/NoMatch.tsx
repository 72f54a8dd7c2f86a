// The table when the filter matches nothing: PatternFly's empty state, with the way out (clear
// the filter) as its action, as Cockpit's lists do.
import { useTranslation } from 'react-i18next'
import { Button, EmptyState, EmptyStateActions, EmptyStateBody, EmptyStateFooter } from '@patternfly/react-core'
import { SearchIcon } from '@patternfly/react-icons'
import { useContainers } from '../stores/containers'

export function NoMatch(): React.JSX.Element {
  const { t } = useTranslation()
  const filter = useContainers((s) => s.filter)
  const setFilter = useContainers((s) => s.setFilter)
  return (
    <EmptyState titleText={t('containers.noMatchTitle')} headingLevel="h3" icon={SearchIcon} variant="sm" data-testid="no-match">
      <EmptyStateBody>{t('containers.noMatch')}</EmptyStateBody>
      {filter && (
        <EmptyStateFooter>
          <EmptyStateActions>
            <Button variant="link" onClick={() => setFilter('')} data-testid="clear-filter">
              {t('containers.clearFilter')}
            </Button>
          </EmptyStateActions>
        </EmptyStateFooter>
      )}
    </EmptyState>
  )
}
