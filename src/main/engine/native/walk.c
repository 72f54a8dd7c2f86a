/* Parallel tree walks: copyTree, scanUsage, and the (serial) removeTree.
 *
 * Safety rules that hold everywhere in this file:
 *  - every lookup is relative to a directory fd (openat2 RESOLVE_BENEATH|NO_SYMLINKS|NO_XDEV,
 *    fstatat/readlinkat/... with AT_SYMLINK_NOFOLLOW), so no symlink is ever traversed;
 *  - directories on another device than the root are never entered (mountpoints);
 *  - memory is bounded by the work stack of pending directories, the chain of directories
 *    whose metadata is still to be applied, and the hard-link map (nlink > 1 inodes only,
 *    each dropped once all its links have been seen). */
#include "common.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#define DENTS_BUF (64 * 1024)
#define RW_BUF (1024 * 1024)
#define XBUF 4096

struct linux_dirent64 {
  ino64_t d_ino;
  off64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

const char *errname(int err) {
  const char *n = strerrorname_np(err);
  return n ? n : "EUNKNOWN";
}

/* ---------- safe open ---------- */

static int have_openat2 = 1;

int open_beneath(int rootfd, const char *rel, int flags) {
  const char *p = rel[0] ? rel : ".";
  flags |= O_NOFOLLOW | O_CLOEXEC;
  if (__atomic_load_n(&have_openat2, __ATOMIC_RELAXED)) {
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (uint64_t)flags;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
    for (int tries = 0; tries < 16; tries++) {
      long fd = syscall(SYS_openat2, rootfd, p, &how, sizeof how);
      if (fd >= 0) return (int)fd;
      if (errno == EAGAIN || errno == EINTR) continue; /* concurrent rename somewhere: retry */
      if (errno != ENOSYS) return -1;
      __atomic_store_n(&have_openat2, 0, __ATOMIC_RELAXED);
      break;
    }
    if (__atomic_load_n(&have_openat2, __ATOMIC_RELAXED)) return -1;
  }
  /* Kernels < 5.6: resolve one component at a time with O_NOFOLLOW. */
  char *copy = strdup(p);
  if (!copy) return -1;
  int cur = rootfd;
  char *save = NULL;
  int result = -1;
  for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
    int last = save == NULL || *save == '\0';
    if (strcmp(c, "..") == 0) { errno = EXDEV; goto out; }
    int fd = openat(cur, c, last ? flags : (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    int e = errno;
    if (cur != rootfd) close(cur);
    if (fd < 0) { errno = e; cur = rootfd; goto out; }
    cur = fd;
  }
  result = cur == rootfd ? openat(rootfd, ".", flags) : cur;
  cur = rootfd;
out:
  if (cur != rootfd) close(cur);
  free(copy);
  return result;
}

/* ---------- xattrs ---------- */

typedef struct {
  int fd;          /* >= 0: f*xattr on it */
  char path[64];   /* else: /proc/self/fd/<dir>/<name>, l*xattr (never follows the last component) */
  const char *name;
} xref;

static ssize_t x_list(xref *r, char *buf, size_t n) {
  if (r->fd >= 0) return flistxattr(r->fd, buf, n);
  char p[PATH_MAX + 64];
  snprintf(p, sizeof p, "%s/%s", r->path, r->name);
  return llistxattr(p, buf, n);
}
static ssize_t x_get(xref *r, const char *k, void *buf, size_t n) {
  if (r->fd >= 0) return fgetxattr(r->fd, k, buf, n);
  char p[PATH_MAX + 64];
  snprintf(p, sizeof p, "%s/%s", r->path, r->name);
  return lgetxattr(p, k, buf, n);
}
static int x_set(xref *r, const char *k, const void *v, size_t n) {
  if (r->fd >= 0) return fsetxattr(r->fd, k, v, n, 0);
  char p[PATH_MAX + 64];
  snprintf(p, sizeof p, "%s/%s", r->path, r->name);
  return lsetxattr(p, k, v, n, 0);
}

/* Fetch with a stack buffer first; grow on ERANGE (values can change between calls). */
static ssize_t x_list_alloc(xref *r, char *stackbuf, size_t stacklen, char **out) {
  ssize_t n = x_list(r, stackbuf, stacklen);
  *out = stackbuf;
  while (n < 0 && errno == ERANGE) {
    ssize_t want = x_list(r, NULL, 0);
    if (want < 0) return -1;
    char *b = malloc((size_t)want + 1);
    if (!b) return -1;
    n = x_list(r, b, (size_t)want + 1);
    if (n < 0) { int e = errno; free(b); errno = e; continue; }
    *out = b;
  }
  return n;
}

/* An xattr the destination cannot hold (ENOTSUP: a filesystem without xattrs, as zfs-fuse) fails
 * the copy, naming it, unless `dropped` counts it: only when the user accepted that loss (the
 * clone checked first what would be lost and said so). Never skipped without a trace. */
static int copy_xattrs(xref *s, xref *d, const char **failed, uint64_t *dropped) {
  char lbuf[XBUF], vbuf[XBUF];
  char *list;
  *failed = NULL;
  ssize_t ln = x_list_alloc(s, lbuf, sizeof lbuf, &list);
  if (ln < 0) {
    if (errno == ENOTSUP || errno == ENODATA) return 0; /* source fs without xattrs */
    *failed = "llistxattr";
    return errno;
  }
  int rc = 0;
  for (ssize_t off = 0; off < ln; off += (ssize_t)strlen(list + off) + 1) {
    const char *k = list + off;
    char *val = vbuf;
    ssize_t vn = x_get(s, k, vbuf, sizeof vbuf);
    while (vn < 0 && errno == ERANGE) {
      if (val != vbuf) free(val);
      ssize_t want = x_get(s, k, NULL, 0);
      if (want < 0) break;
      val = malloc((size_t)want + 1);
      if (!val) { errno = ENOMEM; break; }
      vn = x_get(s, k, val, (size_t)want + 1);
    }
    if (vn < 0) {
      int e = errno;
      if (val != vbuf) free(val);
      if (e == ENODATA) continue; /* removed meanwhile */
      rc = e; *failed = k;
      break;
    }
    if (x_set(d, k, val, (size_t)vn) < 0) {
      if (dropped && (errno == ENOTSUP || errno == EOPNOTSUPP)) {
        __atomic_add_fetch(dropped, 1, __ATOMIC_RELAXED);
        if (val != vbuf) free(val);
        continue;
      }
      rc = errno; *failed = k;
      if (val != vbuf) free(val);
      break;
    }
    if (val != vbuf) free(val);
  }
  /* *failed points into list: keep a static-ish copy via thread-local buffer */
  static __thread char failed_copy[256];
  if (*failed) {
    snprintf(failed_copy, sizeof failed_copy, "xattr %s", *failed);
    *failed = failed_copy;
  }
  if (list != lbuf) free(list);
  return rc;
}

int copy_xattrs_fd(int sfd, int dfd, const char **failed, uint64_t *dropped) {
  xref s = {.fd = sfd}, d = {.fd = dfd};
  return copy_xattrs(&s, &d, failed, dropped);
}

int copy_xattrs_at(int sdir, const char *sname, int ddir, const char *dname, const char **failed, uint64_t *dropped) {
  xref s = {.fd = -1, .name = sname}, d = {.fd = -1, .name = dname};
  snprintf(s.path, sizeof s.path, "/proc/self/fd/%d", sdir);
  snprintf(d.path, sizeof d.path, "/proc/self/fd/%d", ddir);
  return copy_xattrs(&s, &d, failed, dropped);
}

/* where a copy counts the xattrs it may drop, or NULL when it may drop none */
static uint64_t *dropped_of(copy_args *a) { return a->drop_unsupported_xattrs ? &a->dropped_xattrs : NULL; }

/* ---------- inode map (hard links) ---------- */

#define HL_BUCKETS 65536

typedef struct hl_entry {
  struct hl_entry *next;
  dev_t dev;
  ino_t ino;
  nlink_t remaining; /* links not yet seen */
  int state;         /* 0 being created, 1 done, 2 failed */
  char *path;        /* first link, relative to the destination root (copy only) */
} hl_entry;

typedef struct {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  hl_entry **b;
} hlmap;

static int hl_init(hlmap *m) {
  m->b = calloc(HL_BUCKETS, sizeof *m->b);
  if (!m->b) return ENOMEM;
  pthread_mutex_init(&m->mu, NULL);
  pthread_cond_init(&m->cv, NULL);
  return 0;
}
static void hl_destroy(hlmap *m) {
  if (!m->b) return;
  for (size_t i = 0; i < HL_BUCKETS; i++)
    for (hl_entry *e = m->b[i], *n; e; e = n) { n = e->next; free(e->path); free(e); }
  free(m->b);
  pthread_mutex_destroy(&m->mu);
  pthread_cond_destroy(&m->cv);
}
static size_t hl_hash(dev_t d, ino_t i) { return (size_t)((i * 0x9E3779B97F4A7C15ull) ^ d) % HL_BUCKETS; }
static void hl_unlink_entry(hlmap *m, hl_entry *e) {
  hl_entry **pp = &m->b[hl_hash(e->dev, e->ino)];
  while (*pp && *pp != e) pp = &(*pp)->next;
  if (*pp) *pp = e->next;
  free(e->path);
  free(e);
}

/* Scan: returns 1 when this (dev,ino) was seen before. */
static int hl_seen(hlmap *m, const struct stat *st, int *err) {
  pthread_mutex_lock(&m->mu);
  size_t h = hl_hash(st->st_dev, st->st_ino);
  for (hl_entry *e = m->b[h]; e; e = e->next) {
    if (e->dev == st->st_dev && e->ino == st->st_ino) {
      if (--e->remaining == 0) hl_unlink_entry(m, e);
      pthread_mutex_unlock(&m->mu);
      return 1;
    }
  }
  hl_entry *e = calloc(1, sizeof *e);
  if (!e) { pthread_mutex_unlock(&m->mu); *err = ENOMEM; return 0; }
  e->dev = st->st_dev; e->ino = st->st_ino; e->remaining = st->st_nlink - 1;
  e->next = m->b[h]; m->b[h] = e;
  pthread_mutex_unlock(&m->mu);
  return 0;
}

/* Copy: either claims the inode (returns entry, caller creates the file then calls hl_done),
 * or copies the first link's path into out (returns NULL, *err = 0), waiting for it to exist. */
static hl_entry *hl_claim(hlmap *m, const struct stat *st, const char *rel, char *out, size_t outlen, int *err) {
  *err = 0;
  pthread_mutex_lock(&m->mu);
  size_t h = hl_hash(st->st_dev, st->st_ino);
  for (hl_entry *e = m->b[h]; e; e = e->next) {
    if (e->dev == st->st_dev && e->ino == st->st_ino) {
      while (e->state == 0) pthread_cond_wait(&m->cv, &m->mu);
      if (e->state == 2) { *err = ECANCELED; pthread_mutex_unlock(&m->mu); return NULL; }
      snprintf(out, outlen, "%s", e->path);
      if (e->remaining > 0 && --e->remaining == 0) hl_unlink_entry(m, e);
      pthread_mutex_unlock(&m->mu);
      return NULL;
    }
  }
  hl_entry *e = calloc(1, sizeof *e);
  char *p = strdup(rel);
  if (!e || !p) { free(e); free(p); pthread_mutex_unlock(&m->mu); *err = ENOMEM; return NULL; }
  e->dev = st->st_dev; e->ino = st->st_ino; e->remaining = st->st_nlink - 1; e->path = p;
  e->next = m->b[h]; m->b[h] = e;
  pthread_mutex_unlock(&m->mu);
  return e;
}
static void hl_done(hlmap *m, hl_entry *e, int ok) {
  pthread_mutex_lock(&m->mu);
  e->state = ok ? 1 : 2;
  /* Failed entries stay so that waiters see the failure; the map is freed at the end. */
  if (ok && e->remaining == 0) hl_unlink_entry(m, e);
  pthread_cond_broadcast(&m->cv);
  pthread_mutex_unlock(&m->mu);
}

/* ---------- generic parallel walk over directories ---------- */

typedef struct dnode {
  struct dnode *parent;
  int pending; /* 1 for its own processing + 1 per queued child dir */
  struct stat st;
  char rel[];  /* relative to the root, "" for the root itself */
} dnode;

typedef struct walker walker;
typedef struct {
  walker *w;
  char *dents;
  char *rwbuf; /* lazily allocated */
  char linkbuf[PATH_MAX + 1];
  char hlpath[PATH_MAX * 2];
  unsigned char dtype; /* d_type of the entry being visited (DT_UNKNOWN on some filesystems) */
  /* per-thread scan counters, merged at the end */
  uint64_t apparent, allocated, files, dirs, symlinks, specials, hardlinked, whiteouts, opaque, errors, mounts, shared;
  dir_times_list times; /* scan with want_dir_times */
  /* copy: one directory's entries, to be visited in inode order (sorted_dirents) */
  struct dent_ref *refs;
  size_t nrefs, caprefs;
  char *names;
  size_t nnames, capnames;
  /* copy: the entry being visited was opened ahead: its fd (taken by open_source_file) and fstat */
  int pre_fd;
  struct stat *pre_st;
  /* copy: bytes of the file being copied already counted in the progress */
  uint64_t file_counted;
} tls;

typedef struct dent_ref {
  uint64_t ino;
  size_t name; /* offset in tls.names */
  unsigned char type;
  int fd;          /* copy: opened ahead (read_ahead), or -1 */
  struct stat st;  /* its fstat when fd >= 0 */
} dent_ref;

struct walker {
  job *j;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  dnode **stack;
  size_t n, cap;
  int busy;
  /* Helper threads start only while work queues up that no thread waits for: a tree of a few
   * directories (most clones' uppers) is walked by the calling thread alone. Starting the
   * helpers up front cost more than the walk for such trees (a usage of 500 small clones took
   * about 1.7x as long with 4 threads each as with 1). */
  int max_helpers, started, waiting;
  pthread_t helpers[63];
  unsigned char not_started[63]; /* a slot whose pthread_create failed: nothing to join */
  int src_root, dst_root;
  const char *src_path, *dst_path;
  dev_t root_dev;
  void (*process)(tls *t, dnode *d);
  void (*finalize)(tls *t, dnode *d);
  hlmap hl;
  int try_ficlone, try_cfr;
  int am_root;
  /* What a newly created entry gets (probed once in the destination root): when an entry's
   * owner already matches, its chown is skipped and a file is created with its final mode. */
  int probe_ok;
  uid_t new_uid;
  gid_t new_gid;
  mode_t new_mask; /* permission bits the umask (or the like) strips at creation */
  void *args;
};

static dnode *dnode_new(dnode *parent, const char *name, const struct stat *st) {
  size_t pl = parent ? strlen(parent->rel) : 0, nl = strlen(name);
  dnode *d = malloc(sizeof *d + pl + nl + 2);
  if (!d) return NULL;
  d->parent = parent;
  d->pending = 1;
  d->st = *st;
  if (pl) { memcpy(d->rel, parent->rel, pl); d->rel[pl] = '/'; memcpy(d->rel + pl + 1, name, nl + 1); }
  else memcpy(d->rel, name, nl + 1);
  return d;
}

static void *walker_thread(void *arg);

static int walker_push(walker *w, dnode *d) {
  pthread_mutex_lock(&w->mu);
  if (w->n == w->cap) {
    size_t nc = w->cap ? w->cap * 2 : 256;
    dnode **ns = realloc(w->stack, nc * sizeof *ns);
    if (!ns) { pthread_mutex_unlock(&w->mu); return ENOMEM; }
    w->stack = ns; w->cap = nc;
  }
  w->stack[w->n++] = d;
  pthread_cond_signal(&w->cv);
  /* more queued than the pusher will take next, and nobody idle to take it: one more helper.
   * Its slot is taken here, under the lock; it is started by this (busy) thread, so the
   * coordinator, which joins the helpers once no thread is busy, sees it. */
  int slot = -1;
  if (w->n >= 2 && w->waiting == 0 && w->started < w->max_helpers) slot = w->started++;
  pthread_mutex_unlock(&w->mu);
  if (slot >= 0 && pthread_create(&w->helpers[slot], NULL, walker_thread, w) != 0) {
    pthread_mutex_lock(&w->mu);
    w->not_started[slot] = 1;
    w->max_helpers = w->started; /* fewer threads is fine: no more after a failure */
    pthread_mutex_unlock(&w->mu);
  }
  return 0;
}

/* Queue a child dir; the parent stays alive (and unfinalized) until the child is done. */
static int walker_child(walker *w, dnode *parent, const char *name, const struct stat *st) {
  dnode *c = dnode_new(parent, name, st);
  if (!c) return ENOMEM;
  __atomic_add_fetch(&parent->pending, 1, __ATOMIC_ACQ_REL);
  int rc = walker_push(w, c);
  if (rc) { __atomic_sub_fetch(&parent->pending, 1, __ATOMIC_ACQ_REL); free(c); }
  return rc;
}

static void dnode_release(walker *w, tls *t, dnode *d) {
  while (d && __atomic_sub_fetch(&d->pending, 1, __ATOMIC_ACQ_REL) == 0) {
    if (w->finalize && !job_cancelled(w->j)) w->finalize(t, d);
    dnode *p = d->parent;
    free(d);
    d = p;
  }
}

static void *walker_thread(void *arg) {
  walker *w = arg;
  tls *t = calloc(1, sizeof *t);
  char *dents = malloc(DENTS_BUF);
  if (!t || !dents) {
    job_fail(w->j, ENOMEM, "%s: out of memory", w->src_path);
    free(t); free(dents);
    t = NULL;
  } else {
    t->w = w;
    t->dents = dents;
    t->pre_fd = -1;
  }
  for (;;) {
    pthread_mutex_lock(&w->mu);
    while (w->n == 0 && w->busy > 0) {
      w->waiting++;
      pthread_cond_wait(&w->cv, &w->mu);
      w->waiting--;
    }
    if (w->n == 0) { pthread_cond_broadcast(&w->cv); pthread_mutex_unlock(&w->mu); break; }
    dnode *d = w->stack[--w->n];
    w->busy++;
    pthread_mutex_unlock(&w->mu);
    /* Without a tls (OOM) or after a cancel, just drain the queue. */
    if (t && !job_cancelled(w->j)) w->process(t, d);
    if (t) dnode_release(w, t, d);
    else {
      /* drop the whole chain without finalizing */
      while (d && __atomic_sub_fetch(&d->pending, 1, __ATOMIC_ACQ_REL) == 0) { dnode *p = d->parent; free(d); d = p; }
    }
    pthread_mutex_lock(&w->mu);
    w->busy--;
    if (w->busy == 0 && w->n == 0) pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
  }
  return t; /* the coordinator merges counters and frees it */
}

void dir_times_free(dir_times_list *l) {
  for (size_t i = 0; i < l->n; i++) free(l->items[i].rel);
  free(l->items);
  l->items = NULL;
  l->n = l->cap = 0;
}

static int dir_times_add(dir_times_list *l, const char *rel, int64_t ctime_ns, int64_t newest_ns) {
  if (l->n == l->cap) {
    size_t nc = l->cap ? l->cap * 2 : 256;
    dir_times *ni = realloc(l->items, nc * sizeof *ni);
    if (!ni) return ENOMEM;
    l->items = ni;
    l->cap = nc;
  }
  char *r = strdup(rel);
  if (!r) return ENOMEM;
  l->items[l->n++] = (dir_times){.rel = r, .ctime_ns = ctime_ns, .newest_ns = newest_ns};
  return 0;
}

static int64_t ctime_ns(const struct stat *st) { return (int64_t)st->st_ctim.tv_sec * 1000000000 + st->st_ctim.tv_nsec; }

static void tls_free(tls *t) {
  if (!t) return;
  dir_times_free(&t->times);
  free(t->dents);
  free(t->rwbuf);
  free(t->refs);
  free(t->names);
  free(t);
}

/* Runs the walk from the root node with `threads` threads; merge(t) is called per thread. */
static void walker_run(walker *w, int threads, dnode *root, void (*merge)(walker *, tls *)) {
  pthread_mutex_init(&w->mu, NULL);
  pthread_cond_init(&w->cv, NULL);
  if (threads < 1) threads = 1;
  if (threads > 64) threads = 64;
  w->max_helpers = threads - 1;
  w->started = w->waiting = 0;
  memset(w->not_started, 0, sizeof w->not_started);
  if (walker_push(w, root)) { job_fail(w->j, ENOMEM, "out of memory"); free(root); goto out; }
  tls *mine = walker_thread(w);
  if (mine) { merge(w, mine); tls_free(mine); }
  /* no thread is busy any more, so none starts another helper: `started` is final */
  for (int i = 0; i < w->started; i++) {
    if (w->not_started[i]) continue;
    void *r = NULL;
    pthread_join(w->helpers[i], &r);
    if (r) { merge(w, r); tls_free(r); }
  }
out:
  free(w->stack);
  pthread_mutex_destroy(&w->mu);
  pthread_cond_destroy(&w->cv);
}

/* Builds "<root>/<rel>/<name>" for messages. */
static const char *fmt_path(char *buf, size_t n, const char *root, const char *rel, const char *name) {
  snprintf(buf, n, "%s%s%s%s%s", root, rel[0] ? "/" : "", rel, name ? "/" : "", name ? name : "");
  return buf;
}

#define FAIL(t, rel, name, op, e)                                                                        \
  do {                                                                                                 \
    char pb_[PATH_MAX * 2];                                                                            \
    int e_ = (e);                                                                                      \
    job_fail((t)->w->j, e_, "%s '%s': %s", op, fmt_path(pb_, sizeof pb_, (t)->w->src_path, rel, name), \
             strerror(e_));                                                                            \
  } while (0)
#define FAILD(t, rel, name, op, e)                                                                       \
  do {                                                                                                 \
    char pb_[PATH_MAX * 2];                                                                            \
    int e_ = (e);                                                                                      \
    job_fail((t)->w->j, e_, "%s '%s': %s", op, fmt_path(pb_, sizeof pb_, (t)->w->dst_path, rel, name), \
             strerror(e_));                                                                            \
  } while (0)

/* Iterates a directory fd with getdents64; cb returns 0 to continue, -1 to stop. */
static int for_each_dirent(tls *t, int fd, int (*cb)(tls *, void *, const char *), void *ctx) {
  for (;;) {
    long n = syscall(SYS_getdents64, fd, t->dents, DENTS_BUF);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return 0;
    for (long off = 0; off < n;) {
      struct linux_dirent64 *de = (struct linux_dirent64 *)(t->dents + off);
      off += de->d_reclen;
      const char *nm = de->d_name;
      if (nm[0] == '.' && (nm[1] == 0 || (nm[1] == '.' && nm[2] == 0))) continue;
      t->dtype = de->d_type;
      if (cb(t, ctx, nm) < 0) return 0;
    }
  }
}

static int by_ino(const void *a, const void *b) {
  uint64_t x = ((const dent_ref *)a)->ino, y = ((const dent_ref *)b)->ino;
  return x < y ? -1 : x > y;
}

/* Read ahead: at most this many files, and about this many bytes, opened ahead of the copy. */
#define READ_AHEAD_FILES 32
#define READ_AHEAD_BYTES (16u << 20)

/* Opens a regular file of dirfd ahead of its copy and asks for its data (POSIX_FADV_WILLNEED,
 * which starts the reads and returns): one thread then keeps many reads in flight, where a
 * copy alone waits for each file's first read in turn. False when it is not worth it or fails
 * (the copy then opens the file itself, as it would without this). */
static int read_ahead(int dirfd, const char *name, int willneed, int *fd, struct stat *st) {
  int f = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOATIME);
  if (f < 0 && errno == EPERM) f = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (f < 0) return 0;
  if (fstat(f, st) < 0 || !S_ISREG(st->st_mode)) {
    close(f);
    return 0;
  }
  if (willneed && st->st_size > 0) posix_fadvise(f, 0, st->st_size, POSIX_FADV_WILLNEED);
  *fd = f;
  return 1;
}

/* Like for_each_dirent, but reads the whole directory first and visits its entries in inode
 * order: on a cold cache that is the order their inodes (and, on ext4, mostly their data) lie
 * on disk, where getdents' hash order makes each read a seek. With `ahead`, regular files are
 * opened and their reads started (read_ahead) up to READ_AHEAD_FILES entries before their
 * visit, which finds the fd and its fstat in t->pre_fd / t->pre_st (and takes the fd).
 * Memory: one directory's names at a time per thread. */
static int for_each_dirent_by_inode(tls *t, int fd, int ahead, int (*cb)(tls *, void *, const char *), void *ctx) {
  t->nrefs = t->nnames = 0;
  for (;;) {
    long n = syscall(SYS_getdents64, fd, t->dents, DENTS_BUF);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) break;
    for (long off = 0; off < n;) {
      struct linux_dirent64 *de = (struct linux_dirent64 *)(t->dents + off);
      off += de->d_reclen;
      const char *nm = de->d_name;
      if (nm[0] == '.' && (nm[1] == 0 || (nm[1] == '.' && nm[2] == 0))) continue;
      size_t len = strlen(nm) + 1;
      if (t->nrefs == t->caprefs) {
        size_t nc = t->caprefs ? t->caprefs * 2 : 256;
        dent_ref *r = realloc(t->refs, nc * sizeof *r);
        if (!r) return ENOMEM;
        t->refs = r;
        t->caprefs = nc;
      }
      if (t->nnames + len > t->capnames) {
        size_t nc = t->capnames ? t->capnames * 2 : 16384;
        while (nc < t->nnames + len) nc *= 2;
        char *b = realloc(t->names, nc);
        if (!b) return ENOMEM;
        t->names = b;
        t->capnames = nc;
      }
      memcpy(t->names + t->nnames, nm, len);
      t->refs[t->nrefs++] = (dent_ref){.ino = de->d_ino, .name = t->nnames, .type = de->d_type, .fd = -1};
      t->nnames += len;
    }
  }
  qsort(t->refs, t->nrefs, sizeof *t->refs, by_ino);
  size_t next = 0; /* the next entry to read ahead */
  uint64_t bytes = 0;
  size_t i = 0;
  for (; i < t->nrefs; i++) {
    while (ahead && next < t->nrefs && next - i < READ_AHEAD_FILES && bytes < READ_AHEAD_BYTES) {
      dent_ref *r = &t->refs[next++];
      /* a reflink copy (FICLONE works here) reads no data: then only the open is done ahead */
      int willneed = !__atomic_load_n(&t->w->try_ficlone, __ATOMIC_RELAXED);
      if (r->type == DT_REG && read_ahead(fd, t->names + r->name, willneed, &r->fd, &r->st)) bytes += (uint64_t)r->st.st_size;
    }
    if (next <= i) next = i + 1;
    dent_ref *r = &t->refs[i];
    if (r->fd >= 0) bytes -= (uint64_t)r->st.st_size;
    t->dtype = r->type;
    t->pre_fd = r->fd;
    t->pre_st = &r->st;
    r->fd = -1;
    int stop = cb(t, ctx, t->names + r->name) < 0;
    if (t->pre_fd >= 0) close(t->pre_fd); /* not taken */
    t->pre_fd = -1;
    if (stop) break;
  }
  for (; i < next; i++)
    if (t->refs[i].fd >= 0) close(t->refs[i].fd);
  return 0;
}

/* ---------- copy ---------- */

typedef struct {
  dnode *d;
  int sfd, dfd;
} copy_ctx;

static int is_nosupp(int e) { return e == EOPNOTSUPP || e == ENOTTY || e == EXDEV || e == ENOSYS || e == EINVAL || e == EBADF; }

/* A big file's bytes are counted as they are copied, so that its progress moves (and a cancel
 * is heard) during the file, not only after it. */
#define CFR_CHUNK (64 * 1024 * 1024)
static void copy_count_bytes(tls *t, uint64_t bytes);

static int rw_range(tls *t, int in, int out, off_t off, off_t len) {
  if (!t->rwbuf && !(t->rwbuf = malloc(RW_BUF))) return ENOMEM;
  while (len > 0) {
    size_t want = len > RW_BUF ? RW_BUF : (size_t)len;
    ssize_t r = pread(in, t->rwbuf, want, off);
    if (r < 0) { if (errno == EINTR) continue; return errno; }
    if (r == 0) break; /* file shrank */
    for (ssize_t done = 0; done < r;) {
      ssize_t wr = pwrite(out, t->rwbuf + done, (size_t)(r - done), off + done);
      if (wr < 0) { if (errno == EINTR) continue; return errno; }
      done += wr;
    }
    off += r; len -= r;
    copy_count_bytes(t, (uint64_t)r);
    if (job_cancelled(t->w->j)) return ECANCELED;
  }
  return 0;
}

static int copy_range(tls *t, int in, int out, off_t off, off_t len) {
  walker *w = t->w;
  int first = 1;
  while (len > 0 && __atomic_load_n(&w->try_cfr, __ATOMIC_RELAXED)) {
    loff_t io = off, oo = off;
    size_t want = len > CFR_CHUNK ? CFR_CHUNK : (size_t)len;
    ssize_t n = copy_file_range(in, &io, out, &oo, want, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (first && is_nosupp(errno)) {
        if (errno != EINVAL) __atomic_store_n(&w->try_cfr, 0, __ATOMIC_RELAXED);
        break; /* this file: fall back to read/write */
      }
      return errno;
    }
    if (n == 0) return 0; /* EOF: file shrank */
    first = 0;
    off += n; len -= n;
    copy_count_bytes(t, (uint64_t)n);
    if (job_cancelled(w->j)) return ECANCELED;
  }
  return len > 0 ? rw_range(t, in, out, off, len) : 0;
}

/* Data: FICLONE (reflink), else copy_file_range/read-write over data extents only so that
 * holes stay holes (copy_file_range on ext4 would fill them with zeros). */
static int copy_data(tls *t, int in, int out, const struct stat *st, const char **op) {
  walker *w = t->w;
  if (st->st_size == 0) return 0;
  if (__atomic_load_n(&w->try_ficlone, __ATOMIC_RELAXED)) {
    *op = "ioctl(FICLONE)";
    if (ioctl(out, FICLONE, in) == 0) return 0;
    int e = errno;
    if (e == EOPNOTSUPP || e == ENOTTY || e == EXDEV || e == ENOSYS) __atomic_store_n(&w->try_ficlone, 0, __ATOMIC_RELAXED);
    else if (e != EINVAL) return e;
  }
  *op = "copy";
  if ((off_t)st->st_blocks * 512 >= st->st_size) return copy_range(t, in, out, 0, st->st_size);
  /* probably sparse */
  off_t pos = 0;
  while (pos < st->st_size) {
    off_t data = lseek(in, pos, SEEK_DATA);
    if (data < 0) {
      if (errno == ENXIO) break; /* only a hole is left */
      if (errno == EINVAL || errno == EOPNOTSUPP) return copy_range(t, in, out, pos, st->st_size - pos);
      *op = "lseek(SEEK_DATA)";
      return errno;
    }
    off_t hole = lseek(in, data, SEEK_HOLE);
    if (hole < 0) { *op = "lseek(SEEK_HOLE)"; return errno; }
    int rc = copy_range(t, in, out, data, hole - data);
    if (rc) return rc;
    pos = hole;
  }
  *op = "ftruncate";
  if (ftruncate(out, st->st_size) < 0) return errno;
  return 0;
}

static void copy_count_bytes(tls *t, uint64_t bytes) {
  copy_args *a = t->w->args;
  t->file_counted += bytes;
  uint64_t b = __atomic_add_fetch(&a->bytes, bytes, __ATOMIC_RELAXED);
  job_progress(t->w->j, __atomic_load_n(&a->files, __ATOMIC_RELAXED), b);
}

/* A file done: counted as a file, with whatever of its size was not counted while copying (a
 * reflink, a sparse file's holes). */
static void copy_count_file(tls *t, uint64_t bytes) {
  copy_args *a = t->w->args;
  uint64_t rest = bytes > t->file_counted ? bytes - t->file_counted : 0;
  t->file_counted = 0;
  uint64_t f = __atomic_add_fetch(&a->files, 1, __ATOMIC_RELAXED);
  uint64_t b = __atomic_add_fetch(&a->bytes, rest, __ATOMIC_RELAXED);
  job_progress(t->w->j, f, b);
}

static int chown_ok(walker *w, int rc) { return rc == 0 || (!w->am_root && errno == EPERM); }

/* True when a new entry already gets st's owner, so its chown would change nothing. */
static int owner_matches(walker *w, const struct stat *st) {
  return w->probe_ok && st->st_uid == w->new_uid && st->st_gid == w->new_gid;
}

/* Copies the open regular file `in` (fst: its fstat) to dfd/name. Returns 0 on success, -1
 * after reporting an error. */
static int copy_reg(tls *t, copy_ctx *c, const char *name, int in, const struct stat *fst) {
  const char *rel = c->d->rel;
  const char *op = "open";
  mode_t perm = fst->st_mode & 07777;
  int own_ok = owner_matches(t->w, fst);
  /* With the owner already right the file may be born with its final permission bits: it is
   * never more open than the finished copy. Otherwise 0600 until chown, then chmod. */
  int mode_ok = own_ok && (perm & (07000 | t->w->new_mask)) == 0;
  int out = openat(c->dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, own_ok ? (perm & 0777) : 0600);
  if (out < 0) { FAILD(t, rel, name, "create", errno); return -1; }
  t->file_counted = 0;
  int rc = copy_data(t, in, out, fst, &op);
  if (rc) { if (rc == ECANCELED) job_fail(t->w->j, ECANCELED, "cancelled"); else FAIL(t, rel, name, op, rc); goto fail; }
  /* owner first (chown clears setuid and capabilities), then mode, then xattrs, then times */
  if (!own_ok && !chown_ok(t->w, fchown(out, fst->st_uid, fst->st_gid))) { FAILD(t, rel, name, "fchown", errno); goto fail; }
  if (!mode_ok && fchmod(out, perm) < 0) { FAILD(t, rel, name, "fchmod", errno); goto fail; }
  const char *xn;
  if ((rc = copy_xattrs_fd(in, out, &xn, dropped_of(t->w->args)))) { FAILD(t, rel, name, xn, rc); goto fail; }
  struct timespec ts[2] = {fst->st_atim, fst->st_mtim};
  if (futimens(out, ts) < 0) { FAILD(t, rel, name, "futimens", errno); goto fail; }
  if (close(out) < 0) { out = -1; FAILD(t, rel, name, "close", errno); goto fail; }
  copy_count_file(t, (uint64_t)fst->st_size);
  return 0;
fail:
  if (out >= 0) close(out);
  return -1;
}

/* Opens a source entry that getdents called a regular file and fstats the fd: one stat, and
 * what gets copied is what was checked. Returns the fd, -2 when it vanished, -3 when it is no
 * longer a regular file (the caller then lstats it), -1 after reporting an error. */
static int open_source_file(tls *t, copy_ctx *c, const char *name, struct stat *st) {
  if (t->pre_fd >= 0) {
    /* opened and fstat'ed ahead (read_ahead) */
    int in = t->pre_fd;
    t->pre_fd = -1;
    *st = *t->pre_st;
    return in;
  }
  int in = openat(c->sfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOATIME);
  if (in < 0 && errno == EPERM) in = openat(c->sfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (in < 0) {
    if (errno == ENOENT) return -2; /* vanished since getdents */
    if (errno == ELOOP || errno == ENXIO || errno == ENODEV || errno == EOPNOTSUPP || errno == EISDIR) return -3;
    FAIL(t, c->d->rel, name, "open", errno);
    return -1;
  }
  if (fstat(in, st) < 0) { FAIL(t, c->d->rel, name, "fstat", errno); close(in); return -1; }
  if (!S_ISREG(st->st_mode)) { close(in); return -3; }
  return in;
}

/* Metadata for entries we cannot open: symlinks, devices, fifos, sockets, mountpoint dirs. */
static int copy_meta_at(tls *t, copy_ctx *c, const char *name, const struct stat *st, int xattrs) {
  const char *rel = c->d->rel;
  if (!owner_matches(t->w, st) && !chown_ok(t->w, fchownat(c->dfd, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW))) {
    FAILD(t, rel, name, "lchown", errno);
    return -1;
  }
  if (!S_ISLNK(st->st_mode) && fchmodat(c->dfd, name, st->st_mode & 07777, 0) < 0) {
    FAILD(t, rel, name, "chmod", errno);
    return -1;
  }
  if (xattrs) {
    const char *xn;
    int rc = copy_xattrs_at(c->sfd, name, c->dfd, name, &xn, dropped_of(t->w->args));
    if (rc) { FAILD(t, rel, name, xn, rc); return -1; }
  }
  struct timespec ts[2] = {st->st_atim, st->st_mtim};
  if (utimensat(c->dfd, name, ts, AT_SYMLINK_NOFOLLOW) < 0) { FAILD(t, rel, name, "utimensat", errno); return -1; }
  return 0;
}

/* Hard links map to the first copy; claims an inode while its first link is being copied. */
static int link_or_claim(tls *t, copy_ctx *c, const char *name, const struct stat *st, hl_entry **claim) {
  walker *w = t->w;
  copy_args *a = w->args;
  *claim = NULL;
  if (st->st_nlink <= 1) return 1;
  char rel[PATH_MAX * 2];
  int e;
  snprintf(rel, sizeof rel, "%s%s%s", c->d->rel, c->d->rel[0] ? "/" : "", name);
  *claim = hl_claim(&w->hl, st, rel, t->hlpath, sizeof t->hlpath, &e);
  if (e) { if (e != ECANCELED) FAIL(t, c->d->rel, name, "hardlink map", e); return -1; }
  if (*claim) return 1;
  if (linkat(w->dst_root, t->hlpath, c->dfd, name, 0) < 0) { FAILD(t, c->d->rel, name, "link", errno); return -1; }
  __atomic_add_fetch(&a->hardlinks, 1, __ATOMIC_RELAXED);
  return 0;
}

static int copy_file_entry(tls *t, copy_ctx *c, const char *name, int in, const struct stat *st) {
  hl_entry *claim;
  int more = link_or_claim(t, c, name, st, &claim);
  if (more <= 0) return more;
  int rc = copy_reg(t, c, name, in, st);
  if (claim) hl_done(&t->w->hl, claim, rc == 0);
  return rc;
}

static int copy_entry(tls *t, void *ctx, const char *name) {
  copy_ctx *c = ctx;
  walker *w = t->w;
  copy_args *a = w->args;
  if (job_cancelled(w->j)) return -1;
  struct stat st;
  int in = -3;
  if (t->dtype == DT_REG) {
    in = open_source_file(t, c, name, &st);
    if (in == -2) return 0;
    if (in == -1) return -1;
  }
  if (in == -3 && fstatat(c->sfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
    if (errno == ENOENT) return 0;
    FAIL(t, c->d->rel, name, "lstat", errno);
    return -1;
  }
  if (S_ISREG(st.st_mode) && in < 0) {
    /* getdents did not say "regular file" (DT_UNKNOWN, or it changed since): open it now */
    in = open_source_file(t, c, name, &st);
    if (in == -2) return 0;
    if (in == -3) { FAIL(t, c->d->rel, name, "changed during copy", EAGAIN); return -1; }
    if (in == -1) return -1;
  }
  if (in >= 0) {
    int rc = copy_file_entry(t, c, name, in, &st);
    close(in);
    return rc;
  }
  if (S_ISDIR(st.st_mode)) {
    if (mkdirat(c->dfd, name, 0700) < 0) { FAILD(t, c->d->rel, name, "mkdir", errno); return -1; }
    __atomic_add_fetch(&a->dirs, 1, __ATOMIC_RELAXED);
    if (st.st_dev != w->root_dev) {
      /* A mountpoint: keep the empty directory (like rsync -x), never descend. */
      __atomic_add_fetch(&a->skipped_mounts, 1, __ATOMIC_RELAXED);
      return copy_meta_at(t, c, name, &st, 0);
    }
    int rc = walker_child(w, c->d, name, &st);
    if (rc) { FAIL(t, c->d->rel, name, "queue", rc); return -1; }
    return 0;
  }
  hl_entry *claim;
  int more = link_or_claim(t, c, name, &st, &claim);
  if (more <= 0) return more;
  int rc;
  if (S_ISLNK(st.st_mode)) {
    ssize_t n = readlinkat(c->sfd, name, t->linkbuf, PATH_MAX);
    if (n < 0 || n >= PATH_MAX) {
      FAIL(t, c->d->rel, name, "readlink", n < 0 ? errno : ENAMETOOLONG);
      rc = -1;
    } else {
      t->linkbuf[n] = 0;
      if (symlinkat(t->linkbuf, c->dfd, name) < 0) { FAILD(t, c->d->rel, name, "symlink", errno); rc = -1; }
      else rc = copy_meta_at(t, c, name, &st, 1);
      if (rc == 0) __atomic_add_fetch(&a->symlinks, 1, __ATOMIC_RELAXED);
    }
  } else {
    /* char/block devices (incl. 0/0 overlay whiteouts), fifos, sockets */
    if (mknodat(c->dfd, name, (st.st_mode & S_IFMT) | 0600, st.st_rdev) < 0) {
      FAILD(t, c->d->rel, name, "mknod", errno);
      rc = -1;
    } else {
      rc = copy_meta_at(t, c, name, &st, 1);
      if (rc == 0) __atomic_add_fetch(&a->specials, 1, __ATOMIC_RELAXED);
    }
  }
  if (claim) hl_done(&w->hl, claim, rc == 0);
  return rc;
}

static void copy_process(tls *t, dnode *d) {
  walker *w = t->w;
  copy_ctx c = {.d = d, .sfd = -1, .dfd = -1};
  c.sfd = open_beneath(w->src_root, d->rel, O_RDONLY | O_DIRECTORY);
  if (c.sfd < 0) { FAIL(t, d->rel, NULL, "open directory", errno); return; }
  c.dfd = open_beneath(w->dst_root, d->rel, O_RDONLY | O_DIRECTORY);
  if (c.dfd < 0) { FAILD(t, d->rel, NULL, "open directory", errno); close(c.sfd); return; }
  int rc = for_each_dirent_by_inode(t, c.sfd, 1, copy_entry, &c);
  if (rc) FAIL(t, d->rel, NULL, "getdents", rc);
  close(c.sfd);
  close(c.dfd);
}

/* Directory metadata once every child is in place (so children do not bump its mtime, and a
 * default ACL does not leak into children that did not have it in the source). */
static void copy_finalize(tls *t, dnode *d) {
  walker *w = t->w;
  int sfd = open_beneath(w->src_root, d->rel, O_RDONLY | O_DIRECTORY);
  if (sfd < 0) { FAIL(t, d->rel, NULL, "open directory", errno); return; }
  int dfd = open_beneath(w->dst_root, d->rel, O_RDONLY | O_DIRECTORY);
  if (dfd < 0) { FAILD(t, d->rel, NULL, "open directory", errno); close(sfd); return; }
  const char *xn;
  int rc;
  struct timespec ts[2] = {d->st.st_atim, d->st.st_mtim};
  /* the root keeps no creation-time owner we know of (it may have existed): always chown it */
  int own_ok = d->rel[0] && owner_matches(w, &d->st);
  if (!own_ok && !chown_ok(w, fchown(dfd, d->st.st_uid, d->st.st_gid))) FAILD(t, d->rel, NULL, "fchown", errno);
  else if (fchmod(dfd, d->st.st_mode & 07777) < 0) FAILD(t, d->rel, NULL, "fchmod", errno);
  else if ((rc = copy_xattrs_fd(sfd, dfd, &xn, dropped_of(w->args)))) FAILD(t, d->rel, NULL, xn, rc);
  else if (futimens(dfd, ts) < 0) FAILD(t, d->rel, NULL, "futimens", errno);
  close(sfd);
  close(dfd);
}

static void copy_merge(walker *w, tls *t) { (void)w; (void)t; }

static int dir_is_empty(int fd, int *empty) {
  char buf[4096];
  for (;;) {
    long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
    if (n < 0) { if (errno == EINTR) continue; return errno; }
    if (n == 0) { *empty = 1; return 0; }
    for (long off = 0; off < n;) {
      struct linux_dirent64 *de = (struct linux_dirent64 *)(buf + off);
      off += de->d_reclen;
      const char *nm = de->d_name;
      if (!(nm[0] == '.' && (nm[1] == 0 || (nm[1] == '.' && nm[2] == 0)))) { *empty = 0; return 0; }
    }
  }
}

/* Creates and removes one file in the (empty) destination root to learn the owner and the
 * permission mask every entry created below gets: directories are made 0700 without setgid
 * and only get their own mode after their contents, so the same rule (the creator's fsuid,
 * fsgid or the root's group under setgid/grpid, the umask) holds all the way down. Any
 * doubt (an ACL on the probe, an unreadable result) turns the shortcut off. */
static void probe_new_entries(walker *w) {
  char name[64];
  snprintf(name, sizeof name, ".strata-copy-probe-%ld", (long)syscall(SYS_gettid));
  int fd = openat(w->dst_root, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0777);
  if (fd < 0) return;
  struct stat st;
  char xl[8];
  int ok = fstat(fd, &st) == 0 && flistxattr(fd, xl, sizeof xl) == 0;
  close(fd);
  if (unlinkat(w->dst_root, name, 0) < 0) ok = 0;
  if (!ok) return;
  w->new_uid = st.st_uid;
  w->new_gid = st.st_gid;
  w->new_mask = 0777 & ~(st.st_mode & 0777);
  w->probe_ok = 1;
}

void copy_run(job *j) {
  copy_args *a = j->data;
  walker w;
  memset(&w, 0, sizeof w);
  w.j = j; w.args = a; w.src_path = a->src; w.dst_path = a->dst;
  w.src_root = w.dst_root = -1;
  w.try_ficlone = 1; w.try_cfr = 1;
  w.am_root = geteuid() == 0;
  w.process = copy_process; w.finalize = copy_finalize;
  struct stat st, dst_st;
  int created = 0;
  if ((w.src_root = open(a->src, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
    job_fail(j, errno, "open '%s': %s", a->src, strerror(errno));
    goto out;
  }
  if (fstat(w.src_root, &st) < 0) { job_fail(j, errno, "fstat '%s': %s", a->src, strerror(errno)); goto out; }
  w.root_dev = st.st_dev;
  if (mkdir(a->dst, 0700) == 0) created = 1;
  else if (errno != EEXIST) { job_fail(j, errno, "mkdir '%s': %s", a->dst, strerror(errno)); goto out; }
  if ((w.dst_root = open(a->dst, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
    job_fail(j, errno, "open '%s': %s", a->dst, strerror(errno));
    goto out;
  }
  if (!created) {
    int empty = 0, rc = dir_is_empty(w.dst_root, &empty);
    if (rc) { job_fail(j, rc, "getdents '%s': %s", a->dst, strerror(rc)); goto out; }
    if (!empty) { job_fail(j, ENOTEMPTY, "destination '%s' exists and is not empty", a->dst); goto out; }
  }
  if (fstat(w.dst_root, &dst_st) < 0) { job_fail(j, errno, "fstat '%s': %s", a->dst, strerror(errno)); goto out; }
  if (dst_st.st_dev == st.st_dev && dst_st.st_ino == st.st_ino) {
    job_fail(j, EINVAL, "source and destination are the same directory '%s'", a->src);
    goto out;
  }
  probe_new_entries(&w);
  int rc = hl_init(&w.hl);
  if (rc) { job_fail(j, rc, "out of memory"); goto out; }
  dnode *root = dnode_new(NULL, "", &st);
  if (!root) { job_fail(j, ENOMEM, "out of memory"); hl_destroy(&w.hl); goto out; }
  walker_run(&w, a->threads, root, copy_merge);
  hl_destroy(&w.hl);
  if (!j->err && job_cancelled(j)) job_fail(j, ECANCELED, "copy of '%s' cancelled", a->src);
out:
  if (w.src_root >= 0) close(w.src_root);
  if (w.dst_root >= 0) close(w.dst_root);
}

/* ---------- scan ---------- */

typedef struct {
  dnode *d;
  int fd;
  int64_t newest_ns; /* the newest ctime among the directory's non-directory entries */
} scan_ctx;

static uint64_t exclusive_extent_bytes(int dirfd, const char *name);

static int scan_entry2(tls *t, void *ctx, const char *name) {
  scan_ctx *c = ctx;
  walker *w = t->w;
  if (job_cancelled(w->j)) return -1;
  struct stat st;
  if (fstatat(c->fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
    if (errno != ENOENT) t->errors++;
    return 0;
  }
  if (S_ISDIR(st.st_mode)) {
    if (st.st_dev != w->root_dev) { t->mounts++; return 0; } /* like du -x: not counted */
    t->dirs++;
    t->apparent += (uint64_t)st.st_size;
    t->allocated += (uint64_t)st.st_blocks * 512;
    int rc = walker_child(w, c->d, name, &st);
    if (rc) { FAIL(t, c->d->rel, name, "queue", rc); return -1; }
    return 0;
  }
  if (ctime_ns(&st) > c->newest_ns) c->newest_ns = ctime_ns(&st);
  if (S_ISREG(st.st_mode)) t->files++;
  else if (S_ISLNK(st.st_mode)) t->symlinks++;
  else if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) t->whiteouts++; /* per entry */
  else t->specials++;
  if (st.st_nlink > 1) {
    int e = 0;
    if (hl_seen(&w->hl, &st, &e)) return 0; /* bytes counted once per inode, like du */
    if (e) { FAIL(t, c->d->rel, name, "hardlink map", e); return -1; }
    t->hardlinked++;
  }
  t->apparent += (uint64_t)st.st_size;
  t->allocated += (uint64_t)st.st_blocks * 512;
  /* a symlink's target is kept inline in metadata (st_blocks still says a block): like inline
   * file data, `btrfs filesystem du` counts none of it as exclusive, and neither does this */
  if (S_ISLNK(st.st_mode) && ((scan_args *)w->args)->shared) t->shared += (uint64_t)st.st_blocks * 512;
  if (S_ISREG(st.st_mode) && st.st_blocks > 0 && ((scan_args *)w->args)->shared) {
    /* what is not the file's own data extents counts as shared, as `btrfs filesystem du` sees
     * it: shared extents, and small files' data kept inline in metadata (which it does not
     * count either: st_blocks rounds each such file up to a whole block) */
    uint64_t own = exclusive_extent_bytes(c->fd, name), alloc = (uint64_t)st.st_blocks * 512;
    t->shared += alloc - (own < alloc ? own : alloc);
  }
  return 0;
}

/* Bytes of a file's data extents that no other file (reflink copy, snapshot) uses, as
 * `btrfs filesystem du` counts its exclusive bytes: FIEMAP extents neither FIEMAP_EXTENT_SHARED
 * nor inline. (An unreadable file counts as all its own.) */
#define FIEMAP_BATCH 64
static uint64_t exclusive_extent_bytes(int dirfd, const char *name) {
  int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return UINT64_MAX;
  union {
    struct fiemap fm;
    char buf[sizeof(struct fiemap) + FIEMAP_BATCH * sizeof(struct fiemap_extent)];
  } u;
  uint64_t own = 0, start = 0;
  for (;;) {
    memset(&u.fm, 0, sizeof u.fm);
    u.fm.fm_start = start;
    u.fm.fm_length = FIEMAP_MAX_OFFSET - start;
    /* no FIEMAP_FLAG_SYNC: data not yet written back is this file's own anyway */
    u.fm.fm_extent_count = FIEMAP_BATCH;
    if (ioctl(fd, FS_IOC_FIEMAP, &u.fm) < 0) { own = UINT64_MAX; break; }
    if (u.fm.fm_mapped_extents == 0) break;
    int last = 0;
    for (unsigned i = 0; i < u.fm.fm_mapped_extents; i++) {
      struct fiemap_extent *x = &u.fm.fm_extents[i];
      if (!(x->fe_flags & (FIEMAP_EXTENT_SHARED | FIEMAP_EXTENT_DATA_INLINE))) own += x->fe_length;
      if (x->fe_flags & FIEMAP_EXTENT_LAST) last = 1;
      start = x->fe_logical + x->fe_length;
    }
    if (last) break;
  }
  close(fd);
  return own;
}

static int is_opaque(int fd) {
  char v[4];
  ssize_t n = fgetxattr(fd, "trusted.overlay.opaque", v, sizeof v);
  if (n < 0) n = fgetxattr(fd, "user.overlay.opaque", v, sizeof v);
  return n == 1 && v[0] == 'y';
}

static void scan_process(tls *t, dnode *d) {
  walker *w = t->w;
  scan_ctx c = {.d = d};
  c.fd = open_beneath(w->src_root, d->rel, O_RDONLY | O_DIRECTORY);
  if (c.fd < 0) {
    if (errno != ENOENT) t->errors++;
    return;
  }
  if (((scan_args *)w->args)->xattrs && is_opaque(c.fd)) t->opaque++;
  int rc = for_each_dirent(t, c.fd, scan_entry2, &c);
  if (rc) t->errors++;
  close(c.fd);
  if (((scan_args *)w->args)->want_dir_times) {
    int e = dir_times_add(&t->times, d->rel, ctime_ns(&d->st), c.newest_ns);
    if (e) FAIL(t, d->rel, NULL, "record times", e);
  }
}

static void scan_merge(walker *w, tls *t) {
  scan_args *a = w->args;
  a->apparent += t->apparent; a->allocated += t->allocated; a->files += t->files; a->dirs += t->dirs;
  a->symlinks += t->symlinks; a->specials += t->specials; a->hardlinked += t->hardlinked;
  a->whiteouts += t->whiteouts; a->opaque += t->opaque; a->errors += t->errors; a->skipped_mounts += t->mounts;
  a->shared_bytes += t->shared;
  /* move this thread's directory times over (the coordinator merges one thread at a time) */
  for (size_t i = 0; i < t->times.n; i++) {
    dir_times *x = &t->times.items[i];
    if (dir_times_add(&a->times, x->rel, x->ctime_ns, x->newest_ns)) { job_fail(w->j, ENOMEM, "out of memory"); break; }
  }
}

void scan_run(job *j) {
  scan_args *a = j->data;
  walker w;
  memset(&w, 0, sizeof w);
  w.j = j; w.args = a; w.src_path = a->root; w.dst_path = a->root;
  w.process = scan_process;
  struct stat st;
  if ((w.src_root = open(a->root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
    job_fail(j, errno, "open '%s': %s", a->root, strerror(errno));
    return;
  }
  if (fstat(w.src_root, &st) < 0) { job_fail(j, errno, "fstat '%s': %s", a->root, strerror(errno)); close(w.src_root); return; }
  w.root_dev = st.st_dev;
  /* the root counts like du counts it */
  a->dirs = 1; a->apparent = (uint64_t)st.st_size; a->allocated = (uint64_t)st.st_blocks * 512;
  int rc = hl_init(&w.hl);
  dnode *root = rc ? NULL : dnode_new(NULL, "", &st);
  if (!root) { job_fail(j, ENOMEM, "out of memory"); hl_destroy(&w.hl); close(w.src_root); return; }
  walker_run(&w, a->threads, root, scan_merge);
  hl_destroy(&w.hl);
  if (!j->err && job_cancelled(j)) job_fail(j, ECANCELED, "scan of '%s' cancelled", a->root);
  close(w.src_root);
}

/* ---------- remove ---------- */

static int rm_level(job *j, int fd, char *path, size_t plen, size_t cap, char *dents, const char *skip);

/* Each level has its own getdents buffer: a recursive call must not clobber the names the
 * caller is still iterating over. */
static int rm_contents(job *j, int fd, char *path, size_t plen, size_t cap, const char *skip) {
  char *dents = malloc(DENTS_BUF);
  if (!dents) { job_fail(j, ENOMEM, "out of memory"); return -1; }
  int rc = rm_level(j, fd, path, plen, cap, dents, skip);
  free(dents);
  return rc;
}

static int rm_level(job *j, int fd, char *path, size_t plen, size_t cap, char *dents, const char *skip) {
  for (;;) {
    int removed = 0;
    if (lseek(fd, 0, SEEK_SET) < 0) { job_fail(j, errno, "lseek '%s': %s", path, strerror(errno)); return -1; }
    for (;;) {
      long n = syscall(SYS_getdents64, fd, dents, DENTS_BUF);
      if (n < 0) {
        if (errno == EINTR) continue;
        job_fail(j, errno, "getdents '%s': %s", path, strerror(errno));
        return -1;
      }
      if (n == 0) break;
      for (long off = 0; off < n;) {
        struct linux_dirent64 *de = (struct linux_dirent64 *)(dents + off);
        off += de->d_reclen;
        const char *nm = de->d_name;
        if (nm[0] == '.' && (nm[1] == 0 || (nm[1] == '.' && nm[2] == 0))) continue;
        if (skip && strcmp(nm, skip) == 0) continue;
        if (job_cancelled(j)) { job_fail(j, ECANCELED, "removal of '%s' cancelled", path); return -1; }
        size_t nl = strlen(nm);
        int fits = plen + nl + 2 < cap;
        if (fits) { path[plen] = '/'; memcpy(path + plen + 1, nm, nl + 1); }
        int isdir = de->d_type == DT_DIR;
        if (de->d_type == DT_UNKNOWN) {
          struct stat st;
          if (fstatat(fd, nm, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            if (errno == ENOENT) { path[plen] = 0; continue; }
            job_fail(j, errno, "lstat '%s': %s", path, strerror(errno));
            return -1;
          }
          isdir = S_ISDIR(st.st_mode);
        }
        if (isdir) {
          /* RESOLVE_NO_XDEV: a mountpoint below gives EXDEV, and we stop rather than cross it */
          int cfd = open_beneath(fd, nm, O_RDONLY | O_DIRECTORY);
          if (cfd < 0) {
            int e = errno;
            if (e == ENOENT) { path[plen] = 0; continue; }
            job_fail(j, e, "open '%s': %s", path, e == EXDEV ? "is a mount point, not crossing it" : strerror(e));
            return -1;
          }
          int rc = rm_contents(j, cfd, path, fits ? plen + nl + 1 : plen, cap, NULL);
          close(cfd);
          if (rc) return rc;
          if (unlinkat(fd, nm, AT_REMOVEDIR) < 0 && errno != ENOENT) {
            job_fail(j, errno, "rmdir '%s': %s", path, strerror(errno));
            return -1;
          }
        } else if (unlinkat(fd, nm, 0) < 0 && errno != ENOENT) {
          job_fail(j, errno, "unlink '%s': %s", path, strerror(errno));
          return -1;
        }
        removed++;
        path[plen] = 0;
      }
    }
    if (!removed) return 0; /* a pass that found nothing: the directory is empty */
  }
}

void remove_run(job *j) {
  remove_args *a = j->data;
  struct stat st, rootst;
  if (lstat(a->path, &st) < 0) {
    if (errno == ENOENT) return; /* nothing to do, like rm -rf */
    job_fail(j, errno, "lstat '%s': %s", a->path, strerror(errno));
    return;
  }
  if (!S_ISDIR(st.st_mode)) {
    if (unlink(a->path) < 0 && errno != ENOENT) job_fail(j, errno, "unlink '%s': %s", a->path, strerror(errno));
    return;
  }
  if (stat("/", &rootst) == 0 && rootst.st_dev == st.st_dev && rootst.st_ino == st.st_ino) {
    job_fail(j, EPERM, "refusing to remove '/' ('%s')", a->path);
    return;
  }
  struct statx sx;
  if (statx(AT_FDCWD, a->path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx) == 0 &&
      (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) && (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT)) {
    job_fail(j, EBUSY, "refusing to remove '%s': it is a mount point", a->path);
    return;
  }
  int fd = open(a->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) { job_fail(j, errno, "open '%s': %s", a->path, strerror(errno)); return; }
  struct stat fst;
  if (fstat(fd, &fst) < 0 || fst.st_ino != st.st_ino || fst.st_dev != st.st_dev) {
    job_fail(j, EAGAIN, "'%s' changed while opening it", a->path);
    close(fd);
    return;
  }
  size_t cap = PATH_MAX * 4;
  char *path = malloc(cap);
  if (!path) { job_fail(j, ENOMEM, "out of memory"); close(fd); return; }
  snprintf(path, cap, "%s", a->path);
  if (a->keep) {
    /* checked on the directory actually opened, so a swap of the path after the caller's own
     * checks cannot point the removal at another directory */
    struct stat kst;
    uid_t me = geteuid();
    if (fstatat(fd, a->keep, &kst, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(kst.st_mode) || kst.st_nlink != 1 ||
        (kst.st_uid != me && kst.st_uid != 0)) {
      job_fail(j, EPERM, "refusing to remove '%s': it holds no marker %s written by this user", a->path, a->keep);
      close(fd);
      free(path);
      return;
    }
  }
  int rc = rm_contents(j, fd, path, strlen(path), cap, a->keep);
  if (!rc && a->keep && unlinkat(fd, a->keep, 0) < 0 && errno != ENOENT) {
    job_fail(j, errno, "unlink '%s/%s': %s", a->path, a->keep, strerror(errno));
    rc = -1;
  }
  close(fd);
  free(path);
  if (!rc && rmdir(a->path) < 0 && errno != ENOENT) job_fail(j, errno, "rmdir '%s': %s", a->path, strerror(errno));
}
