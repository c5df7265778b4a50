#!/bin/sh
# bench/dns_log_toggle: what a line per DNS query (--dns-log) costs
# bench/dns.sh's throughput, measured on one unihost that turns its query
# log on and off while it serves (SIGUSR2).
#
# bench/observability_paired.sh puts two unihosts on one CPU, each with
# half of it: there the two evict each other's caches between turns, and
# a cost per second (syslog's budget) weighs double. bench/dns.sh gives
# unihost a CPU of its own. Here, as there, one unihost runs on its own
# CPU under dnsperf at saturation (the mix of bench/dns.sh), with what a
# deployment runs: the access log to a console file (on tmpfs when there
# is one), --syslog to a receiver in the namespace (bench/syslog_drain.py)
# and --metrics scraped once a second. Its query log is switched between
# phases of SECONDS each, in pairs whose order alternates (on-off, off-on,
# ...), so that a drift of the machine's speed falls on both sides; the
# process, its caches, its addresses and the load generator's sockets
# stay the same, and only the query lines differ. Before each phase the
# console's file is emptied; after it, its query lines are counted, so
# the run shows that every "on" phase wrote about a line per query (the
# count runs a little past the phase) and no "off" phase wrote any.
#
# The load is one dnsperf run over all the phases, and the phases are
# short (SECONDS, default 2), so that they alternate faster than the
# machine's speed drifts: on this shared virtual machine, phases of 5 s
# in separate dnsperf runs gave pairs from 0.98 to 1.22. At each phase's
# bounds the bench reads the time the kernel has run unihost's threads
# (/proc/PID/task/*/schedstat, in ns; this kernel bills the network
# stack's work in a process's system calls to that process) and the
# frames the tap has handed it (its tx_packets in /proc/PID/net/dev):
# dnsperf keeps 200 queries in flight and loses none (the run says), so
# these are the queries answered, and unlike the answers (the tap's rx_packets) they do
# not count syslog's messages. --metrics is scraped once a second, as a
# deployment's Prometheus would.
#
# Prints, per pair, each side's answers a second and unihost's CPU per
# answer, then the medians of the pairs' ratios on/off. At saturation
# dnsperf, not unihost, is the bottleneck of bench/dns.sh on a 2-CPU
# machine (unihost uses about 80% of its CPU), so what the log costs
# shows in unihost's CPU per query far more than in the queries a second:
# the CPU per query is the cost, and the throughput shows what
# bench/dns.sh would see.
#
# TOGGLE_FLAGS gives unihost more flags (default: "--syslog
# 192.0.2.1:514"; the access log is on by default, and --metrics
# 192.0.2.2:9100 is always given). TOGGLE_CONSOLE=/dev/null sends the
# console there instead of to a file. TOGGLE_AA=1 never sends the signal:
# both sides of each pair are "off", and the ratios show the bench's
# noise and any bias of its order.
#
# Usage: sudo bench/dns_log_toggle.sh [SECONDS]   (default 2; ROUNDS=20 pairs)
# Not a test.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ "$(id -u)" -eq 0 ] || exec sudo "$0" "$@"
duration=${1:-2}
rounds=${ROUNDS:-20}
[ "$(nproc)" -ge 2 ] || { echo "bench/dns_log_toggle: needs 2 CPUs" >&2; exit 1; }
command -v curl >/dev/null || { echo "bench/dns_log_toggle: needs curl" >&2; exit 1; }
make -s -j"$(nproc)" all >/dev/null

. "$top/tools/netns.sh"
. "$top/bench/cpu.sh"
ns=uh-tog-$$
tap=uht$$
tmp=$(mktemp -d)
console=$tmp/console.log
if [ -n "${TOGGLE_CONSOLE:-}" ]; then
    console=$TOGGLE_CONSOLE
elif [ -d /dev/shm ] && [ -w /dev/shm ]; then
    console=$(mktemp /dev/shm/uh-toggle.XXXXXX)
fi
unihost_pid= drain_pid= load_pid= scraper_pid=
cleanup() {
    for pid in $scraper_pid $load_pid $drain_pid $unihost_pid; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in $scraper_pid $load_pid $drain_pid $unihost_pid; do wait "$pid" 2>/dev/null || true; done
    netns_delete "$ns"
    rm -rf "$tmp"
    case $console in /dev/shm/uh-toggle.*) rm -f "$console" ;; esac
}
. "$top/bench/dns_common.sh"
trap cleanup EXIT INT TERM

dns_bench_tools="dnsperf ldns-keygen ldns-signzone dig python3" dns_bench_prepare
netns_create "$ns" "$tap"
$client_pin ip netns exec "$ns" python3 "$top/bench/syslog_drain.py" "$UNIHOST_HOST4" 514 >/dev/null 2>&1 &
drain_pid=$!

flags="${TOGGLE_FLAGS-"--syslog $UNIHOST_HOST4:514"} --metrics $UNIHOST_GUEST4:9100"
[ "$console" = /dev/null ] || : > "$console"
# Appended to, so that emptying the file between phases starts it again
# at its beginning.
# shellcheck disable=SC2086  # flags is a list of options
$server_pin ip netns exec "$ns" "$top/build/unihost" --tap "$tap" --ipv4 "$UNIHOST_GUEST4/24" \
    --blob "$tmp/bench.blob" $flags >>"$console" 2>&1 &
unihost_pid=$!
wait_answer "$ns" "$UNIHOST_GUEST4"
dnsperf_run "$ns" "$UNIHOST_GUEST4" 1 "$tmp/warm.perf" "$unihost_pid"

# run_ns PID: the time PID's threads have run so far, in ns
run_ns() { cat /proc/"$1"/task/*/schedstat | awk '{ t += $1 } END { printf "%.0f", t }'; }
# sample: now (ns), unihost's run time (ns) and the queries the tap has
# handed it so far (no process started: a read of two files)
sample() {
    at=$(date +%s%N)
    ran=$(run_ns "$unihost_pid")
    answers=$(sed 's/:/ /' /proc/"$unihost_pid"/net/dev | awk -v tap="$tap" '$1 == tap { print $11 }')
}

query_log=off
# phase STATE: the query log set to STATE, then one phase of load; sets
# qps, us (unihost's CPU per answer, in us) and lines (query lines written
# per answer; - when the console is not a file)
phase() {
    if [ "$1" != "$query_log" ] && [ "${TOGGLE_AA:-0}" != 1 ]; then
        kill -USR2 "$unihost_pid"
        query_log=$1
    fi
    sleep 0.05      # the lines of the phase before are written by now (at most 10 ms late)
    [ "$console" = /dev/null ] || : > "$console"
    sample
    at0=$at ran0=$ran answers0=$answers
    sleep "$duration"
    sample
    lines=-
    [ "$console" = /dev/null ] || lines=$(grep -c ' query: ' "$console" || true)
    set -- $(awk -v dt=$((at - at0)) -v dr=$((ran - ran0)) -v q=$((answers - answers0)) \
        'BEGIN { printf "%.0f %.3f", (dt > 0 ? q / dt * 1e9 : 0), (q > 0 ? dr / 1e3 / q : 0) }')
    qps=$1 us=$2
    [ "$lines" = - ] || lines=$(awk -v n="$lines" -v q=$((answers - answers0)) 'BEGIN { printf "%.3f", (q > 0 ? n / q : 0) }')
}

wait_quiet
total=$((rounds * 2 * (duration + 1) + 10))
# shellcheck disable=SC2086  # DNSPERF_LOAD is a list of options
$client_pin ip netns exec "$ns" timeout $((total + 30)) dnsperf -B -d "$tmp/queries.bin" -s "$UNIHOST_GUEST4" \
    -l "$total" $DNSPERF_LOAD > "$tmp/load.perf" 2>&1 &
load_pid=$!
( while :; do
      $client_pin ip netns exec "$ns" curl -s -m 1 -o /dev/null "http://$UNIHOST_GUEST4:9100/metrics" || true
      sleep 1
  done ) &
scraper_pid=$!
sleep 1
echo "bench/dns_log_toggle: $rounds pairs of $duration s phases under one dnsperf run; unihost on CPU $server_core with: $flags; console $console; load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-5s %10s %10s %9s %9s %8s %8s %9s %9s\n' pair "on q/s" "off q/s" "on us/q" "off us/q" "q/s" "us/q" "on lines" "off lines"
: > "$tmp/ratios"
pair=1
while [ "$pair" -le "$rounds" ]; do
    if [ $((pair % 2)) -eq 1 ]; then order="on off"; else order="off on"; fi
    for state in $order; do
        phase "$state"
        eval "${state}_qps=\$qps ${state}_us=\$us ${state}_lines=\$lines"
    done
    # shellcheck disable=SC2154  # set by the eval above
    set -- $(awk -v a="$on_qps" -v b="$off_qps" -v ua="$on_us" -v ub="$off_us" \
        'BEGIN { printf "%.4f %.4f", (b > 0 ? a / b : 0), (ub > 0 ? ua / ub : 0) }')
    # shellcheck disable=SC2154
    printf '%-5s %10s %10s %9s %9s %8s %8s %9s %9s\n' "$pair" "$on_qps" "$off_qps" "$on_us" "$off_us" "$1" "$2" \
        "$on_lines" "$off_lines"
    echo "$1 $2" >> "$tmp/ratios"
    pair=$((pair + 1))
done
kill -INT "$load_pid" 2>/dev/null || true
kill -TERM "$scraper_pid" 2>/dev/null || true
wait "$load_pid" "$scraper_pid" 2>/dev/null || true
load_pid= scraper_pid=
lost=$(awk '/Queries lost/ { print $3, $4 }' "$tmp/load.perf")
echo "dnsperf over the whole run: lost ${lost:-(no report)}"
[ "$query_log" = off ] || kill -USR2 "$unihost_pid"
median() { sort -g | awk '{ v[NR] = $1 } END { printf "%.3f", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
q=$(awk '{ print $1 }' "$tmp/ratios") c=$(awk '{ print $2 }' "$tmp/ratios")
printf 'throughput on/off: median %s (pairs %s-%s): cost %s%%\n' "$(echo "$q" | median)" \
    "$(echo "$q" | sort -g | head -n 1)" "$(echo "$q" | sort -g | tail -n 1)" \
    "$(echo "$q" | median | awk '{ printf "%.1f", (1 - $1) * 100 }')"
printf 'CPU per query on/off: median %s (pairs %s-%s): cost %s%%\n' "$(echo "$c" | median)" \
    "$(echo "$c" | sort -g | head -n 1)" "$(echo "$c" | sort -g | tail -n 1)" \
    "$(echo "$c" | median | awk '{ printf "%.1f", ($1 - 1) * 100 }')"
