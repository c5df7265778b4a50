#!/bin/sh
# Sets up, builds and runs unihost's whole test suite: installs the Debian
# packages and dependency sources (tools/deps.sh), configures, builds, and
# runs `make check-all`: make check's suite and then the real-Xen test (Xen
# 4.17 and a Debian dom0 in QEMU running the PVH guest, tests/xen/run.sh),
# counted together in one closing line, "N passed, M failed".
# Needs root for the integration tests' network namespaces (it re-runs itself
# with sudo if needed).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
if [ "$(id -u)" -ne 0 ]; then
    exec sudo "$0" "$@"
fi
cd "$top"
sh tools/deps.sh
./configure
make -j"$(nproc)"
make check-all
