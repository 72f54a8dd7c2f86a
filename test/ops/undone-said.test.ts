// A build that fails inside its hidden staging dir names the container's own dir instead, in its
// English and in its sentence as data (what the app says in the user's language) alike.
import { describe, expect, it } from 'vitest'
import { undoneError } from '../../src/main/engine/ops/build'
import { failed, refused, type StrataError } from '../../src/shared/errors'
import { say } from '../../src/shared/engine-text'

const plan = { what: 'create', target: { lxcpath: '/p', name: 'n' } }
const staging = { dir: '/p/.strata-build-0123456789ab', standsFor: '/p/n' }

describe('an undone build says the container\'s dir, not its staging dir', () => {
  it('a refusal stands, its sentence\'s values told too', () => {
    const err = refused('create-mount', say('create-mount', { backend: 'loop', why: `${staging.dir}/rootfs.img is busy` }))
    const out = undoneError(plan, err, staging) as StrataError
    expect(out.message).toBe('The new loop rootfs could not be mounted for the template: /p/n/rootfs.img is busy')
    expect(out.said?.values.why).toBe('/p/n/rootfs.img is busy')
  })
  it('a failure is told as undone, with its own sentence inside', () => {
    const err = failed(say('rootfs-not-dir', { dir: `${staging.dir}/rootfs` }))
    const out = undoneError(plan, err, staging) as StrataError
    expect(out.message).toBe('The create of /p/n failed and was undone; nothing was changed: the rootfs /p/n/rootfs is not a directory')
    expect(out.said?.key).toBe('op-undone')
    expect(out.said?.values.what).toMatchObject({ key: 'op-name-create' })
    expect(out.said?.values.why).toMatchObject({ key: 'rootfs-not-dir', values: { dir: '/p/n/rootfs' } })
  })
})
