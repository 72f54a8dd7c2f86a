// The engine's check of a new container's name (checkName), asked a moment after the last
// keystroke; `checking` until the answer for the current name and lxcpath arrives. Asked of the
// selected host, or of `host` when given (null: this computer), as a copy to another host does.
import { useEffect, useState } from 'react'
import type { NameIssue } from '@shared/names'
import { api, errorText } from '../api'

export function useNameCheck(lxcpath: string, name: string, host?: string | null): { issue: NameIssue | null; checking: boolean } {
  const [state, setState] = useState<{ for: string; issue: NameIssue | null }>({ for: '', issue: null })
  const key = `${host}\0${lxcpath}\0${name}`
  useEffect(() => {
    if (!lxcpath) return
    let live = true
    const timer = setTimeout(() => {
      api.checkName({ lxcpath, name, ...(host === undefined ? {} : { host: host ?? undefined }) }).then(
        ({ issue }) => live && setState({ for: key, issue }),
        (e: unknown) => live && setState({ for: key, issue: { rule: 'empty', values: {}, message: errorText(e) } })
      )
    }, 120)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [key])
  return { issue: state.for === key ? state.issue : null, checking: state.for !== key }
}
