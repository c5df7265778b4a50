#!/bin/sh
# bench/dns: unihost's DNS over UDP against NSD, same zone files, same
# query mix, same machine, one after the other; and the tap's ceiling.
# Everything runs inside a network namespace this script creates
# (documentation addresses only; see bench/dns_common.sh):
#  - NSD 4 (one server process, no rate limiting) at 198.51.100.53 on the
#    namespace's loopback;
#  - unihost on its tap at 192.0.2.2, serving a blob crunch made from the
#    same zone files (--blob), with response-rate limiting off like NSD's
#    (see below);
#  - in unihost's place on the same tap, bench/tap_ceiling: unihost's own
#    tap code (same flags, virtio-net header, readv/writev, poll, the same
#    read-64-then-wait loop) answering every query with a canned answer of
#    the mix's mean size, without lwIP or DNS: the most any server can
#    get through this tap path.
#
# Rate limiting: unihost limits UDP answers by default (RRL, 200 a second
# per /24 and kind of answer, site/docs/dns.md), and dnsperf sends from one
# address at ~100k q/s: it would be limited to a few thousand answers a
# second, and the benchmark would measure the limiter. So unihost's blob is
# crunched with a dns.conf holding "rrl-ratelimit: 0", written beside the
# scratch copy of the zone files and removed after (dns_bench_blob in
# bench/dns_common.sh) rather than committed in bench/zones/: NSD keeps
# reading exactly the zone files crunch compiled, with nothing else in its
# zones directory, and bench/dns_rrl.sh crunches the same copy with other
# options (it measures what RRL and cookies cost, and RRL under a flood).
# NSD runs without RRL (rrl-ratelimit: 0 in its nsd.conf). DNS cookies stay
# at unihost's default (on); no query of the mix carries one.
#
# The zones are bench/zones/: bench.test (hosts, mail, an alias, a
# wildcard, three delegations with glue, a 1 KB TXT RRset) and signed.test
# (signed at each run with fresh keys, NSEC). The query mix is
# bench/dns_mix.txt, 100 queries interleaved, checked against both servers
# before the load (each answer must be of its kind):
#     positive   50%   (35 EDNS, 10 without EDNS, 5 DNSSEC OK in signed.test)
#     nxdomain   15%   (12 EDNS, 3 DNSSEC OK)
#     nodata     10%   (8 EDNS, 2 DNSSEC OK)
#     referral   10%   (delegations with glue)
#     refused     5%   (names outside the zones)
#     large       5%   (about 1 KB, EDNS 1232: answered whole)
#     truncated   5%   (the same without EDNS: TC=1)
#   EDNS: 75% EDNS0 with a 1232-byte payload, 10% with the DO bit too, 15%
#   none. RD clear throughout (a resolver asking an authoritative server).
# dnsperf sends them from binary input (-B: each message exactly as
# bench/dns_mix.py wrote it), 8 sockets, 200 queries in flight.
#
# The server runs on the last CPU and dnsperf on the others (taskset;
# DNS_BENCH_PIN=0 leaves both to the scheduler), so neither time-slices the
# other. Every row shows the server's CPU, dnsperf's, and what the rest of
# the machine used meanwhile ("other": on a shared machine, someone else's
# load): a row whose server is below 100% while dnsperf is at 100% measures
# dnsperf, not the server. So each row also gives the server's CPU per
# query and the queries per second per core of the server (q/s divided by
# its CPU share): on a machine with two CPUs, dnsperf saturates its own CPU
# before the ceiling does, and the per-core figure is then the better
# estimate of the ceiling.
# Where the kernel's work lands: toward the tap the kernel only queues
# each query's frame (in dnsperf's context) and the server parses it
# (lwIP, on its core); each answer's delivery to dnsperf's socket runs in
# the server's context. Toward NSD on the loopback the kernel would
# receive each query (IP, UDP, NSD's socket) in dnsperf's context, on the
# client's core, which does part of NSD's work for it; so, pinned, the
# loopback's input is steered to the server's CPU (RPS: see
# bench/dns_common.sh; DNS_BENCH_STEER=0 leaves it), and each server's
# core does all the work for its queries, in and out. The server's CPU,
# pinned, is every busy tick of its CPU (its softirqs included); unpinned,
# its process's ticks.
#
# ROUNDS rounds (default 5: the tap path's kernel work is noisy on a virtual
# machine), the order of the servers reversed every other round so that a
# slow spell hits them all; each round runs each server
# SECONDS at saturation, then 3 s at a fixed 5000 q/s for p50/p99 latency.
# Each run first waits (at most DNS_BENCH_QUIET_WAIT seconds, default 120)
# for the machine to be idle, and is made again (at most DNS_BENCH_RETRIES
# times, default 3; the row in parentheses) when something else used more
# than a tenth of a CPU meanwhile. The summary gives the median of each figure
# and of each round's ratios. First, the in-process engine
# (build/bench/dns_engine) on the same blob and queries, for comparison.
#
# Usage: sudo bench/dns.sh [SECONDS] [--no-ceiling]   (default 10 s per run)
# Not a test: timings on shared machines are noisy, so compare the ratios
# printed by one run.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ "$(id -u)" -eq 0 ] || exec sudo "$0" "$@"
duration=10
servers="nsd unihost ceiling"
for arg in "$@"; do
    case $arg in
    --no-ceiling) servers="nsd unihost" ;;
    *[!0-9]*|'') echo "usage: bench/dns.sh [SECONDS] [--no-ceiling]" >&2; exit 2 ;;
    *) duration=$arg ;;
    esac
done
rounds=${ROUNDS:-5}
make -s -j"$(nproc)" all build/bench/tap_ceiling build/bench/dns_engine >/dev/null

. "$top/tools/netns.sh"
. "$top/bench/cpu.sh"
ns=uh-bench-$$
tap=uhb$$
tmp=$(mktemp -d)
nsd_pid= tap_pid=
cleanup() {
    for pid in $tap_pid $nsd_pid; do stop_server "$pid"; done
    netns_delete "$ns"
    rm -rf "$tmp"
}
. "$top/bench/dns_common.sh"
trap cleanup EXIT INT TERM

dns_bench_prepare
dns_bench_netns "$ns" "$tap"
start_nsd "$ns"
nsd_pid=$server_pid
start_unihost "$ns" "$tap"
tap_pid=$server_pid
wait_answer "$ns" "$NSD4"
wait_answer "$ns" "$UNIHOST_GUEST4"

python3 bench/dns_mix.py summary "$DNS_MIX" | sed 's/^/bench\/dns: /'
echo "bench/dns: zones $(cd "$tmp/zones" && echo *.zone | sed 's/\.zone//g') -> blob of $(wc -c < "$tmp/bench.blob") bytes"
for addr in "$NSD4" "$UNIHOST_GUEST4"; do
    ip netns exec "$ns" python3 bench/dns_mix.py check "$DNS_MIX" "$addr" > "$tmp/check" ||
        { sed 's/^/bench\/dns: /' "$tmp/check" >&2; echo "bench/dns: $addr does not answer the mix as it should" >&2; exit 1; }
    sed 's/^/bench\/dns: checked /' "$tmp/check"
done
# The ceiling's canned answers are as long as NSD's answers on average.
answer_size=$(ip netns exec "$ns" python3 bench/dns_mix.py check "$DNS_MIX" "$NSD4" |
              sed -n 's/.*mean answer \([0-9]*\) bytes.*/\1/p')
wait_quiet
echo "bench/dns: in-process engine, same blob and mix, no network: $($server_pin build/bench/dns_engine "$tmp/bench.blob" 2 "$tmp/queries.bin" | sed 's/^dns engine: //')"
if [ -n "$server_pin" ]; then pinning="server on CPU $server_core, dnsperf on the others"; else pinning="no CPU pinning"; fi
echo "bench/dns: $rounds rounds of $duration s per server; dnsperf -B $DNSPERF_LOAD; $pinning"

# run SERVER: start it if it is a tap server, load it, stop it; appends a
# row to $tmp/rounds and prints it
row() { printf '%-5s %-8s %9s %7s %6s %8s %6s %10s %11s %7s %7s\n' "$@"; }
run() {
    case $1 in
    nsd) addr=$NSD4 pid=$nsd_pid ;;
    unihost) addr=$UNIHOST_GUEST4; [ -n "$tap_pid" ] || { start_unihost "$ns" "$tap"; tap_pid=$server_pid; } ;;
    ceiling) addr=$UNIHOST_GUEST4; [ -z "$tap_pid" ] || { stop_server "$tap_pid"; tap_pid=; }
             start_ceiling "$ns" "$tap" "$answer_size"; tap_pid=$server_pid ;;
    esac
    [ "$1" = nsd ] || { pid=$tap_pid; wait_answer "$ns" "$addr"; }
    tries=0
    while :; do
        wait_quiet
        machine0=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat)
        dnsperf_run "$ns" "$addr" "$duration" "$tmp/$1.perf" "$pid"
        machine1=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat)
        other_ticks=$((machine1 - machine0 - server_ticks - client_ticks))
        other=$(cpu_percent "$other_ticks" "$duration")
        tries=$((tries + 1))
        # Someone else used more than a tenth of a CPU: measure again.
        [ "$other_ticks" -gt $((clock_ticks * duration / 10)) ] && [ "$tries" -le "${DNS_BENCH_RETRIES:-3}" ] || break
        row "($round)" "$1" "$qps" "$lost" "$server_cpu" "$client_cpu" "$other" "" "" "" "again"
    done
    us=$(awk -v t="$server_ticks" -v hz="$clock_ticks" -v q="$qps" -v s="$duration" \
         'BEGIN { printf "%.2f", (q > 0 ? t / hz * 1e6 / (q * s) : 0) }')
    per_core=$(awk -v t="$server_ticks" -v hz="$clock_ticks" -v q="$qps" -v s="$duration" \
               'BEGIN { printf "%.0f", (t > 0 ? q * s / (t / hz) : 0) }')
    # Latency at a fixed, moderate rate, from dnsperf's per-query lines.
    $client_pin ip netns exec "$ns" timeout 20 dnsperf -B -d "$tmp/queries.bin" -s "$addr" -l 3 -Q 5000 -c 1 -t 1 -v \
        2>/dev/null | awk '/^> / { print $NF }' | sort -g > "$tmp/lat"
    n=$(wc -l < "$tmp/lat")
    p50=$(awk -v n="$n" 'NR == int(n * 0.50) + 1 { printf "%.0f", $1 * 1e6 }' "$tmp/lat")
    p99=$(awk -v n="$n" 'NR == int(n * 0.99) + 1 { printf "%.0f", $1 * 1e6 }' "$tmp/lat")
    busy=
    [ "$other_ticks" -le $((clock_ticks * duration / 10)) ] || { busy=!; busy_rows=$((busy_rows + 1)); }
    row "$round" "$1" "$qps" "$lost" "$server_cpu" "$client_cpu" "$other$busy" "$us" "$per_core" "$p50" "$p99"
    echo "$round $1 $qps $server_cpu $client_cpu $other $us $per_core $p50 $p99" | tr -d % >> "$tmp/rounds"
    [ "$1" = nsd ] || { stop_server "$tap_pid"; tap_pid=; }
    if [ "$1" = ceiling ]; then sed 's/^/      /' "$tmp/ceiling.log"; fi
}

row round server "q/s" lost server dnsperf other "us CPU/q" "q/s/core" "p50 us" "p99 us"
: > "$tmp/rounds"
busy_rows=0
reversed=$(echo "$servers" | awk '{ for (i = NF; i > 0; i--) printf "%s%s", $i, (i > 1 ? " " : "") }')
round=1
while [ $round -le "$rounds" ]; do
    if [ $((round % 2)) -eq 1 ]; then order=$servers; else order=$reversed; fi
    for server in $order; do
        run "$server"
    done
    round=$((round + 1))
done

# median SERVER FIELD FORMAT: one column's median over the rounds
median() {
    awk -v s="$1" -v f="$2" '$2 == s { print $f }' "$tmp/rounds" | sort -g |
        awk -v fmt="$3" '{ v[NR] = $1 }
            END { printf fmt, (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
# ratio A B FIELD: the median over the rounds of A's FIELD over B's, and its range
ratio() {
    awk -v a="$1" -v b="$2" -v f="$3" '$2 == a { x[$1] = $f } $2 == b { y[$1] = $f }
        END { for (r in x) if (y[r] > 0) printf "%.4f\n", x[r] / y[r] }' "$tmp/rounds" | sort -g |
        awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
                                 printf "%.2f (rounds %.2f-%.2f)", m, v[1], v[NR] }'
}
echo "median of $rounds rounds:"
for server in $servers; do
    row "" "$server" "$(median "$server" 3 %.0f)" "" "$(median "$server" 4 %.0f%%)" "$(median "$server" 5 %.0f%%)" \
        "$(median "$server" 6 %.0f%%)" "$(median "$server" 7 %.2f)" "$(median "$server" 8 %.0f)" \
        "$(median "$server" 9 %.0f)" "$(median "$server" 10 %.0f)"
done
echo "unihost/NSD queries/s ratio: $(ratio unihost nsd 3)   per server core: $(ratio unihost nsd 8)"
[ "$busy_rows" -eq 0 ] ||
    echo "note: $busy_rows rows (other marked !) were measured while something else kept the machine busy: run again"
case $servers in *ceiling*)
    echo "ceiling/NSD queries/s ratio: $(ratio ceiling nsd 3)   per server core: $(ratio ceiling nsd 8)"
    echo "unihost/ceiling (fraction of the tap's ceiling): $(ratio unihost ceiling 3)   per server core: $(ratio unihost ceiling 8)"
    awk '$2 == "ceiling" && $4 < 90 && $5 >= 90 { n++ } END { exit n == 0 }' "$tmp/rounds" &&
        echo "note: in some rounds the ceiling's server had CPU to spare while dnsperf was saturated: its q/s there" \
             "is dnsperf's limit, a lower bound of the ceiling; the per-core ratios estimate it."
esac
