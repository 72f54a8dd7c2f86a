/* Small synchronous writes inside a container tree that never leave it: the root is opened
 * once, and the path below it is resolved with openat2(RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS|
 * RESOLVE_NO_XDEV) (or component by component with O_NOFOLLOW on old kernels, see
 * open_beneath in walk.c). Used for /etc/hostname on clone: LXC 5.0.2 writes through an
 * etc/hostname symlink onto the host's file; this cannot.
 * Also renameat2(RENAME_EXCHANGE), which node:fs lacks, for swapping a restored container in. */
#include "beneath.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static napi_value throw_errno(napi_env env, int err, const char *what, const char *path) {
  char msg[1200];
  snprintf(msg, sizeof msg, "%s %s: %s", what, path, strerror(err));
  napi_value code, text, error;
  napi_create_string_utf8(env, errname(err), NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &text);
  napi_create_error(env, code, text, &error);
  napi_set_named_property(env, error, "code", code);
  napi_throw(env, error);
  return NULL;
}

static int get_string(napi_env env, napi_value v, char *buf, size_t len) {
  size_t got = 0;
  if (napi_get_value_string_utf8(env, v, buf, len, &got) != napi_ok) return -1;
  return got + 1 >= len ? -1 : 0;
}

/* writeFileBeneath(root, rel, data: Buffer, createMode: number (-1 = must exist), uid, gid)
 * Truncates and writes rel below root. With createMode >= 0 a missing file is created with
 * that mode and owner uid:gid (-1 keeps ours). Fails with ELOOP/EXDEV when a component is a
 * symlink or leaves root, and EINVAL when the target is not a regular file. */
napi_value js_write_file_beneath(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 6) {
    napi_throw_type_error(env, NULL, "writeFileBeneath(root, rel, data, createMode, uid, gid)");
    return NULL;
  }
  char root[4096], rel[4096];
  if (get_string(env, argv[0], root, sizeof root) || get_string(env, argv[1], rel, sizeof rel)) {
    napi_throw_type_error(env, NULL, "writeFileBeneath: root and rel must be strings shorter than PATH_MAX");
    return NULL;
  }
  void *data = NULL;
  size_t len = 0;
  if (napi_get_buffer_info(env, argv[2], &data, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "writeFileBeneath: data must be a Buffer");
    return NULL;
  }
  int32_t mode = -1, uid = -1, gid = -1;
  napi_get_value_int32(env, argv[3], &mode);
  napi_get_value_int32(env, argv[4], &uid);
  napi_get_value_int32(env, argv[5], &gid);
  while (rel[0] == '/') memmove(rel, rel + 1, strlen(rel));

  int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (rootfd < 0) return throw_errno(env, errno, "open", root);
  int flags = O_WRONLY | O_NONBLOCK;
  int fd = open_beneath(rootfd, rel, flags);
  if (fd < 0 && errno == ENOENT && mode >= 0) {
    fd = open_beneath(rootfd, rel, flags | O_CREAT | O_EXCL);
    if (fd >= 0) {
      if (fchmod(fd, (mode_t)mode) < 0 || ((uid >= 0 || gid >= 0) && fchown(fd, (uid_t)uid, (gid_t)gid) < 0)) {
        int e = errno;
        close(fd);
        close(rootfd);
        return throw_errno(env, e, "set owner/mode of", rel);
      }
    }
  }
  int e = errno;
  close(rootfd);
  if (fd < 0) return throw_errno(env, e, "open (no symlinks, inside root)", rel);
  struct stat st;
  if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return throw_errno(env, EINVAL, "not a regular file:", rel);
  }
  if (ftruncate(fd, 0) < 0) { e = errno; close(fd); return throw_errno(env, e, "truncate", rel); }
  const char *p = data;
  size_t left = len;
  while (left > 0) {
    ssize_t n = write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      e = errno;
      close(fd);
      return throw_errno(env, e, "write", rel);
    }
    p += n;
    left -= (size_t)n;
  }
  if (close(fd) < 0) return throw_errno(env, errno, "close", rel);
  return NULL;
}

/* exchangePaths(a, b): renameat2(a, b, RENAME_EXCHANGE), both must exist on one filesystem. */
napi_value js_exchange_paths(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  char a[4096], b[4096];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 ||
      get_string(env, argv[0], a, sizeof a) || get_string(env, argv[1], b, sizeof b)) {
    napi_throw_type_error(env, NULL, "exchangePaths(a, b)");
    return NULL;
  }
  if (syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) < 0) return throw_errno(env, errno, "exchange with " , a);
  return NULL;
}
