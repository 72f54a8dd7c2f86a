/* `strata`, the command users run: a small client that hands the command to a warm Node worker
 * (src/main/cli/warm/worker.ts) waiting on a per-user socket, so that a command does not pay
 * Node's start-up and module loading. The worker runs the command in its own fresh process
 * (it starts its successor first) with this process's argv, environment, cwd, umask and fds
 * 0/1/2, and sends back the exit status. Signals (Ctrl-C) are forwarded to it.
 *
 * Anything else runs the plain Node CLI: STRATA_WARM=0, no socket directory of ours (0700,
 * our uid), no worker (one is then started in the background for next time), a worker of
 * another uid, a request too large, or a worker that says "run it yourself" (commands that need
 * the caller's terminal, session or cgroup; a stale build). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROTOCOL "strata-warm 1"
#define MAX_REQUEST (256 * 1024)

extern char **environ;

static char root[PATH_MAX + 8]; /* the package: <root>/out/cli, <root>/bin */
static int installed;         /* <exe dir>/strata.js beside us: the Debian layout */
static char **args;

/* Finds the package from where this program is: <root>/bin/strata (installed, strata.js
 * beside it) or <root>/build/Release/strata (a source checkout). */
static int find_root(void) {
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return -1;
  exe[n] = 0;
  char *slash = strrchr(exe, '/');
  if (!slash) return -1;
  *slash = 0;
  char probe[PATH_MAX + 16];
  snprintf(probe, sizeof probe, "%s/strata.js", exe);
  installed = access(probe, R_OK) == 0;
  snprintf(root, sizeof root, "%s/%s", exe, installed ? ".." : "../..");
  return 0;
}

static void drop_ca_certs(void) {
  /* Node parses that bundle at start (bin/strata says why it is dropped) */
  unsetenv("NODE_EXTRA_CA_CERTS");
}

/* The plain Node CLI, as bin/strata (or the package's strata.js) runs it. */
static void exec_plain(void) {
  drop_ca_certs();
  char script[PATH_MAX + 32];
  int argc = 0;
  while (args[argc]) argc++;
  char **argv = calloc((size_t)argc + 3, sizeof *argv);
  if (!argv) _exit(70);
  if (installed) {
    snprintf(script, sizeof script, "%s/bin/strata.js", root);
    argv[0] = "/usr/bin/node";
    argv[1] = script;
    for (int i = 1; i < argc; i++) argv[i + 1] = args[i];
    execv(argv[0], argv);
  } else {
    snprintf(script, sizeof script, "%s/bin/strata", root);
    argv[0] = "node";
    argv[1] = script;
    for (int i = 1; i < argc; i++) argv[i + 1] = args[i];
    execvp(argv[0], argv);
  }
  fprintf(stderr, "strata: cannot run node: %s\n", strerror(errno));
  _exit(70);
}

/* The directory of the socket, if it is ours alone: root's /run/strata, a user's
 * $XDG_RUNTIME_DIR/strata (STRATA_WARM_DIR for tests); made 0700 when missing. */
static int socket_dir(char *dir, size_t size) {
  const char *env = getenv("STRATA_WARM_DIR");
  const char *xdg = getenv("XDG_RUNTIME_DIR");
  if (env && *env) snprintf(dir, size, "%s", env);
  else if (geteuid() == 0) snprintf(dir, size, "/run/strata");
  else if (xdg && *xdg == '/') snprintf(dir, size, "%s/strata", xdg);
  else return -1;
  mkdir(dir, 0700);
  struct stat st;
  if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077)) return -1;
  return 0;
}

/* A worker for next time, detached (its own session, stdio on /dev/null); this command runs plain. */
static void start_worker(const char *dir) {
  pid_t p = fork();
  if (p < 0) return;
  if (p > 0) {
    waitpid(p, NULL, 0);
    return;
  }
  if (fork() != 0) _exit(0);
  setsid();
  int null = open("/dev/null", O_RDWR);
  if (null >= 0) {
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
    if (null > 2) close(null);
  }
  drop_ca_certs();
  char worker[PATH_MAX + 32];
  snprintf(worker, sizeof worker, "%s/out/cli/warm-worker.cjs", root);
  char *argv[] = {installed ? "/usr/bin/node" : "node", worker, "--dir", (char *)dir, NULL};
  execvp(argv[0], argv);
  _exit(127);
}

static volatile sig_atomic_t pending[65];
static void on_signal(int s) { pending[s] = 1; }

/* cwd, umask, argv and environment as NUL-terminated fields: the protocol line first. */
static size_t build_request(char *buf, size_t size) {
  size_t at = 0;
#define PUT(s)                                  \
  do {                                          \
    size_t l_ = strlen(s) + 1;                  \
    if (at + l_ > size) return 0;               \
    memcpy(buf + at, (s), l_);                  \
    at += l_;                                   \
  } while (0)
  char cwd[PATH_MAX], num[32];
  if (!getcwd(cwd, sizeof cwd)) return 0;
  mode_t mask = umask(022);
  umask(mask);
  PUT(PROTOCOL);
  PUT(cwd);
  snprintf(num, sizeof num, "%o", (unsigned)mask);
  PUT(num);
  int argc = 0;
  while (args[argc]) argc++;
  snprintf(num, sizeof num, "%d", argc - 1);
  PUT(num);
  for (int i = 1; i < argc; i++) PUT(args[i]);
  for (char **e = environ; *e; e++) PUT(*e);
  return at;
#undef PUT
}

int main(int argc, char **argv) {
  (void)argc;
  args = argv;
  if (find_root() < 0) {
    fprintf(stderr, "strata: cannot find its own package\n");
    return 70;
  }
  const char *warm = getenv("STRATA_WARM");
  if (warm && strcmp(warm, "0") == 0) exec_plain();
  char dir[PATH_MAX];
  if (socket_dir(dir, sizeof dir - 32) < 0) exec_plain();
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if ((size_t)snprintf(addr.sun_path, sizeof addr.sun_path, "%s/cli-warm.sock", dir) >= sizeof addr.sun_path) exec_plain();
  int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (s < 0) exec_plain();
  if (connect(s, (struct sockaddr *)&addr, sizeof addr) < 0) {
    close(s);
    int stopping = argv[1] && argv[2] && !argv[3] && strcmp(argv[1], "warm") == 0 && strcmp(argv[2], "stop") == 0;
    if (!stopping) start_worker(dir);
    exec_plain();
  }
  struct ucred cred;
  socklen_t cl = sizeof cred;
  if (getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cred, &cl) < 0 || cred.uid != geteuid()) exec_plain();

  /* signals that arrive from here on are kept and forwarded once the worker runs the command */
  struct sigaction sa = {.sa_handler = on_signal};
  sigemptyset(&sa.sa_mask);
  int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
  for (size_t i = 0; i < sizeof forwarded / sizeof *forwarded; i++) sigaction(forwarded[i], &sa, NULL);

  char *req = malloc(MAX_REQUEST);
  size_t len = req ? build_request(req, MAX_REQUEST) : 0;
  if (!len) exec_plain();
  int fds[3] = {0, 1, 2};
  union { struct cmsghdr h; char b[CMSG_SPACE(sizeof fds)]; } ctl;
  memset(&ctl, 0, sizeof ctl);
  struct iovec iov = {.iov_base = req, .iov_len = len};
  struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b, .msg_controllen = sizeof ctl.b};
  struct cmsghdr *h = CMSG_FIRSTHDR(&m);
  h->cmsg_level = SOL_SOCKET;
  h->cmsg_type = SCM_RIGHTS;
  h->cmsg_len = CMSG_LEN(sizeof fds);
  memcpy(CMSG_DATA(h), fds, sizeof fds);
  ssize_t sent;
  do sent = sendmsg(s, &m, MSG_NOSIGNAL);
  while (sent < 0 && errno == EINTR);
  free(req);
  if (sent < 0) exec_plain(); /* e.g. EMSGSIZE, or the worker went away */

  pid_t worker = 0;
  int last_signal = 0;
  for (;;) {
    char reply[64];
    ssize_t n = recv(s, reply, sizeof reply - 1, 0);
    if (worker > 0) {
      for (int i = 1; i < 65; i++) {
        if (!pending[i]) continue;
        pending[i] = 0;
        last_signal = i;
        kill(worker, i);
      }
    }
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    reply[n] = 0;
    /* P: run it yourself; Q: and start a new worker, this one is of another build and ends */
    if ((reply[0] == 'P' || reply[0] == 'Q') && worker == 0) {
      close(s);
      if (reply[0] == 'Q') start_worker(dir);
      /* what arrived before the command began is this process's own again */
      for (size_t i = 0; i < sizeof forwarded / sizeof *forwarded; i++) signal(forwarded[i], SIG_DFL);
      for (int i = 1; i < 65; i++) if (pending[i]) raise(i);
      exec_plain();
    }
    if (reply[0] == 'S') {
      worker = (pid_t)atoi(reply + 1);
      for (int i = 1; i < 65; i++) {
        if (!pending[i]) continue;
        pending[i] = 0;
        last_signal = i;
        kill(worker, i);
      }
    }
    if (reply[0] == 'X') return atoi(reply + 1) & 0xff;
  }
  /* the worker ended without a status: before the command began, run it plain; after, say so */
  if (worker == 0) {
    for (size_t i = 0; i < sizeof forwarded / sizeof *forwarded; i++) signal(forwarded[i], SIG_DFL);
    exec_plain();
  }
  if (last_signal) return 128 + last_signal;
  fprintf(stderr, "strata: the command's process ended without an exit status\n");
  return 70;
}
