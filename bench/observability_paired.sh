#!/bin/sh
# bench/observability_paired: what logging and metrics cost, measured on two
# unihosts at once. bench/observability.sh runs "on" and "off" one after
# the other, and on this shared 2-CPU virtual machine the CPU's speed moves
# between runs: one configuration's CPU per request differs by 10 to 30%
# from round to round, more than the cost sought. Here both run at the same
# time, pinned to the same CPU, each in a namespace of its own with its own
# tap, each given the same paced load by its own load generator (pinned to
# the other CPU): whatever slows the CPU slows both, and the ratio of their
# CPU per request is the cost.
#   on   the access log to a console file (on tmpfs when there is one),
#        --dns-log, --syslog to a receiver in its namespace
#        (bench/syslog_drain.py, as bench/observability.sh's), --metrics
#        scraped once a second (curl, beside the load generators);
#   off  --no-access-log.
# Rows: http (wrk -t1 -c16 on the small page, each connection waiting 1 ms
# after each response: bench/wrk_paced.lua) and dns (dnsperf -B, the mix of
# bench/dns.sh, -Q $PAIRED_DNS_RATE, default 25000, for each server). The
# two namespaces swap roles every round. CPU per request is each unihost's
# user+system time (this kernel bills the network stack's work in a
# process's system calls to that process) over the requests answered.
#
# PAIRED_SATURATE=1 takes the pacing off (wrk without the script, dnsperf
# without -Q's bound): the two unihosts then share their CPU at its full
# (the scheduler gives each half), and the ratio is the cost at full load,
# where a fixed cost per request weighs more than between paced requests.
# PAIRED_ROWS picks rows ("http dns"). PAIRED_NOMAKE=1 skips the build.
# PAIRED_CONSOLE=/dev/null sends both consoles there instead of to files.
# PAIRED_ENV_ON and PAIRED_ENV_OFF give each side environment variables
# (NAME=VALUE ...), to compare what the environment switches (for example
# PAIRED_ENV_OFF=UNIHOST_TAP_URING=0: frames read with readv on that side).
# PAIRED_ON and PAIRED_OFF replace the two configurations' flags, to
# measure one part at a time (the access log alone: PAIRED_ON=""; the
# scraper runs whatever the flags, and only finds a listener with
# --metrics 192.0.2.2:9100).
#
# Usage: sudo bench/observability_paired.sh [SECONDS]  (default 5; ROUNDS=9)
# Not a test.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ "$(id -u)" -eq 0 ] || exec sudo "$0" "$@"
duration=${1:-5}
rounds=${ROUNDS:-9}
dns_rate=${PAIRED_DNS_RATE:-25000}
wrk_pacing="-s $top/bench/wrk_paced.lua"
[ "${PAIRED_SATURATE:-0}" = 1 ] && { wrk_pacing= dns_rate=1000000; }
cpus=$(nproc)
[ "$cpus" -ge 2 ] || { echo "bench/observability_paired: needs 2 CPUs" >&2; exit 1; }
server_cpu=$((cpus - 1)) client_cpus=0-$((cpus - 2))
for tool in wrk dnsperf curl python3 taskset; do
    command -v "$tool" >/dev/null || { echo "bench/observability_paired: needs $tool" >&2; exit 1; }
done
[ -n "${PAIRED_NOMAKE:-}" ] || make -s -j2 all >/dev/null

. "$top/tools/netns.sh"
. "$top/bench/cpu.sh"
tmp=$(mktemp -d)
logdir=$tmp
if [ -d /dev/shm ] && [ -w /dev/shm ]; then logdir=$(mktemp -d /dev/shm/uh-pair.XXXXXX); fi
ns_a=uh-pa-$$ ns_b=uh-pb-$$
pid_a= pid_b= recv_a= recv_b=
cleanup() {
    for pid in $pid_a $pid_b $recv_a $recv_b; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in $pid_a $pid_b $recv_a $recv_b; do wait "$pid" 2>/dev/null || true; done
    netns_delete "$ns_a"
    netns_delete "$ns_b"
    rm -rf "$tmp"
    [ "$logdir" = "$tmp" ] || rm -rf "$logdir"
}
. "$top/bench/dns_common.sh"
trap cleanup EXIT INT TERM

dns_bench_prepare
printf 'server:\n    rrl-ratelimit: 0\n' > "$tmp/zones/dns.conf"
build/crunch --quiet --site site --zones "$tmp/zones" -o "$tmp/obs.blob"
rm -f "$tmp/zones/dns.conf"
netns_create "$ns_a" "uhpa$$"
netns_create "$ns_b" "uhpb$$"

# receiver NS: a syslog receiver on the namespace's side of its tap
# (bench/syslog_drain.py). Sets started.
receiver() {
    taskset -c "$client_cpus" ip netns exec "$1" python3 "$top/bench/syslog_drain.py" "$UNIHOST_HOST4" 514 \
        > /dev/null 2>&1 &
    started=$!
}
receiver "$ns_a"
recv_a=$started
receiver "$ns_b"
recv_b=$started

# start NS CONF: unihost in NS with CONF's flags; sets started (its PID)
start() {
    case $2 in
    on)  flags=${PAIRED_ON-"--dns-log --syslog $UNIHOST_HOST4:514 --metrics $UNIHOST_GUEST4:9100"} ;;
    off) flags=${PAIRED_OFF-"--no-access-log"} ;;
    esac
    case $2 in
    on)  environment=${PAIRED_ENV_ON-} ;;
    off) environment=${PAIRED_ENV_OFF-} ;;
    esac
    : > "$logdir/$1.log"
    # shellcheck disable=SC2086
    taskset -c "$server_cpu" ip netns exec "$1" env $environment "$top/build/unihost" --tap "$(tap_of "$1")" \
        --ipv4 "$UNIHOST_GUEST4/24" --blob "$tmp/obs.blob" $flags >> "${PAIRED_CONSOLE:-$logdir/$1.log}" 2>&1 &
    started=$!
}
tap_of() { [ "$1" = "$ns_a" ] && echo "uhpa$$" || echo "uhpb$$"; }
ready() {
    wait_answer "$1" "$UNIHOST_GUEST4"
    _i=0
    until ip netns exec "$1" curl -s -m 2 -o /dev/null "http://$UNIHOST_GUEST4/"; do
        _i=$((_i + 1))
        [ $_i -lt 20 ] || { echo "bench/observability_paired: no HTTP answer in $1" >&2; exit 1; }
        sleep 0.5
    done
}
pid_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }

# load ROW NS OUT: the row's paced load on NS's unihost, in the background
load() {
    case $1 in
    http) taskset -c "$client_cpus" ip netns exec "$2" timeout $((duration + 30)) \
              wrk -t1 -c16 $wrk_pacing -d"${duration}s" "http://$UNIHOST_GUEST4/" > "$3" 2>&1 & ;;
    dns)  taskset -c "$client_cpus" ip netns exec "$2" timeout $((duration + 30)) \
              dnsperf -B -d "$tmp/queries.bin" -s "$UNIHOST_GUEST4" -l "$duration" $DNSPERF_LOAD \
              -Q "$dns_rate" > "$3" 2>&1 & ;;
    esac
}
rate_of() {
    case $1 in
    http) awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$2" ;;
    dns)  awk '/Queries per second/ { printf "%.0f", $4 }' "$2" ;;
    esac
}

echo "bench/observability_paired: $rounds rounds of $duration s per row; unihosts on CPU $server_cpu, load on $client_cpus; load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %-5s %10s %10s %10s %10s %8s\n' round row "on req/s" "off req/s" "on us/r" "off us/r" "on/off"
: > "$tmp/ratios"
round=1
while [ "$round" -le "$rounds" ]; do
    if [ $((round % 2)) -eq 1 ]; then on_ns=$ns_a off_ns=$ns_b; else on_ns=$ns_b off_ns=$ns_a; fi
    start "$on_ns" on
    pid_a=$started
    start "$off_ns" off
    pid_b=$started
    ready "$on_ns"
    ready "$off_ns"
    for row in ${PAIRED_ROWS:-http dns}; do
        ( _i=0
          while [ $_i -lt "$duration" ]; do
              taskset -c "$client_cpus" ip netns exec "$on_ns" curl -s -m 1 -o /dev/null "http://$UNIHOST_GUEST4:9100/metrics"
              _i=$((_i + 1))
              sleep 1
          done ) &
        scraper=$!
        on0=$(pid_ticks "$pid_a") off0=$(pid_ticks "$pid_b")
        load "$row" "$on_ns" "$tmp/on.out"
        l1=$!
        load "$row" "$off_ns" "$tmp/off.out"
        l2=$!
        wait "$l1" || true
        wait "$l2" || true
        on1=$(pid_ticks "$pid_a") off1=$(pid_ticks "$pid_b")
        wait "$scraper" || true
        on_rate=$(rate_of "$row" "$tmp/on.out") off_rate=$(rate_of "$row" "$tmp/off.out")
        [ -n "$on_rate" ] && [ -n "$off_rate" ] ||
            { echo "bench/observability_paired: a load generator failed:" >&2; cat "$tmp/on.out" "$tmp/off.out" >&2; exit 1; }
        line=$(awk -v a=$((on1 - on0)) -v b=$((off1 - off0)) -v ra="$on_rate" -v rb="$off_rate" \
                   -v hz="$clock_ticks" -v s="$duration" \
            'BEGIN { ua = a / hz * 1e6 / (ra * s); ub = b / hz * 1e6 / (rb * s);
                     printf "%.2f %.2f %.4f", ua, ub, (ub > 0 ? ua / ub : 0) }')
        # shellcheck disable=SC2086
        set -- $line
        printf '%-6s %-5s %10s %10s %10s %10s %8s\n' "$round" "$row" "$on_rate" "$off_rate" "$1" "$2" "$3"
        echo "$row $3" >> "$tmp/ratios"
    done
    kill -TERM "$pid_a" "$pid_b" 2>/dev/null || true
    wait "$pid_a" 2>/dev/null || true
    wait "$pid_b" 2>/dev/null || true
    pid_a= pid_b=
    round=$((round + 1))
done

median() { sort -g | awk '{ v[NR] = $1 } END { printf "%.3f", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
for row in ${PAIRED_ROWS:-http dns}; do
    r=$(awk -v r="$row" '$1 == r { print $2 }' "$tmp/ratios")
    printf '  %-5s CPU per request on/off: median %s (rounds %s-%s): cost %s%%\n' "$row" "$(echo "$r" | median)" \
        "$(echo "$r" | sort -g | head -n 1)" "$(echo "$r" | sort -g | tail -n 1)" \
        "$(echo "$r" | median | awk '{ printf "%.1f", ($1 - 1) * 100 }')"
done
