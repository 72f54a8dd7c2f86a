// Errors meant for the user: each names the container and the rule it ran into. They are the one
// StrataError (src/shared/errors.ts); these make the ones several operations share.
import type { ContainerRef } from '@shared/model'
import { notFound, refused, type StrataError } from '@shared/errors'
import { say } from '@shared/engine-text'

export function show(ref: ContainerRef): string {
  return `${ref.lxcpath}/${ref.name}`
}

export function dependentsError(ref: ContainerRef, dependents: ContainerRef[]): StrataError {
  return refused(
    'has-dependents',
    say('has-dependents', { name: ref.name, dir: show(ref), count: dependents.length, dependents: dependents.map(show).join(', ') }),
    show(ref)
  )
}

export function notFoundError(ref: ContainerRef): StrataError {
  return notFound(say('no-container', { name: ref.name, lxcpath: ref.lxcpath, dir: show(ref) }), show(ref))

}
