/* The warm CLI worker's system calls (src/main/cli/warm/worker.ts; the client is warm_client.c):
 * a per-user SOCK_SEQPACKET socket, accepting one command with the caller's fds 0/1/2
 * (SCM_RIGHTS) and its uid checked (SO_PEERCRED), handing the listening socket to a successor
 * started with posix_spawn (no fork of a big Node heap), dup2, and replies. All synchronous:
 * the worker does nothing else while it waits. */
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define WARM_MAX_REQUEST (256 * 1024)

extern char **environ;

static void throw_errno(napi_env env, int e, const char *what) {
  char msg[512];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(e));
  napi_throw_error(env, NULL, msg);
}

static int get_int(napi_env env, napi_value v) {
  int32_t n = -1;
  napi_get_value_int32(env, v, &n);
  return n;
}

static napi_value num(napi_env env, double d) {
  napi_value v;
  napi_create_double(env, d, &v);
  return v;
}

/* warmListen(dir) -> {fd, ino} | null: binds dir/cli-warm.sock under dir/cli-warm.lock, unless a
 * worker already answers there (null). A stale socket file (nobody listening) is replaced. */
static napi_value js_warm_listen(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char *dir = argc ? arg_cstring(env, argv[0], 0, NULL) : NULL;
  if (!dir) { napi_throw_type_error(env, NULL, "warmListen(dir)"); return NULL; }
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  char lock_path[sizeof addr.sun_path + 16];
  if ((size_t)snprintf(addr.sun_path, sizeof addr.sun_path, "%s/cli-warm.sock", dir) >= sizeof addr.sun_path) {
    free(dir);
    napi_throw_error(env, NULL, "warm socket path too long");
    return NULL;
  }
  snprintf(lock_path, sizeof lock_path, "%s/cli-warm.lock", dir);
  free(dir);
  int lock = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (lock < 0 || flock(lock, LOCK_EX) < 0) {
    int e = errno;
    if (lock >= 0) close(lock);
    throw_errno(env, e, lock_path);
    return NULL;
  }
  napi_value result = NULL;
  int probe = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (probe >= 0 && connect(probe, (struct sockaddr *)&addr, sizeof addr) == 0) {
    close(probe);
    close(lock);
    napi_get_null(env, &result);
    return result; /* another worker serves */
  }
  if (probe >= 0) close(probe);
  unlink(addr.sun_path);
  int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0); /* no CLOEXEC: the successor inherits it */
  struct stat st;
  if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || chmod(addr.sun_path, 0600) < 0 ||
      listen(fd, 64) < 0 || stat(addr.sun_path, &st) < 0) {
    int e = errno;
    if (fd >= 0) close(fd);
    close(lock);
    throw_errno(env, e, addr.sun_path);
    return NULL;
  }
  close(lock);
  napi_create_object(env, &result);
  napi_set_named_property(env, result, "fd", num(env, fd));
  napi_set_named_property(env, result, "ino", num(env, (double)st.st_ino));
  return result;
}

/* warmUnlink(dir, ino): removes dir/cli-warm.sock if it is still the socket this chain bound. */
static napi_value js_warm_unlink(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char *dir = argc > 1 ? arg_cstring(env, argv[0], 0, NULL) : NULL;
  if (!dir) { napi_throw_type_error(env, NULL, "warmUnlink(dir, ino)"); return NULL; }
  double ino = 0;
  napi_get_value_double(env, argv[1], &ino);
  char path[4200], lock_path[4200];
  snprintf(path, sizeof path, "%s/cli-warm.sock", dir);
  snprintf(lock_path, sizeof lock_path, "%s/cli-warm.lock", dir);
  free(dir);
  int lock = open(lock_path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
  if (lock >= 0) flock(lock, LOCK_EX);
  struct stat st;
  if (lstat(path, &st) == 0 && (double)st.st_ino == ino) unlink(path);
  if (lock >= 0) close(lock);
  return NULL;
}

/* warmAccept(listenFd, timeoutMs) -> null on timeout | {conn, fds: [in, out, err], uid, payload}.
 * A peer of another uid, or a request without exactly three fds, is dropped and waited past. */
static napi_value js_warm_accept(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int lfd = argc > 0 ? get_int(env, argv[0]) : -1;
  int timeout = argc > 1 ? get_int(env, argv[1]) : -1;
  napi_value result;
  for (;;) {
    struct pollfd p = {.fd = lfd, .events = POLLIN};
    int n = poll(&p, 1, timeout);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) { throw_errno(env, errno, "poll"); return NULL; }
    if (n == 0) { napi_get_null(env, &result); return result; }
    int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    if (c < 0) {
      if (errno == EINTR || errno == ECONNABORTED || errno == EAGAIN) continue;
      throw_errno(env, errno, "accept");
      return NULL;
    }
    struct ucred cred;
    socklen_t cl = sizeof cred;
    if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &cl) < 0 || cred.uid != geteuid()) {
      close(c); /* never serve another user */
      continue;
    }
    char *buf = malloc(WARM_MAX_REQUEST);
    union { struct cmsghdr h; char b[CMSG_SPACE(3 * sizeof(int))]; } ctl;
    struct iovec iov = {.iov_base = buf, .iov_len = WARM_MAX_REQUEST};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b, .msg_controllen = sizeof ctl.b};
    ssize_t got;
    do {
      got = buf ? recvmsg(c, &m, MSG_CMSG_CLOEXEC) : -1;
    } while (got < 0 && errno == EINTR);
    int fds[3] = {-1, -1, -1}, nfds = 0;
    for (struct cmsghdr *h = got >= 0 ? CMSG_FIRSTHDR(&m) : NULL; h; h = CMSG_NXTHDR(&m, h)) {
      if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS) {
        int k = (int)((h->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        int *in = (int *)CMSG_DATA(h);
        for (int i = 0; i < k; i++) {
          if (nfds < 3) fds[nfds++] = in[i];
          else close(in[i]);
        }
      }
    }
    if (got <= 0 || nfds != 3 || (m.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
      for (int i = 0; i < nfds; i++) close(fds[i]);
      free(buf);
      close(c);
      continue;
    }
    napi_value payload, arr;
    napi_create_string_utf8(env, buf, (size_t)got, &payload); /* NUL-separated fields */
    free(buf);
    napi_create_array_with_length(env, 3, &arr);
    for (uint32_t i = 0; i < 3; i++) napi_set_element(env, arr, i, num(env, fds[i]));
    napi_create_object(env, &result);
    napi_set_named_property(env, result, "conn", num(env, c));
    napi_set_named_property(env, result, "fds", arr);
    napi_set_named_property(env, result, "uid", num(env, cred.uid));
    napi_set_named_property(env, result, "payload", payload);
    return result;
  }
}

/* warmPending(listenFd) -> true when a client already waits (a successor then skips its warm-up). */
static napi_value js_warm_pending(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], result;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  struct pollfd p = {.fd = argc ? get_int(env, argv[0]) : -1, .events = POLLIN};
  napi_get_boolean(env, poll(&p, 1, 0) > 0, &result);
  return result;
}

/* warmSend(fd, text): one packet to the client; false when it went away. */
static napi_value js_warm_send(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], result;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int fd = argc > 1 ? get_int(env, argv[0]) : -1;
  char *text = argc > 1 ? arg_cstring(env, argv[1], 0, NULL) : NULL;
  ssize_t n = -1;
  if (text) {
    do n = send(fd, text, strlen(text), MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
  }
  free(text);
  napi_get_boolean(env, n >= 0, &result);
  return result;
}

/* dup2Fd(from, to), closeFd(fd) */
static napi_value js_dup2(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2 || dup2(get_int(env, argv[0]), get_int(env, argv[1])) < 0) throw_errno(env, errno, "dup2");
  return NULL;
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc) close(get_int(env, argv[0]));
  return NULL;
}

/* releaseStdio(): fds 0, 1 and 2 onto /dev/null (the caller's are let go). */
static napi_value js_release_stdio(napi_env env, napi_callback_info info) {
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null >= 0) {
    for (int i = 0; i < 3; i++) dup2(null, i);
    close(null);
  }
  return NULL;
}

/* spawnSuccessor(file, argv[], listenFd) -> {pid, hold}: a new worker in its own session, its
 * stdio on /dev/null and the listening socket as its fd 3; nobody waits for it (it outlives
 * this one). It is held before Node starts (a shell waits on a pipe, fd 4) until `hold` is
 * closed or this process ends: so its start-up does not take the CPU from the command that
 * runs now, and the caller closes `hold` when that command runs long. */
static napi_value js_spawn_successor(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char *file = argc > 2 ? arg_cstring(env, argv[0], 0, NULL) : NULL;
  uint32_t n = 0;
  if (!file || napi_get_array_length(env, argv[1], &n) != napi_ok) {
    free(file);
    napi_throw_type_error(env, NULL, "spawnSuccessor(file, argv, listenFd)");
    return NULL;
  }
  free(file); /* the shell execs argv[0] */
  int lfd = get_int(env, argv[2]);
  int hold[2];
  if (pipe2(hold, O_CLOEXEC) < 0) { throw_errno(env, errno, "pipe2"); return NULL; }
  const char *prefix[] = {"/bin/sh", "-c", "read -r _ <&4; exec \"$@\" 4<&-", "sh"};
  size_t np = sizeof prefix / sizeof *prefix;
  char **args = calloc(np + n + 1, sizeof *args);
  for (size_t i = 0; i < np; i++) args[i] = strdup(prefix[i]);
  for (uint32_t i = 0; i < n; i++) {
    napi_value e;
    napi_get_element(env, argv[1], i, &e);
    args[np + i] = arg_cstring(env, e, 0, NULL);
  }
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t at;
  posix_spawn_file_actions_init(&fa);
  posix_spawnattr_init(&at);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDWR, 0);
  posix_spawn_file_actions_adddup2(&fa, 0, 1);
  posix_spawn_file_actions_adddup2(&fa, 0, 2);
  posix_spawn_file_actions_adddup2(&fa, lfd, 3);
  posix_spawn_file_actions_adddup2(&fa, hold[0], 4);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&at, &none);
  posix_spawnattr_setsigdefault(&at, &all);
  posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, "/bin/sh", &fa, &at, args, environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&at);
  for (size_t i = 0; i < np + n; i++) free(args[i]);
  free(args);
  close(hold[0]);
  if (rc != 0) {
    close(hold[1]);
    throw_errno(env, rc, "posix_spawn");
    return NULL;
  }
  napi_value result;
  napi_create_object(env, &result);
  napi_set_named_property(env, result, "pid", num(env, pid));
  napi_set_named_property(env, result, "hold", num(env, hold[1]));
  return result;
}

/* exitNow(code): ends the process at once with _exit. The CLI calls it once everything it
 * printed is written (its writes are synchronous on Linux: files, pipes and terminals),
 * skipping Node's teardown of its heap and platform threads, which takes tens of ms. */
static napi_value js_exit_now(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int code = argc > 0 ? get_int(env, argv[0]) : 70;
  _exit(code & 0xff);
}

/* The kept listing's change feed (src/main/cli/warm/kept-listing.ts): plain inotify, read
 * without blocking at command time. keepWatchOpen() -> fd; keepWatchAdd(fd, path) -> wd, or
 * -errno (ENOTDIR, ENOENT: the caller decides); keepWatchDrain(fd) -> {overflow, wds}: every
 * watch with an event since the last drain (IN_IGNORED included: a watch that went is a
 * change), and whether the queue overflowed (then events were lost: everything is read again). */
#define KEEP_MASK (IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF)

static napi_value js_keep_watch_open(napi_env env, napi_callback_info info) {
  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) { throw_errno(env, errno, "inotify_init1"); return NULL; }
  return num(env, fd);
}

static napi_value js_keep_watch_add(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char *path = argc > 1 ? arg_cstring(env, argv[1], 0, NULL) : NULL;
  if (!path) { napi_throw_type_error(env, NULL, "keepWatchAdd(fd, path)"); return NULL; }
  int wd = inotify_add_watch(get_int(env, argv[0]), path, KEEP_MASK);
  int e = errno;
  free(path);
  return num(env, wd < 0 ? -e : wd);
}

static napi_value js_keep_watch_drain(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], wds, result;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int fd = argc ? get_int(env, argv[0]) : -1;
  napi_create_array(env, &wds);
  uint32_t n = 0;
  int overflow = 0;
  char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
  for (;;) {
    ssize_t got = read(fd, buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && errno == EAGAIN) break;
    if (got <= 0) { overflow = 1; break; } /* a feed that cannot be read vouches for nothing */
    for (char *p = buf; p < buf + got;) {
      struct inotify_event *ev = (struct inotify_event *)p;
      if (ev->mask & IN_Q_OVERFLOW) overflow = 1;
      else napi_set_element(env, wds, n++, num(env, ev->wd));
      p += sizeof *ev + ev->len;
    }
  }
  napi_value flag;
  napi_get_boolean(env, overflow, &flag);
  napi_create_object(env, &result);
  napi_set_named_property(env, result, "overflow", flag);
  napi_set_named_property(env, result, "wds", wds);
  return result;
}

void warm_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"warmListen", NULL, js_warm_listen, NULL, NULL, NULL, napi_enumerable, NULL},
      {"warmUnlink", NULL, js_warm_unlink, NULL, NULL, NULL, napi_enumerable, NULL},
      {"warmAccept", NULL, js_warm_accept, NULL, NULL, NULL, napi_enumerable, NULL},
      {"warmPending", NULL, js_warm_pending, NULL, NULL, NULL, napi_enumerable, NULL},
      {"warmSend", NULL, js_warm_send, NULL, NULL, NULL, napi_enumerable, NULL},
      {"dup2Fd", NULL, js_dup2, NULL, NULL, NULL, napi_enumerable, NULL},
      {"releaseStdio", NULL, js_release_stdio, NULL, NULL, NULL, napi_enumerable, NULL},
      {"closeFd", NULL, js_close, NULL, NULL, NULL, napi_enumerable, NULL},
      {"spawnSuccessor", NULL, js_spawn_successor, NULL, NULL, NULL, napi_enumerable, NULL},
      {"exitNow", NULL, js_exit_now, NULL, NULL, NULL, napi_enumerable, NULL},
      {"keepWatchOpen", NULL, js_keep_watch_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"keepWatchAdd", NULL, js_keep_watch_add, NULL, NULL, NULL, napi_enumerable, NULL},
      {"keepWatchDrain", NULL, js_keep_watch_drain, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
