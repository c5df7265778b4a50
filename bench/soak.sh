#!/bin/sh
# bench/soak: the soak of tests/integration/soak.sh for SOAK_MINUTES
# (default 30) instead of two short rounds. unihost (HTTPS, the access log,
# --dns-log, --syslog, --metrics) takes a round of the mixed load every
# minute: 40 s of HTTP and HTTPS (wrk, keep-alive and a new connection per
# request, at most ~4000 and ~800 requests a second per part), new and
# resumed TLS handshakes, DNS over UDP at 2000 queries a second, DNS over
# TCP, zone transfers and slowloris clients that the timeouts end; every
# part bounded in count, rate and time (the counts are four times the
# test's). After each round it waits (bounded) for the pools and slots to be
# back at idle and samples RSS, the pools and the slots: one row of the
# table a minute. At the end: the table, and the checks that every round
# went back to idle and that RSS did not grow past round 1's high-water
# mark plus SOAK_RSS_MARGIN_KB (default 512).
#
# Everything runs in a network namespace the script creates (192.0.2.0/24,
# as the tests). Prints "ok - soak: ..." / "not ok - soak: ..." lines and
# "# " figures; exits non-zero if a check failed.
# Usage: sudo [SOAK_MINUTES=30] bench/soak.sh
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ "$(id -u)" -eq 0 ] || exec sudo SOAK_MINUTES="${SOAK_MINUTES:-30}" "$0" "$@"
minutes=${SOAK_MINUTES:-30}
case $minutes in ''|*[!0-9]*|0) echo "bench/soak: SOAK_MINUTES must be a whole number of minutes" >&2; exit 2 ;; esac
make -s -j2 all >/dev/null
echo "# bench/soak: $minutes minutes, a round of mixed load a minute; load average $(cut -d' ' -f1-3 /proc/loadavg)"
UH_SOAK_MINUTES=$minutes exec sh tests/integration/soak.sh
