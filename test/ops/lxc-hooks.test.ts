// lxc.hook.clone and lxc.hook.destroy: Strata runs them as lxc-copy and lxc-destroy do (same
// arguments, same environment, a clone's new rootfs mounted read-write), and a hook that fails
// fails the operation with nothing changed.
import { appendFileSync, chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeLxcpath, strata, type TestLxcpath } from '../helpers/lxc'

let P: TestLxcpath
let hook: string

beforeAll(async () => {
  P = await makeLxcpath('strata-hooks-')
  // What a hook sees: its arguments, LXC's variables, and whether the rootfs it was given is the
  // mounted new rootfs (the busybox binary of the lower is there). It writes into that rootfs.
  hook = join(P.path, '.clone-hook')
  writeFileSync(
    hook,
    `#!/bin/sh
test -x "$LXC_ROOTFS_MOUNT/bin/busybox" && seen=rootfs || seen=nothing
test -f "$LXC_CONFIG_FILE" && conf=config || conf=none
echo "args=$* name=$LXC_NAME src=$LXC_SRC_NAME path=$LXC_ROOTFS_PATH type=$LXC_HOOK_TYPE $seen $conf" > "$LXC_ROOTFS_MOUNT/etc/clone-hook"
`
  )
  chmodSync(hook, 0o755)
  await P.create('base')
  appendFileSync(join(P.path, 'base', 'config'), `lxc.hook.clone = ${hook}\n`)
  await P.create('failing')
  appendFileSync(join(P.path, 'failing', 'config'), `lxc.hook.clone = /bin/sh -c 'echo no seed here >&2; exit 3'\n`)
}, 120_000)
afterAll(async () => P?.cleanup())

/** What the hook wrote into a clone's rootfs, with the clone's own name taken out. */
function hookRecord(name: string, file: string): string {
  return readFileSync(join(P.path, name, file), 'utf8').replaceAll(name, 'NEW').trim()
}

describe('lxc.hook.clone', () => {
  it('runs on an overlay snapshot clone exactly as lxc-copy runs it, its writes in the upper', async () => {
    await P.lxc('lxc-copy', '-n', 'base', '-N', 'lxc-snap', '-s', '-B', 'overlay', '--', 'one', 'two')
    const r = await strata('clone', '-p', P.path, '-o', 'base', '-n', 'strata-snap', '-s', '--', 'one', 'two')
    expect(r.code, r.stderr).toBe(0)
    const lxc = hookRecord('lxc-snap', 'overlay/delta/etc/clone-hook')
    expect(lxc).toBe(`args=NEW lxc clone one two name=NEW src=base path=overlay:${P.path}/base/rootfs:${P.path}/NEW/overlay/delta type= rootfs config`)
    expect(hookRecord('strata-snap', 'overlay/delta/etc/clone-hook')).toBe(lxc)
    // and the base itself was not written to
    expect(existsSync(join(P.path, 'base', 'rootfs', 'etc', 'clone-hook'))).toBe(false)
  })

  it('runs on a copy clone as lxc-copy runs it', async () => {
    await P.lxc('lxc-copy', '-n', 'base', '-N', 'lxc-copy')
    const r = await strata('clone', '-p', P.path, '-o', 'base', '-n', 'strata-copy')
    expect(r.code, r.stderr).toBe(0)
    const lxc = hookRecord('lxc-copy', 'rootfs/etc/clone-hook')
    expect(lxc).toBe(`args=NEW lxc clone name=NEW src=base path=dir:${P.path}/NEW/rootfs type= rootfs config`)
    expect(hookRecord('strata-copy', 'rootfs/etc/clone-hook')).toBe(lxc)
  })

  it('sets LXC_HOOK_TYPE and passes no name with lxc.hook.version = 1', async () => {
    appendFileSync(join(P.path, 'base', 'config'), 'lxc.hook.version = 1\n')
    await P.lxc('lxc-copy', '-n', 'base', '-N', 'lxc-v1', '--', 'x')
    const r = await strata('clone', '-p', P.path, '-o', 'base', '-n', 'strata-v1', '--', 'x')
    expect(r.code, r.stderr).toBe(0)
    const lxc = hookRecord('lxc-v1', 'rootfs/etc/clone-hook')
    expect(lxc).toBe(`args=x name=NEW src=base path=dir:${P.path}/NEW/rootfs type=clone rootfs config`)
    expect(hookRecord('strata-v1', 'rootfs/etc/clone-hook')).toBe(lxc)
  })

  it('a hook that fails fails the clone, names the hook, and leaves nothing behind', async () => {
    const before = readdirSync(P.path).sort()
    const r = await strata('clone', '-p', P.path, '-o', 'failing', '-n', 'never', '-s')
    expect(r.code).not.toBe(0)
    expect(r.stderr).toMatch(/lxc\.hook\.clone of never failed.*exited with 3: no seed here/)
    expect(readdirSync(P.path).sort()).toEqual(before)
    expect(readFileSync(join(P.path, 'failing', 'config'), 'utf8')).toContain('lxc.hook.clone')
    expect(existsSync(join(P.path, 'failing', 'lxc_snapshots'))).toBe(false)
  })
})

describe('lxc.hook.destroy', () => {
  let log: string
  beforeAll(async () => {
    log = join(P.path, '.destroy-log')
    const destroyHook = join(P.path, '.destroy-hook')
    writeFileSync(
      destroyHook,
      `#!/bin/sh
test -f "$LXC_CONFIG_FILE" && conf=config || conf=none
echo "args=$* name=$LXC_NAME $conf mount=$LXC_ROOTFS_MOUNT path=$LXC_ROOTFS_PATH console=$LXC_CONSOLE log=$LXC_CONSOLE_LOGPATH type=$LXC_HOOK_TYPE" >> ${log}
`
    )
    chmodSync(destroyHook, 0o755)
    for (const name of ['lxc-gone', 'strata-gone']) {
      await P.create(name)
      appendFileSync(join(P.path, name, 'config'), `lxc.hook.destroy = ${destroyHook}\nlxc.console.logfile = /tmp/${name}.console\n`)
    }
    await P.create('kept')
    appendFileSync(join(P.path, 'kept', 'config'), `lxc.hook.destroy = /bin/false\n`)
  }, 120_000)

  it('runs before the container is removed, exactly as lxc-destroy runs it', async () => {
    await P.lxc('lxc-destroy', '-n', 'lxc-gone')
    const r = await strata('destroy', '-P', P.path, '-n', 'strata-gone')
    expect(r.code, r.stderr).toBe(0)
    const [lxc, ours] = readFileSync(log, 'utf8').trim().split('\n')
    expect(lxc).toMatch(/^args=lxc-gone lxc destroy name=lxc-gone config mount=\/\S+\/lxc\/rootfs path=\/\S+\/lxc-gone\/rootfs console= log=\/tmp\/lxc-gone.console type=$/)
    expect(ours?.replaceAll('strata-gone', 'lxc-gone')).toBe(lxc)
    expect(existsSync(join(P.path, 'strata-gone'))).toBe(false)
  })

  it('a hook that fails keeps the container, as it was', async () => {
    const config = readFileSync(join(P.path, 'kept', 'config'), 'utf8')
    const r = await strata('destroy', '-P', P.path, '-n', 'kept')
    expect(r.code).not.toBe(0)
    expect(r.stderr).toMatch(/lxc\.hook\.destroy of kept failed, so kept was not destroyed/)
    expect(readFileSync(join(P.path, 'kept', 'config'), 'utf8')).toBe(config)
    expect((await P.lxc('lxc-ls', '-1')).split('\n')).toContain('kept')
  })
})
