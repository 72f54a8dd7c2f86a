/* Shared declarations for the strata_native addon.
 * Threading model: every operation is a "job" run on its own pthreads (never on the
 * libuv pool, so a long copy or a blocked lock wait cannot starve node:fs). Jobs talk
 * back to JS only through one napi_threadsafe_function (progress + completion). */
#ifndef STRATA_NATIVE_COMMON_H
#define STRATA_NATIVE_COMMON_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include <node_api.h>

#define ERRMSG_MAX 1024

typedef struct job job;

typedef void (*job_run_fn)(job *j);
/* Builds the resolve value on the JS thread. */
typedef napi_value (*job_result_fn)(napi_env env, job *j);
typedef void (*job_free_fn)(void *data);

struct job {
  napi_threadsafe_function tsfn;
  napi_deferred deferred;
  int refs;                 /* worker + tsfn finalizer + JS cancel handle */
  volatile int cancel;      /* set by cancel(handle) or env teardown; checked between entries */
  int err;                  /* first errno, 0 = ok; ECANCELED for a cancel */
  char errmsg[ERRMSG_MAX];
  int err_set;              /* guarded by errlock */
  void *errlock;            /* pthread_mutex_t* */
  int has_progress;
  int64_t last_progress_ns; /* throttle progress events */
  void *data;
  job_run_fn run;
  job_result_fn result;
  job_free_fn free_data;
};

/* Records the first error only; later ones (usually consequences) are dropped.
 * Also raises the cancel flag so that other threads stop early. */
void job_fail(job *j, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static inline int job_cancelled(job *j) { return __atomic_load_n(&j->cancel, __ATOMIC_RELAXED); }
/* Non-blocking: drops the event when the queue is full or the last one was < 50 ms ago. */
void job_progress(job *j, uint64_t files, uint64_t bytes);

/* addon.c: job lifecycle, for operations defined in other files */
job *job_new(void *data, job_run_fn run, job_result_fn result, job_free_fn free_data);
/* Starts j and returns [promise, handle]; takes ownership of j (NULL: throws ENOMEM). */
napi_value job_start(napi_env env, job *j, napi_value progress_cb);

/* diff.c */
napi_value js_layer_diff(napi_env env, napi_callback_info info);

/* walk.c */
typedef struct {
  char *src, *dst;
  int threads;
  /* the user accepted losing what the destination cannot keep: an xattr the destination's
   * filesystem does not support (ENOTSUP) is counted in dropped_xattrs instead of failing the copy */
  int drop_unsupported_xattrs;
  /* results */
  uint64_t files, bytes, dirs, symlinks, hardlinks, specials, skipped_mounts, dropped_xattrs;
} copy_args;
void copy_run(job *j);

/* One directory's times, for base-drift checks: its own ctime and the newest ctime among its
 * other entries (ns since the epoch). */
typedef struct {
  char *rel; /* relative to the root, "" for the root */
  int64_t ctime_ns, newest_ns;
} dir_times;

typedef struct {
  dir_times *items;
  size_t n, cap;
} dir_times_list;

typedef struct {
  char *root;
  int threads;
  int xattrs;
  int want_dir_times;
  int shared; /* count the bytes of extents shared with other files (FIEMAP_EXTENT_SHARED) */
  uint64_t shared_bytes;
  uint64_t apparent, allocated, files, dirs, symlinks, specials, hardlinked, whiteouts, opaque, errors,
      skipped_mounts;
  dir_times_list times;
} scan_args;
void dir_times_free(dir_times_list *l);
void scan_run(job *j);

typedef struct {
  char *path;
  /* optional: a marker file that must be in the directory (a regular file of this user or root)
   * and is removed last, after everything else in it */
  char *keep;
} remove_args;
void remove_run(job *j);

/* Open a path below root without following any symlink and without leaving the mount. */
int open_beneath(int rootfd, const char *rel, int flags);
/* Copy all xattrs from (sfd|sdir+name) to (dfd|ddir+name); fd-based when fds >= 0. */
/* dropped: NULL fails on every xattr that cannot be set; else an unsupported one is counted there */
int copy_xattrs_fd(int sfd, int dfd, const char **failed_name, uint64_t *dropped);
int copy_xattrs_at(int sdir, const char *sname, int ddir, const char *dname, const char **failed_name, uint64_t *dropped);

const char *errname(int err);

/* addon.c: a string argument as a malloc'd C string, or NULL when it is not a string, holds a
 * NUL (a path or word would be cut short there) or memory ran out. latin1: the string carries a
 * path's raw bytes, one a character (native/path-text.ts), else it is taken as UTF-8. With
 * `what`, a NULL has also thrown (a TypeError naming it, or ENOMEM); without, the caller throws
 * its own error. */
char *arg_cstring(napi_env env, napi_value v, int latin1, const char *what);

/* lxcpath_read.c */
napi_value js_read_container_dirs(napi_env env, napi_callback_info info);

/* watch.c */
napi_value js_watch_tree(napi_env env, napi_callback_info info);
napi_value js_unwatch_tree(napi_env env, napi_callback_info info);
napi_value js_stat_dir(napi_env env, napi_callback_info info);

/* btrfs_info.c */
napi_value js_btrfs_subvolume(napi_env env, napi_callback_info info);

#endif
