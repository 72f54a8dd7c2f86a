// Open a console on a container from its details: a shell (lxc-attach) or its own tty
// (lxc-console). Only a running container has either; the buttons say why when they are off.
import { useTranslation } from 'react-i18next'
import { Button } from '@patternfly/react-core'
import { TerminalIcon } from '@patternfly/react-icons'
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
      <Button variant="secondary" size="sm" icon={<TerminalIcon />} data-testid="details-console" isDisabled={!running} title={why ?? t('console.shellTitle')} onClick={() => void useConsoles.getState().open(api, ref, 'shell')}>
        {t('console.open')}
      </Button>
      </span>
      <span title={why}>
      <Button variant="secondary" size="sm" data-testid="details-tty" isDisabled={!running} title={why ?? t('console.ttyTitle')} onClick={() => void useConsoles.getState().open(api, ref, 'tty')}>
        {t('console.openTty')}
      </Button>
      </span>
    </>
  )
}
