import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Runs a bash script; throws with stderr on failure. */
export function sh(script: string): string {
  return execFileSync('bash', ['-euo', 'pipefail', '-c', script], { encoding: 'utf8', maxBuffer: 64 << 20 })
}

/** Runs a command and returns status + output without throwing. */
export function run(cmd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

export function tmp(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `strata-native-${prefix}-`))
}

/** rsync's own view of what differs; empty when dst is a faithful copy of src. */
export function rsyncDiff(src: string, dst: string): string {
  const r = run('rsync', ['-aHAXn', '--numeric-ids', '--itemize-changes', `${src}/`, `${dst}/`])
  if (r.status !== 0) throw new Error(`rsync failed (${r.status}): ${r.stderr}`)
  return r.stdout
}

/** A tree with every kind of entry and metadata copyTree must keep. */
export function buildFidelityTree(root: string): void {
  sh(`
cd '${root}'
mkdir -p d1/d2/d3 empty 'with space' sticky sgid acl opaque ovl
echo hello > plain; chmod 0644 plain
echo suid > suid; chmod 4755 suid
echo sgid > sgidf; chmod 2711 sgidf
echo mine > owned1000; chown 1000:1000 owned1000
echo grp > owned0_42; chown 0:42 owned0_42
chmod 1777 sticky; chmod 2775 sgid; chown 1000:42 sgid
echo data > sgid/inner
echo h > hl1; ln hl1 d1/hl2; ln hl1 d1/d2/hl3
ln -s plain rel_link
ln -s /etc/hostname abs_link
ln -s /nonexistent/dangling dangling
ln -s /etc etc_link
ln -s ../../plain d1/d2/up_link
touch -h -d '2001-02-03 04:05:06' rel_link
cp /bin/true pingish; setcap cap_net_raw+ep pingish
echo acl > acl/file; setfacl -m u:1000:rwx acl/file; setfacl -d -m u:1000:rx acl; setfacl -m g:42:r acl
setfattr -n user.note -v 'hello xattr' plain
setfattr -n trusted.strata -v 1 d1
setfattr -n trusted.overlay.opaque -v y opaque
echo x > opaque/kept
mknod ovl/whiteout c 0 0
mknod null c 1 3; chmod 0666 null
mknod blk b 7 200
mkfifo fifo
python3 -c "import socket; s=socket.socket(socket.AF_UNIX); s.bind('sock')"
truncate -s 100M sparse; printf 'head' | dd of=sparse conv=notrunc status=none; printf 'mid' | dd of=sparse bs=1 seek=50000000 conv=notrunc status=none
head -c 300000 /dev/urandom > random.bin
touch $'new\\nline' $'bad\\xff\\xfename' 'with space/file name'
echo big > d1/d2/d3/deep
touch -d '1999-01-01 00:00:00' d1/d2/d3 ; touch -d '2005-05-05 05:05:05' d1/d2; touch -d '2010-10-10 10:10:10' d1 empty
touch -a -d '2002-02-02 02:02:02' plain
`)
}

export { removeLxcLockDir } from '../helpers/lxc'
