// Errors meant for the user: each names the container and the rule it ran into.
import type { ContainerRef } from '@shared/model'

export function show(ref: ContainerRef): string {
  return `${ref.lxcpath}/${ref.name}`
}

export class OpError extends Error {
  constructor(
    readonly rule: string,
    message: string
  ) {
    super(message)
    this.name = 'OpError'
  }
}

export class DependentsError extends OpError {
  constructor(
    readonly ref: ContainerRef,
    readonly dependents: ContainerRef[]
  ) {
    super(
      'has-dependents',
      `${ref.name} (${show(ref)}) cannot be destroyed: ${dependents.length} container(s) or snapshot(s) depend on it: ${dependents
        .map(show)
        .join(', ')}. Destroy those first, or use --with-dependents.`
    )
    this.name = 'DependentsError'
  }
}

export class NotFoundError extends OpError {
  constructor(ref: ContainerRef) {
    super('not-found', `There is no container ${ref.name} in ${ref.lxcpath} (no ${show(ref)}/config).`)
    this.name = 'NotFoundError'
  }
}
