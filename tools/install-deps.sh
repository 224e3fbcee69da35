#!/usr/bin/env bash
# Installs what building and testing syscon needs on Debian 12 (bookworm) or later, and the
# EXTRA-PACKAGES a caller such as bench/run.sh needs on top. Run as root.
#   tools/install-deps.sh [EXTRA-PACKAGE...]
set -euo pipefail

packages=(
        meson ninja-build pkg-config gcc clang
        libsystemd-dev libcap-dev libseccomp-dev libnl-3-dev libnl-route-3-dev libcmocka-dev
        busybox-static util-linux iproute2 musl-tools
        "$@"
)

missing=()
for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
