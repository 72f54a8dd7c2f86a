// The fixes the engine offers by id (FixId on a config problem or a finding), each as its
// button: where the CLI names the fix's command, the app offers the action itself. The dialog
// belongs to the place that shows the buttons (useFix): a fix carried out removes its problem,
// and with it the button, while the dialog still says what it did.
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

/** The fix being carried out here, and its dialog to render where it outlives the buttons. */
export function useFix(): { open(fixId: FixId, subject: ContainerRef): void; dialog: React.JSX.Element | null } {
  const [fixing, setFixing] = useState<{ fixId: FixId; subject: ContainerRef } | null>(null)
  const Dialog = fixing ? FIXES[fixing.fixId].Dialog : null
  return {
    open: (fixId, subject) => setFixing({ fixId, subject }),
    dialog: fixing && Dialog ? <Dialog c={fixing.subject} onClose={() => setFixing(null)} /> : null
  }
}

/** `where`: the place's prefix of the test id (`details-modernize`). */
export function FixButton({ fixId, onClick, size, where = '' }: { fixId: FixId; onClick(): void; size?: 'sm'; where?: string }): React.JSX.Element {
  const { t } = useTranslation()
  const { label, testId } = FIXES[fixId]
  return (
    <Button variant="secondary" size={size} icon={<WrenchIcon />} data-testid={`${where}${testId}`} onClick={onClick}>
      {t(label)}
    </Button>
  )
}
