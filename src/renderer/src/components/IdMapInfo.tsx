// Whether a container is unprivileged, from its id map (lxc.idmap, read by the engine's
// listing): whose uid its root is on the host and how many ids it has; the whole map on hover.
import { useTranslation } from 'react-i18next'
import type { ContainerInfo } from '@shared/model'

export function IdMapInfo({ c }: { c: ContainerInfo }): React.JSX.Element {
  const { t } = useTranslation()
  const lines = c.idMap.map((e) => `${e.kind} ${e.nsid} ${e.hostid} ${e.count}`).join('; ')
  const root = c.idMap.find((e) => e.kind !== 'g' && e.nsid === 0)
  const text =
    c.idMap.length === 0
      ? t('idmap.privileged')
      : root
        ? t('idmap.unprivileged', { hostid: root.hostid, count: root.count })
        : t('idmap.unprivilegedNoRoot', { map: lines })
  return (
    <span data-testid="details-idmap" title={lines || undefined}>
      {text}
    </span>
  )
}
