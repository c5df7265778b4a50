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
# The real-Xen test's dom0 image (tools/xen/build-dom0.sh: a cold build is
# minutes of downloads and dpkg, little CPU) is made while unihost compiles;
# tests/xen/run.sh then finds it cached. A failure here is not fatal: the
# test builds it again and reports what went wrong.
mkdir -p build
sh tools/xen/build-dom0.sh build/xen-dom0 > build/xen-dom0.early.log 2>&1 &
dom0_pid=$!
make -j"$(nproc)"
wait "$dom0_pid" || echo "tools/test.sh: the early dom0 build failed (build/xen-dom0.early.log); the Xen test retries it" >&2
make check-all
