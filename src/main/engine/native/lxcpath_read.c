/* readContainerDirs(lxcpath): the raw material of an lxcpath listing in one synchronous call.
 * For every entry of the lxcpath that is a directory holding a `config` (LXC's definition of
 * a defined container; names starting with '.' skipped, as lxc-ls does), it returns the
 * config's bytes, the bookkeeping files' text, and whether `partial` and `snaps` exist.
 * Directory-relative syscalls and no per-file JS round trip: listing 500 containers from
 * Node cost ~15 us a file through readFileSync in a cold process, a few here.
 * Synchronous on purpose: it runs once at CLI start-up, where a thread hand-off costs more. */
#include "common.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_BOOKKEEPING (1 << 20) /* lxc_snapshots of a huge lineage still fits */
#define MAX_CONFIG (64 << 20)

/* Reads a whole file below dirfd into a malloc'd, NUL-terminated buffer, or NULL with errno.
 * No fstat: a short read of a regular file means end of file, so a small file costs exactly
 * open + read + close (syscalls are what a listing spends its time on). */
static char *read_at(int dirfd, const char *name, size_t limit, size_t *len) {
  int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return NULL;
  size_t cap = 16384, n = 0;
  char *buf = malloc(cap + 1);
  if (!buf) { close(fd); errno = ENOMEM; return NULL; }
  for (;;) {
    ssize_t r = read(fd, buf + n, cap - n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) { int e = errno; free(buf); close(fd); errno = e; return NULL; } /* EISDIR for a directory */
    n += (size_t)r;
    if (n < cap) break;
    if (cap > limit) { free(buf); close(fd); errno = EFBIG; return NULL; }
    char *bigger = realloc(buf, cap * 2 + 1);
    if (!bigger) { free(buf); close(fd); errno = ENOMEM; return NULL; }
    buf = bigger;
    cap *= 2;
  }
  close(fd);
  buf[n] = 0;
  *len = n;
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

/* obj[key] = the file's text, or null when absent; a file that exists but cannot be read
 * also gets obj[key + "Error"] = its errno name, rather than passing for absent. */
static void set_text(napi_env env, napi_value obj, const char *key, int dirfd, const char *name) {
  size_t len = 0;
  char *text = dirfd < 0 ? NULL : read_at(dirfd, name, MAX_BOOKKEEPING, &len);
  int err = text ? 0 : dirfd < 0 ? ENOENT : errno;
  napi_value v;
  if (text) {
    napi_create_string_utf8(env, text, len, &v);
    free(text);
  } else {
    napi_get_null(env, &v);
  }
  napi_set_named_property(env, obj, key, v);
  if (err && err != ENOENT) {
    char errkey[64];
    snprintf(errkey, sizeof errkey, "%sError", key);
    napi_create_string_utf8(env, errname(err), NAPI_AUTO_LENGTH, &v);
    napi_set_named_property(env, obj, errkey, v);
  }
}

napi_value js_read_container_dirs(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) {
    napi_throw_type_error(env, NULL, "readContainerDirs(lxcpath)");
    return NULL;
  }
  char path[4096];
  size_t plen = 0;
  if (napi_get_value_string_utf8(env, argv[0], path, sizeof path, &plen) != napi_ok || plen >= sizeof path - 1) {
    napi_throw_type_error(env, NULL, "readContainerDirs: lxcpath must be a string shorter than 4096 bytes");
    return NULL;
  }
  int pfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (pfd < 0) return throw_errno(env, errno, path);
  DIR *dir = fdopendir(pfd);
  if (!dir) { int e = errno; close(pfd); return throw_errno(env, e, path); }

  napi_value list;
  napi_create_array(env, &list);
  uint32_t count = 0;
  struct dirent *de;
  errno = 0;
  while ((de = readdir(dir)) != NULL) {
    if (de->d_name[0] == '.') continue;
    if (de->d_type != DT_DIR && de->d_type != DT_LNK && de->d_type != DT_UNKNOWN) continue;
    /* LXC follows a symlinked container directory, so this open does too. One readdir says
     * which files exist, so no open is spent on a file that is not there. */
    int cfd = openat(pfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cfd < 0) continue;
    DIR *cdir = fdopendir(cfd);
    if (!cdir) { close(cfd); continue; }
    int has_config = 0, has_rdepends = 0, has_snapshots = 0, has_partial = 0, has_snaps = 0;
    for (struct dirent *ce; (ce = readdir(cdir)) != NULL;) {
      const char *n = ce->d_name;
      if (n[0] == 'c' && strcmp(n, "config") == 0) has_config = 1;
      else if (n[0] == 'l' && strcmp(n, "lxc_rdepends") == 0) has_rdepends = 1;
      else if (n[0] == 'l' && strcmp(n, "lxc_snapshots") == 0) has_snapshots = 1;
      else if (n[0] == 'p' && strcmp(n, "partial") == 0) has_partial = 1;
      else if (n[0] == 's' && strcmp(n, "snaps") == 0) has_snaps = 1;
    }
    if (!has_config) { closedir(cdir); continue; }
    size_t clen = 0;
    char *config = read_at(cfd, "config", MAX_CONFIG, &clen);
    int config_errno = config ? 0 : errno;

    napi_value obj, v;
    napi_create_object(env, &obj);
    napi_create_string_utf8(env, de->d_name, NAPI_AUTO_LENGTH, &v);
    napi_set_named_property(env, obj, "name", v);
    if (config) {
      napi_create_buffer_copy(env, clen, config, NULL, &v);
      free(config);
    } else {
      napi_get_null(env, &v);
    }
    napi_set_named_property(env, obj, "config", v);
    if (config_errno) {
      napi_create_string_utf8(env, errname(config_errno), NAPI_AUTO_LENGTH, &v);
      napi_set_named_property(env, obj, "configError", v);
    }
    set_text(env, obj, "rdepends", has_rdepends ? cfd : -1, "lxc_rdepends");
    set_text(env, obj, "snapshots", has_snapshots ? cfd : -1, "lxc_snapshots");
    napi_get_boolean(env, has_partial, &v);
    napi_set_named_property(env, obj, "partial", v);
    napi_get_boolean(env, has_snaps, &v);
    napi_set_named_property(env, obj, "snaps", v);
    closedir(cdir);
    napi_set_element(env, list, count++, obj);
    errno = 0;
  }
  int e = errno;
  closedir(dir);
  if (e) return throw_errno(env, e, path);
  return list;
}
