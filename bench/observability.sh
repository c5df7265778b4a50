#!/bin/sh
# bench/observability: what logging and metrics cost. The same unihost
# build, blob and load, in two configurations, measured in interleaved
# rounds of one run:
#   on   the access log on (its default), --dns-log, --syslog to a receiver
#        in the namespace, --metrics scraped once a second (curl);
#   off  --no-access-log, and none of the others.
# The console is a file (appended to, emptied after each run; on tmpfs
# when /dev/shm is there, see below), as in site/docs/logs.md's
# measurement. The syslog receiver (bench/syslog_drain.py) counts
# datagrams, pinned beside the load generator; it drains its socket every
# 10 ms, as a receiver on another machine would not be woken by unihost's
# CPU (an IPI per datagram, 1,000 a second at --syslog-rate's default).
# Four rows: two at saturation, each the throughput of bench/http.sh's and
# bench/dns.sh's,
#   http  wrk -t2 -c16, keep-alive, the small page (/), WRK_NICE (10);
#   dns   dnsperf -B, bench/dns.sh's mix (bench/dns_mix.txt), -c 8 -q 200,
#         unihost's blob with rrl-ratelimit: 0 (see bench/dns.sh);
# and the same two paced below what either configuration takes, where the
# cost is the CPU each request takes (at saturation the slower side also
# pays for waking the load generator, which then waits for it: on these two
# CPUs a small cost grows into a larger loss of throughput, and rounds of
# the same configuration differ by 20 to 30%):
#   http-paced  wrk -t2 -c$OBS_HTTP_CONNS (32), each connection waiting 1 ms
#               after each response (bench/wrk_paced.lua);
#   dns-paced   dnsperf -Q $OBS_DNS_RATE (60000 queries a second).
# The blob is site/ with bench/zones/ (bench/dns_common.sh prepares them).
# The server runs on the last CPU and the load generator on the others
# (DNS_BENCH_PIN=0: no pinning), one configuration at a time on the same
# tap and address, started afresh for each run. Each round runs http and dns
# for both, the order of on and off reversed every other round; before each
# run the script waits (at most OBS_QUIET_WAIT s, default 30) for the
# machine to be idle, and a run during which something else used more than
# a tenth of a CPU is made again (at most OBS_RETRIES times, default 2;
# shown in parentheses).
#
# Prints, per run: requests (queries) a second, the server's CPU (% of one
# core) and its CPU per request in microseconds, the load generator's CPU
# (with the syslog receiver's),
# the rest of the machine's, and for "on" the log lines written and
# dropped (console, syslog) and the scrapes answered; then per row the
# medians and the median over the rounds of on/off (and its range): the
# cost is 1 - that ratio.
#
# OBS_CONFS (default "on off") picks the configurations, in the order of
# odd rounds: also "ops" (what runs by default plus syslog and metrics:
# "on" without --dns-log's line per query), "log" (the access log and
# --dns-log, to the console only) and "syslog" (those and --syslog), to see
# what each part costs. OBS_ROWS (default "http dns http-paced dns-paced")
# picks the rows.
#
# Usage: sudo bench/observability.sh [SECONDS]   (default 10; ROUNDS=5)
# Not a test: on a shared machine, compare the ratios of one run.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ "$(id -u)" -eq 0 ] || exec sudo "$0" "$@"
duration=${1:-10}
rounds=${ROUNDS:-5}
client_nice=${WRK_NICE:-10}
for tool in wrk dnsperf curl python3 taskset; do
    command -v "$tool" >/dev/null || { echo "bench/observability: needs $tool" >&2; exit 1; }
done
make -s -j2 all >/dev/null

. "$top/tools/netns.sh"
. "$top/bench/cpu.sh"
ns=uh-obs-$$
tap=uho$$
tmp=$(mktemp -d)
uh_pid= recv_pid=
cleanup() {
    for pid in $uh_pid $recv_pid; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in $uh_pid $recv_pid; do wait "$pid" 2>/dev/null || true; done
    netns_delete "$ns"
    rm -rf "$tmp"
    [ "${logdir:-$tmp}" = "$tmp" ] || rm -rf "$logdir"
}
. "$top/bench/dns_common.sh"
trap cleanup EXIT INT TERM
pin_server=$server_pin pin_client=$client_pin

dns_bench_prepare
# One blob for both rows: the site and the bench zones, without RRL.
printf 'server:\n    rrl-ratelimit: 0\n' > "$tmp/zones/dns.conf"
build/crunch --quiet --site site --zones "$tmp/zones" -o "$tmp/obs.blob"
rm -f "$tmp/zones/dns.conf"
netns_create "$ns" "$tap"

# The syslog receiver on the tap's kernel side: reads and counts.
SYSLOG=$UNIHOST_HOST4:514
# (ip netns exec and taskset exec it: recv_pid is its PID; it ends by
# itself after two hours.)
$pin_client ip netns exec "$ns" python3 "$top/bench/syslog_drain.py" "$UNIHOST_HOST4" 514 "$tmp/syslog.count" &
recv_pid=$!
_i=0
while [ ! -f "$tmp/syslog.count.ready" ]; do
    _i=$((_i + 1))
    [ $_i -lt 100 ] || { echo "bench/observability: the syslog receiver did not start" >&2; exit 1; }
    sleep 0.1
done
syslog_count() {
    rm -f "$tmp/syslog.count"
    kill -USR1 "$recv_pid"
    _i=0
    while [ ! -s "$tmp/syslog.count" ] && [ $_i -lt 30 ]; do sleep 0.1; _i=$((_i + 1)); done
    cat "$tmp/syslog.count" 2>/dev/null || echo 0
}

METRICS=$UNIHOST_GUEST4:9100
# The console file lives on tmpfs when there is one: unihost's write() is
# the same copy into the page cache, but no disk writeback follows, whose
# kernel threads would otherwise run on the server's CPU in "on" rounds
# only (a cost of the disk, which any server logging to it pays).
logdir=$tmp
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
    logdir=$(mktemp -d /dev/shm/uh-obs.XXXXXX)
fi
LOG=$logdir/console.log
start() {   # start on|off: unihost in that configuration; waits until it serves both
    : > "$LOG"
    ip netns exec "$ns" ip neigh flush dev "$tap" 2>/dev/null || true
    case $1 in
    on)     flags="--dns-log --syslog $SYSLOG --metrics $METRICS" ;;
    ops)    flags="--syslog $SYSLOG --metrics $METRICS" ;;
    syslog) flags="--dns-log --syslog $SYSLOG" ;;
    log)    flags="--dns-log" ;;
    off)    flags="--no-access-log" ;;
    *)      echo "bench/observability: no configuration $1 (OBS_CONFS: on ops syslog log off)" >&2; exit 2 ;;
    esac
    # shellcheck disable=SC2086
    $pin_server ip netns exec "$ns" "$top/build/unihost" --tap "$tap" --ipv4 "$UNIHOST_GUEST4/24" \
        --blob "$tmp/obs.blob" $flags >> "$LOG" 2>&1 &
    uh_pid=$!
    wait_answer "$ns" "$UNIHOST_GUEST4"
    _i=0
    until ip netns exec "$ns" curl -s -m 2 -o /dev/null "http://$UNIHOST_GUEST4/"; do
        _i=$((_i + 1))
        [ $_i -lt 20 ] || { echo "bench/observability: no HTTP answer" >&2; exit 1; }
        sleep 0.5
    done
}
stop() {
    kill -TERM "$uh_pid" 2>/dev/null || true
    wait "$uh_pid" 2>/dev/null || true
    uh_pid=
}
# last_stat KEY: KEY of the last stats line (SIGUSR1 first)
last_stat() {
    grep '^unihost: stats: ' "$LOG" | tail -n 1 | tr ' ' '\n' | sed -n "s/^$1=//p"
}
ask_stats() {
    _before=$(grep -c '^unihost: stats: ' "$LOG" || true)
    kill -USR1 "$uh_pid"
    _i=0
    while [ "$(grep -c '^unihost: stats: ' "$LOG" || true)" -le "$_before" ] && [ $_i -lt 50 ]; do
        sleep 0.1
        _i=$((_i + 1))
    done
}

machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
quiet() { DNS_BENCH_QUIET_WAIT=${OBS_QUIET_WAIT:-30} wait_quiet; }

# measure ROW CONF: one run; sets rate, sticks (server ticks), cticks, other_ticks
measure() {
    _out=$tmp/$1.$2.out
    : > "$LOG"      # (appended to: emptying it is safe)
    scraper=
    if [ "$2" = on ] || [ "$2" = ops ]; then
        ( _i=0
          while [ $_i -lt "$duration" ]; do
              # (the scraper stands for Prometheus on another machine:
              # beside the load generator, never on the server's CPU)
              $pin_client ip netns exec "$ns" curl -s -m 1 -o /dev/null -w '%{http_code}\n' "http://$METRICS/metrics"
              _i=$((_i + 1))
              sleep 1
          done > "$tmp/scrapes" 2>&1 ) &
        scraper=$!
    fi
    _m0=$(machine_ticks) _r0=$(all_ticks "$recv_pid")
    case $1 in
    http|http-paced)
        _s0=$(all_ticks "$uh_pid") _c0=$(child_ticks)
        if [ "$1" = http ]; then _wrk="-c16"; else _wrk="-c$http_conns -s $top/bench/wrk_paced.lua"; fi
        # shellcheck disable=SC2086
        $pin_client ip netns exec "$ns" nice -n "$client_nice" timeout $((duration + 30)) \
            wrk -t2 $_wrk -d"${duration}s" "http://$UNIHOST_GUEST4/" > "$_out" 2>&1 || true
        sticks=$(( $(all_ticks "$uh_pid") - _s0 )) cticks=$(( $(child_ticks) - _c0 ))
        rate=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$_out")
        _bad=$(awk '/Non-2xx|Socket errors/' "$_out" | tr '\n' ' ')
        [ -z "$_bad" ] || echo "# http $2: $_bad"
        ;;
    dns|dns-paced)
        dnsperf_rate=
        [ "$1" = dns ] || dnsperf_rate=$dns_rate
        dnsperf_run "$ns" "$UNIHOST_GUEST4" "$duration" "$_out" "$uh_pid"
        sticks=$server_ticks cticks=$client_ticks rate=$qps
        _lost=$(awk '/Queries lost/ { print $3 }' "$_out")
        [ "${_lost:-0}" = 0 ] || echo "# dns $2: $_lost lost; rcodes $rcodes"
        ;;
    esac
    _m1=$(machine_ticks)
    # the syslog receiver stands for another machine: its CPU is the client's
    cticks=$((cticks + $(all_ticks "$recv_pid") - _r0))
    other_ticks=$((_m1 - _m0 - sticks - cticks))
    [ "$other_ticks" -ge 0 ] || other_ticks=0
    [ -z "$scraper" ] || wait "$scraper"
}

row() { printf '%-6s %-10s %-5s %10s %7s %9s %7s %6s %10s %10s %10s %7s\n' "$@"; }
echo "bench/observability: $rounds rounds of $duration s per row and configuration; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench/observability: on = access log (console a file) + --dns-log + --syslog $SYSLOG + --metrics $METRICS scraped every second; off = --no-access-log"
if [ -n "$pin_server" ]; then echo "bench/observability: unihost pinned ($pin_server), wrk and dnsperf ($pin_client)"; fi
confs=${OBS_CONFS:-on off}
rows=${OBS_ROWS:-http dns http-paced dns-paced}
http_conns=${OBS_HTTP_CONNS:-32}
dns_rate=${OBS_DNS_RATE:-60000}
reversed=$(echo "$confs" | awk '{ for (i = NF; i > 0; i--) printf "%s%s", $i, (i > 1 ? " " : "") }')
row round row conf "req/s" server "us CPU/r" client other "log lines" "console dr" "syslog dr" scrapes
: > "$tmp/rounds"
round=1
while [ $round -le "$rounds" ]; do
    if [ $((round % 2)) -eq 1 ]; then order=$confs; else order=$reversed; fi
    for r in $rows; do
        for conf in $order; do
            start "$conf"
            tries=0
            while :; do
                quiet
                syslog0=$(syslog_count)
                measure "$r" "$conf"
                tries=$((tries + 1))
                [ "$other_ticks" -gt $((clock_ticks * duration / 10)) ] && [ "$tries" -le "${OBS_RETRIES:-2}" ] || break
                row "($round)" "$r" "$conf" "$rate" "$(cpu_percent "$sticks" "$duration")" "" "" \
                    "$(cpu_percent "$other_ticks" "$duration")" "" "" "" "again"
            done
            us=$(awk -v t="$sticks" -v hz="$clock_ticks" -v q="$rate" -v s="$duration" \
                 'BEGIN { printf "%.2f", (q > 0 ? t / hz * 1e6 / (q * s) : 0) }')
            lines= cdrop= sdrop= scr=
            if [ "$conf" != off ]; then
                ask_stats
                lines=$(grep -c '^unihost: \(access\|query\): ' "$LOG" || true)
                cdrop=$(last_stat log_console_dropped)
                sdrop=$(last_stat log_syslog_dropped)
                [ "$conf" != on ] && [ "$conf" != ops ] || scr="$(grep -c '^200$' "$tmp/scrapes" || true)/$duration"
                [ "$conf" = log ] || lines="$lines (+$(( $(syslog_count) - syslog0 )) sl)"
            fi
            stop
            row "$round" "$r" "$conf" "$rate" "$(cpu_percent "$sticks" "$duration")" "$us" \
                "$(cpu_percent "$cticks" "$duration")" "$(cpu_percent "$other_ticks" "$duration")" \
                "$lines" "$cdrop" "$sdrop" "$scr"
            echo "$round $r $conf $rate $us" >> "$tmp/rounds"
        done
    done
    round=$((round + 1))
done

# the medians, and the median over the rounds of on/off
median() { sort -g | awk '{ v[NR] = $1 } END { printf "%.2f", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
echo "medians over $rounds rounds (log lines: access or query lines written to the console file, sl: syslog datagrams received):"
for r in $rows; do
    for conf in $confs; do
        printf '  %-5s %-4s %10.0f req/s %8s us CPU/request\n' "$r" "$conf" \
            "$(awk -v r="$r" -v c="$conf" '$2 == r && $3 == c { print $4 }' "$tmp/rounds" | median)" \
            "$(awk -v r="$r" -v c="$conf" '$2 == r && $3 == c { print $5 }' "$tmp/rounds" | median)"
    done
    for conf in $confs; do
        [ "$conf" != off ] || continue
        ratios=$(awk -v r="$r" -v c="$conf" '$2 == r && $3 == c { on[$1] = $4 } $2 == r && $3 == "off" { off[$1] = $4 }
                     END { for (k in on) if (off[k] > 0) printf "%.4f\n", on[k] / off[k] }' "$tmp/rounds" | sort -g)
        cpu=$(awk -v r="$r" -v c="$conf" '$2 == r && $3 == c { on[$1] = $5 } $2 == r && $3 == "off" { off[$1] = $5 }
                  END { for (k in on) if (off[k] > 0) printf "%.4f\n", on[k] / off[k] }' "$tmp/rounds" | median)
        printf '  %-5s %s/off throughput: %s (rounds %s-%s): cost %s%%; CPU per request %s/off: %s (+%s%%)\n' "$r" "$conf" \
            "$(echo "$ratios" | median)" "$(echo "$ratios" | head -n 1)" "$(echo "$ratios" | tail -n 1)" \
            "$(echo "$ratios" | median | awk '{ printf "%.1f", (1 - $1) * 100 }')" "$conf" "$cpu" \
            "$(echo "$cpu" | awk '{ printf "%.1f", ($1 - 1) * 100 }')"
    done
done

# The same cost measured directly: build/bench/log_cost runs unihost's log
# code (the line, the console ring, its batched write to a file) in process
# and gives the nanoseconds each access or query line adds; divided by the
# CPU per request of the "off" rows above, it is the share of the server's
# work the lines take, a figure the noise of a shared machine moves much
# less than the throughputs'.
make -s build/bench/log_cost >/dev/null
TMPDIR=$logdir $pin_server "$top/build/bench/log_cost" 1 > "$tmp/log_cost.out"
sed 's/^/  log_cost: /' "$tmp/log_cost.out"
# ("on" sends to syslog: its figures with syslog on)
access_ns=$(sed -n 's/^access line: .*, \([0-9]*\) ns (syslog on).*/\1/p' "$tmp/log_cost.out")
query_ns=$(sed -n 's/^query line: .*, \([0-9]*\) ns (syslog on).*/\1/p' "$tmp/log_cost.out")
for r in $rows; do
    off_us=$(awk -v r="$r" '$2 == r && $3 == "off" { print $5 }' "$tmp/rounds" | median)
    case $r in http*) line_ns=$access_ns what="an access line" ;; dns*) line_ns=$query_ns what="a query line (--dns-log)" ;; esac
    awk -v ns="$line_ns" -v us="$off_us" -v r="$r" -v w="$what" 'BEGIN { if (us > 0)
        printf "  %-5s %s: %d ns, %.1f%% of unihost'"'"'s %.2f us CPU per request with the log off\n", r, w, ns, ns / 10 / us, us }'
done
