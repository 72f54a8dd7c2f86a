/* readContainerDirs(lxcpath, plain?): the raw material of an lxcpath listing in one synchronous
 * call. For every entry of the lxcpath that is a directory holding a `config` (LXC's definition
 * of a defined container; hidden names starting with '.' included, only '.' and '..' skipped:
 * the caller decides what to show), it returns the
 * config's text, the bookkeeping files' text, Strata's provenance record's text, and whether
 * `partial` and `snaps` exist.
 *
 * With `plain` (key rules from keys.ts plainKeyRules, and the keys wanted), a config made only
 * of blank lines, comments and entries whose key takes any non-empty value is "plain": it has no
 * problem for the parser to report, so instead of its text the values of the wanted keys come
 * back (`plainValues`, the last of each, or null). Anything else in a config, or any doubt, and
 * the text comes back for the JS parser, which stays the one authority on LXC's rules.
 *
 * Only regular files are read, and at most MAX_SMALL_FILE bytes of each (regular-file.ts has the
 * same rules): a config or bookkeeping file can be a symlink to a device or a FIFO, which could
 * block or never end. Anything else comes back as an error, and the JS reader says why.
 *
 * A listing spends its time in syscalls, so each container costs as few as the answer needs:
 * no readdir of the container directory, only stats and opens by path relative to the lxcpath
 * (an absent file costs one failed stat). Big lxcpaths are read by a few threads; the JS values
 * are built afterwards on the calling thread. Synchronous on purpose: it runs once at CLI
 * start-up, where handing the result back through the event loop would cost more than it saves. */
#include "common.h"
#include "plain_config.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_BOOKKEEPING (1 << 20) /* lxc_snapshots of a huge lineage still fits; bigger: the JS reader's turn */
#define MAX_SMALL_FILE (8 << 20)  /* regular-file.ts MAX_SMALL_FILE_BYTES: far above any real config */
#define THREADED_FROM 128 /* fewer containers than this: threads cost more than they save */
#define MAX_THREADS 4
#define CHUNK 16

typedef struct {
  char *text;
  size_t len;
  int err; /* 0, or the errno of a file that exists but cannot be read */
} file_text;

enum text_kind { TEXT_BYTES, TEXT_UTF8, TEXT_ASCII };

typedef struct {
  const char *name; /* points into the lxcpath's getdents buffer */
  int defined;
  file_text config, rdepends, snapshots, provenance;
  enum text_kind config_kind;
  int plain;
  value_list values[MAX_WANTED];
  int partial, snaps;
} container_dir;

typedef struct {
  int pfd;
  const plain_rules *rules; /* NULL: no plain scan */
  container_dir *dirs;
  size_t count;
  size_t next; /* atomic: the next chunk to take */
} read_batch;

#define SCRATCH_SIZE 65536

/* Neither a regular file nor a directory (a directory fails the read with EISDIR, as before). */
static int irregular(const struct stat *st) { return !S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode); }

/* Reads a whole regular file below dirfd into a malloc'd buffer of its size, or NULL with errno:
 * EINVAL for a device, FIFO or socket, EFBIG past `limit`. The stat before the open keeps
 * devices from being opened at all (some act on open); the open cannot block (O_NONBLOCK); the
 * fstat after it catches a path swapped in between.
 * It reads first into the thread's scratch buffer (SCRATCH_SIZE bytes): a fresh 16 KB malloc
 * per file cost more in page faults than the read itself. */
static char *read_fd(int fd, size_t limit, size_t *len, char *scratch);

static char *read_at(int dirfd, const char *name, size_t limit, size_t *len, char *scratch) {
  struct stat st;
  if (fstatat(dirfd, name, &st, 0) != 0) return NULL;
  if (irregular(&st)) { errno = EINVAL; return NULL; }
  int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return NULL;
  return read_fd(fd, limit, len, scratch);
}

/* read_at for a name its directory listed as a regular file (d_type DT_REG): that listing is
 * the decision before the open, as the stat is in read_at, so the open comes first. O_NOFOLLOW
 * keeps a symlink swapped in since from being followed (it goes the read_at way); the fstat
 * after the open refuses anything else swapped in, as in read_at. */
static char *read_listed_regular(int dirfd, const char *name, size_t limit, size_t *len, char *scratch) {
  int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
  if (fd < 0 && errno == ELOOP) return read_at(dirfd, name, limit, len, scratch);
  if (fd < 0) return NULL;
  return read_fd(fd, limit, len, scratch);
}

/* Reads and closes an open file, refusing what is not a regular file or exceeds `limit`. */
static char *read_fd(int fd, size_t limit, size_t *len, char *scratch) {
  struct stat st;
  int refused = 0;
  if (fstat(fd, &st) != 0) refused = errno;
  else if (irregular(&st)) refused = EINVAL;
  else if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > limit) refused = EFBIG;
  if (refused) { close(fd); errno = refused; return NULL; }
  size_t n = 0, cap = SCRATCH_SIZE;
  char *buf = scratch;
  for (;;) {
    ssize_t r = read(fd, buf + n, cap - n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) { int e = errno; if (buf != scratch) free(buf); close(fd); errno = e; return NULL; } /* EISDIR for a directory */
    n += (size_t)r;
    if (n > limit) { if (buf != scratch) free(buf); close(fd); errno = EFBIG; return NULL; } /* it grew while being read */
    if (n < cap) break;
    char *bigger = buf == scratch ? malloc(cap * 2 + 1) : realloc(buf, cap * 2 + 1);
    if (!bigger) { if (buf != scratch) free(buf); close(fd); errno = ENOMEM; return NULL; }
    if (buf == scratch) memcpy(bigger, scratch, n);
    buf = bigger;
    cap *= 2;
  }
  close(fd);
  if (buf == scratch) {
    buf = malloc(n + 1);
    if (!buf) { errno = ENOMEM; return NULL; }
    memcpy(buf, scratch, n);
  }
  buf[n] = 0;
  *len = n;
  return buf;
}

/* `<name>/<file>` into out; 0 if it does not fit (a name is at most 255 bytes). */
static int child_path(char *out, size_t size, const char *name, const char *file) {
  int n = snprintf(out, size, "%s/%s", name, file);
  return n > 0 && (size_t)n < size;
}

/* An absent file leaves f zeroed; one that exists but cannot be read gets its errno. */
static void read_child(int pfd, const char *name, const char *file, size_t limit, file_text *f, char *scratch) {
  char path[320];
  if (!child_path(path, sizeof path, name, file)) { f->err = ENAMETOOLONG; return; }
  f->text = read_at(pfd, path, limit, &f->len, scratch);
  if (!f->text && errno != ENOENT) f->err = errno;
}

static int child_exists(int pfd, const char *name, const char *file) {
  char path[320];
  struct stat st;
  return child_path(path, sizeof path, name, file) && fstatat(pfd, path, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static enum text_kind text_kind(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n && s[i] < 0x80) i++;
  if (i == n) return TEXT_ASCII;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) { i++; continue; }
    size_t extra;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) { extra = 1; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { extra = 2; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { extra = 3; cp = c & 0x07; }
    else return TEXT_BYTES;
    if (i + extra >= n) return TEXT_BYTES;
    for (size_t k = 1; k <= extra; k++) {
      if ((s[i + k] & 0xC0) != 0x80) return TEXT_BYTES;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((extra == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF))) return TEXT_BYTES;
    i += extra + 1;
  }
  return TEXT_UTF8;
}

struct linux_dirent64 {
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

/* The files of a container directory a listing reads or probes. */
enum { F_CONFIG, F_RDEPENDS, F_SNAPSHOTS, F_PROVENANCE, F_PARTIAL, F_SNAPS, F_COUNT };
/* strata_copied_from: Strata's record of a copy clone's origin (lineage/provenance.ts PROVENANCE_FILE) */
static const char *const PROBED[F_COUNT] = {"config", "lxc_rdepends", "lxc_snapshots", "strata_copied_from", "partial", "snaps"};
#define ABSENT 0xff /* not a d_type value */

/* The d_type of each probed name in an open directory (ABSENT where it is not there); 0 if
 * the directory cannot be listed. A container directory is small: one getdents64 and the
 * one that says the end. */
static int list_probed(int dfd, unsigned char types[F_COUNT]) {
  char buf[4096];
  memset(types, ABSENT, F_COUNT);
  for (;;) {
    long n = syscall(SYS_getdents64, dfd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return 0;
    if (n == 0) return 1;
    for (long off = 0; off < n;) {
      struct linux_dirent64 *de = (struct linux_dirent64 *)(buf + off);
      off += de->d_reclen;
      for (int f = 0; f < F_COUNT; f++)
        if (strcmp(de->d_name, PROBED[f]) == 0) { types[f] = de->d_type; break; }
    }
  }
}

/* A probed file its directory listed: absent leaves f zeroed; a regular file is opened at
 * once (read_listed_regular), anything else (a symlink, a FIFO, a type the filesystem does
 * not report) goes through read_at's stat first. */
static void read_listed(int dfd, int f, const unsigned char types[F_COUNT], size_t limit, file_text *t, char *scratch) {
  if (types[f] == ABSENT) return;
  t->text = (types[f] == DT_REG ? read_listed_regular : read_at)(dfd, PROBED[f], limit, &t->len, scratch);
  if (!t->text && errno != ENOENT) t->err = errno;
}

static void scan_config(const plain_rules *rules, container_dir *d) {
  if (!d->config.text) return;
  d->config_kind = text_kind((const unsigned char *)d->config.text, d->config.len);
  d->plain = rules && d->config_kind != TEXT_BYTES && plain_config_scan(rules, d->config.text, d->config.len, d->values);
}

/* By paths relative to the lxcpath, a stat or an open per probed file: where the container
 * directory cannot be listed (searchable but not readable, or not a directory at all). */
static void read_container_dir_by_paths(int pfd, const plain_rules *rules, container_dir *d, char *scratch) {
  read_child(pfd, d->name, PROBED[F_CONFIG], MAX_SMALL_FILE, &d->config, scratch);
  scan_config(rules, d);
  if (!d->config.text) {
    int err = d->config.err;
    if (err == 0 || err == ENOTDIR) return; /* no config, or not a directory: not a container */
    if (err == EACCES || err == EPERM) {
      /* Either the config is unreadable (a container with an error) or the directory cannot
       * be searched (nothing is known of it: skipped, as lxc-ls skips it). */
      if (!child_exists(pfd, d->name, PROBED[F_CONFIG])) return;
    }
  }
  d->defined = 1;
  read_child(pfd, d->name, PROBED[F_RDEPENDS], MAX_BOOKKEEPING, &d->rdepends, scratch);
  read_child(pfd, d->name, PROBED[F_SNAPSHOTS], MAX_BOOKKEEPING, &d->snapshots, scratch);
  read_child(pfd, d->name, PROBED[F_PROVENANCE], MAX_SMALL_FILE, &d->provenance, scratch);
  d->partial = child_exists(pfd, d->name, PROBED[F_PARTIAL]);
  d->snaps = child_exists(pfd, d->name, PROBED[F_SNAPS]);
}

/* One listing of the container directory says which probed files are there and which are
 * regular files: no stat for an absent one, none before opening a regular one. 12 syscalls
 * for a clone or a base where the paths took 14 (measured: ~10% less CPU for the read). */
static void read_container_dir(int pfd, const plain_rules *rules, container_dir *d, char *scratch) {
  int dfd = openat(pfd, d->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0 && (errno == ENOENT || errno == ENOTDIR)) return; /* gone, or not a directory: not a container */
  unsigned char types[F_COUNT];
  if (dfd < 0 || !list_probed(dfd, types)) {
    if (dfd >= 0) close(dfd);
    read_container_dir_by_paths(pfd, rules, d, scratch);
    return;
  }
  read_listed(dfd, F_CONFIG, types, MAX_SMALL_FILE, &d->config, scratch);
  scan_config(rules, d);
  if (!d->config.text) {
    /* the same rules as by paths: no config (or a symlink to one that is not there) is not a
     * container; nor is a directory that can be listed but not searched */
    int err = d->config.err;
    struct stat st;
    if (err == 0 || err == ENOTDIR || ((err == EACCES || err == EPERM) && fstatat(dfd, PROBED[F_CONFIG], &st, AT_SYMLINK_NOFOLLOW) != 0)) {
      close(dfd);
      return;
    }
  }
  d->defined = 1;
  read_listed(dfd, F_RDEPENDS, types, MAX_BOOKKEEPING, &d->rdepends, scratch);
  read_listed(dfd, F_SNAPSHOTS, types, MAX_BOOKKEEPING, &d->snapshots, scratch);
  read_listed(dfd, F_PROVENANCE, types, MAX_SMALL_FILE, &d->provenance, scratch);
  d->partial = types[F_PARTIAL] != ABSENT;
  d->snaps = types[F_SNAPS] != ABSENT;
  close(dfd);
}

static void *read_worker(void *arg) {
  read_batch *b = arg;
  char *scratch = malloc(SCRATCH_SIZE);
  for (;;) {
    size_t start = __atomic_fetch_add(&b->next, CHUNK, __ATOMIC_RELAXED);
    if (start >= b->count) break;
    size_t end = start + CHUNK < b->count ? start + CHUNK : b->count;
    for (size_t i = start; i < end; i++) {
      if (scratch) {
        read_container_dir(b->pfd, b->rules, &b->dirs[i], scratch);
      } else {
        b->dirs[i].config.err = ENOMEM; /* listed with its error */
        b->dirs[i].defined = 1;
      }
    }
  }
  free(scratch);
  return NULL;
}

static void read_all(read_batch *b) {
  pthread_t tids[MAX_THREADS];
  int started = 0;
  if (b->count >= THREADED_FROM) {
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int helpers = (cores > MAX_THREADS ? MAX_THREADS : (int)cores) - 1;
    for (; started < helpers; started++)
      if (pthread_create(&tids[started], NULL, read_worker, b) != 0) break; /* fewer threads is fine */
  }
  read_worker(b); /* the calling thread works too */
  for (int i = 0; i < started; i++) pthread_join(tids[i], NULL);
}

/* getdents64 into one growing buffer; the entries that could be container directories are
 * indexed into *dirs (their names point into the returned buffer). */

static char *list_candidates(int pfd, container_dir **dirs, size_t *count) {
  size_t cap = 1 << 16, used = 0;
  char *buf = malloc(cap);
  if (!buf) { errno = ENOMEM; return NULL; }
  for (;;) {
    if (cap - used < 4096) {
      char *bigger = realloc(buf, cap * 2);
      if (!bigger) { free(buf); errno = ENOMEM; return NULL; }
      buf = bigger;
      cap *= 2;
    }
    long n = syscall(SYS_getdents64, pfd, buf + used, cap - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) { int e = errno; free(buf); errno = e; return NULL; }
    if (n == 0) break;
    used += (size_t)n;
  }
  size_t max = used / 24 + 1, found = 0; /* a dirent64 record is at least 24 bytes */
  container_dir *list = calloc(max, sizeof *list);
  if (!list) { free(buf); errno = ENOMEM; return NULL; }
  for (size_t off = 0; off < used;) {
    struct linux_dirent64 *de = (struct linux_dirent64 *)(buf + off);
    off += de->d_reclen;
    if (de->d_name[0] == '.' && (de->d_name[1] == 0 || (de->d_name[1] == '.' && de->d_name[2] == 0))) continue;
    if (de->d_type != DT_DIR && de->d_type != DT_LNK && de->d_type != DT_UNKNOWN) continue;
    list[found++].name = de->d_name;
  }
  *dirs = list;
  *count = found;
  return buf;
}

static napi_value throw_errno(napi_env env, int err, const char *what) {
  napi_value msg, code, error, errnov;
  char text[512];
  snprintf(text, sizeof text, "%s: %s", what, strerror(err));
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &msg);
  napi_create_string_utf8(env, errname(err), NAPI_AUTO_LENGTH, &code);
  napi_create_error(env, code, msg, &error);
  napi_create_int32(env, -err, &errnov);
  napi_set_named_property(env, error, "errno", errnov);
  napi_throw(env, error);
  return NULL;
}

enum { K_NAME, K_CONFIG, K_CONFIG_ERROR, K_PLAIN_VALUES, K_RDEPENDS, K_RDEPENDS_ERROR, K_SNAPSHOTS, K_SNAPSHOTS_ERROR, K_PROVENANCE, K_PARTIAL, K_SNAPS, K_COUNT };
/* A wanted key's values as one JS string, a line each, in file order (a value holds no newline). */
static void joined_values(napi_env env, const value_list *l, napi_value *out) {
  size_t total = 0;
  for (size_t i = 0; i < l->n; i++) total += l->v[i].len + 1;
  char *buf = malloc(total);
  if (!buf) {
    napi_get_null(env, out);
    return;
  }
  size_t at = 0;
  for (size_t i = 0; i < l->n; i++) {
    if (i > 0) buf[at++] = '\n';
    memcpy(buf + at, l->v[i].start, l->v[i].len);
    at += l->v[i].len;
  }
  napi_create_string_utf8(env, buf, at, out);
  free(buf);
}

static const char *const KEY_NAMES[K_COUNT] = {"name", "config", "configError", "plainValues", "rdepends", "rdependsError", "snapshots", "snapshotsError", "provenance", "partial", "snaps"};

/* obj[key] = the text (a string if it is UTF-8, else the bytes in a Buffer) or null, and
 * obj[errkey] = the errno name of a file that exists but could not be read. */
static void set_text_as(napi_env env, napi_value obj, const napi_value *keys, int key, int errkey, file_text *f, enum text_kind kind, int bytes_if_not_utf8) {
  napi_value v;
  if (!f->text) napi_get_null(env, &v);
  else if (kind == TEXT_ASCII) napi_create_string_latin1(env, f->text, f->len, &v); /* a plain copy, no decoding */
  else if (kind == TEXT_UTF8 || !bytes_if_not_utf8) napi_create_string_utf8(env, f->text, f->len, &v);
  else napi_create_buffer_copy(env, f->len, f->text, NULL, &v);
  napi_set_property(env, obj, keys[key], v);
  if (f->err) {
    napi_create_string_utf8(env, errname(f->err), NAPI_AUTO_LENGTH, &v);
    napi_set_property(env, obj, keys[errkey], v);
  }
}

static void set_text(napi_env env, napi_value obj, const napi_value *keys, int key, int errkey, file_text *f, int bytes_if_not_utf8) {
  enum text_kind kind = f->text ? text_kind((const unsigned char *)f->text, f->len) : TEXT_BYTES;
  set_text_as(env, obj, keys, key, errkey, f, kind, bytes_if_not_utf8);
}

napi_value js_read_container_dirs(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) {
    napi_throw_type_error(env, NULL, "readContainerDirs(lxcpath, plain?)");
    return NULL;
  }
  char path[4096];
  size_t plen = 0;
  if (napi_get_value_string_utf8(env, argv[0], path, sizeof path, &plen) != napi_ok || plen >= sizeof path - 1) {
    napi_throw_type_error(env, NULL, "readContainerDirs: lxcpath must be a string shorter than 4096 bytes");
    return NULL;
  }
  plain_rules rules = {0};
  napi_valuetype plain_type = napi_undefined;
  if (argc > 1) napi_typeof(env, argv[1], &plain_type);
  int with_rules = plain_type == napi_object;
  if (with_rules && !plain_rules_from_js(env, argv[1], &rules)) return NULL;
  int pfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (pfd < 0) { plain_rules_free(&rules); return throw_errno(env, errno, path); }
  read_batch batch = {.pfd = pfd, .rules = with_rules ? &rules : NULL};
  char *names = list_candidates(pfd, &batch.dirs, &batch.count);
  if (!names) { int e = errno; close(pfd); plain_rules_free(&rules); return throw_errno(env, e, path); }
  read_all(&batch);
  close(pfd);

  napi_value keys[K_COUNT];
  for (int k = 0; k < K_COUNT; k++) napi_create_string_utf8(env, KEY_NAMES[k], NAPI_AUTO_LENGTH, &keys[k]);
  napi_value list, obj, v;
  napi_create_array(env, &list);
  uint32_t count = 0;
  for (size_t i = 0; i < batch.count; i++) {
    container_dir *d = &batch.dirs[i];
    if (d->defined) {
      napi_create_object(env, &obj);
      napi_create_string_utf8(env, d->name, NAPI_AUTO_LENGTH, &v);
      napi_set_property(env, obj, keys[K_NAME], v);
      if (d->plain) {
        napi_value values;
        napi_create_array_with_length(env, rules.n_wanted, &values);
        for (size_t w = 0; w < rules.n_wanted; w++) {
          if (d->values[w].n > 0) joined_values(env, &d->values[w], &v);
          else napi_get_null(env, &v);
          napi_set_element(env, values, (uint32_t)w, v);
        }
        napi_get_null(env, &v);
        napi_set_property(env, obj, keys[K_CONFIG], v);
        napi_set_property(env, obj, keys[K_PLAIN_VALUES], values);
      } else {
        set_text_as(env, obj, keys, K_CONFIG, K_CONFIG_ERROR, &d->config, d->config_kind, 1);
        napi_get_null(env, &v);
        napi_set_property(env, obj, keys[K_PLAIN_VALUES], v);
      }
      set_text(env, obj, keys, K_RDEPENDS, K_RDEPENDS_ERROR, &d->rdepends, 0);
      set_text(env, obj, keys, K_SNAPSHOTS, K_SNAPSHOTS_ERROR, &d->snapshots, 0);
      /* a record that cannot be read is no record (provenance.ts): its text or null, no error */
      d->provenance.err = 0;
      set_text(env, obj, keys, K_PROVENANCE, K_PROVENANCE, &d->provenance, 0);
      napi_get_boolean(env, d->partial, &v);
      napi_set_property(env, obj, keys[K_PARTIAL], v);
      napi_get_boolean(env, d->snaps, &v);
      napi_set_property(env, obj, keys[K_SNAPS], v);
      napi_set_element(env, list, count++, obj);
    }
    free(d->config.text);
    free(d->rdepends.text);
    free(d->snapshots.text);
    free(d->provenance.text);
  }
  free(batch.dirs);
  free(names);
  plain_rules_free(&rules);
  return list;
}
