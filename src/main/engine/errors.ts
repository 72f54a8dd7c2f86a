// Errors meant for the user: each names the container and the rule it ran into. They are the one
// StrataError (src/shared/errors.ts); these make the ones several operations share.
import type { ContainerRef } from '@shared/model'
import { notFound, refused, type StrataError } from '@shared/errors'

export function show(ref: ContainerRef): string {
  return `${ref.lxcpath}/${ref.name}`
}

export function dependentsError(ref: ContainerRef, dependents: ContainerRef[]): StrataError {
  return refused(
    'has-dependents',
    `${ref.name} (${show(ref)}) cannot be destroyed: ${dependents.length} container(s) or snapshot(s) depend on it: ${dependents
      .map(show)
      .join(', ')}. Destroy those first, or use --with-dependents.`,
    show(ref)
  )
}

export function notFoundError(ref: ContainerRef): StrataError {
  return notFound(`There is no container ${ref.name} in ${ref.lxcpath} (no ${show(ref)}/config).`, show(ref))
}
