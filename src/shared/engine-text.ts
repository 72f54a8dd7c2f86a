// The engine's sentences that reach the screen, as data: a key from one table and the values
// that fill it. The table holds the English (the engine's own words, for the CLI and logs); a UI
// says the same key in its language (the renderer's `engine.<key>`, checked for every key by
// test/renderer/engine-text.test.ts). A new sentence the app shows is a line here. Plain code.
import { formFor } from './counted'

/** Each sentence's English; `{{name}}` is a value. */
export const ENGINE_TEXTS = {
  // why a backend cannot make a clone or a container (drivers' capability records, drivers/compat.ts)
  'backend-not-yet': 'Strata reads {{backend}} containers but cannot make, copy or snapshot them yet.',
  'aufs-no-create': 'Strata reads aufs clones but does not make new ones (LXC removed aufs in 3.0); convert them to overlay.',
  'aufs-not-a-target': 'aufs cannot be a clone target: LXC removed aufs in 3.0 and this kernel has no aufs.',
  'aufs-not-clonable': 'aufs clones cannot be mounted on this kernel: convert it to overlay first (strata convert).',
  'dir-no-snapshots': 'dir cannot make snapshot clones (LXC: dir has no snapshots); the snapshot of a dir container is overlay.',
  'loop-no-snapshots': "loop does not support snapshots (LXC's rule).",
  'btrfs-snapshot-rule': "LXC snapshots stay in the origin's backend",
  'overlay-copy-into': "overlay can only be used for snapshot clones (LXC's rule); a copy clone is dir.",
  'overlay-snapshot-rule': 'LXC: "overlay clone of this container is not yet supported"; an overlay clone reads a directory as its lower',
  'zfs-snapshot-rule': "a zfs snapshot clone is a zfs clone of a snapshot of the origin's dataset",
  // {{a}} is the English article of {{target}} ("an lvm"); other languages leave it out
  'snapshot-only-of': '{{a}} {{target}} snapshot clone can be made only of {{of}} containers, not of {{origin}} ({{rule}}).',
  // what this machine lacks for a backend (drivers/probe.ts, the drivers' probes)
  'no-kernel-fs': 'This kernel has no {{fs}} filesystem loaded (try `modprobe {{fs}}`).',
  'tool-missing': 'The {{tool}} command is missing: install {{package}}.',
  'needs-root': '{{a}} {{backend}} rootfs is an image or a device that only root may attach.',
  'not-on-btrfs': "The lxcpath {{lxcpath}} is not on a btrfs filesystem (a btrfs rootfs is a subvolume of the lxcpath's filesystem).",
  'zfs-not-running': 'zfs is not running here (no /dev/zfs from the kernel module, no zfs-fuse socket /run/zfs/zfs_socket).',
  // lineage findings (lineage/integrity.ts)
  'finding-lower-gone': '{{name}} cannot start: its lower layer {{lower}} is gone (its origin was removed without LXC).',
  'finding-rootfs-outside':
    "{{name}}'s rootfs {{outside}} lies outside its directory: destroying {{short}} deletes it too (lxc-destroy does so without asking; Strata's destroy asks first).",
  'finding-base-drift': "{{name}}'s base {{lower}} changed since the clone was made ({{at}}), so the clone sees a different system: changed in {{paths}}.",
  'finding-cloned-from-gone': '{{name}} was cloned from {{origin}}, which no longer exists.',
  'finding-rdepends-misses-lower': "{{name}}'s lxc_rdepends does not list {{owner}}, whose rootfs its own rootfs reads as a lower layer.",
  'finding-no-rdepends': '{{name}} depends on {{owners}} but has no lxc_rdepends: destroying it with LXC will not update its origin.',
  'finding-stale-entry': "{{name}}'s lxc_snapshots lists {{entry}}, which no longer exists; lxc-destroy refuses to destroy {{short}} while that entry stays.",
  'finding-snapshots-leftover':
    "{{name}}'s lxc_snapshots ends in {{leftover}}, which is not an lxcpath/name pair (LXC leaves such a piece when it removes a clone whose lxcpath ends with another clone's); lxc-destroy refuses to destroy {{short}} while it is there. The entry it was part of is lost: a clone that depends on {{short}} from an lxcpath not checked here is found only when that lxcpath is checked too.",
  'finding-unlisted-dependent': "{{dependent}} depends on {{name}}, but {{name}}'s lxc_snapshots does not list it.",
  'finding-count-mismatch': "{{name}}'s lxc_snapshots (LXC 1.x format) counts {{count}} {{count:dependent|dependents}}, but {{found}} were found{{list}}.",
  'finding-empty-snapshots': "{{name}}'s lxc_snapshots is empty: nothing depends on {{short}}, but lxc-destroy refuses to destroy it (\"has clones\") while the file exists.",
  'finding-zero-count': "{{name}}'s lxc_snapshots holds the LXC 1.x count 0: nothing depends on {{short}}, but lxc-destroy refuses to destroy it (\"has clones\") while the file exists.",
  'finding-garbled-snapshots': "{{name}}'s lxc_snapshots is neither a count nor lxcpath/name pairs; lxc-destroy refuses to destroy {{short}} while it exists.",
  'finding-no-snapshots-file': '{{dependents}} {{count:depends|depend}} on {{name}}, but it has no lxc_snapshots: lxc-destroy would destroy {{short}} and break them.',
  'finding-stray-partial': '{{name}} has a stale "partial" file from an interrupted lxc-create; lxc-start refuses to start it until it is removed.',
  // notes on figures (fs/project-quota.ts, drivers' usage)
  'quota-kernel': 'Project quotas are not available on this kernel (built without {{options}}).',
  'quota-not-mounted': 'Project quotas are not on for {{where}}: it is not mounted with prjquota.',
  'usage-zfs-path': 'scanned: {{path}} is a path, not a zfs dataset',
  // {{reason}}: what btrfs or zfs answered
  'usage-scanned': 'scanned: {{reason}}',
  'usage-not-measured': 'not measured: {{reason}}',
  // a layer diff that cannot be made (layer-diff.ts)
  'diff-no-rootfs': '{{container}} has no usable rootfs in its config',
  'diff-not-layered': '{{container}} is {{a}} {{backend}} container: only overlay (or aufs) clones have an upper layer to diff against a lower',
  'diff-lower-gone': "{{container}}'s lower layer {{lower}} is gone (its origin was removed without LXC): there is nothing to diff its upper layer against.",
  // what LXC 5 would refuse in a config (config/parse.ts)
  'config-missing-equals': '"{{key}}" has no "=", so LXC refuses the whole file (Invalid configuration line).',
  'config-value-not-allowed': '"{{key}}" only clears settings and must have an empty value; LXC refuses "{{value}}".',
  'config-empty-value': '"{{key}}" must not be empty; LXC refuses to load the config.',
  'config-legacy-key': '"{{key}}" is an LXC 1.x/2.0 key; LXC 5 rejects it; the modern key is {{modern}}.',
  'config-legacy-key-gone': '"{{key}}" is an LXC 1.x/2.0 key; LXC 5 rejects it; it has no modern form and must be removed.',
  'config-unknown-net-key': '"{{key}}" is not a network key LXC 5 knows (unknown network configuration key).',
  'config-bad-net-index': '"{{key}}" is not a valid network key: LXC 5 expects lxc.net.<number>.<key> (unsupported config key).',
  'config-unknown-key': '"{{key}}" is not a key LXC 5 knows (unsupported config key).',
  'config-nul-byte': 'the file contains a NUL byte; LXC stops reading there and silently ignores the rest of the file.',
  'config-not-utf8': 'the file is not valid UTF-8; LXC reads it as bytes, but names and paths here may not mean what they look like.',
  // the legacy-key conversion's notes (config/modernize.ts)
  renamed: 'renamed',
  'renamed-clears-rootfs': 'renamed; an empty value still clears the rootfs',
  'renamed-prefixed': 'renamed; the value already has a type prefix and is kept as is',
  'renamed-backend-type': 'renamed; type "{{backend}}" taken from lxc.rootfs.backend',
  'renamed-block-device': 'renamed; a block device path is left without prefix so LXC 5 auto-detects lvm/rbd/loop as before',
  'renamed-dir-type': 'renamed; no lxc.rootfs.backend, so the type is dir',
  'renamed-clears-networks': 'renamed; clears all networks',
  'renamed-network-0': 'renamed; no lxc.network.type before it, so it belongs to network 0',
  'renamed-network': 'renamed; network {{index}}',
  'removed-backend': 'removed; merged into the lxc.rootfs.path type prefix',
  'removed-no-setting': 'removed; LXC 2.1+ has no such setting',
  // refusals and failures of everyday operations (engine/errors.ts, ops/*)
  'no-container': "There is no container {{name}} in {{lxcpath}} (no {{dir}}/config).",
  'has-dependents': "{{name}} ({{dir}}) cannot be destroyed: {{count}} {{count:container or snapshot depends|containers or snapshots depend}} on it: {{dependents}}. Destroy those first, or use --with-dependents.",
  // a list cut short: the first paths, and how many more
  'list-more': "{{shown}} and {{more}} more",
  'word-directory': "directory",
  'word-rootfs': "rootfs",
  'destroy-unmanaged': "{{name}} has lxc.rootfs.managed = 0: its storage is not LXC's, and lxc-destroy removes nothing of it (it runs the destroy hooks and reports success). Strata will not delete it either; remove it by hand.",
  'destroy-dir-symlink': "{{name}}'s directory {{dir}} is a symlink; Strata destroys a container only at its real directory, never through a link.",
  'destroy-strata-mounted': "{{name}} is mounted by Strata at {{mountpoint}} ({{command}}): unmount it first with strata umount -P {{lxcpath}} -n {{name}}.",
  'destroy-storage-in-use': "{{name}} cannot be destroyed: {{why}}. Destroy the container whose rootfs that is first.",
  'destroy-mounted-one': "{{name}} cannot be destroyed while a filesystem is mounted in its {{what}} {{path}}: {{mounted}}. The removal would stop there with the container half-deleted; unmount it first (umount {{last}}).",
  'destroy-mounted-many': "{{name}} cannot be destroyed while {{count}} filesystems are mounted in its {{what}} {{path}}: {{mounted}}. The removal would stop there with the container half-deleted; unmount them first (umount {{last}}).",
  'destroy-rootfs-outside': "{{name}}'s rootfs {{outside}} lies outside its directory {{dir}}: destroying {{name}} deletes it too, as lxc-destroy does without asking. Confirm that it is to be deleted: --delete-outside {{outside}}.",
  'destroy-rootfs-outside-of': "{{name}}'s rootfs {{outside}} lies outside its directory {{dir}} (it is the rootfs of the container in {{owner}}): destroying {{name}} deletes it too, as lxc-destroy does without asking. Confirm that it is to be deleted: --delete-outside {{outside}}.",
  'destroy-vanished': "{{name}} disappeared while it was being destroyed.",
  'relative-lxcpath': "The lxcpath {{lxcpath}} must be absolute (LXC fails on relative ones).",
  'no-template': "There is no template \"{{template}}\" ({{script}} does not exist).",
  'no-config-file': "The config file {{file}} does not exist.",
  'create-mount': "The new {{backend}} rootfs could not be mounted for the template: {{why}}",
  'clone-no-rootfs': "{{name}} cannot be cloned: {{why}}",
  'no-rootfs-why': "it has no rootfs (lxc-create -t none)",
  'clone-no-rootfs-lxc': "{{name}} has no rootfs, so LXC cannot clone it",
  'legacy-include-one': "{{name}} cannot be cloned with its lxc.include lines kept: {{files}} still uses LXC 1.x/2.0 keys that LXC 5 rejects. Strata converts only the container's own config, so LXC would fail to load the clone (\"Failed to load config\"). Clone with `strata clone --expand-config` (the included lines are written into the clone's config, converted), or convert those keys in that file first.",
  'legacy-include-many': "{{name}} cannot be cloned with its lxc.include lines kept: {{files}} still use LXC 1.x/2.0 keys that LXC 5 rejects. Strata converts only the container's own config, so LXC would fail to load the clone (\"Failed to load config\"). Clone with `strata clone --expand-config` (the included lines are written into the clone's config, converted), or convert those keys in those files first.",
  'snapshot-no-rootfs': "{{name}} has no rootfs: there is nothing to snapshot.",
  'snapshot-vanished': "Snapshot {{snapshot}} of {{name}} vanished right after it was made.",
  'restore-no-rootfs': "{{snapshot}} of {{name}} has no rootfs: there is nothing to restore.",
  'restore-has-dependents': "{{name}} cannot be restored in place: {{dependents}} {{count:reads|read}} its rootfs (LXC: \"container rootfs has dependent snapshots\").",
  'stop-before-flatten': "{{name}} is {{state}}: stop it before you flatten it (a running container's rootfs is changing under the copy).",
  'stop-before-convert': "{{name}} is {{state}}: stop it before you convert it (a running container's rootfs is changing under the copy).",
  'stop-before-clone': "{{name}} is {{state}}: stop it before you clone it (a running container's rootfs is changing under the copy).",
  'stop-before-restore': "{{name}} is {{state}}: stop it before you restore it in place (a running container's rootfs is changing under the copy).",
  'config-view-no-container': "There is no container \"{{name}}\" in {{lxcpath}} (no {{file}}).",
  // a container's state refuses an action (shared/lifecycle.ts)
  'state-in-transition': "{{name}} is {{state}}: wait until it has settled.",
  'state-already': "{{name}} is already {{state}}.",
  'state-not-running': "{{name}} is not running.",
  'state-not-running-start': "{{name}} is not running: start it instead.",
  'state-frozen': "{{name}} is frozen: unfreeze it first.",
  'state-already-frozen': "{{name}} is already frozen.",
  'state-not-frozen': "{{name}} is not frozen.",
  'state-destroy-running': "{{name}} is {{state}}: stop it before you destroy it (LXC cannot remove a running container's rootfs).",
  'state-snapshot-running': "{{name}} is {{state}}: stop it before you take a snapshot (a running container's rootfs is changing under the copy).",
  'state-copy-running': "{{name}} is {{state}}: stop it before you copy it to another host (a running container's rootfs is changing under the copy).",
  // an LXC tool failed on a container; {{lxc}} is LXC's own words
  'lxc-did-not-start': "{{name}} did not start: {{lxc}}",
  'lxc-did-not-stop': "{{name}} did not stop: {{lxc}}",
  'lxc-did-not-freeze': "{{name}} did not freeze: {{lxc}}",
  'lxc-did-not-unfreeze': "{{name}} did not unfreeze: {{lxc}}",
  'no-cluster': "{{lxcpath}} is LXC's, not an LXD cluster's: there is no member {{member}} to place {{name}} on.",
  'copy-no-pool': "{{lxcpath}} is LXC's, not an LXD host's: it has no storage pool {{pool}}.",
  'import-no-pool': "An LXC host has no storage pools: choose its storage with -B (dir, btrfs or zfs), not pool {{pool}}.",
  'import-no-member': "An LXC host has no cluster members: --member {{member}} places a copy on a member of an LXD cluster.",
  // the repair of an origin's lxc_snapshots (lineage/snapshots-fix.ts): what it would do, and what it did
  'fix-create': "create {{file}} listing {{dependents}}",
  'fixed-create': "Created {{file}} listing {{dependents}}.",
  'fix-remove-empty': "remove {{file}} (empty): nothing depends on {{name}}",
  'fixed-remove-empty': "Removed {{file}} (empty): nothing depends on {{name}}.",
  'fix-remove-count': "remove {{file}} (the LXC 1.x count {{count}}): nothing depends on {{name}}",
  'fixed-remove-count': "Removed {{file}} (the LXC 1.x count {{count}}): nothing depends on {{name}}.",
  'fix-set-count': "set the LXC 1.x count in {{file}} from {{from}} to {{to}} ({{dependents}})",
  'fixed-set-count': "Set the LXC 1.x count in {{file}} from {{from}} to {{to}} ({{dependents}}).",
  'fix-remove': "remove {{file}}: nothing depends on {{name}}",
  'fixed-remove': "Removed {{file}}: nothing depends on {{name}}.",
  'fix-rewrite': "rewrite {{file}}: {{changes}}",
  'fixed-rewrite': "Rewrote {{file}}: {{changes}}.",
  'fix-drop-garbled': "drop its text, which is neither a count nor lxcpath/name pairs",
  'fixed-drop-garbled': "dropped its text, which is neither a count nor lxcpath/name pairs",
  'fix-drop-gone': "drop the entries of {{entries}}, which no longer exist",
  'fixed-drop-gone': "dropped the entries of {{entries}}, which no longer exist",
  'fix-drop-leftover': "drop the leftover text {{text}}",
  'fixed-drop-leftover': "dropped the leftover text {{text}}",
  'fix-add': "add {{entries}}",
  'fixed-add': "added {{entries}}",
  // two parts of one sentence, said in turn
  joined: "{{first}}; {{then}}",
  'repair-nothing': "{{file}} already lists what depends on {{dir}}; nothing to repair.",
  // what recovery left in an lxcpath (journal/recovery-findings.ts)
  'work-misnamed-journal': "{{file}} is named like a Strata journal, but not as Strata names them (.strata-op-<12 hex digits>.json): recovery leaves it alone. Delete it if no Strata operation of yours was interrupted in {{lxcpath}}.",
  'work-unproven-journal': "{{file}} looks like a Strata journal, but Strata cannot prove it wrote it ({{reason}}): recovery acts on nothing it names. Delete it if no Strata operation of yours was interrupted in {{lxcpath}}.",
  'work-interrupted-mounted': "An interrupted {{op}} could not be completed: a filesystem is mounted inside {{places}} ({{mounted}}): unmount it (umount {{last}}), then run strata check -P {{lxcpath}}.",
  'work-interrupted': "An interrupted {{op}} could not be completed: run strata check -P {{lxcpath}} as a user who may change {{lxcpath}} (root for a system lxcpath); it prints why the work cannot be completed.",
  'work-container-named-like': "{{path}} is an LXC container named like Strata's work directories (lxc-ls hides names that start with a dot). No Strata journal claims it, so Strata leaves it alone; rename it to keep it, or remove it with lxc-destroy -P {{lxcpath}} -n {{name}}.",
  'work-dir-named-like': "{{path}} is named like Strata's work directories, but no Strata journal claims it, so Strata leaves it alone; remove it by hand if you do not need it.",
  // an lxcpath that cannot be listed (lxcpath.ts)
  'lxcpath-missing': "The lxcpath {{lxcpath}} does not exist.",
  'lxcpath-not-dir': "The lxcpath {{lxcpath}} is not a directory.",
  'lxcpath-not-readable': "The lxcpath {{lxcpath}} is not readable by this user (LXC keeps system containers readable by root only).",
  'lxcpath-unreadable': "The lxcpath {{lxcpath}} cannot be read ({{error}}).",
  // a copy into storage that keeps no xattrs (ops/xattr-loss.ts, hosts/host-copy.ts, drivers/zfs.ts)
  'zfs-keeps-no-xattrs': "the zfs pool {{pool}} keeps no extended attributes ({{why}}: zfs-fuse has none), so no POSIX ACLs and no file capabilities",
  'xattr-capability': "a file capability ({{name}})",
  'xattr-acl': "a POSIX ACL ({{name}})",
  'xattr-other': "the xattr {{name}}",
  'joined-comma': "{{first}}, {{then}}",
  'its-rootfs-dir': "its rootfs directory",
  'xattr-copy-as': "A {{backend}} copy of {{origin}} as {{as}}",
  'xattr-copy-in': "A {{backend}} copy of {{origin}} in {{in}}",
  'xattr-copy-across': "A {{backend}} copy of {{name}} from {{from}} as {{as}} on {{to}} ({{lxcpath}})",
  'xattr-loss': "{{copy}} would lose extended attributes: {{why}}. {{origin}}'s {{file}} has {{xattrs}} (the first file found that has one).",
  'xattr-loss-unknown': "{{copy}} would lose any extended attributes {{name}} has: {{why}}. Which of its files have some cannot be told ({{error}}).",
  'xattr-loss-refused': "{{loss}} Refused by the rule {{rule}}: nothing was made. Choose a backend that keeps them (dir, btrfs), or {{how}} to make the copy without them.",
  'how-clone-lossy': "clone with --allow-lossy",
  'how-copy-lossy': "copy with --allow-lossy",
  'how-tick-lossy': "tick \"Copy without them\"",
  'xattr-dropped': "{{name}} on {{where}} was made without extended attributes, as accepted. {{loss}}",
  // a copy to another host refused before anything starts (hosts/host-copy.ts)
  'copy-pool-lxc': "--pool {{pool}} is refused by the rule copy-pool: {{where}} is an LXC host, which has no storage pools; choose its storage with -B (dir, btrfs or zfs). Nothing was started.",
  'copy-member-lxc': "--member {{member}} is refused by the rule copy-member: {{where}} is an LXC host, which has no cluster members (--member places a copy on a member of an LXD cluster). Nothing was started.",
  'name-on-host': "{{issue}} (on {{where}}, in {{lxcpath}})",
  // a container name Strata refuses (shared/names.ts); {{name}} is the name as quoted
  'name-empty': "The container name is empty.",
  'name-dots': "\"{{name}}\" is not a usable container name: it is not a directory name.",
  'name-slash': "{{name}} contains \"/\": a container name is one directory name.",
  'name-nul': "The container name contains a NUL byte.",
  'name-newline': "{{name}} contains a line break: LXC records names one per line in lxc_snapshots.",
  'name-hidden': "{{name}} starts with \".\": lxc-ls hides such containers (and Strata uses them for work in progress).",
  'name-dash': "{{name}} starts with \"-\": LXC's tools and templates would read it as an option.",
  'name-space': "{{name}} contains white space: LXC templates and hooks split on it.",
  'name-colon': "{{name}} contains \":\": overlay reads \":\" in lowerdir= as a layer separator, so snapshot clones of it would fail.",
  'name-chars': "{{name}} contains {{char}}: a container name is letters, digits and _ . + - (characters that paths, shells and template scripts carry safely).",
  'name-bytes': "{{name}} is {{size}} bytes long: LXC's lock file \".<name>\" must fit in 255 bytes, so at most {{max}}.",
  'name-uts': "{{name}} is {{size}} bytes long: LXC sets lxc.uts.name to the name, and a hostname is at most {{max}} bytes (keep the origin's hostname to allow it).",
  'name-work': "{{name}} is Strata's own work in progress, not a container.",
  'name-taken': "{{lxcpath}}/{{name}} already exists: choose another name.",
  'recorded-ref': "{{file}} names {{ref}}, which Strata will not follow: {{problem}}",
  'recorded-lxcpath-relative': "its lxcpath is not absolute",
  'recorded-lxcpath-nul': "its lxcpath contains a NUL byte",
  'recorded-lxcpath-dots': "its lxcpath has a \".\" or \"..\" segment",
  // more refusals and failures of operations (ops/*, console.ts, lxc-log.ts, fs/*)
  'target-exists': "{{name}} already exists in {{lxcpath}} ({{dir}}/config); choose another name.",
  'op-undone': "The {{what}} of {{target}} failed and was undone; nothing was changed: {{why}}",
  'console-frozen': "Cannot open a console on {{name}}: it is frozen; unfreeze it first.",
  'console-not-running': "Cannot open a console on {{name}}: it is {{state}}; start it first.",
  'console-closed-early': "The console on {{name}} was closed before it opened.",
  'convert-not-aufs': "{{name}} is {{backend}}, not an aufs clone: there is nothing to convert.",
  'convert-no-rootfs': "{{name}} is without rootfs, not an aufs clone: there is nothing to convert.",
  'convert-lower-missing': "{{name}}'s lower {{lower}} is gone, so the converted clone could not start either.",
  'flatten-standalone': "{{name}} is {{backend}}: only a clone that reads its origin (overlay) can be flattened; it is standalone already.",
  'flatten-no-rootfs': "{{name}} is without rootfs: only a clone that reads its origin (overlay) can be flattened; it is standalone already.",
  'flatten-unreadable': "{{name}} cannot be flattened: {{why}}",
  'config-changed': "{{file}} changed since the preview: look at the conversion again before applying it.",
  'log-not-regular': "{{file}} is {{kind}}, not a log file: Strata reads only a regular file as a container's log.",
  'log-is-dir': "{{file}} is a directory, not a log file: Strata reads only a regular file as a container's log.",
  'log-not-regular-now': "{{file}} is not a regular file: Strata reads only a regular file as a container's log.",
  'not-regular-file': "{{file}} is {{kind}}, not a regular file: Strata reads only regular files as configs and bookkeeping (a device, FIFO or socket can block or never end).",
  // what a file that is not regular is, the {{kind}} of the sentences above (fs/regular-file.ts irregularKind)
  'file-kind-character-device': 'a character device',
  'file-kind-block-device': 'a block device',
  'file-kind-fifo': 'a FIFO (named pipe)',
  'file-kind-socket': 'a socket',
  'file-kind-other': 'a special file',
  'file-too-large': "{{file}} is larger than {{max}}, the most Strata reads of a config or bookkeeping file.",
  'no-container-or-snapshot': "no container or snapshot {{ref}}: it has no config file there",
  'swap-storage-in-use': "{{name}} cannot be replaced by its {{what}}: {{why}}.",
  'restore-storage-in-use': "{{name}} cannot be replaced by its restore: {{why}}. Restore to a new container instead (strata snapshot -r SNAP -N NEWNAME).",
  // a backend refused when a container is made or snapshotted (drivers/compat.ts)
  'create-backend-refused': "Cannot create {{a}} {{backend}} container: {{why}}",
  'unknown-backend-why': "unknown backend",
  'snapshot-backend-refused': "{{a}} {{backend}} container cannot be snapshotted: {{why}}",
  'copy-clone-impossible': "A copy clone of {{a}} {{origin}} container as {{backend}} is not possible: {{why}}",
  'snapshot-clone-impossible': "A snapshot clone of {{a}} {{origin}} container as {{backend}} is not possible: {{why}}",
  // a copy between hosts (ops/transfer-export.ts, ops/transfer-import.ts)
  'export-no-rootfs': "{{name}} has no rootfs, so there is nothing to copy.",
  'export-cancelled-early': "The copy of {{name}} was cancelled before it began; nothing was changed.",
  'export-cancelled': "The copy of {{name}} was cancelled; nothing was changed on either host.",
  'export-channel-broke': "The byte channel of the copy of {{name}} broke: {{error}}",
  'export-tar-failed': "Reading {{name}}'s rootfs with tar failed: {{why}}",
  'import-backend': "A copy from another host unpacks into a directory; {{backend}} storage cannot be filled that way here. Copy as dir (the default) or btrfs/zfs.",
  'import-channel-broke': "The byte channel of the copy to {{name}} broke: {{error}}",
  'import-tar-failed': "Unpacking {{from}} into {{name}} with tar failed: {{why}}",
  'import-ended-early': "The copy to {{name}} ended before all of it arrived (cancelled, or the connection went away); nothing was left here.",
  'import-short': "The copy to {{name}} ended after {{received}} of {{bytes}} bytes.",
  // reaching another host over SSH (hosts/ssh.ts, host-keys.ts, host-session.ts, host-sessions.ts, hosts-file.ts)
  'ssh-key-changed': "The host key of {{where}} has CHANGED: it now offers {{keys}}, which is not the key your known_hosts holds for it. This could be someone intercepting the connection, so Strata did not connect. If {{host}} was reinstalled, compare the fingerprint with its administrator and run: strata hosts trust {{host}}",
  'ssh-key-unknown': "The host key of {{where}} is not in your known_hosts, so Strata did not connect. It offers {{keys}}. If that is {{host}}'s key, trust it with: strata hosts trust {{host}}",
  'ssh-login-refused': "{{where}} refused the SSH login: {{ssh}}. Add your key to the account there (ssh-copy-id) or name the user in the destination.",
  'ssh-unreachable': "{{where}} cannot be reached: {{ssh}}",
  'ssh-failed-silently': "ssh failed without a message",
  'ssh-polkit-refused': "polkit on {{where}} did not authorise this user to run the Strata helper (action io.strata.helper), and nobody can type a password over this connection; an administrator there can allow it, or set the host to use sudo.",
  'ssh-polkit-password': "polkit on {{where}} asks for an administrator's password before it runs the Strata helper, and nobody can type one over this connection; an administrator there can allow this user for action io.strata.helper (a polkit rule), or set the host to use sudo.",
  'ssh-sudo-refused': "sudo on {{where}} refused to run the Strata helper without a password: {{sudo}}. An administrator there can allow it with NOPASSWD for the helper only.",
  'ssh-helper-missing': "The Strata helper is not installed on {{where}} ({{command}}): {{error}}. Install Strata's package there, or set the host's helper command.",
  'ssh-helper-gone': "The Strata helper on {{where}} stopped before it answered (exit {{exit}}): {{error}}",
  'no-message': "no message",
  'host-no-key': "{{host}} offered no host key (ssh-keyscan got no answer); is sshd running there?",
  'host-key-not-confirmed': "{{destination}} now offers {{offered}}, not the keys you confirmed ({{confirmed}}); nothing was added. Check its keys again.",
  'helper-serves-nothing': "The Strata helper on {{host}} serves no lxcpath; an administrator there lists lxcpaths in /etc/strata/lxcpaths.",
  'helper-serves-nothing-why': "The Strata helper on {{host}} serves no lxcpath ({{why}}); an administrator there lists lxcpaths in /etc/strata/lxcpaths.",
  'no-such-host-add': "There is no host \"{{host}}\" in {{file}}; add it first.",
  'same-host': "{{name}} is on {{where}} already; clone it there instead.",
  'host-exists': "There is already a host \"{{host}}\"; choose another name.",
  'bad-destination': "The SSH destination \"{{destination}}\" is not [user@]host[:port]: {{why}}.",
  'hosts-file-unreadable': "{{file}} cannot be read: {{error}}",
  'hosts-file-not-json': "{{file}} is not valid JSON ({{error}}); fix or remove it.",
  'hosts-file-bad': "{{file}} is not a Strata hosts file: {{why}}.",
  // a session's limits (streams.ts)
  'too-many-consoles': "{{count}} consoles are already open in this session; close one first.",
  // what storage refuses or fails with (drivers/*, fs/overlay-mount.ts, rootfs.ts, ops/lxc-hooks.ts)
  'dir-cannot-snapshot': "A dir container cannot be a snapshot clone (LXC: dir has no snapshots); snapshot clones of dir origins are overlay.",
  'loop-mount-failed': "The image {{image}} could not be mounted: {{why}}",
  'overlay-copy': "overlay can only be used for snapshot clones (LXC's rule): use -s, or copy to dir.",
  'colon-in-lower': "The lower {{lower}} contains \":\", which overlay reads as a layer separator.",
  'btrfs-snapshot-failed': "btrfs could not snapshot {{origin}} (a snapshot stays on its origin's btrfs filesystem): {{error}}",
  'btrfs-snapshot-origin': "A btrfs snapshot needs a btrfs origin.",
  'zfs-no-dataset': "No zfs dataset has the mountpoint {{path}} (the rootfs of this zfs container).",
  'zfs-no-mountpoint': "The zfs dataset {{dataset}} has no mountpoint ({{mountpoint}}).",
  'zfs-create-failed': "zfs could not create the dataset {{dataset}} (under {{parent}}: lxc.bdev.zfs.root, or the origin's parent dataset): {{error}}",
  'zfs-snapshot-origin': "A zfs snapshot clone needs a zfs origin.",
  'not-one-directory': "A {{backend}} rootfs is not one directory.",
  'hook-needs-root': "{{name}}'s config has lxc.hook.{{type}}, which runs on the mounted rootfs, and mounting it needs root.",
  'not-layered': "a {{backend}} rootfs has no layers",
  'overlay-needs-lower': "an overlay needs at least one lower layer (upper {{upper}})",
  'merged-tree-unavailable': "cannot show the merged tree of {{upper}}: {{why}}",
  'overlay-cannot-mount': "the overlay of {{upper}} cannot be mounted: {{why}}",
  'rootfs-not-dir': "the rootfs {{dir}} is not a directory",
  'rootfs-spec-empty': "The rootfs spec is empty.",
  'rootfs-relative': "The {{backend}} rootfs \"{{path}}\" must be an absolute path.",
  'rootfs-layered-form': "The {{backend}} rootfs \"{{value}}\" must be {{prefix}}:<lower>:<upper>, with absolute paths.",
  'rootfs-lower-relative': "Every lower of \"{{value}}\" must be an absolute path.",
  'nbd-needs-file': "The nbd rootfs \"{{value}}\" names no file.",
  'userns-tool-missing': "Unprivileged containers need {{tool}} (Debian package {{package}}) to set up the user namespace LXC uses; it is not installed.",
  // mounting a container's rootfs (container-mount.ts)
  'mount-not-container': "{{ref}} is not a container: it has no config file",
  'mount-no-rootfs': "{{ref}} has no usable rootfs in its config ({{why}})",
  'rootfs-path-unset': "lxc.rootfs.path is not set",
  'mount-running-rw': "{{ref}} is {{state}}: Strata never mounts a running container's rootfs read-write beside LXC; stop it first or mount it read-only",
  'mount-running-block': "{{ref}} is {{state}} and its rootfs is a {{backend}} block device that LXC has mounted: a second mount of the same filesystem would corrupt it",
  'mounted-read-only': "{{ref}} is already mounted read-only at {{mountpoint}}; unmount it first",
  // what LXC 5 would refuse in a config's includes (config/expand.ts)
  'config-clear-missing-network': "\"{{key}} =\" clears a setting of network {{index}}, which is not defined at this point, so LXC fails to load the config.",
  'config-include-depth': "lxc.include \"{{value}}\" nests includes more than {{max}} levels deep; not followed.",
  'config-include-missing': "lxc.include \"{{value}}\": the file does not exist, so LXC fails to load the config (Failed to open file).",
  'config-include-irregular': "lxc.include \"{{value}}\" is {{kind}}, not a regular file; not read: Strata reads only regular files as configs and bookkeeping (a device, FIFO or socket can block or never end).",
  'config-include-cycle': "lxc.include forms a cycle ({{loop}}); LXC would include these files forever and fail.",
  'config-include-dir-unreadable': "lxc.include \"{{value}}\": the directory cannot be read ({{code}}), so LXC fails to load the config.",
  'config-include-relative': "lxc.include \"{{value}}\" is a relative path: LXC resolves it against the current directory of whatever process loads the config (here {{target}}), not against the config's own directory.",
  'config-include-dir-entry': "lxc.include \"{{value}}\" contains a directory named \"{{name}}\"; LXC skips it (logging \"Is a directory - Failed to copy config file\" at every load) and reads the other files.",
  // the root helper's lxcpaths (helper/lxcpath-policy.ts, own-lxcpath.ts)
  'elsewhere-root': "use LXC's tools, or have an administrator add its lxcpath to {{file}}",
  'elsewhere-own': "your user namespace touches only your own lxcpaths",
  'helper-not-served': "{{requested}} is not an lxcpath this helper serves (it serves: {{served}}); {{why}}",
  'helper-only-configured': "the helper only touches the lxcpaths configured when it started.",
  'helper-ref-elsewhere': "{{file}} names {{ref}}, which is not in an lxcpath this helper serves (it serves: {{served}}); the helper leaves it, and what reaches it, alone: {{elsewhere}}.",
  'helper-path-elsewhere': "{{file}} names {{path}}, which is not inside an lxcpath this helper serves (it serves: {{served}}); the helper does not read or write there: {{elsewhere}}.",
  'helper-outside-delete': "{{path}} is outside the lxcpaths this helper serves ({{served}}); the helper deletes a rootfs configured outside its container only inside them. Delete it by hand if it must go.",
  'helper-lxcpath-moved': "The lxcpath {{lxcpath}} now resolves to {{real}}, not {{was}} as when the helper started; restart the helper.",
  'lxcpath-has-nul': "An lxcpath must not contain a NUL byte.",
  'lxcpath-not-absolute': "The lxcpath {{lxcpath}} is not an absolute path.",
  'lxcpath-dot-segment': "The lxcpath {{lxcpath}} contains a \".\" or \"..\" segment; name it without them.",
  'own-lxcpath-unresolved': "The lxcpath {{lxcpath}} cannot be resolved: {{error}}",
  // reaching an LXD host (hosts/lxd/lxd-connection.ts, lxd-trust.ts)
  'lxd-on': "LXD on {{host}} ({{where}})",
  'lxd-refused-request': "{{lxd}} refused {{what}}: {{words}}.",
  'lxd-url-socket': "{{url}}: a unix socket URL names an absolute path (unix:/var/lib/lxd/unix.socket).",
  'lxd-url-bad': "{{url}} is not an LXD address: use unix:/PATH/unix.socket or https://HOST[:PORT].",
  'lxd-url-port': "{{url}}: the port is a number from 1 to 65535.",
  'lxd-untrusted-client': "{{lxd}} does not trust this client ({{words}}); add Strata's certificate there or trust it with the server's trust password.",
  'lxd-not-running': "{{lxd}} is not running: nothing listens on {{socket}} ({{code}}).",
  'lxd-socket-permission': "{{lxd}}: this user may not open {{socket}}; LXD lets in root and the members of its group (often \"lxd\").",
  'lxd-certificate-changed': "{{lxd}} presented a certificate that is not the one trusted for it ({{error}}). The server may have been reinstalled, or someone may be intercepting the connection: compare its fingerprint with its administrator, then run strata hosts trust {{host}}.",
  'lxd-unreachable': "{{lxd}} cannot be reached: {{error}}.",
  'lxd-openssl': "Strata's LXD client certificate could not be made with openssl ({{error}}); install the openssl package.",
  'lxd-host-untrusted': "The certificate of the LXD host {{host}} ({{url}}) has not been confirmed yet; run strata hosts trust {{host}}.",
  'lxd-url-local': "{{url}} is a local socket: there is no certificate to trust.",
  'url-unreachable': "{{url}} cannot be reached: {{error}}.",
  'lxd-no-certificate': "{{url}} presented no certificate.",
  // what an LXD host refuses (hosts/lxd/lxd-engine.ts)
  'lxd-no-container': "there is no container \"{{name}}\" in {{lxcpath}} on {{host}}",
  'lxd-copy-pool': "On the LXD host {{host}}, a copy stays in its origin's storage pool ({{backend}}); -B {{requested}} cannot be chosen.",
  'lxd-running': "{{name}} on {{host}} is {{status}}; stop it first.",
  'lxd-has-snapshots': "{{name}} on {{host}} has {{count}} {{count:snapshot|snapshots}} ({{snapshots}}) that LXD deletes with it; destroy it with its dependents (--with-dependents) to delete them too.",
  'lxd-snapshot-comment': "LXD keeps no comment with a snapshot; snapshot {{name}} on {{host}} without one.",
  'lxd-snapshot-unlisted': "LXD on {{host}} said the snapshot {{snapshot}} of {{name}} was made, but it is not listed.",
  'lxd-xattr-scan': "LXD on {{host}} does not say which of {{name}}'s files have extended attributes, and its pool {{pool}} cannot be read from this computer.",
  'lxd-not-trusted-yet': "LXD on {{host}} does not trust this client yet; run strata hosts trust {{host}} (it asks for the server's trust password), or have its administrator add ~/.config/strata/lxd-client.crt with lxc config trust add.",
  'lxd-host-unreachable': "LXD on {{host}} cannot be reached: {{error}}.",
  'lxd-unsupported': "{{method}} is not something Strata does on an LXD host ({{host}}); it does {{methods}}.",
  // a copy into or out of an LXD host (hosts/lxd/lxd-import.ts, lxd-export.ts, lxd-model.ts)
  'lxd-taken': "{{name}} already exists on {{host}}: choose another name.",
  'lxd-no-pool': "LXD on {{host}} has no storage pool {{pool}} (its pools: {{pools}}).",
  'lxd-pool-unusable': "The pool {{pool}} on {{host}} is {{driver}}, which Strata cannot copy into: choose another (its pools: {{pools}}).",
  'lxd-pool-other-backend': "The pool {{pool}} on {{host}} is {{driver}}, not {{backend}}: drop -B or name a {{backend}} pool (its pools: {{pools}}).",
  'lxd-no-backend-pool': "LXD on {{host}} has no {{backend}} storage pool (its pools: {{pools}}).",
  'lxd-idmap': "{{name}} is an unprivileged LXC container (lxc.idmap): its rootfs holds shifted ids, and LXD takes a rootfs with the ids as the container sees them. Copy it to an LXC host, or shift its ids back first.",
  'on-host': "{{refusal}} (on {{host}})",
  'lxd-not-a-project': "{{lxcpath}} is not a project of the LXD host {{host}}; its lxcpaths are {{served}}.",
  // an lxc.hook that failed (ops/lxc-hooks.ts)
  'hook-failed': "lxc.hook.{{type}} of {{name}} failed, {{what}} (as LXC does): {{why}}",
  'hook-no-clone': "so the clone was not made",
  'hook-not-destroyed': "so {{name}} was not destroyed",
  'hook-mount-failed': "the rootfs could not be mounted for it: {{why}}",
  'hook-exited': "it exited with {{code}}",
  'hook-exited-saying': "it exited with {{code}}: {{stderr}}",
  'lxd-backup-refused': "LXD on {{host}} did not hand out the backup of {{name}}: {{words}}.",
  'lxd-backup-broke': "The backup of {{name}} from LXD on {{host}} broke off: {{error}}",
  'lxd-backup-broke-off': "The backup of {{name}} from LXD on {{host}} broke off.",
  'lxd-backup-unfetched': "The backup of {{name}} could not be fetched from LXD on {{host}}: {{error}}",
  'lxd-import-cancelled': "The copy to {{name}} on {{host}} was cancelled.",
  'lxd-import-cancelled-clean': "The copy to {{name}} on {{host}} was cancelled; nothing was left there.",
  'lxd-import-cancelled-early': "The copy to {{name}} on {{host}} was cancelled before it all arrived; LXD kept nothing of it.",
  'lxd-no-image': "LXD on {{host}} took the upload of {{name}} but named no image for it.",
  'lxd-upload-refused': "LXD on {{host}} refused the upload of {{name}}: {{words}}.",
  'lxd-upload-broke': "The upload of {{name}} to LXD on {{host}} broke: {{error}}",
  // the root helper's checks of who may change a path (helper/lxcpath-policy.ts, own-lxcpath.ts); {{what}} is the thing checked
  'checked-lxcpath': "The lxcpath {{lxcpath}}",
  'checked-allow-list': "The allow-list {{file}}",
  'path-missing': "{{what}} does not exist ({{path}} is missing).",
  'path-unchecked': "{{what}} cannot be checked: {{path}}: {{error}}",
  'path-owner-not-root': "{{what}} is in {{path}}, which is owned by uid {{uid}}; every directory on the way to it must be owned by root.",
  'path-others-write': "{{what}} is in {{path}}, which users other than root can write to (mode {{mode}}); the helper trusts only what only root can change.",
  'path-user-symlink': "{{what}} goes through {{path}}, a symlink owned by uid {{uid}}; the helper follows only symlinks owned by root.",
  'path-unresolved': "{{what}} cannot be resolved: {{error}}",
  'path-not-file': "{{what}} is not a file.",
  'helper-not-allowed': "{{path}} is neither LXC's own lxcpath ({{own}}, lxc.lxcpath in root's lxc.conf) nor listed in {{file}}; the helper serves only those, and an administrator adds an lxcpath to that file, one a line.",
  'helper-not-allowed-ignored': "{{refusal}} ({{why}} It is ignored.)",
  'helper-recorded-name': "{{file}} names the container {{name}}, which the helper will not touch: {{problem}}",
  'own-lxcpath-not-yours': "The lxcpath {{lxcpath}} is not yours (its owner is {{owner}}); your user namespace serves only lxcpaths you own: use the root helper for a system lxcpath.",
  'own-lxcpath-not-yours-real': "The lxcpath {{lxcpath}} ({{real}}) is not yours (its owner is {{owner}}); your user namespace serves only lxcpaths you own: use the root helper for a system lxcpath.",
  'owner-outside-map': "outside your id map",
  'owner-uid-in-ns': "uid {{uid}} in your namespace",
  // the hosts (hosts/hosts-file.ts, host-keys.ts, host-sessions.ts)
  'no-such-host-listed': "There is no host \"{{host}}\" in {{file}} (hosts: {{hosts}}); add it with strata hosts add {{host}} [user@]host[:port] (or --lxd URL).",
  'no-such-host-yet': "There is no host \"{{host}}\" in {{file}} (no hosts yet); add it with strata hosts add {{host}} [user@]host[:port] (or --lxd URL).",
  'host-invalid': "The host {{host}} is not valid: {{issues}}.",
  'host-exists-in': "There is already a host \"{{host}}\" in {{file}}; remove it first.",
  'host-key-changed': "The host key of {{destination}} is not the one {{file}} holds for it; it offers {{offered}}. The host may have been reinstalled, or someone may be intercepting the connection: compare the fingerprints with its administrator, then remove the old key (ssh-keygen -R {{name}} -f {{file}}) or run strata hosts trust.",
  'remote-environment': "The environment check looks at this computer; for {{host}}, run strata check --host {{host}}.",
  'connection-closed': "connection to Strata closed",
  'served-refusal': "{{path}}: {{reason}}",
  'host-not-connected': "{{host}} is not connected",
  // LXD's answers and operations (hosts/lxd/lxd-connection.ts); {{lxd}} is lxd-on
  'lxd-not-json': "{{lxd}} answered {{request}} with something that is not LXD's JSON (HTTP {{status}}).",
  'lxd-op-cancelled': "cancelled on {{host}}: {{error}}.",
  'lxd-op-stopped': "cancelled on {{host}}: LXD stopped the operation.",
  'lxd-op-failed': "{{lxd}}: {{error}}.",
  'lxd-op-failed-silent': "{{lxd}}: the operation failed.",
  'lxd-op-lost': "{{lxd}}: LXD no longer knows operation {{id}}, and its end was not seen; check the result there.",
  'lxd-name': "\"{{name}}\" is not an LXD instance name: letters, digits and \"-\", starting with a letter and not ending with \"-\", at most 63.",
  // a copy's bytes between two engines (ops/transfer-export.ts, transfer-import.ts, hosts/lxd/lxd-export.ts, lxd-import.ts, hosts/transfer-relay.ts)
  'export-no-channel': "The copy of {{name}} needs a byte channel, and this engine's stream has none.",
  'import-no-channel': "The copy to {{name}} needs a byte channel, and this engine's stream has none.",
  'lxd-export-no-channel': "The copy of {{name}} needs a byte channel, and this call has none.",
  'lxd-import-no-channel': "The copy to {{name}} needs a byte channel, and this call has none.",
  'export-tar-start': "tar could not be started to read {{name}}: {{error}}",
  'import-tar-start': "tar could not be started to unpack {{name}}: {{error}}",
  'import-archive-early': "The copy to {{name}} sent its archive before its header was taken.",
  'import-bad-end': "The copy to {{name}} received an end marker it cannot read.",
  'import-bad-message': "The copy to {{name}} received a message it does not understand.",
  'import-bytes-before-ack': "The copy to {{name}} sent bytes after its header before it was acked.",
  'lxd-import-not-header': "The copy did not start with a transfer header Strata reads (an archive with the rootfs at {{root}}).",
  'copy-bad-message': "The copy received a message it does not understand.",
  'copy-bad-end': "The copy received an end marker it cannot read.",
  'copy-short': "The copy ended after {{received}} of {{bytes}} bytes.",
  'header-too-big': "{{what}} sent a header over {{max}} bytes.",
  'header-unreadable': "{{what}} did not start with a transfer header Strata reads ({{why}}).",
  'the-copy-to': "The copy to {{name}}",
  'the-copy': "The copy",
  // a copy's side that is not a remote host
  'this-computer': "this computer",
  // an operation's name in "The {{what}} of {{target}} failed and was undone" (ops/build.ts)
  'op-name-clone': "clone",
  'op-name-copy': "copy",
  'op-name-create': "create",
  'op-name-snapshot': "snapshot",
  'op-name-restore': "restore",
  'op-name-flatten': "flatten",
  'op-name-convert': "convert",
  'copy-into-failed': "Copying {{name}} into {{target}} on {{where}} failed there",
  'copy-from-failed': "Sending {{name}} from {{where}} failed",
  'side-failed': "{{what}}: {{error}}",
  'channel-broke-from': "The rootfs's channel from {{where}} broke off before the copy was complete.",
  'channel-broke-to': "The rootfs's channel to {{where}} broke off before the copy was complete.",
  // a template argument Strata refuses (shared/template-args.ts); {{arg}} is the argument as quoted
  'template-arg': "The template argument {{arg}} {{what}}: Strata sets the template's --path, --name and --rootfs to the container it builds, and the template's arguments may not change them.",
  'template-arg-ends-options': "ends the options, so the template would read Strata's own after it as plain words",
  'template-arg-sets': "sets --{{option}}",
  'template-arg-abbreviates': "abbreviates --{{option}}",
  'template-arg-short': "is a short option that is, or could be read as, -p (path) or -n (name); write short options apart, as -x VALUE",
  // storage that Strata reads but does not write or mount (drivers/aufs.ts, block.ts)
  'aufs-cannot': "Cannot {{what}}: {{why}}; convert aufs clones with `strata convert`.",
  'aufs-act-create': "create aufs",
  'aufs-act-copy-into': "copy into aufs",
  'aufs-act-snapshot-into': "snapshot into aufs",
  'aufs-act-copy-from': "copy from aufs",
  'aufs-act-write-into': "write into aufs",
  'aufs-not-written': "Strata does not write aufs",
  'aufs-no-kernel': "this kernel has no aufs (it was never in mainline Linux, and LXC removed aufs support in 3.0)",
  'nbd-no-mount': "Strata does not mount nbd rootfs (it needs qemu-nbd to attach the image first)",
  // why an overlay mount failed (fs/overlay-mount.ts)
  'overlay-no-kernel': "this kernel has no overlay filesystem (/proc/filesystems lists neither overlay nor overlayfs; try `modprobe overlay`)",
  'overlay-needs-root': "only root may mount an overlay here (this process runs as uid {{uid}}); an unprivileged container's rootfs is mounted by LXC inside the container's own user namespace, and `strata mount` run as you mounts it in your user namespace when the container has an id map (lxc.idmap), opening a shell there (read it with `strata diff` and `strata du`, which need no mount)",
  'overlay-lower-missing': "its lower layer {{lower}} does not exist",
  'overlay-lower-not-dir': "its lower layer {{lower}} is not a directory",
  'overlay-upper-missing': "its upper layer {{upper}} does not exist",
  'overlay-upper-not-dir': "its upper layer {{upper}} is not a directory",
  'overlay-workdir-missing': "its workdir {{workdir}} does not exist (overlay needs an empty directory there, on the same filesystem as the upper)",
  'overlay-workdir-other-fs': "its workdir {{workdir}} is on another filesystem than its upper {{upper}}; overlay requires both on the same one",
  'overlay-fs-no-upper': "the filesystem holding {{dir}} ({{fstype}} on {{mountpoint}}) cannot be used as an overlay upper layer: a test mount failed ({{why}})",
  'overlay-fs-no-lower': "the filesystem holding {{dir}} ({{fstype}} on {{mountpoint}}) cannot be used as an overlay lower layer: a test mount failed ({{why}})",
  'overlay-test-dir': "cannot make a test directory in {{dir}}: {{error}}",
  'overlay-kernel-refused': "the kernel refused these layers",
  'overlay-kernel-refused-saying': "the kernel refused these layers: {{kernel}}",
  // a few more of the engine's (journal/journal-proof.ts, userns.ts, config/rewrite.ts)
  'journal-unreadable': "this user cannot read {{path}}; run strata check as root",
  'subordinate-ids': "{{source}}: the id map line `{{line}}` maps {{ids}} {{first}}-{{last}}, which {{file}} does not give {{user}} ({{theirs}}); add one, e.g. `usermod --add-subuids {{first}}-{{last}} --add-subgids {{first}}-{{last}} {{user}}`.",
  'subordinate-none': "it has no range for them",
  'subordinate-theirs': "theirs: {{ranges}}",
  'config-cannot-read': "{{file}} cannot be read.",
  'flatten-config-problem': "Cannot flatten {{file}}: {{problem}}"
} as const

export type EngineTextKey = keyof typeof ENGINE_TEXTS

/** The value names of a template: `{{a}} x {{b}}` -> 'a' | 'b'. */
// `{{count:form|forms}}` is an English word form chosen by the value `count` (1 or not): its value is `count`
type ValueName<V extends string> = V extends `${infer N}:${string}` ? N : V
type ValueNames<S extends string> = S extends `${string}{{${infer V}}}${infer Rest}` ? ValueName<V> | ValueNames<Rest> : never

/** A value: a name, a path, a number, or a sentence of its own (a rule inside a refusal). */
export type SaidValue = string | number | Said

export type EngineTextValues<K extends EngineTextKey> = Record<ValueNames<(typeof ENGINE_TEXTS)[K]>, SaidValue>

/** An engine sentence: its key and values, and its English. */
export interface Said {
  key: EngineTextKey
  values: Record<string, SaidValue>
  /** the English, as the CLI prints it */
  text: string
}

/** A value's English: a sentence's text, else the value as written. */
export const valueText = (v: SaidValue): string => (typeof v === 'object' ? v.text : String(v))

/** Fills a template's `{{name}}`s and `{{count:form|forms}}`s (a missing value stays as it is written; a sentence gives its English). */
export function fill(template: string, values: Readonly<Record<string, SaidValue>>): string {
  return template.replace(/\{\{(\w+)(?::([^|}]*)\|([^}]*))?\}\}/g, (whole, name: string, one?: string, other?: string) => {
    const v = values[name]
    if (v === undefined) return whole
    if (one !== undefined) return formFor(Number(v), one, other!)
    return valueText(v)
  })
}

/** The sentence `key` with its values, in English and as data. */
export function say<K extends EngineTextKey>(key: K, ...values: [ValueNames<(typeof ENGINE_TEXTS)[K]>] extends [never] ? [] : [EngineTextValues<K>]): Said {
  const v = (values[0] ?? {}) as Record<string, SaidValue>
  return { key, values: v, text: fill(ENGINE_TEXTS[key], v) }
}

/** The value names each template uses, for the check that every language fills the same ones (an English word form is not one). */
export function valueNames(template: string): string[] {
  return [...new Set([...template.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!))].sort()
}

/** "a" or "an" before a backend's name as it is said: "an overlay", "an lvm" (el-vee-em), "a zfs" (zed-eff-ess). */
export const article = (word: string): string => (/^[aeio]/.test(word) || ['lvm', 'rbd', 'nbd'].includes(word) ? 'an' : 'a')

/** Whether data from the other side of a boundary is a Said of this table (it is shown, never acted on). */
export function isSaid(v: unknown): v is Said {
  const s = v as Partial<Said> | null
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof s.key === 'string' &&
    Object.hasOwn(ENGINE_TEXTS, s.key) &&
    typeof s.text === 'string' &&
    typeof s.values === 'object' &&
    s.values !== null &&
    Object.values(s.values).every((x) => typeof x === 'string' || typeof x === 'number' || isSaid(x))
  )
}
