// Which of LXD's events change what a listing shows: the events below are as LXD 5.0.2 sent them
// (printed from its events stream while `lxc init`, `lxc copy`, `lxc start`, `lxc stop`,
// `lxc snapshot`, `lxc pause` and `lxc delete` ran), trimmed to the fields read; the console,
// exec and file actions are LXD's names for those accesses.
import { describe, expect, it } from 'vitest'
import type { LxdEvent } from '../../src/main/hosts/lxd/lxd-events'
import { changedProject } from '../../src/main/hosts/lxd/lxd-watch'

const lifecycle = (action: string, source: string, project = 'default'): LxdEvent => ({
  type: 'lifecycle',
  timestamp: '2026-12-07T01:46:27.116602302Z',
  metadata: { action, source },
  location: 'none',
  project
})
const operation = (description: string, status: string, resources: Record<string, string[]> | null, project = 'default'): LxdEvent => ({
  type: 'operation',
  timestamp: '2026-12-07T01:46:27.974615813Z',
  metadata: { id: 'c4b0', class: 'task', description, status, resources, metadata: null, may_cancel: false, err: '' },
  location: 'none',
  project
})

describe('changes in the events LXD 5.0.2 sends', () => {
  it('an instance created, started, stopped, renamed, deleted, its snapshot made or deleted: a change in its project', () => {
    for (const action of ['instance-created', 'instance-started', 'instance-stopped', 'instance-renamed', 'instance-deleted', 'instance-paused', 'instance-snapshot-created', 'instance-snapshot-deleted']) {
      expect(changedProject(lifecycle(action, '/1.0/instances/a')), action).toBe('default')
    }
    expect(changedProject(lifecycle('instance-created', '/1.0/instances/e?project=p2', 'p2'))).toBe('p2')
  })

  it('console, exec and file access, and events about other things: no change', () => {
    for (const action of ['instance-exec', 'instance-console', 'instance-file-retrieved', 'instance-log-retrieved', 'project-created', 'image-created', 'storage-volume-created']) {
      expect(changedProject(lifecycle(action, '/1.0/instances/a')), action).toBeNull()
    }
  })

  it("an operation on an instance that ended (also a failed freeze, which has no lifecycle event) is a change; one still running, or not on an instance, is not", () => {
    const on = { containers: ['/1.0/containers/d'], instances: ['/1.0/instances/d'] }
    expect(changedProject(operation('Freezing instance', 'Failure', on))).toBe('default')
    expect(changedProject(operation('Creating instance', 'Success', on))).toBe('default')
    expect(changedProject(operation('Creating instance', 'Running', on))).toBeNull()
    expect(changedProject(operation('Creating instance', 'Pending', on))).toBeNull()
    expect(changedProject(operation('Updating images', 'Success', null))).toBeNull()
  })
})
