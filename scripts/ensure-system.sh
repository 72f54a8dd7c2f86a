#!/usr/bin/env bash
# Installs the Debian packages named in scripts/debian-packages.txt that are missing.
# Checked by package (dpkg's own status), not by whether some command happens to be on the PATH:
# the tests read data files (LXC's shipped configs, fonts) that no command stands for.
set -euo pipefail
list="$(dirname "$0")/debian-packages.txt"
mapfile -t wanted < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$list")
need=()
for pkg in "${wanted[@]}"; do
  status=$(dpkg-query -W -f '${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
  [[ "$status" == ii* ]] || need+=("$pkg")
done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "Strata's tests need these Debian packages: ${need[*]} (run as root to install them)" >&2
  exit 1
fi
echo "Installing Debian packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
