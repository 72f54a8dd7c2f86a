// The destroy dialog for whichever container asked for it (row menu, Delete key, details),
// following the live list: when the container changes state, the dialog does too. Once
// destroyed it leaves the list, and the dialog keeps the last state it saw to say it is done.
import { useRef } from 'react'
import type { ContainerInfo } from '@shared/model'
import { useDestroyDialog } from '../stores/destroyDialog'
import { useContainers } from '../stores/containers'
import { DestroyDialog } from './DestroyDialog'

function Keeper({ c, onClose }: { c: ContainerInfo | undefined; onClose(): void }): React.JSX.Element | null {
  const last = useRef<ContainerInfo | undefined>(c)
  if (c) last.current = c
  if (!last.current) return null
  return <DestroyDialog c={last.current} onClose={onClose} />
}

export function DestroyHost(): React.JSX.Element | null {
  const target = useDestroyDialog((s) => s.target)
  const close = useDestroyDialog((s) => s.close)
  const c = useContainers((s) => (target ? s.list.find((x) => x.lxcpath === target.lxcpath && x.name === target.name) : undefined))
  if (!target) return null
  return <Keeper key={`${target.lxcpath}/${target.name}`} c={c} onClose={close} />
}
