// What a container came from: the origin it depends on (LXC's bookkeeping, an overlay lower),
// else the container a copy was made from as Strata recorded it (with when, and whether it is
// still there). A copy made by lxc-copy has no record: the "none" says so on hover.
import { useTranslation } from 'react-i18next'
import type { ContainerInfo } from '@shared/model'

export function OriginInfo({ c }: { c: ContainerInfo }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  if (c.origin) return <span data-testid="origin">{c.origin.name}</span>
  const copied = c.copiedFrom
  if (!copied) {
    return (
      <span className="muted" data-testid="origin" title={t('details.originUnknown')}>
        {t('details.nothing')}
      </span>
    )
  }
  const when = new Date(copied.at)
  const time = Number.isNaN(when.getTime()) ? copied.at : new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(when)
  return (
    <span data-testid="origin" title={`${copied.ref.lxcpath}/${copied.ref.name}`}>
      {t('details.copiedFrom', { name: copied.ref.name })}{' '}
      <time className="muted small" dateTime={copied.at}>{time}</time>
      {!copied.exists && <span className="muted" data-testid="origin-gone"> · {t('details.originGone')}</span>}
    </span>
  )
}

/** The origin's name for the table's column (and filter and sort): the one it depends on, else the one it was copied from. */
export function originName(c: ContainerInfo): string {
  return c.origin?.name ?? c.copiedFrom?.ref.name ?? ''
}
