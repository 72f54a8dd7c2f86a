// The engine's sentences that reach the screen, as data: a key from one table and the values
// that fill it. The table holds the English (the engine's own words, for the CLI and logs); a UI
// says the same key in its language (the renderer's `engine.<key>`, checked for every key by
// test/renderer/engine-text.test.ts). A new sentence the app shows is a line here. Plain code.

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
  'finding-count-mismatch': "{{name}}'s lxc_snapshots (LXC 1.x format) counts {{count}} dependent(s), but {{found}} were found{{list}}.",
  'finding-empty-snapshots': "{{name}}'s lxc_snapshots is empty: nothing depends on {{short}}, but lxc-destroy refuses to destroy it (\"has clones\") while the file exists.",
  'finding-zero-count': "{{name}}'s lxc_snapshots holds the LXC 1.x count 0: nothing depends on {{short}}, but lxc-destroy refuses to destroy it (\"has clones\") while the file exists.",
  'finding-garbled-snapshots': "{{name}}'s lxc_snapshots is neither a count nor lxcpath/name pairs; lxc-destroy refuses to destroy {{short}} while it exists.",
  'finding-no-snapshots-file': '{{dependents}} depend(s) on {{name}}, but it has no lxc_snapshots: lxc-destroy would destroy {{short}} and break them.',
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
  'config-legacy-key': '"{{key}}" is an LXC 1.x/2.0 key; LXC 5 rejects it; the modern key is {{modern}}; `strata config --modern` converts it.',
  'config-legacy-key-gone': '"{{key}}" is an LXC 1.x/2.0 key; LXC 5 rejects it; it has no modern form and must be removed; `strata config --modern` converts it.',
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
  'removed-no-setting': 'removed; LXC 2.1+ has no such setting'
} as const

export type EngineTextKey = keyof typeof ENGINE_TEXTS

/** The value names of a template: `{{a}} x {{b}}` -> 'a' | 'b'. */
type ValueNames<S extends string> = S extends `${string}{{${infer V}}}${infer Rest}` ? V | ValueNames<Rest> : never

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

/** Fills a template's `{{name}}`s (a missing value stays as it is written; a sentence gives its English). */
export function fill(template: string, values: Readonly<Record<string, SaidValue>>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    const v = values[name]
    return v === undefined ? whole : typeof v === 'object' ? v.text : String(v)
  })
}

/** The sentence `key` with its values, in English and as data. */
export function say<K extends EngineTextKey>(key: K, ...values: [ValueNames<(typeof ENGINE_TEXTS)[K]>] extends [never] ? [] : [EngineTextValues<K>]): Said {
  const v = (values[0] ?? {}) as Record<string, SaidValue>
  return { key, values: v, text: fill(ENGINE_TEXTS[key], v) }
}

/** The value names each template uses, for the check that every language fills the same ones. */
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
