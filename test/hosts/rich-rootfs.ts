// One of each thing a copy between hosts must keep, in a rootfs: owners, setuid, ACLs (a default
// ACL too), user.* and security.capability xattrs, a hard link, device and fifo nodes, a symlink
// and a sparse file. Shared by the copy tests (xhost-copy.test.ts, lxd-copy.test.ts).
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'

async function sh(file: string, ...args: string[]): Promise<void> {
  const r = await execa(file, args, { reject: false })
  if (r.exitCode !== 0) throw new Error(`${file} ${args.join(' ')} failed (${r.exitCode}): ${r.stderr}`)
}

/** Adds /srv with those things to the rootfs at `root`. */
export async function fillRichRootfs(root: string): Promise<void> {
  const d = join(root, 'srv')
  mkdirSync(d, { recursive: true })
  writeFileSync(join(d, 'owned'), 'owned by 1234:5678\n')
  await sh('chown', '1234:5678', join(d, 'owned'))
  writeFileSync(join(d, 'setuid'), '#!/bin/sh\n')
  await sh('chmod', '4750', join(d, 'setuid'))
  writeFileSync(join(d, 'acl'), 'with an ACL\n')
  await sh('setfacl', '-m', 'u:4321:rw-,g:4322:r--', join(d, 'acl'))
  await sh('setfacl', '-d', '-m', 'u:4321:rwx', d) // a default ACL on the directory too
  writeFileSync(join(d, 'xattr'), 'with xattrs\n')
  await sh('setfattr', '-n', 'user.strata', '-v', 'kept', join(d, 'xattr'))
  await sh('setcap', 'cap_net_raw+ep', join(d, 'xattr')) // security.capability
  writeFileSync(join(d, 'linked'), 'two names\n')
  await sh('ln', join(d, 'linked'), join(d, 'hardlink'))
  await sh('mknod', join(d, 'null'), 'c', '1', '3')
  await sh('mknod', join(d, 'fifo'), 'p')
  await sh('ln', '-s', '../etc/passwd', join(d, 'symlink'))
  await sh('truncate', '-s', '64M', join(d, 'sparse'))
  await sh('dd', 'if=/dev/urandom', `of=${join(d, 'sparse')}`, 'bs=4k', 'count=1', 'seek=4096', 'conv=notrunc', 'status=none')
}
