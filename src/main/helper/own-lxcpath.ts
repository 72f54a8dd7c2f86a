// The lxcpaths a helper in a user's namespace may serve (started by the app for a non-root
// user's writes on their unprivileged containers, main/userns-engine.ts): only the user's own.
// There the helper is the namespace's root: it can do what the user and their subordinate ids
// can, no more, so the rule is about what it touches, not about trust in root: an lxcpath is
// served only when its real path is a directory the user owns, which a shared or system one
// (/var/lib/lxc, /tmp) is not. Everything else (names, recorded containers and lowers inside
// the served lxcpaths) is the policy's own (lxcpath-policy.ts).
import { realpathSync, statSync } from 'node:fs'
import { refused } from '@shared/errors'
import { say, type Said } from '@shared/engine-text'
import { LxcpathPolicy, type LxcpathTrust } from './lxcpath-policy'

function formProblem(lxcpath: string): Said | null {
  if (lxcpath.includes('\0')) return say('lxcpath-has-nul')
  if (!lxcpath.startsWith('/')) return say('lxcpath-not-absolute', { lxcpath })
  if (lxcpath.split('/').some((s) => s === '..' || s === '.')) return say('lxcpath-dot-segment', { lxcpath })
  return null
}

/** `owner`: the user's uid inside the namespace (STRATA_USERNS_OWNER). */
export function ownLxcpathTrust(owner: number): LxcpathTrust {
  return {
    allowed: () => ({ lxcpaths: 'any' }),
    check(lxcpath) {
      const problem = formProblem(lxcpath)
      if (problem) throw refused('lxcpath-form', problem, lxcpath)
      let real: string
      try {
        real = realpathSync(lxcpath)
      } catch (err) {
        throw refused('own-lxcpath', say('own-lxcpath-unresolved', { lxcpath, error: (err as Error).message }), lxcpath)
      }
      const st = statSync(real)
      if (!st.isDirectory()) throw refused('lxcpath-form', say('lxcpath-not-dir', { lxcpath }), lxcpath)
      if (st.uid !== owner) {
        const owner = st.uid === 65534 ? say('owner-outside-map') : say('owner-uid-in-ns', { uid: st.uid })
        throw refused('own-lxcpath', real === lxcpath ? say('own-lxcpath-not-yours', { lxcpath, owner }) : say('own-lxcpath-not-yours-real', { lxcpath, real, owner }), lxcpath)
      }
      return real
    },
    elsewhere: say('elsewhere-own')
  }
}

/** The policy of a helper in the user's namespace: the policy's rules over the user's own lxcpaths. */
export function ownLxcpathPolicy(lxcpaths: readonly string[], owner: number): LxcpathPolicy {
  return new LxcpathPolicy(lxcpaths, ownLxcpathTrust(owner))
}
