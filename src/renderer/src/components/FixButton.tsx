// The fixes the engine offers by id (FixId on a config problem or a finding), each as its
// button: where the CLI names the fix's command, the app offers the action itself.
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Button } from '@patternfly/react-core'
import { WrenchIcon } from '@patternfly/react-icons'
import type { ContainerRef, FixId } from '@shared/model'
import { ModernizeDialog } from './ModernizeDialog'

/** Each fix's button words, its test id and the dialog that carries it out. */
const FIXES: Record<FixId, { label: 'config.modernize'; testId: string; Dialog: (p: { c: ContainerRef; onClose(): void }) => React.JSX.Element }> = {
  'config-modern': { label: 'config.modernize', testId: 'modernize', Dialog: ModernizeDialog }
}

/** The distinct fixes of a list of problems or findings, in their order. */
export const fixIdsOf = (items: readonly { fixId?: FixId | undefined }[]): FixId[] => [...new Set(items.flatMap((x) => (x.fixId ? [x.fixId] : [])))]

/** `where`: the place's prefix of the test id (`details-modernize`). */
export function FixButton({ fixId, subject, size, where = '' }: { fixId: FixId; subject: ContainerRef; size?: 'sm'; where?: string }): React.JSX.Element {
  const { t } = useTranslation()
  const [open, setOpen] = useState(false)
  const { label, testId, Dialog } = FIXES[fixId]
  return (
    <>
      <Button variant="secondary" size={size} icon={<WrenchIcon />} data-testid={`${where}${testId}`} onClick={() => setOpen(true)}>
        {t(label)}
      </Button>
      {open && <Dialog c={subject} onClose={() => setOpen(false)} />}
    </>
  )
}
