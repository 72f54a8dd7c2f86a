/* Change feeds for live usage: which directories of a tree changed, from the kernel's own
 * notifications, so that only those are measured again.
 *
 *  - fanotify (root): one filesystem mark with FAN_REPORT_DFID_NAME. Every event names the
 *    directory it happened in as a file handle; it is opened with open_by_handle_at and its
 *    path read back, and only directories under the tree's root are reported. Nothing is
 *    marked per directory, so new directories are followed at once.
 *  - inotify (a user): one watch per directory, added as directories appear.
 *
 * A thread reads the events, gathers a batch (at most ~20 ms), and hands the changed
 * directories (latin1 strings: a name's bytes, never decoded) to JS through a threadsafe
 * function. A queue overflow is reported as such: the caller then measures everything again.
 * statDir(root, rel, xattrs) measures one directory's entries (what the full scan counts). */
#include "common.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/fanotify.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#define EVBUF (64 * 1024)
#define BATCH_MS 20

typedef struct {
  char **dirs;
  size_t n, cap;
  int overflow;
  char error[256];
} batch;

typedef struct {
  char *root;
  size_t rootlen;
  int fan; /* 1: fanotify, 0: inotify */
  int fd, stopfd, rootfd;
  pthread_t thread;
  int started, stopped;
  napi_threadsafe_function tsfn;
  /* inotify: path of each watch descriptor */
  char **wd_path;
  size_t wd_cap;
  uint32_t in_mask;
} watcher;

static void batch_free(batch *b) {
  if (!b) return;
  for (size_t i = 0; i < b->n; i++) free(b->dirs[i]);
  free(b->dirs);
  free(b);
}

static int batch_add(batch *b, const char *path, size_t len) {
  for (size_t i = 0; i < b->n; i++) /* small batches: a linear check keeps them unique */
    if (strlen(b->dirs[i]) == len && memcmp(b->dirs[i], path, len) == 0) return 0;
  if (b->n == b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 16;
    char **d = realloc(b->dirs, cap * sizeof *d);
    if (!d) return -1;
    b->dirs = d;
    b->cap = cap;
  }
  char *s = strndup(path, len);
  if (!s) return -1;
  b->dirs[b->n++] = s;
  return 0;
}

/* Under the root (or the root itself)? */
static int under_root(watcher *w, const char *p, size_t len) {
  if (len < w->rootlen || memcmp(p, w->root, w->rootlen) != 0) return 0;
  return len == w->rootlen || p[w->rootlen] == '/' || w->rootlen == 1;
}

/* ---------- inotify ---------- */

static int wd_set(watcher *w, int wd, const char *path) {
  if ((size_t)wd >= w->wd_cap) {
    size_t cap = w->wd_cap ? w->wd_cap : 1024;
    while (cap <= (size_t)wd) cap *= 2;
    char **p = realloc(w->wd_path, cap * sizeof *p);
    if (!p) return -1;
    memset(p + w->wd_cap, 0, (cap - w->wd_cap) * sizeof *p);
    w->wd_path = p;
    w->wd_cap = cap;
  }
  char *s = strdup(path);
  if (!s) return -1;
  free(w->wd_path[wd]);
  w->wd_path[wd] = s;
  return 0;
}

/* Watches path and every directory below it on the same filesystem; errno on failure
 * (ENOSPC: the user's max_user_watches is reached). A directory gone meanwhile is fine. */
static int watch_tree(watcher *w, const char *path, dev_t dev) {
  int wd = inotify_add_watch(w->fd, path, w->in_mask);
  if (wd < 0) return (errno == ENOENT || errno == ENOTDIR) ? 0 : errno;
  if (wd_set(w, wd, path)) return ENOMEM;
  DIR *d = opendir(path);
  if (!d) return 0;
  int rc = 0;
  struct dirent *e;
  while (!rc && (e = readdir(d))) {
    if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN) continue;
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    struct stat st;
    if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode) || st.st_dev != dev) continue;
    size_t pl = strlen(path), nl = strlen(e->d_name);
    char *child = malloc(pl + nl + 2);
    if (!child) { rc = ENOMEM; break; }
    memcpy(child, path, pl);
    child[pl] = '/';
    memcpy(child + pl + 1, e->d_name, nl + 1);
    rc = watch_tree(w, child, dev);
    free(child);
  }
  closedir(d);
  return rc;
}

/* A directory moved away or deleted: forget its watches and those below it. */
static void unwatch_prefix(watcher *w, const char *path) {
  size_t pl = strlen(path);
  for (size_t i = 0; i < w->wd_cap; i++) {
    char *p = w->wd_path[i];
    if (p && strncmp(p, path, pl) == 0 && (p[pl] == '\0' || p[pl] == '/')) {
      inotify_rm_watch(w->fd, (int)i);
      free(p);
      w->wd_path[i] = NULL;
    }
  }
}

static void inotify_events(watcher *w, char *buf, ssize_t n, batch *b) {
  struct stat rootst;
  dev_t dev = fstat(w->rootfd, &rootst) == 0 ? rootst.st_dev : 0;
  for (char *p = buf; p < buf + n;) {
    struct inotify_event *ev = (struct inotify_event *)p;
    p += sizeof *ev + ev->len;
    if (ev->mask & IN_Q_OVERFLOW) { b->overflow = 1; continue; }
    if (ev->wd < 0 || (size_t)ev->wd >= w->wd_cap || !w->wd_path[ev->wd]) continue;
    if (ev->mask & IN_IGNORED) { free(w->wd_path[ev->wd]); w->wd_path[ev->wd] = NULL; continue; }
    const char *dir = w->wd_path[ev->wd];
    batch_add(b, dir, strlen(dir));
    if (!ev->len || !(ev->mask & IN_ISDIR)) continue;
    char child[PATH_MAX];
    int cl = snprintf(child, sizeof child, "%s/%s", dir, ev->name);
    if (cl <= 0 || (size_t)cl >= sizeof child) continue;
    if (ev->mask & (IN_MOVED_FROM | IN_DELETE)) unwatch_prefix(w, child);
    if (ev->mask & (IN_CREATE | IN_MOVED_TO)) {
      int rc = watch_tree(w, child, dev);
      if (rc && !b->error[0]) snprintf(b->error, sizeof b->error, "inotify_add_watch under '%s': %s", child, strerror(rc));
    }
    /* the subdirectory's own inode changed, or it is new (maybe under a reused inode number) */
    if (ev->mask & (IN_ATTRIB | IN_CREATE | IN_MOVED_TO)) batch_add(b, child, (size_t)cl);
  }
}

/* ---------- fanotify ---------- */

static void fanotify_events(watcher *w, char *buf, ssize_t n, batch *b) {
  for (struct fanotify_event_metadata *m = (struct fanotify_event_metadata *)buf; FAN_EVENT_OK(m, n); m = FAN_EVENT_NEXT(m, n)) {
    if (m->mask & FAN_Q_OVERFLOW) { b->overflow = 1; continue; }
    if (m->event_len <= sizeof *m) continue;
    struct fanotify_event_info_fid *fid = (struct fanotify_event_info_fid *)(m + 1);
    if (fid->hdr.info_type != FAN_EVENT_INFO_TYPE_DFID_NAME && fid->hdr.info_type != FAN_EVENT_INFO_TYPE_DFID) continue;
    struct file_handle *fh = (struct file_handle *)fid->handle;
    const char *name = fid->hdr.info_type == FAN_EVENT_INFO_TYPE_DFID_NAME ? (const char *)fh->f_handle + fh->handle_bytes : NULL;
    int dfd = open_by_handle_at(w->rootfd, fh, O_PATH | O_CLOEXEC);
    if (dfd < 0) continue; /* ESTALE: the directory is gone; its parent's event covers it */
    char link[64], path[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", dfd);
    ssize_t pl = readlink(link, path, sizeof path - 1);
    close(dfd);
    if (pl <= 0 || !under_root(w, path, (size_t)pl)) continue;
    batch_add(b, path, (size_t)pl);
    /* an event about a subdirectory measures that one too: an opaque mark (ATTRIB), or a new
     * directory that took the inode number of one just deleted, whose old events cannot be
     * resolved any more (ESTALE) */
    if ((m->mask & FAN_ONDIR) && name && strcmp(name, ".") != 0) {
      int cl = snprintf(path + pl, sizeof path - (size_t)pl, "/%s", name);
      if (cl > 0 && (size_t)(pl + cl) < sizeof path) batch_add(b, path, (size_t)(pl + cl));
    }
  }
}

/* ---------- the thread ---------- */

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *watch_thread(void *arg) {
  watcher *w = arg;
  char *buf = malloc(EVBUF);
  batch *b = NULL;
  int64_t first = 0;
  for (;;) {
    int timeout = b ? (int)(BATCH_MS - (now_ms() - first)) : -1;
    if (b && timeout <= 0) {
      /* events elsewhere on the filesystem (a fanotify mark sees all of it) make empty batches: dropped */
      if (b->n == 0 && !b->overflow && !b->error[0]) batch_free(b);
      else if (napi_call_threadsafe_function(w->tsfn, b, napi_tsfn_blocking) != napi_ok) batch_free(b);
      b = NULL;
      continue;
    }
    struct pollfd fds[2] = {{.fd = w->fd, .events = POLLIN}, {.fd = w->stopfd, .events = POLLIN}};
    int r = poll(fds, 2, timeout);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 || fds[1].revents) break;
    if (!(fds[0].revents & POLLIN)) continue;
    ssize_t n = buf ? read(w->fd, buf, EVBUF) : -1;
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (!b) {
      b = calloc(1, sizeof *b);
      if (!b) break;
      first = now_ms();
    }
    if (n <= 0) { snprintf(b->error, sizeof b->error, "reading change events: %s", n < 0 ? strerror(errno) : "end of file"); b->overflow = 1; break; }
    if (w->fan) fanotify_events(w, buf, n, b);
    else inotify_events(w, buf, n, b);
  }
  if (b && napi_call_threadsafe_function(w->tsfn, b, napi_tsfn_blocking) != napi_ok) batch_free(b);
  free(buf);
  napi_release_threadsafe_function(w->tsfn, napi_tsfn_release);
  return NULL;
}

static void call_js(napi_env env, napi_value cb, void *ctx, void *data) {
  batch *b = data;
  if (env && cb) {
    napi_value arr, s, args[3], undef;
    napi_create_array_with_length(env, b->n, &arr);
    for (size_t i = 0; i < b->n; i++) {
      napi_create_string_latin1(env, b->dirs[i], NAPI_AUTO_LENGTH, &s);
      napi_set_element(env, arr, (uint32_t)i, s);
    }
    args[0] = arr;
    napi_get_boolean(env, b->overflow != 0, &args[1]);
    if (b->error[0]) napi_create_string_utf8(env, b->error, NAPI_AUTO_LENGTH, &args[2]);
    else napi_get_null(env, &args[2]);
    napi_get_undefined(env, &undef);
    napi_call_function(env, undef, cb, 3, args, NULL);
  }
  batch_free(b);
}

static void watcher_stop(watcher *w) {
  if (w->stopped) return;
  w->stopped = 1;
  if (w->started) {
    uint64_t one = 1;
    if (write(w->stopfd, &one, sizeof one) < 0) { /* the thread also stops at env teardown */ }
    pthread_join(w->thread, NULL);
  }
  if (w->fd >= 0) close(w->fd);
  if (w->stopfd >= 0) close(w->stopfd);
  if (w->rootfd >= 0) close(w->rootfd);
  for (size_t i = 0; i < w->wd_cap; i++) free(w->wd_path[i]);
  free(w->wd_path);
  w->wd_path = NULL;
  w->wd_cap = 0;
  w->fd = w->stopfd = w->rootfd = -1;
}

static void watcher_finalize(napi_env env, void *data, void *hint) {
  watcher *w = data;
  watcher_stop(w);
  free(w->root);
  free(w);
}

static napi_value throw_errno(napi_env env, int e, const char *what, const char *path) {
  char m[512];
  snprintf(m, sizeof m, "%s '%s': %s", what, path, strerror(e));
  napi_throw_error(env, errname(e), m);
  return NULL;
}

/* watchTree(root: latin1 string, fanotify: boolean, onChange(dirs, overflow, error)) -> handle */
napi_value js_watch_tree(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], handle, name;
  bool fan = false;
  napi_valuetype t;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 || napi_get_value_bool(env, argv[1], &fan) != napi_ok ||
      napi_typeof(env, argv[2], &t) != napi_ok || t != napi_function) {
    napi_throw_type_error(env, NULL, "watchTree(root, fanotify, onChange)");
    return NULL;
  }
  watcher *w = calloc(1, sizeof *w);
  if (!w) { napi_throw_error(env, "ENOMEM", "out of memory"); return NULL; }
  w->fd = w->stopfd = w->rootfd = -1;
  w->fan = fan;
  w->root = arg_cstring(env, argv[0], 1, NULL);
  if (!w->root || w->root[0] != '/') { free(w->root); free(w); napi_throw_type_error(env, NULL, "watchTree: root must be an absolute path"); return NULL; }
  w->rootlen = strlen(w->root);
  while (w->rootlen > 1 && w->root[w->rootlen - 1] == '/') w->root[--w->rootlen] = '\0';
  int e = 0;
  const char *what = "open";
  struct stat st;
  if ((w->rootfd = open(w->root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 || fstat(w->rootfd, &st) < 0) { e = errno; goto fail; }
  if ((w->stopfd = eventfd(0, EFD_CLOEXEC)) < 0) { e = errno; what = "eventfd"; goto fail; }
  if (fan) {
    what = "fanotify_init";
    w->fd = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK | FAN_REPORT_DFID_NAME, O_RDONLY | O_LARGEFILE);
    if (w->fd < 0) { e = errno; goto fail; }
    what = "fanotify_mark(FAN_MARK_FILESYSTEM)";
    uint64_t mask = FAN_CREATE | FAN_DELETE | FAN_MOVED_FROM | FAN_MOVED_TO | FAN_MODIFY | FAN_ATTRIB | FAN_ONDIR;
    if (fanotify_mark(w->fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, mask, w->rootfd, NULL) < 0) { e = errno; goto fail; }
  } else {
    what = "inotify_init1";
    if ((w->fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK)) < 0) { e = errno; goto fail; }
    w->in_mask = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_ONLYDIR | IN_DONT_FOLLOW;
    what = "inotify_add_watch";
    if ((e = watch_tree(w, w->root, st.st_dev))) goto fail;
  }
  napi_create_string_utf8(env, "strata-watch", NAPI_AUTO_LENGTH, &name);
  if (napi_create_threadsafe_function(env, argv[2], NULL, name, 0, 1, NULL, NULL, NULL, call_js, &w->tsfn) != napi_ok) {
    e = ENOMEM; what = "napi_create_threadsafe_function"; goto fail;
  }
  napi_unref_threadsafe_function(env, w->tsfn); /* a watch never keeps the process alive by itself */
  if ((e = pthread_create(&w->thread, NULL, watch_thread, w))) {
    napi_release_threadsafe_function(w->tsfn, napi_tsfn_release);
    what = "pthread_create";
    goto fail;
  }
  w->started = 1;
  if (napi_create_external(env, w, watcher_finalize, NULL, &handle) != napi_ok) { watcher_finalize(env, w, NULL); napi_throw_error(env, NULL, "napi_create_external"); return NULL; }
  return handle;
fail:
  watcher_stop(w);
  throw_errno(env, e, what, w->root);
  free(w->root);
  free(w);
  return NULL;
}

/* unwatchTree(handle): stops the thread and closes the feed; safe to call twice. */
napi_value js_unwatch_tree(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *p = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || napi_get_value_external(env, argv[0], &p) != napi_ok || !p) {
    napi_throw_type_error(env, NULL, "unwatchTree(handle)");
    return NULL;
  }
  watcher_stop(p);
  return NULL;
}

/* ---------- one directory ---------- */

enum { K_FILE = 0, K_DIR = 1, K_SYMLINK = 2, K_WHITEOUT = 3, K_SPECIAL = 4 };
#define STAT_FIELDS 5 /* ino, nlink, size, allocated, kind */

/* statDir(root, rel, xattrs) -> null (gone) | { self: [ino, dev, size, allocated, opaque],
 *   names: "a\0b\0...", stats: Float64Array(5 per entry), childDev: [dev per directory entry ...] }
 * Opened beneath root without following symlinks; names are latin1 (their bytes). */
napi_value js_stat_dir(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], result;
  bool xattrs = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 || napi_get_value_bool(env, argv[2], &xattrs) != napi_ok) {
    napi_throw_type_error(env, NULL, "statDir(root, rel, xattrs)");
    return NULL;
  }
  char *root = arg_cstring(env, argv[0], 1, NULL), *rel = arg_cstring(env, argv[1], 1, NULL);
  napi_get_null(env, &result);
  int rootfd = -1, fd = -1;
  char *names = NULL;
  double *stats = NULL;
  DIR *d = NULL;
  if (!root || !rel) { napi_throw_type_error(env, NULL, "statDir: paths must be strings without NUL"); goto out; }
  rootfd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (rootfd < 0) { if (errno != ENOENT) throw_errno(env, errno, "open", root); goto out; }
  fd = open_beneath(rootfd, rel, O_RDONLY | O_DIRECTORY);
  if (fd < 0) { if (errno != ENOENT && errno != ENOTDIR && errno != ELOOP && errno != EXDEV) throw_errno(env, errno, "open", rel); goto out; }
  struct stat self;
  if (fstat(fd, &self) < 0) { throw_errno(env, errno, "fstat", rel); goto out; }
  int opaque = 0;
  if (xattrs) {
    char v[4];
    ssize_t n = fgetxattr(fd, "trusted.overlay.opaque", v, sizeof v);
    if (n < 0) n = fgetxattr(fd, "user.overlay.opaque", v, sizeof v);
    opaque = n == 1 && v[0] == 'y';
  }
  d = fdopendir(fd);
  if (!d) { throw_errno(env, errno, "fdopendir", rel); goto out; }
  fd = -1;
  size_t ncap = 4096, nlen = 0, scap = 256, sn = 0;
  names = malloc(ncap);
  stats = malloc(scap * STAT_FIELDS * sizeof *stats);
  if (!names || !stats) { napi_throw_error(env, "ENOMEM", "out of memory"); goto out; }
  struct dirent *e;
  while ((e = readdir(d))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    struct stat st;
    if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) continue; /* gone meanwhile: its event follows */
    int kind = S_ISDIR(st.st_mode) ? K_DIR : S_ISREG(st.st_mode) ? K_FILE : S_ISLNK(st.st_mode) ? K_SYMLINK
             : (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) ? K_WHITEOUT : K_SPECIAL;
    if (kind == K_DIR && st.st_dev != self.st_dev) continue; /* a mountpoint: not counted, like the scan */
    size_t l = strlen(e->d_name) + 1;
    if (nlen + l > ncap) {
      while (nlen + l > ncap) ncap *= 2;
      char *n2 = realloc(names, ncap);
      if (!n2) { napi_throw_error(env, "ENOMEM", "out of memory"); goto out; }
      names = n2;
    }
    memcpy(names + nlen, e->d_name, l);
    nlen += l;
    if (sn == scap) {
      scap *= 2;
      double *s2 = realloc(stats, scap * STAT_FIELDS * sizeof *stats);
      if (!s2) { napi_throw_error(env, "ENOMEM", "out of memory"); goto out; }
      stats = s2;
    }
    double *s = stats + sn * STAT_FIELDS;
    s[0] = (double)st.st_ino; s[1] = (double)st.st_nlink; s[2] = (double)st.st_size; s[3] = (double)st.st_blocks * 512; s[4] = kind;
    sn++;
  }
  napi_value obj, selfArr, v, ab, ta;
  napi_create_object(env, &obj);
  double selfv[5] = {(double)self.st_ino, (double)self.st_dev, (double)self.st_size, (double)self.st_blocks * 512, opaque};
  napi_create_array_with_length(env, 5, &selfArr);
  for (uint32_t i = 0; i < 5; i++) { napi_create_double(env, selfv[i], &v); napi_set_element(env, selfArr, i, v); }
  napi_set_named_property(env, obj, "self", selfArr);
  napi_create_string_latin1(env, names, nlen ? nlen - 1 : 0, &v); /* NUL-separated, no trailing NUL */
  napi_set_named_property(env, obj, "names", v);
  void *abdata;
  napi_create_arraybuffer(env, sn * STAT_FIELDS * sizeof(double), &abdata, &ab);
  if (sn) memcpy(abdata, stats, sn * STAT_FIELDS * sizeof(double));
  napi_create_typedarray(env, napi_float64_array, sn * STAT_FIELDS, ab, 0, &ta);
  napi_set_named_property(env, obj, "stats", ta);
  napi_set_named_property(env, obj, "count", (napi_create_double(env, (double)sn, &v), v));
  result = obj;
out:
  if (d) closedir(d);
  if (fd >= 0) close(fd);
  if (rootfd >= 0) close(rootfd);
  free(names);
  free(stats);
  free(root);
  free(rel);
  return result;
}
