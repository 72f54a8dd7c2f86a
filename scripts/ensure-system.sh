#!/usr/bin/env bash
# Installs the Debian packages Strata's tests use, when they are missing.
# Real tools only: LXC 5 (and busybox for its offline template), rsync and du as reference
# tools, btrfs-progs for btrfs pools on loop images, zfs-fuse for zfs pools on file images, acl/attr/libcap2-bin to make and check
# xattrs, Debian's Chromium for the end-to-end tests, and pkexec + polkitd + dbus for the
# root helper's tests (they run a private system bus and polkitd).
set -euo pipefail
need=()
have() { command -v "$1" >/dev/null 2>&1; }
have lxc-create || need+=(lxc)
have busybox || need+=(busybox-static)
have rsync || need+=(rsync)
have mkfs.btrfs || need+=(btrfs-progs)
have zfs-fuse || need+=(zfs-fuse)
have setfacl || need+=(acl)
have setfattr || need+=(attr)
have setcap || need+=(libcap2-bin)
have chromium || need+=(chromium)
have pkexec || need+=(pkexec)
[ -x /usr/lib/polkit-1/polkitd ] || need+=(polkitd)
have dbus-daemon || need+=(dbus)
have dbus-send || need+=(dbus-bin)
have setpriv || need+=(util-linux)
have python3 || need+=(python3)
have make || need+=(make)
have g++ || need+=(g++)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "Strata's tests need these Debian packages: ${need[*]} (run as root to install them)" >&2
    exit 1
  fi
  echo "Installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
