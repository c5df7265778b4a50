#!/bin/sh
# bench/dns: unihost's DNS against NSD, same zones, same query mix, same
# machine, one after the other. Both run inside a network namespace this
# script creates (documentation addresses only): unihost on its tap at
# 192.0.2.2, NSD (one server process, no rate limiting) at 198.51.100.53 on
# the namespace's loopback. dnsperf runs in the namespace too.
#
# Prints, per server: queries/s at saturation (dnsperf, DURATION seconds),
# and p50/p99 latency at a fixed moderate rate; then the unihost/NSD ratio.
# Usage: sudo bench/dns.sh [DURATION_SECONDS]   (default 10). Not a test:
# timings on shared machines are noisy, so compare ratios from one run.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ "$(id -u)" -eq 0 ] || exec sudo "$0" "$@"
duration=${1:-10}
for tool in dnsperf nsd; do
    command -v "$tool" >/dev/null || { echo "bench/dns: needs $tool (apt-get install dnsperf nsd)" >&2; exit 1; }
done
make -s -j"$(nproc)" >/dev/null

. "$top/tools/netns.sh"
ns=uh-bench-$$
tap=uhb$$
tmp=$(mktemp -d)
uh_pid= nsd_pid=
cleanup() {
    for pid in $uh_pid $nsd_pid; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in $uh_pid $nsd_pid; do wait "$pid" 2>/dev/null || true; done
    netns_delete "$ns"
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
netns_create "$ns" "$tap"
# NSD's address sits on the namespace's loopback (no dummy interfaces on
# every kernel): its packets skip the tap, which favours NSD slightly.
ip netns exec "$ns" ip addr add 198.51.100.53/32 dev lo

# NSD: the same zone files unihost's blob was built from.
mkdir -p "$tmp/nsd"
{
    echo "server:"
    echo "  ip-address: 198.51.100.53"
    echo "  port: 53"
    echo "  server-count: 1"
    echo "  username: \"\""
    echo "  zonesdir: \"$top/zones\""
    echo "  database: \"\""
    echo "  zonelistfile: \"$tmp/nsd/zone.list\""
    echo "  xfrdfile: \"$tmp/nsd/xfrd.state\""
    echo "  pidfile: \"$tmp/nsd/nsd.pid\""
    echo "  verbosity: 0"
    echo "  rrl-ratelimit: 0"
    echo "remote-control:"
    echo "  control-enable: no"
    for f in zones/*.zone; do
        z=$(basename "$f" .zone)
        echo "zone:"
        echo "  name: \"$z\""
        echo "  zonefile: \"$top/$f\""
    done
} > "$tmp/nsd/nsd.conf"
ip netns exec "$ns" nsd -d -c "$tmp/nsd/nsd.conf" 2>"$tmp/nsd.log" &
nsd_pid=$!
ip netns exec "$ns" "$top/build/unihost" --tap "$tap" --ipv4 "$UNIHOST_GUEST4/24" 2>"$tmp/unihost.log" &
uh_pid=$!

wait_answer() {     # wait_answer ADDR: up to 10 s for a SOA answer
    i=0
    while [ $i -lt 20 ]; do
        ip netns exec "$ns" dig +time=1 +tries=1 +short @"$1" unihost.test SOA 2>/dev/null | grep -q . && return 0
        sleep 0.5
        i=$((i + 1))
    done
    echo "bench/dns: $1 does not answer" >&2
    exit 1
}
wait_answer "$UNIHOST_GUEST4"
wait_answer 198.51.100.53

# The query mix: every RRset of the bundled zones, plus names that do not
# exist (NXDOMAIN) and types a name lacks (NODATA), 1:1:0.25.
ldns-read-zone -z zones/*.zone 2>/dev/null | awk '$4 != "RRSIG" { print $1, $4 }' | sort -u > "$tmp/q.rrsets"
awk '{ print "nope" NR "." $1, "A" }' "$tmp/q.rrsets" | sed 's/\.\././' > "$tmp/q.nx"
awk 'NR % 4 == 0 { print $1, "NAPTR" }' "$tmp/q.rrsets" > "$tmp/q.nodata"
cat "$tmp/q.rrsets" "$tmp/q.nx" "$tmp/q.nodata" > "$tmp/queries"

run() {     # run NAME ADDR
    out=$tmp/$1.perf
    ip netns exec "$ns" dnsperf -s "$2" -d "$tmp/queries" -l "$duration" -c 8 -q 200 -e >"$out" 2>&1
    qps=$(awk '/Queries per second/ { print $4 }' "$out")
    lost=$(awk '/Queries lost/ { print $3 }' "$out")
    # Latency at a fixed, moderate rate, from dnsperf's per-query lines.
    ip netns exec "$ns" dnsperf -s "$2" -d "$tmp/queries" -l 3 -Q 5000 -c 1 -e -v 2>/dev/null |
        awk '/^> / { print $NF }' | sort -g > "$tmp/$1.lat"
    n=$(wc -l < "$tmp/$1.lat")
    p50=$(awk -v n="$n" 'NR == int(n * 0.50) + 1 { printf "%.0f", $1 * 1e6 }' "$tmp/$1.lat")
    p99=$(awk -v n="$n" 'NR == int(n * 0.99) + 1 { printf "%.0f", $1 * 1e6 }' "$tmp/$1.lat")
    printf '%-8s %12s q/s   lost %-8s p50 %5s us   p99 %5s us\n' "$1" "$qps" "$lost" "$p50" "$p99"
    eval "qps_$1=\$qps"
}
echo "bench/dns: $(wc -l < "$tmp/queries") distinct queries, ${duration} s per server, dnsperf -c 8 -q 200"
run nsd 198.51.100.53
run unihost "$UNIHOST_GUEST4"
awk -v u="$qps_unihost" -v n="$qps_nsd" 'BEGIN { printf "unihost/NSD queries/s ratio: %.2f\n", u / n }'
