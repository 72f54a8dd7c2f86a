// Open a console on a container from its details: a shell (lxc-attach) or its own tty
// (lxc-console). Only a running container has either; the buttons say why when they are off.
import { useTranslation } from 'react-i18next'
import type { ContainerInfo } from '@shared/model'
import { api } from '../api'
import { useConsoles } from '../stores/consoles'

export function ConsoleButtons({ c }: { c: ContainerInfo }): React.JSX.Element {
  const { t } = useTranslation()
  const running = c.state === 'running'
  const why = running ? undefined : t('console.notRunning', { state: t(`state.${c.state}`) })
  const ref = { lxcpath: c.lxcpath, name: c.name }
  return (
    <>
      {/* the reason sits on a wrapper too: a disabled button gets no hover in every browser */}
      <span title={why}>
      <button data-testid="details-console" disabled={!running} title={why ?? t('console.shellTitle')} onClick={() => void useConsoles.getState().open(api, ref, 'shell')}>
        {t('console.open')}
      </button>
      </span>
      <span title={why}>
      <button data-testid="details-tty" disabled={!running} title={why ?? t('console.ttyTitle')} onClick={() => void useConsoles.getState().open(api, ref, 'tty')}>
        {t('console.openTty')}
      </button>
      </span>
    </>
  )
}
