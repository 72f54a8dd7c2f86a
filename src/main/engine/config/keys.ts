// The LXC 5.0.2 config key table (confile.c `config_jump_table`, `config_jump_table_net`),
// how repeated and empty values behave for each key, and the LXC 1.x/2.0 legacy names.

/** scalar: the last value wins. list: values accumulate and an empty value clears them. */
export type KeyKind = 'scalar' | 'list'

/** What an empty value does for a key (confile.c `set_config_*` on `lxc_config_value_empty`). */
export type EmptyValueEffect = 'clear' | 'ignored' | 'rejected'

export interface KeySpec {
  kind: KeyKind
  empty: EmptyValueEffect
  /** keys that only clear (`lxc.net`, `lxc.net.N`, `lxc.hook`, ...): a non-empty value fails to load */
  valueMustBeEmpty: boolean
}

const SCALAR: KeySpec = { kind: 'scalar', empty: 'clear', valueMustBeEmpty: false }
const LIST: KeySpec = { kind: 'list', empty: 'clear', valueMustBeEmpty: false }
// An empty value is a no-op for these (their setters just `return 0`).
const SCALAR_EMPTY_IGNORED: KeySpec = { kind: 'scalar', empty: 'ignored', valueMustBeEmpty: false }
// `lxc.mount.fstab =` clears and then returns -EINVAL: the config fails to load.
const SCALAR_EMPTY_REJECTED: KeySpec = { kind: 'scalar', empty: 'rejected', valueMustBeEmpty: false }
const CLEAR_ONLY: KeySpec = { kind: 'list', empty: 'clear', valueMustBeEmpty: true }

const LIST_KEYS = [
  'lxc.apparmor.raw',
  'lxc.cap.drop',
  'lxc.cap.keep',
  'lxc.environment',
  'lxc.group',
  'lxc.hook.autodev',
  'lxc.hook.clone',
  'lxc.hook.destroy',
  'lxc.hook.mount',
  'lxc.hook.post-stop',
  'lxc.hook.pre-mount',
  'lxc.hook.pre-start',
  'lxc.hook.start',
  'lxc.hook.start-host',
  'lxc.hook.stop',
  'lxc.idmap',
  'lxc.include',
  'lxc.init.groups',
  'lxc.mount.entry',
  // flag sets: each line ORs more flags in, an empty value resets them
  'lxc.mount.auto',
  'lxc.namespace.clone',
  'lxc.namespace.keep'
]

const SCALAR_KEYS = [
  'lxc.arch',
  'lxc.apparmor.profile',
  'lxc.apparmor.allow_incomplete',
  'lxc.apparmor.allow_nesting',
  'lxc.autodev.tmpfs.size',
  'lxc.autodev',
  'lxc.cgroup.dir.monitor.pivot',
  'lxc.cgroup.dir.monitor',
  'lxc.cgroup.dir.container.inner',
  'lxc.cgroup.dir.container',
  'lxc.cgroup.dir',
  'lxc.cgroup.relative',
  'lxc.console.buffer.size',
  'lxc.console.logfile',
  'lxc.console.path',
  'lxc.console.rotate',
  'lxc.console.size',
  'lxc.sched.core',
  'lxc.ephemeral',
  'lxc.execute.cmd',
  'lxc.hook.version',
  'lxc.init.cmd',
  'lxc.init.gid',
  'lxc.init.uid',
  'lxc.init.cwd',
  'lxc.keyring.session',
  'lxc.log.file',
  'lxc.log.level',
  'lxc.monitor.unshare',
  'lxc.monitor.signal.pdeath',
  'lxc.time.offset.boot',
  'lxc.time.offset.monotonic',
  'lxc.no_new_privs',
  'lxc.pty.max',
  'lxc.rootfs.managed',
  'lxc.rootfs.mount',
  'lxc.rootfs.path',
  'lxc.seccomp.allow_nesting',
  'lxc.seccomp.notify.cookie',
  'lxc.seccomp.notify.proxy',
  'lxc.seccomp.profile',
  'lxc.selinux.context.keyring',
  'lxc.selinux.context',
  'lxc.signal.halt',
  'lxc.signal.reboot',
  'lxc.signal.stop',
  'lxc.start.auto',
  'lxc.start.delay',
  'lxc.start.order',
  'lxc.tty.dir',
  'lxc.tty.max',
  'lxc.uts.name'
]

const EXACT_KEYS = new Map<string, KeySpec>([
  ...LIST_KEYS.map((key) => [key, LIST] as const),
  ...SCALAR_KEYS.map((key) => [key, SCALAR] as const),
  ['lxc.rootfs.options', SCALAR_EMPTY_IGNORED],
  ['lxc.log.syslog', SCALAR_EMPTY_IGNORED],
  ['lxc.mount.fstab', SCALAR_EMPTY_REJECTED],
  ['lxc.net', CLEAR_ONLY],
  ['lxc.hook', CLEAR_ONLY],
  // the bare family names are prefix matches in LXC; a value on them is rejected by the setter
  ['lxc.cgroup', CLEAR_ONLY],
  ['lxc.cgroup2', CLEAR_ONLY],
  ['lxc.prlimit', CLEAR_ONLY],
  ['lxc.sysctl', CLEAR_ONLY],
  ['lxc.proc', CLEAR_ONLY]
])

/**
 * `lxc.net.N.<subkey>` (confile.c `config_jump_table_net`). From a config file an empty value
 * always goes to the sub-key's clr_* (set_config_jump_table_net), so every one clears.
 */
const NET_SUBKEYS = new Map<string, KeySpec>([
  ...['flags', 'hwaddr', 'ipv4.gateway', 'ipv6.gateway', 'link', 'l2proxy', 'macvlan.mode', 'ipvlan.mode', 'ipvlan.isolation', 'mtu', 'name',
    'script.down', 'script.up', 'type', 'vlan.id', 'veth.mode', 'veth.n_rxqueues', 'veth.n_txqueues', 'veth.pair', 'veth.vlan.id'
  ].map((sub) => [sub, SCALAR] as const),
  ...['ipv4.address', 'ipv6.address', 'veth.ipv4.route', 'veth.ipv6.route', 'veth.vlan.tagged.id'].map((sub) => [sub, LIST] as const)
])

/** lxc_namespace_2_ns_idx: the names `lxc.namespace.share.<ns>` accepts. */
const SHAREABLE_NAMESPACES = new Set(['cgroup', 'ipc', 'mnt', 'net', 'pid', 'user', 'uts', 'time'])

/** Why a key is not accepted, when it is not. */
export type KeyVerdict =
  | { ok: true; spec: KeySpec }
  | { ok: false; reason: 'unknown' | 'unknown-net-subkey' | 'bad-net-index' }

const OK_SCALAR: KeyVerdict = { ok: true, spec: SCALAR }
const OK_LIST: KeyVerdict = { ok: true, spec: LIST }
const OK_CLEAR_ONLY: KeyVerdict = { ok: true, spec: CLEAR_ONLY }
const UNKNOWN: KeyVerdict = { ok: false, reason: 'unknown' }
const UNKNOWN_NET_SUBKEY: KeyVerdict = { ok: false, reason: 'unknown-net-subkey' }
const BAD_NET_INDEX: KeyVerdict = { ok: false, reason: 'bad-net-index' }
const EXACT_VERDICTS = new Map<string, KeyVerdict>([...EXACT_KEYS].map(([key, spec]) => [key, { ok: true, spec }]))
const NET_VERDICTS = new Map<string, KeyVerdict>([...NET_SUBKEYS].map(([key, spec]) => [key, { ok: true, spec }]))

const NET_PREFIX = 'lxc.net.'

/** Length of the run of ASCII digits starting at `from`. */
function digitRun(key: string, from: number): number {
  let end = from
  while (end < key.length) {
    const c = key.charCodeAt(end)
    if (c < 48 || c > 57) break
    end++
  }
  return end - from
}

function lookupNetKey(key: string): KeyVerdict {
  const digits = digitRun(key, NET_PREFIX.length)
  if (digits === 0) return BAD_NET_INDEX
  const afterIndex = NET_PREFIX.length + digits
  // `lxc.net.N` alone clears network N
  if (afterIndex === key.length) return OK_CLEAR_ONLY
  if (key.charCodeAt(afterIndex) !== 46 /* . */) return BAD_NET_INDEX
  return NET_VERDICTS.get(key.slice(afterIndex + 1)) ?? UNKNOWN_NET_SUBKEY
}

/** A family key `<family>.<something non-empty>`. */
function isFamilyMember(key: string, family: string): boolean {
  return key.length > family.length + 1 && key.startsWith(family) && key.charCodeAt(family.length) === 46
}

/**
 * Looks a key up the way LXC 5.0.2's `lxc_get_config` and the setters do: exact keys first
 * (a Map hit), then the prefix families. Legacy keys are simply unknown here; see `legacyKeyInfo`.
 */
export function lookupKey(key: string): KeyVerdict {
  const exact = EXACT_VERDICTS.get(key)
  if (exact) return exact
  if (key.startsWith(NET_PREFIX)) return lookupNetKey(key)
  // `lxc.cgroup2` is matched before `lxc.cgroup` in LXC's table, so check it first too
  if (isFamilyMember(key, 'lxc.cgroup2')) return OK_LIST
  if (isFamilyMember(key, 'lxc.cgroup')) return OK_LIST
  // LXC appends every lxc.proc line and writes each one in order at start
  if (isFamilyMember(key, 'lxc.proc')) return OK_LIST
  // prlimit and sysctl replace an existing entry of the same name: last one wins
  if (isFamilyMember(key, 'lxc.prlimit')) return OK_SCALAR
  if (isFamilyMember(key, 'lxc.sysctl')) return OK_SCALAR
  if (key.startsWith('lxc.namespace.share.')) {
    return SHAREABLE_NAMESPACES.has(key.slice('lxc.namespace.share.'.length)) ? OK_SCALAR : UNKNOWN
  }
  return UNKNOWN
}

/** The prefix families: `<family>.<anything>` is a key (and `<family> =` clears them all). */
const CLEARING_FAMILIES = ['lxc.cgroup2', 'lxc.cgroup', 'lxc.prlimit', 'lxc.sysctl', 'lxc.proc']

/**
 * The keys LXC 5 takes with any non-empty value, in lookupKey's three shapes: exact keys,
 * `lxc.net.<digits>.<subkey>`, and `<family>.<anything>`. A config made only of comments, blank
 * lines and such entries has no problem at all; the native lxcpath reader recognises those
 * configs by these rules and hands back just the values the listing needs.
 */
export interface PlainKeyRules {
  exact: string[]
  netSubkeys: string[]
  families: string[]
}

export function plainKeyRules(): PlainKeyRules {
  const takesAnyValue = ([, spec]: [string, KeySpec]): boolean => !spec.valueMustBeEmpty
  return {
    exact: [...EXACT_KEYS].filter(takesAnyValue).map(([key]) => key).filter((key) => key !== 'lxc.include'),
    netSubkeys: [...NET_SUBKEYS].filter(takesAnyValue).map(([sub]) => sub),
    families: [...CLEARING_FAMILIES]
  }
}

/** The spec used for evaluating entries: unknown keys are treated as scalars. */
export function keySpec(key: string): KeySpec {
  const verdict = lookupKey(key)
  return verdict.ok ? verdict.spec : SCALAR
}

const CAP_KEYS = new Set(['lxc.cap.drop', 'lxc.cap.keep'])

/**
 * Whether an entry `clearer =` (empty value) clears the values of `key`.
 * Per confile.c: a key clears itself; `lxc.cap.drop`/`lxc.cap.keep` both clear the one caps list;
 * `lxc.net` clears all networks and `lxc.net.N` network N; `lxc.hook` every hook list;
 * `lxc.cgroup`, `lxc.cgroup2`, `lxc.prlimit`, `lxc.sysctl`, `lxc.proc` their whole family.
 */
export function clearsKey(clearer: string, key: string): boolean {
  if (clearer === key) return true
  if (!key.startsWith(clearer)) return CAP_KEYS.has(clearer) && CAP_KEYS.has(key)
  if (key.charCodeAt(clearer.length) !== 46 /* . */) return false
  if (clearer === 'lxc.net') return true
  if (clearer.startsWith(NET_PREFIX)) return digitRun(clearer, NET_PREFIX.length) === clearer.length - NET_PREFIX.length
  if (clearer === 'lxc.hook') return key !== 'lxc.hook.version'
  if (clearer === 'lxc.cgroup') return !EXACT_KEYS.has(key) // lxc.cgroup.dir* are separate settings
  return CLEARING_FAMILIES.includes(clearer)
}

// ---------------------------------------------------------------------------------------------
// Legacy (LXC 1.x/2.0) names. 2.1 accepted both spellings, 3.0 removed the old ones.

/** Exact one-to-one renames, legacy → modern. */
export const LEGACY_TO_MODERN: ReadonlyMap<string, string> = new Map([
  ['lxc.utsname', 'lxc.uts.name'],
  ['lxc.rootfs', 'lxc.rootfs.path'],
  ['lxc.mount', 'lxc.mount.fstab'],
  ['lxc.tty', 'lxc.tty.max'],
  ['lxc.pts', 'lxc.pty.max'],
  ['lxc.devttydir', 'lxc.tty.dir'],
  ['lxc.aa_profile', 'lxc.apparmor.profile'],
  ['lxc.aa_allow_incomplete', 'lxc.apparmor.allow_incomplete'],
  ['lxc.se_context', 'lxc.selinux.context'],
  ['lxc.id_map', 'lxc.idmap'],
  ['lxc.seccomp', 'lxc.seccomp.profile'],
  ['lxc.console', 'lxc.console.path'],
  ['lxc.haltsignal', 'lxc.signal.halt'],
  ['lxc.rebootsignal', 'lxc.signal.reboot'],
  ['lxc.stopsignal', 'lxc.signal.stop'],
  ['lxc.syslog', 'lxc.log.syslog'],
  ['lxc.loglevel', 'lxc.log.level'],
  ['lxc.logfile', 'lxc.log.file'],
  ['lxc.init_cmd', 'lxc.init.cmd'],
  ['lxc.init_uid', 'lxc.init.uid'],
  ['lxc.init_gid', 'lxc.init.gid'],
  ['lxc.limit', 'lxc.prlimit'],
  ['lxc.network', 'lxc.net']
])

/** Exact one-to-one renames, modern → legacy. */
export const MODERN_TO_LEGACY: ReadonlyMap<string, string> = new Map([...LEGACY_TO_MODERN].map(([legacy, modern]) => [modern, legacy]))

/** Legacy keys with no modern counterpart: LXC 5 rejects them and they are dropped on conversion. */
export const LEGACY_REMOVED_KEYS: ReadonlySet<string> = new Set(['lxc.rootfs.backend', 'lxc.pivotdir', 'lxc.kmsg'])

/** Legacy `lxc.network.<sub>` → modern `lxc.net.N.<sub>` where the sub-key changed name. */
export const LEGACY_NET_SUBKEY_TO_MODERN: ReadonlyMap<string, string> = new Map([
  ['ipv4', 'ipv4.address'],
  ['ipv6', 'ipv6.address']
])
export const MODERN_NET_SUBKEY_TO_LEGACY: ReadonlyMap<string, string> = new Map(
  [...LEGACY_NET_SUBKEY_TO_MODERN].map(([legacy, modern]) => [modern, legacy])
)

/** The `lxc.network.<sub>` keys LXC 2.0 knew (lxc-2.0.11 confile.c). */
export const LEGACY_NET_SUBKEYS: ReadonlySet<string> = new Set([
  'type',
  'flags',
  'link',
  'name',
  'macvlan.mode',
  'veth.pair',
  'script.up',
  'script.down',
  'hwaddr',
  'mtu',
  'vlan.id',
  'ipv4.gateway',
  'ipv4',
  'ipv6.gateway',
  'ipv6'
])

/** What to tell the user about a legacy key: its modern replacement, or that it is simply gone. */
export interface LegacyKeyInfo {
  /** the modern key (for `lxc.network.*`, with `N` standing for the network's number) or null when removed */
  modern: string | null
}

/** Returns info when `key` is an LXC 1.x/2.0 key that LXC 5 rejects, else null. */
export function legacyKeyInfo(key: string): LegacyKeyInfo | null {
  const renamed = LEGACY_TO_MODERN.get(key)
  if (renamed !== undefined) return { modern: renamed }
  if (LEGACY_REMOVED_KEYS.has(key)) return { modern: null }
  if (key.startsWith('lxc.network.')) {
    const sub = key.slice('lxc.network.'.length)
    return { modern: `lxc.net.N.${LEGACY_NET_SUBKEY_TO_MODERN.get(sub) ?? sub}` }
  }
  if (key.startsWith('lxc.limit.')) return { modern: `lxc.prlimit.${key.slice('lxc.limit.'.length)}` }
  return null
}

/**
 * Keys an LXC 2.0 host reads (lxc-2.0.11 confile.c `config[]`, plus the 2.1 spellings of the legacy
 * table such as `lxc.limit.*` and `lxc.syslog`). Used to report modern keys with no legacy form.
 */
const LEGACY_HOST_KEYS = new Set([
  'lxc.arch', 'lxc.pts', 'lxc.tty', 'lxc.devttydir', 'lxc.kmsg', 'lxc.aa_profile', 'lxc.aa_allow_incomplete',
  'lxc.se_context', 'lxc.id_map', 'lxc.loglevel', 'lxc.logfile', 'lxc.mount.entry', 'lxc.mount.auto',
  'lxc.mount', 'lxc.rootfs.mount', 'lxc.rootfs.options', 'lxc.rootfs.backend', 'lxc.rootfs', 'lxc.pivotdir',
  'lxc.utsname', 'lxc.hook.pre-start', 'lxc.hook.pre-mount', 'lxc.hook.mount', 'lxc.hook.autodev',
  'lxc.hook.start', 'lxc.hook.stop', 'lxc.hook.post-stop', 'lxc.hook.clone', 'lxc.hook.destroy', 'lxc.hook',
  'lxc.network', 'lxc.cap.drop', 'lxc.cap.keep', 'lxc.console.logfile', 'lxc.console', 'lxc.seccomp',
  'lxc.include', 'lxc.autodev', 'lxc.haltsignal', 'lxc.rebootsignal', 'lxc.stopsignal', 'lxc.start.auto',
  'lxc.start.delay', 'lxc.start.order', 'lxc.monitor.unshare', 'lxc.group', 'lxc.environment',
  'lxc.init_cmd', 'lxc.init_uid', 'lxc.init_gid', 'lxc.ephemeral', 'lxc.syslog', 'lxc.limit'
])

/** Whether an LXC 1.x/2.0 host accepts this (legacy-spelled) key. */
export function isLegacyHostKey(key: string): boolean {
  if (LEGACY_HOST_KEYS.has(key)) return true
  if (key.startsWith('lxc.network.')) return LEGACY_NET_SUBKEYS.has(key.slice('lxc.network.'.length))
  return isFamilyMember(key, 'lxc.cgroup') || isFamilyMember(key, 'lxc.limit')
}
