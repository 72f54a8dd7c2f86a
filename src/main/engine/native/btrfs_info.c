/* btrfsSubvolume(path): a btrfs subvolume's UUID and its parent's (the subvolume it is a
 * snapshot of), or null when path is not a subvolume. One BTRFS_IOC_GET_SUBVOL_INFO ioctl
 * (Linux 4.18+), which needs no privilege, unlike `btrfs subvolume list`. LXC records nothing
 * for a btrfs snapshot; this is how the lineage still knows what it was made from. */
#include "common.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/btrfs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define BTRFS_FIRST_FREE_OBJECTID 256 /* the inode of every subvolume's root directory */

static void format_uuid(const __u8 *u, char out[37]) {
  snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
           u[10], u[11], u[12], u[13], u[14], u[15]);
}

static int is_zero(const __u8 *u) {
  for (int i = 0; i < BTRFS_UUID_SIZE; i++)
    if (u[i]) return 0;
  return 1;
}

napi_value js_btrfs_subvolume(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], result;
  char path[4096];
  size_t len = 0;
  napi_get_null(env, &result);
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_string_utf8(env, argv[0], path, sizeof path, &len) != napi_ok || len >= sizeof path - 1) {
    napi_throw_type_error(env, NULL, "btrfsSubvolume(path)");
    return NULL;
  }
  int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return result;
  struct btrfs_ioctl_get_subvol_info_args args;
  memset(&args, 0, sizeof args);
  struct stat st;
  int ok = fstat(fd, &st) == 0 && st.st_ino == BTRFS_FIRST_FREE_OBJECTID && ioctl(fd, BTRFS_IOC_GET_SUBVOL_INFO, &args) >= 0; /* the kernel may return a positive search result on success */
  close(fd);
  if (!ok) return result;
  char uuid[37], parent[37];
  format_uuid(args.uuid, uuid);
  napi_value obj, v;
  napi_create_object(env, &obj);
  napi_create_string_utf8(env, uuid, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, obj, "uuid", v);
  if (is_zero(args.parent_uuid)) {
    napi_get_null(env, &v);
  } else {
    format_uuid(args.parent_uuid, parent);
    napi_create_string_utf8(env, parent, NAPI_AUTO_LENGTH, &v);
  }
  napi_set_named_property(env, obj, "parentUuid", v);
  return obj;
}
