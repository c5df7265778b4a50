#!/bin/sh
# Sets up, builds and runs unihost's whole test suite: installs the Debian
# packages and dependency sources (tools/deps.sh), configures, builds, and
# runs `make check`, whose last line is "N passed, M failed".
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
make check
