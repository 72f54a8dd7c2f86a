/* layerDiff: an overlay upper against its lowers, in one pass over the upper.
 *
 * For each entry of the upper: a 0/0 character device is a whiteout (deleted), a directory with
 * the opaque xattr hides the lower's directory (opaque), an entry that also exists in a lower was
 * copied up (modified), anything else was added. The lowers are only looked up where the upper
 * has an entry, and only below directories that exist in a lower, so a diff costs about one walk
 * of the upper (plus the subtrees of deleted and opaque directories, whose bytes they shadow).
 * Same safety rules as walk.c: directory fds, O_NOFOLLOW, AT_SYMLINK_NOFOLLOW, never crossing a
 * mountpoint. Serial: an upper is usually small, and this keeps the output in walk order. */
#include "common.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#define MAX_LOWERS 64
#define DENTS 32768

enum { K_ADDED = 0, K_MODIFIED = 1, K_DELETED = 2, K_OPAQUE = 3 };

typedef struct {
  char *path; /* relative, starting with '/' */
  size_t len;
  int kind, is_dir;
  uint64_t bytes, shadowed;
} dentry_t;

typedef struct {
  char *upper;
  char **lowers;
  int nlowers;
  dentry_t *v;
  size_t n, cap;
  uint64_t errors;
  dev_t upper_dev;
} diff_args;

struct ldent {
  ino64_t d_ino;
  off64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

static int is_whiteout(const struct stat *st) { return S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0); }

static int fd_opaque(int fd) {
  char v[4];
  ssize_t n = fgetxattr(fd, "trusted.overlay.opaque", v, sizeof v);
  if (n < 0) n = fgetxattr(fd, "user.overlay.opaque", v, sizeof v);
  return n == 1 && v[0] == 'y';
}

static int push(job *j, diff_args *a, const char *path, size_t len, int kind, int is_dir, uint64_t bytes, uint64_t shadowed) {
  if (a->n == a->cap) {
    size_t nc = a->cap ? a->cap * 2 : 1024;
    dentry_t *nv = realloc(a->v, nc * sizeof *nv);
    if (!nv) { job_fail(j, ENOMEM, "layerDiff: out of memory"); return -1; }
    a->v = nv; a->cap = nc;
  }
  char *p = malloc(len + 1);
  if (!p) { job_fail(j, ENOMEM, "layerDiff: out of memory"); return -1; }
  memcpy(p, path, len); p[len] = 0;
  a->v[a->n++] = (dentry_t){.path = p, .len = len, .kind = kind, .is_dir = is_dir, .bytes = bytes, .shadowed = shadowed};
  return 0;
}

/* Apparent bytes of a whole subtree (a directory's own size not counted: it is metadata). */
static uint64_t subtree_bytes(job *j, int dirfd, dev_t dev) {
  uint64_t total = 0;
  char *buf = malloc(DENTS);
  if (!buf) return 0;
  for (;;) {
    long n = syscall(SYS_getdents64, dirfd, buf, DENTS);
    if (n <= 0) break;
    for (long off = 0; off < n && !job_cancelled(j);) {
      struct ldent *de = (struct ldent *)(buf + off);
      off += de->d_reclen;
      const char *nm = de->d_name;
      if (nm[0] == '.' && (nm[1] == 0 || (nm[1] == '.' && nm[2] == 0))) continue;
      struct stat st;
      if (fstatat(dirfd, nm, &st, AT_SYMLINK_NOFOLLOW) < 0) continue;
      if (S_ISDIR(st.st_mode)) {
        if (st.st_dev != dev) continue;
        int fd = openat(dirfd, nm, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0) { total += subtree_bytes(j, fd, dev); close(fd); }
      } else if (!is_whiteout(&st)) total += (uint64_t)st.st_size;
    }
  }
  free(buf);
  return total;
}

/* What the lowers hold at `name` under the given lower dir fds (top first): the first hit wins,
 * a whiteout in a lower ends the search. Returns 1 with *st filled and *which set, else 0. */
static int lower_lookup(const int *lfds, int nl, const char *name, struct stat *st, int *which) {
  for (int i = 0; i < nl; i++) {
    if (lfds[i] < 0) continue;
    if (fstatat(lfds[i], name, st, AT_SYMLINK_NOFOLLOW) == 0) {
      if (is_whiteout(st)) return 0;
      *which = i;
      return 1;
    }
  }
  return 0;
}

static uint64_t lower_entry_bytes(job *j, int lfd, const char *name, const struct stat *st) {
  if (!S_ISDIR(st->st_mode)) return (uint64_t)st->st_size;
  int fd = openat(lfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return 0;
  uint64_t b = subtree_bytes(j, fd, st->st_dev);
  close(fd);
  return b;
}

/* Walks upper dir `ufd` at relative path `path` (len plen, "" for the root). lfds: the matching
 * lower dirs (-1 where a lower has none); all_added: below an added or opaque dir. */
static int diff_dir(job *j, diff_args *a, int ufd, char *path, size_t plen, const int *lfds, int all_added) {
  char *buf = malloc(DENTS);
  if (!buf) { job_fail(j, ENOMEM, "layerDiff: out of memory"); return -1; }
  int rc = 0;
  for (;;) {
    long n = syscall(SYS_getdents64, ufd, buf, DENTS);
    if (n < 0) { if (errno == EINTR) continue; a->errors++; break; }
    if (n == 0) break;
    for (long off = 0; off < n;) {
      if (job_cancelled(j)) { rc = -1; goto out; }
      struct ldent *de = (struct ldent *)(buf + off);
      off += de->d_reclen;
      const char *nm = de->d_name;
      if (nm[0] == '.' && (nm[1] == 0 || (nm[1] == '.' && nm[2] == 0))) continue;
      size_t nl = strlen(nm);
      if (plen + 1 + nl >= PATH_MAX * 4) { a->errors++; continue; }
      path[plen] = '/';
      memcpy(path + plen + 1, nm, nl + 1);
      size_t clen = plen + 1 + nl;
      struct stat st;
      if (fstatat(ufd, nm, &st, AT_SYMLINK_NOFOLLOW) < 0) { a->errors++; continue; }
      struct stat lst;
      int which = -1;
      int in_lower = !all_added && lower_lookup(lfds, a->nlowers, nm, &lst, &which);
      if (is_whiteout(&st)) {
        if (!in_lower) continue; /* a whiteout over nothing hides nothing */
        if (push(j, a, path, clen, K_DELETED, S_ISDIR(lst.st_mode), 0, lower_entry_bytes(j, lfds[which], nm, &lst)) < 0) { rc = -1; goto out; }
        continue;
      }
      if (!S_ISDIR(st.st_mode)) {
        uint64_t shadow = in_lower ? lower_entry_bytes(j, lfds[which], nm, &lst) : 0;
        if (push(j, a, path, clen, in_lower ? K_MODIFIED : K_ADDED, 0, (uint64_t)st.st_size, shadow) < 0) { rc = -1; goto out; }
        continue;
      }
      if (st.st_dev != a->upper_dev) continue; /* a mountpoint: not part of the layer */
      int cfd = openat(ufd, nm, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (cfd < 0) { a->errors++; continue; }
      int opaque = !all_added && fd_opaque(cfd);
      int lower_is_dir = in_lower && S_ISDIR(lst.st_mode);
      size_t at = a->n;
      if (!in_lower || all_added) {
        if (push(j, a, path, clen, K_ADDED, 1, 0, 0) < 0) { close(cfd); rc = -1; goto out; }
      } else if (opaque || !lower_is_dir) {
        /* an opaque dir hides the lower dir's whole subtree; a dir over a file replaces it */
        if (push(j, a, path, clen, opaque && lower_is_dir ? K_OPAQUE : K_MODIFIED, 1, 0, lower_entry_bytes(j, lfds[which], nm, &lst)) < 0) { close(cfd); rc = -1; goto out; }
      }
      int sub[MAX_LOWERS];
      int child_all_added = all_added || !in_lower || opaque || !lower_is_dir;
      for (int i = 0; i < a->nlowers; i++) {
        sub[i] = -1;
        if (child_all_added || lfds[i] < 0) continue;
        struct stat s2;
        if (fstatat(lfds[i], nm, &s2, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(s2.st_mode))
          sub[i] = openat(lfds[i], nm, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      }
      int r = diff_dir(j, a, cfd, path, clen, sub, child_all_added);
      for (int i = 0; i < a->nlowers; i++) if (sub[i] >= 0) close(sub[i]);
      close(cfd);
      if (r < 0) { rc = -1; goto out; }
      /* an added/opaque dir's bytes are what its subtree adds */
      if (at < a->n && a->v[at].is_dir && a->v[at].len == clen && (a->v[at].kind == K_ADDED || a->v[at].kind == K_OPAQUE || a->v[at].kind == K_MODIFIED)) {
        uint64_t sum = 0;
        for (size_t k = at + 1; k < a->n; k++) if (!a->v[k].is_dir && a->v[k].kind != K_DELETED) sum += a->v[k].bytes;
        a->v[at].bytes = sum;
      }
      path[clen] = 0;
    }
  }
out:
  path[plen] = 0;
  free(buf);
  return rc;
}

static void diff_run(job *j) {
  diff_args *a = j->data;
  int lfds[MAX_LOWERS];
  for (int i = 0; i < MAX_LOWERS; i++) lfds[i] = -1;
  int ufd = open(a->upper, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (ufd < 0) { job_fail(j, errno, "open upper '%s': %s", a->upper, strerror(errno)); return; }
  struct stat st;
  if (fstat(ufd, &st) < 0) { job_fail(j, errno, "fstat '%s': %s", a->upper, strerror(errno)); close(ufd); return; }
  a->upper_dev = st.st_dev;
  for (int i = 0; i < a->nlowers; i++) {
    lfds[i] = open(a->lowers[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (lfds[i] < 0) { job_fail(j, errno, "open lower '%s': %s", a->lowers[i], strerror(errno)); goto done; }
  }
  char *path = malloc(PATH_MAX * 4 + 2);
  if (!path) { job_fail(j, ENOMEM, "layerDiff: out of memory"); goto done; }
  path[0] = 0;
  /* an opaque upper root hides every lower */
  int r = diff_dir(j, a, ufd, path, 0, lfds, fd_opaque(ufd));
  free(path);
  if (r < 0 && !j->err) job_fail(j, ECANCELED, "layerDiff of '%s' cancelled", a->upper);
done:
  for (int i = 0; i < a->nlowers; i++) if (lfds[i] >= 0) close(lfds[i]);
  close(ufd);
}

static void diff_free(void *p) {
  diff_args *a = p;
  if (!a) return;
  free(a->upper);
  for (int i = 0; i < a->nlowers; i++) free(a->lowers[i]);
  free(a->lowers);
  for (size_t k = 0; k < a->n; k++) free(a->v[k].path);
  free(a->v);
  free(a);
}

static void put_num(napi_env env, napi_value o, const char *k, double v) {
  napi_value n;
  napi_create_double(env, v, &n);
  napi_set_named_property(env, o, k, n);
}

/* [{path: Buffer, kind: 0..3, isDir, bytes, shadowed}, ...], errors as a property of the array */
static napi_value diff_result(napi_env env, job *j) {
  diff_args *a = j->data;
  napi_value arr;
  napi_create_array_with_length(env, a->n, &arr);
  for (size_t k = 0; k < a->n; k++) {
    napi_value o, b, isdir;
    napi_create_object(env, &o);
    napi_create_buffer_copy(env, a->v[k].len, a->v[k].path, NULL, &b);
    napi_set_named_property(env, o, "path", b);
    put_num(env, o, "kind", a->v[k].kind);
    napi_get_boolean(env, a->v[k].is_dir, &isdir);
    napi_set_named_property(env, o, "isDir", isdir);
    put_num(env, o, "bytes", (double)a->v[k].bytes);
    put_num(env, o, "shadowed", (double)a->v[k].shadowed);
    napi_set_element(env, arr, (uint32_t)k, o);
  }
  put_num(env, arr, "errors", (double)a->errors);
  return arr;
}

static char *str_arg(napi_env env, napi_value v) {
  size_t len;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) return NULL;
  char *s = malloc(len + 1);
  if (!s) return NULL;
  napi_get_value_string_utf8(env, v, s, len + 1, &len);
  if (strlen(s) != len) { free(s); return NULL; }
  return s;
}

/* layerDiff(upper, lowers[]) -> [promise, handle] */
napi_value js_layer_diff(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2) {
    napi_throw_type_error(env, NULL, "layerDiff(upper, lowers)");
    return NULL;
  }
  diff_args *a = calloc(1, sizeof *a);
  if (!a) { napi_throw_error(env, "ENOMEM", "out of memory"); return NULL; }
  uint32_t nl = 0;
  bool is_arr = false;
  napi_is_array(env, argv[1], &is_arr);
  if (!is_arr || napi_get_array_length(env, argv[1], &nl) != napi_ok || nl < 1 || nl > MAX_LOWERS) {
    free(a);
    napi_throw_type_error(env, NULL, "layerDiff: lowers must be an array of 1..64 paths");
    return NULL;
  }
  a->upper = str_arg(env, argv[0]);
  a->lowers = calloc(nl, sizeof *a->lowers);
  if (!a->upper || !a->lowers) { diff_free(a); napi_throw_type_error(env, NULL, "layerDiff: upper must be a path without NUL"); return NULL; }
  for (uint32_t i = 0; i < nl; i++) {
    napi_value e;
    napi_get_element(env, argv[1], i, &e);
    a->lowers[i] = str_arg(env, e);
    a->nlowers = (int)i + 1;
    if (!a->lowers[i]) { diff_free(a); napi_throw_type_error(env, NULL, "layerDiff: each lower must be a path without NUL"); return NULL; }
  }
  return job_start(env, job_new(a, diff_run, diff_result, diff_free), NULL);
}
