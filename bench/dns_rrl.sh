#!/bin/sh
# bench/dns_rrl: what response-rate limiting (RRL) and DNS cookies cost
# unihost under bench/dns.sh's load, and what a flood from one prefix costs
# everyone else. Same zones, query mix, namespace set-up, pinning and
# dnsperf settings as bench/dns.sh (bench/dns_common.sh); unihost alone
# (NSD is bench/dns.sh's business). Each blob is crunched from the same
# scratch copy of bench/zones/ with its own dns.conf (dns_bench_blob; the
# options are site/docs/dns.md's).
#
# On a shared virtual machine the same server's q/s moves by 10-20% from
# one run to the next, with nothing else visibly running (the host's other
# guests): more than the 5% these figures are about. So the servers being
# compared run side by side for the whole part, never restarted, each in a
# namespace of its own made alike (192.0.2.1 on the tap's side, unihost at
# 192.0.2.2), both on the server's CPU (the one not being measured only
# waits in poll), and ROUNDS (default 10) rounds of short runs (SECONDS,
# default 5) alternate between them, their order reversed every other
# round, so that a slow spell hits both sides of a round; the ratios are
# the medians of the rounds' ratios, with their range.
#
# 1. cost: "bench/dns with RRL and cookies on stays within 5% of the same
#    run with them off." Two unihosts:
#      off  rrl-ratelimit: 0, answer-cookie: no
#      on   rrl-ratelimit: 1000000 (the most crunch accepts), answer-cookie:
#           yes. Every answer is accounted in its bucket, but none is ever
#           limited: a bucket is one (client /24, kind, name, type) and the
#           busiest of the mix's buckets gets 15% of dnsperf's ~100k q/s,
#           far below a million a second (dnsperf's lost column stays 0).
#           So this measures the limiter's bookkeeping, not its limiting.
#    Both are sent the same queries: the mix with a client cookie in every
#    query (dns_mix.py wire --cookie; dnsperf's -E does not apply to -B
#    input; the mix's queries without EDNS get an OPT of 512 bytes for the
#    cookie, so every answer stays of its kind). "on" then makes a server
#    cookie (SipHash-2-4) for every answer and sends it back (28 bytes
#    more); "off" skips the option. Only unihost's configuration differs.
#    Before the load the mix is checked against each (dns_mix.py check):
#    every answer of its kind, and under "on" every one with a server
#    cookie. Prints q/s per run, the medians and the ratio on/off.
#    On this load dnsperf's CPU is the bottleneck before the server's (see
#    bench/dns.sh), so q/s moves less than the server's cost does: the
#    per-core ratio and the server's CPU per query show the cost, and move
#    more from run to run. So first the same comparison in process, where
#    it is precise: build/bench/dns_engine --served (the engine as
#    dns_service.c drives it over UDP, with the blob's options) on the same
#    queries, on the server's CPU, 3 alternating runs of 2 s of off, RRL
#    alone, cookies alone and both (on); the nanoseconds "on" adds to a
#    query, over the server's CPU per query in the "off" runs, estimate
#    what RRL and cookies cost unihost as a whole.
#
# 2. flood: "During a flood at ten times the RRL rate from one prefix,
#    legitimate clients lose at most 5% of their throughput." One unihost
#    with RRL at its defaults (200 answers a second per /24 and kind, slip
#    2) and --ipv4-gateway 192.0.2.1, so that it answers an address off its
#    link through the namespace's side of the tap:
#      legitimate  dnsperf from 192.0.2.1 at saturation, as in bench/dns.sh
#                  (the plain mix). Its /24 is rrl-exempt: one address
#                  asking ~100k q/s would otherwise be limited to 200
#                  answers a second per bucket itself and lose most of its
#                  answers with or without a flood (the mix repeats a few
#                  dozen names); a client of that size is a resolver farm
#                  whose operator an authoritative server's operator
#                  exempts. Its throughput is then what the flood can take
#                  away by using the server's CPU, not by sharing buckets.
#      flood       build/bench/dns_flood (bench/dns_flood.c) from
#                  203.0.113.7 (on the namespace's loopback: another /24,
#                  not exempt): the mix's first "large" query (about 1 KB
#                  of TXT asked with EDNS: what an amplification attack
#                  would ask), FLOOD_RATE a second (default 2000: ten times
#                  the rate), evenly (a batch every 5 ms), from 1 s before
#                  dnsperf starts to 1 s after it ends: at most FLOOD_RATE *
#                  (SECONDS + 2) queries, and it gives up waiting for
#                  answers 1 s after. All of it falls in one bucket, which
#                  passes 200 a second (and, after a quiet run, its full
#                  bucket of 200); of the rest every 2nd goes back truncated
#                  (TC, the slip) and the others are dropped. The flooder
#                  counts the answers it gets by what they are.
#    First the flood alone for 2 * SECONDS: the server's CPU and the
#    flooder's (an upper bound of what the flood costs the server amid a
#    load, where unihost reads its datagrams in batches). Then ROUNDS
#    rounds of dnsperf without the flood ("quiet") and with it,
#    alternating; prints the legitimate client's q/s per run, the medians,
#    its throughput during the flood over its throughput without; then
#    what the flooder got: queries sent, answered whole, answered
#    truncated, answered otherwise, unanswered, in all and per second,
#    against what RRL should give; and the loss the flood alone predicts,
#    far more precise than the q/s ratio on a noisy machine.
#    The flooder is a client: it runs on dnsperf's CPUs and takes from
#    them (its CPU column) what dnsperf, which saturates them, would have
#    used: that share of the loss is the test rig's, not the server's. So it
#    is written in C with sendmmsg and recvmmsg and wakes every 5 ms (about
#    1% of a core at 2000 q/s; a Python flooder used 5%, as much as the
#    figure's whole margin). FLOOD_ON_SERVER_CPU=1 runs it on the server's
#    CPU instead, where it takes from the server.
#
# Every row shows the server's CPU, dnsperf's, the flooder's and the rest
# of the machine's ("other"), as bench/dns.sh's do, and the server's CPU
# per query and queries per second per core. Each run first waits for the
# machine to be idle and is made again when something else used more than
# a tenth of a CPU meanwhile (DNS_BENCH_QUIET_WAIT, DNS_BENCH_RETRIES, as
# in bench/dns.sh; a row marked ! was measured busy all the same, and the
# ratios are given again without its round).
#
# Usage: sudo bench/dns_rrl.sh [SECONDS] [--cost-only | --flood-only]
#        (default 5 s per run; ROUNDS, FLOOD_RATE, FLOOD_ON_SERVER_CPU,
#        DNS_BENCH_PIN as above)
# Not a test: it prints figures and asserts no timing; compare the ratios
# printed by one run, and run it twice.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ "$(id -u)" -eq 0 ] || exec sudo "$0" "$@"
duration=5
parts="cost flood"
for arg in "$@"; do
    case $arg in
    --cost-only) parts=cost ;;
    --flood-only) parts=flood ;;
    *[!0-9]*|'') echo "usage: bench/dns_rrl.sh [SECONDS] [--cost-only | --flood-only]" >&2; exit 2 ;;
    *) duration=$arg ;;
    esac
done
[ "$duration" -ge 1 ] || { echo "bench/dns_rrl: SECONDS must be at least 1" >&2; exit 2; }
rounds=${ROUNDS:-10}
flood_rate=${FLOOD_RATE:-2000}
case $flood_rate in *[!0-9]*|'') echo "bench/dns_rrl: FLOOD_RATE must be a whole number" >&2; exit 2 ;; esac
# The flooder's message IDs must not repeat within a run.
[ $((flood_rate * (duration + 2))) -le 65536 ] ||
    { echo "bench/dns_rrl: FLOOD_RATE * (SECONDS + 2) must be at most 65536" >&2; exit 2; }
make -s -j"$(nproc)" all build/bench/dns_flood build/bench/dns_engine >/dev/null

. "$top/tools/netns.sh"
. "$top/bench/cpu.sh"
ns_a=uh-rrl-a-$$ tap_a=uhra$$
ns_b=uh-rrl-b-$$ tap_b=uhrb$$
tmp=$(mktemp -d)
pid_a= pid_b= flood_pid=
cleanup() {
    [ -z "$flood_pid" ] || { kill -TERM "$flood_pid" 2>/dev/null || true; wait "$flood_pid" 2>/dev/null || true; }
    for pid in $pid_a $pid_b; do stop_server "$pid"; done
    netns_delete "$ns_a"
    netns_delete "$ns_b"
    rm -rf "$tmp"
}
. "$top/bench/dns_common.sh"
trap cleanup EXIT INT TERM

COOKIE=0123456789abcdef     # the client cookie of every query in part 1
FLOOD4=203.0.113.7          # the flooder's address: another /24 than 192.0.2.1's
LEGIT_NET=192.0.2.0/24      # the legitimate client's /24 (192.0.2.1, the tap's side), rrl-exempt in part 2
if [ "${FLOOD_ON_SERVER_CPU:-0}" = 1 ]; then flood_pin=$server_pin; else flood_pin=$client_pin; fi

dns_bench_tools="dnsperf ldns-keygen ldns-signzone dig python3"   # no NSD here
dns_bench_prepare
dns_bench_blob "$tmp/off.blob" "rrl-ratelimit: 0" "answer-cookie: no"
dns_bench_blob "$tmp/on.blob" "rrl-ratelimit: 1000000" "answer-cookie: yes"
dns_bench_blob "$tmp/rrl.blob" "rrl-ratelimit: 1000000" "answer-cookie: no"
dns_bench_blob "$tmp/cookies.blob" "rrl-ratelimit: 0" "answer-cookie: yes"
dns_bench_blob "$tmp/flood.blob" "rrl-exempt: $LEGIT_NET"
python3 bench/dns_mix.py wire "$DNS_MIX" "$tmp/queries-cookie.bin" --cookie "$COOKIE"
grep -m 1 '^large ' "$DNS_MIX" > "$tmp/flood_mix.txt"
python3 bench/dns_mix.py wire "$tmp/flood_mix.txt" "$tmp/flood.bin"
dns_bench_netns "$ns_a" "$tap_a"
dns_bench_netns "$ns_b" "$tap_b"
ip netns exec "$ns_a" ip addr add "$FLOOD4/32" dev lo

python3 bench/dns_mix.py summary "$DNS_MIX" | sed 's/^/bench\/dns_rrl: /'
if [ -n "$server_pin" ]; then pinning="servers on CPU $server_core, dnsperf on the others"; else pinning="no CPU pinning"; fi
echo "bench/dns_rrl: $rounds rounds of $duration s per configuration; dnsperf -B $DNSPERF_LOAD; $pinning"

# serve A|B BLOB [OPTION...]: unihost in namespace A or B with BLOB, until
# the part ends; sets pid_a or pid_b once it answers
serve() {
    _side=$1
    shift
    if [ "$_side" = a ]; then _ns=$ns_a _tap=$tap_a; else _ns=$ns_b _tap=$tap_b; fi
    unihost_log=$tmp/unihost-$_side.log
    start_unihost "$_ns" "$_tap" "$@"
    if [ "$_side" = a ]; then pid_a=$server_pid; else pid_b=$server_pid; fi
    wait_answer "$_ns" "$UNIHOST_GUEST4"
}
unserve() {
    for pid in $pid_a $pid_b; do stop_server "$pid"; done
    pid_a= pid_b=
}
# expect_log A|B TEXT: that unihost said TEXT at start-up (its options are the blob's)
expect_log() {
    grep -qF "$2" "$tmp/unihost-$1.log" ||
        { sed 's/^/bench\/dns_rrl: unihost: /' "$tmp/unihost-$1.log" >&2; echo "bench/dns_rrl: expected \"$2\"" >&2; exit 1; }
}

row() { printf '%-5s %-6s %9s %7s %6s %8s %8s %6s %8s %10s\n' "$@"; }
header() { row round config "q/s" lost server dnsperf flooder other "us CPU/q" "q/s/core"; }

# measure LABEL NS PID QUERIES [flood]: one run at saturation against the
# unihost PID in NS (made again while something else kept the machine
# busy); with "flood", the flooder runs from 1 s before to 1 s after.
# Prints the row, appends it to $tmp/rounds and the flooder's counts to
# $tmp/flood.
measure() {
    tries=0
    while :; do
        wait_quiet
        flood_ticks=0
        if [ "${5:-}" = flood ]; then
            $flood_pin ip netns exec "$2" timeout $((duration + 20)) build/bench/dns_flood \
                "$FLOOD4" "$UNIHOST_GUEST4" "$flood_rate" $((duration + 2)) "$tmp/flood.bin" > "$tmp/flood.out" 2>&1 &
            flood_pid=$!
            sleep 1
        fi
        machine0=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat)
        [ -z "$flood_pid" ] || f0=$(all_ticks "$flood_pid")
        dnsperf_run "$2" "$UNIHOST_GUEST4" "$duration" "$tmp/$1.perf" "$3" "$4"
        [ -z "$flood_pid" ] || flood_ticks=$(($(all_ticks "$flood_pid") - f0))
        machine1=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat)
        if [ -n "$flood_pid" ]; then
            wait "$flood_pid" || true
            flood_pid=
            grep -q '^flood: ' "$tmp/flood.out" ||
                { cat "$tmp/flood.out" >&2; echo "bench/dns_rrl: the flooder failed" >&2; exit 1; }
        fi
        other_ticks=$((machine1 - machine0 - server_ticks - client_ticks - flood_ticks))
        other=$(cpu_percent "$other_ticks" "$duration")
        flooder=$(cpu_percent "$flood_ticks" "$duration")
        tries=$((tries + 1))
        [ "$other_ticks" -gt $((clock_ticks * duration / 10)) ] && [ "$tries" -le "${DNS_BENCH_RETRIES:-3}" ] || break
        row "($round)" "$1" "$qps" "$lost" "$server_cpu" "$client_cpu" "$flooder" "$other" "" "again"
    done
    us=$(awk -v t="$server_ticks" -v hz="$clock_ticks" -v q="$qps" -v s="$duration" \
         'BEGIN { printf "%.2f", (q > 0 ? t / hz * 1e6 / (q * s) : 0) }')
    per_core=$(awk -v t="$server_ticks" -v hz="$clock_ticks" -v q="$qps" -v s="$duration" \
               'BEGIN { printf "%.0f", (t > 0 ? q * s / (t / hz) : 0) }')
    busy=
    [ "$other_ticks" -le $((clock_ticks * duration / 10)) ] || { busy=!; busy_rows=$((busy_rows + 1)); }
    row "$round" "$1" "$qps" "$lost" "$server_cpu" "$client_cpu" "$flooder" "$other$busy" "$us" "$per_core"
    echo "$round $1 $qps $server_cpu $client_cpu $flooder $other $us $per_core ${busy:--}" | tr -d % >> "$tmp/rounds"
    if [ "${5:-}" = flood ]; then
        sed 's/^/      /' "$tmp/flood.out"
        echo "$round $(sed -n 's/^flood: .*sent \([0-9]*\) in \([0-9.]*\) s.*answered \([0-9]*\), truncated \([0-9]*\), other \([0-9]*\), unanswered \([0-9]*\).*/\1 \2 \3 \4 \5 \6/p' "$tmp/flood.out")" >> "$tmp/flood"
    fi
}

# median LABEL FIELD FORMAT: one column's median over the rounds
median() {
    awk -v s="$1" -v f="$2" '$2 == s { print $f }' "$tmp/rounds" | sort -g |
        awk -v fmt="$3" '{ v[NR] = $1 }
            END { printf fmt, (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
# ratio A B FIELD [clean]: the median over the rounds of A's FIELD over
# B's, and its range; with "clean", over the rounds where neither run was
# marked busy (column 10)
ratio() {
    awk -v a="$1" -v b="$2" -v f="$3" -v clean="${4:-}" '
        $2 == a { x[$1] = $f; if ($10 == "!") bad[$1] = 1 }
        $2 == b { y[$1] = $f; if ($10 == "!") bad[$1] = 1 }
        END { for (r in x) if (y[r] > 0 && !(clean && bad[r])) printf "%.4f\n", x[r] / y[r] }' "$tmp/rounds" | sort -g |
        awk '{ v[NR] = $1 } END { if (!NR) { printf "none"; exit }
                                 m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
                                 printf "%.3f (%d rounds, %.3f-%.3f)", m, NR, v[1], v[NR] }'
}
# ratios A B TEXT: the ratio lines of A over B
ratios() {
    echo "$3, queries/s: $(ratio "$1" "$2" 3)   per server core: $(ratio "$1" "$2" 9)"
    [ "$busy_rounds" -eq 0 ] ||
        echo "  rounds with the machine to themselves only, queries/s: $(ratio "$1" "$2" 3 clean)" \
             "  per server core: $(ratio "$1" "$2" 9 clean)"
}
summary() {
    echo "median of $rounds rounds:"
    for label in "$@"; do
        row "" "$label" "$(median "$label" 3 %.0f)" "" "$(median "$label" 4 %.0f%%)" "$(median "$label" 5 %.0f%%)" \
            "$(median "$label" 6 %.0f%%)" "$(median "$label" 7 %.0f%%)" "$(median "$label" 8 %.2f)" \
            "$(median "$label" 9 %.0f)"
    done
}
# run LABEL: one run of LABEL against the unihost serving it
run() {
    case $1 in
    off) measure off "$ns_a" "$pid_a" "$tmp/queries-cookie.bin" ;;
    on) measure on "$ns_b" "$pid_b" "$tmp/queries-cookie.bin" ;;
    quiet) measure quiet "$ns_a" "$pid_a" "$tmp/queries.bin" ;;
    flood) measure flood "$ns_a" "$pid_a" "$tmp/queries.bin" flood ;;
    esac
}
# run_rounds A B: ROUNDS rounds of A and B, the order reversed every other round
run_rounds() {
    : > "$tmp/rounds"
    header
    round=1
    while [ $round -le "$rounds" ]; do
        if [ $((round % 2)) -eq 1 ]; then run "$1"; run "$2"; else run "$2"; run "$1"; fi
        round=$((round + 1))
    done
    busy_rounds=$(awk '$10 == "!" { print $1 }' "$tmp/rounds" | sort -u | wc -l)
}
busy_rows=0 busy_rounds=0

case $parts in *cost*)
    echo
    echo "bench/dns_rrl: 1. the cost of RRL and cookies: off (rrl-ratelimit: 0, answer-cookie: no)" \
         "against on (rrl-ratelimit: 1000000, answer-cookie: yes), every query with a client cookie"
    serve a "$tmp/off.blob"
    serve b "$tmp/on.blob"
    expect_log a "not rate limited"
    expect_log a "cookies not answered"
    expect_log b "rate limiting UDP answers to 1000000 a second"
    expect_log b "answering DNS cookies"
    for side in a b; do
        if [ $side = a ]; then config=off ns=$ns_a want=0; else config=on ns=$ns_b want=100; fi
        ip netns exec "$ns" python3 bench/dns_mix.py check "$DNS_MIX" "$UNIHOST_GUEST4" --cookie "$COOKIE" \
            > "$tmp/check" || { sed 's/^/bench\/dns_rrl: /' "$tmp/check" >&2; exit 1; }
        grep -q "a server cookie in $want of" "$tmp/check" ||
            { sed 's/^/bench\/dns_rrl: /' "$tmp/check" >&2
              echo "bench/dns_rrl: $config: expected $want answers with a server cookie" >&2; exit 1; }
        sed "s/^/bench\/dns_rrl: checked $config: /" "$tmp/check"
    done

    wait_quiet
    : > "$tmp/engine"
    for rep in 1 2 3; do
        for config in off rrl cookies on; do
            $server_pin build/bench/dns_engine --served "$tmp/$config.blob" 2 "$tmp/queries-cookie.bin" > "$tmp/engine.out"
            sed -n "s/.* \([0-9]*\) ns\/query, \([0-9]*\) bytes\/answer.*/$config \1 \2/p" "$tmp/engine.out" >> "$tmp/engine"
        done
    done
    echo "bench/dns_rrl: in process (build/bench/dns_engine --served, same blobs and queries, 3 runs of 2 s each," \
         "alternating, on CPU ${server_core:-any}):"
    for config in off rrl cookies on; do
        awk -v c="$config" '$1 == c { printf "%s %s\n", $2, $3 }' "$tmp/engine" | sort -g |
            awk -v c="$config" '{ v[NR] = $1; all = all " " $1; b = $2 }
                END { printf "  %-8s ns/query:%s  median %d  (%d bytes/answer)\n", c, all, v[int((NR + 1) / 2)], b }'
    done
    engine_median() {
        awk -v c="$1" '$1 == c { print $2 }' "$tmp/engine" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
    }
    engine_added=$(($(engine_median on) - $(engine_median off)))
    echo "  on adds $engine_added ns to a query (RRL alone $(($(engine_median rrl) - $(engine_median off))) ns," \
         "cookies alone $(($(engine_median cookies) - $(engine_median off))) ns)"

    run_rounds off on
    summary off on
    ratios on off "RRL and cookies on / off"
    awk '$2 == "off" { print $8 }' "$tmp/rounds" | sort -g |
        awk -v ns="$engine_added" '{ v[NR] = $1 } END { us = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            if (us > 0) printf "in-process estimate: %d ns added to the %.2f us of server CPU a query takes off: " \
                               "%.1f%% more CPU per query, a per-core ratio of %.3f\n", ns, us, ns / (us * 10), us / (us + ns / 1000) }'
    unserve
esac

case $parts in *flood*)
    echo
    echo "bench/dns_rrl: 2. a flood of $flood_rate q/s from $FLOOD4 (RRL at its defaults, 200/s per /24 and kind," \
         "slip 2) against dnsperf from $UNIHOST_HOST4 (rrl-exempt $LEGIT_NET); quiet: no flood"
    serve a "$tmp/flood.blob" --ipv4-gateway "$UNIHOST_HOST4"
    expect_log a "rate limiting UDP answers to 200 a second"
    ip netns exec "$ns_a" python3 bench/dns_mix.py check "$DNS_MIX" "$UNIHOST_GUEST4" > "$tmp/check" ||
        { sed 's/^/bench\/dns_rrl: /' "$tmp/check" >&2; exit 1; }
    sed "s/^/bench\/dns_rrl: checked from $UNIHOST_HOST4: /" "$tmp/check"
    ip netns exec "$ns_a" dig +time=1 +tries=2 -b "$FLOOD4" @"$UNIHOST_GUEST4" www.bench.test A 2>/dev/null |
        grep -q 'status: NOERROR' ||
        { echo "bench/dns_rrl: no answer to $FLOOD4 (through the gateway $UNIHOST_HOST4)" >&2; exit 1; }
    echo "bench/dns_rrl: checked: $FLOOD4 is answered through the gateway $UNIHOST_HOST4"
    # The flood alone, nobody else asking: what it costs the server and
    # the flooder, measured over 2 * SECONDS in the middle of its run.
    # Without a load, unihost wakes for every datagram rather than for a
    # batch, so this is an upper bound of what the flood costs it under
    # dnsperf's load.
    wait_quiet
    $flood_pin ip netns exec "$ns_a" timeout $((2 * duration + 20)) build/bench/dns_flood \
        "$FLOOD4" "$UNIHOST_GUEST4" "$flood_rate" $((2 * duration + 2)) "$tmp/flood.bin" > "$tmp/flood.out" 2>&1 &
    flood_pid=$!
    sleep 1
    s0=$(all_ticks "$pid_a") f0=$(all_ticks "$flood_pid")
    sleep $((2 * duration))
    s1=$(all_ticks "$pid_a") f1=$(all_ticks "$flood_pid")
    wait "$flood_pid" || true
    flood_pid=
    grep -q '^flood: ' "$tmp/flood.out" || { cat "$tmp/flood.out" >&2; echo "bench/dns_rrl: the flooder failed" >&2; exit 1; }
    pct() { awk -v t="$1" -v s="$2" -v hz="$clock_ticks" 'BEGIN { printf "%.1f%%", 100 * t / (hz * s) }'; }
    alone_server=$(pct $((s1 - s0)) $((2 * duration)))
    alone_flooder=$(pct $((f1 - f0)) $((2 * duration)))
    echo "bench/dns_rrl: the flood alone, over $((2 * duration)) s: unihost used $alone_server of its CPU" \
         "($(awk -v t=$((s1 - s0)) -v hz="$clock_ticks" -v r="$flood_rate" -v s=$((2 * duration)) \
             'BEGIN { printf "%.1f", t / hz * 1e6 / (r * s) }') us a flood query), the flooder $alone_flooder of a core"
    sed 's/^/      /' "$tmp/flood.out"
    : > "$tmp/flood"
    run_rounds quiet flood
    summary quiet flood
    ratios flood quiet "legitimate client during the flood / without it"
    awk '
        { sent += $2; secs += $3; whole += $4; tc += $5; other += $6; none += $7; runs++ }
        END {
            if (!runs || secs <= 0) exit
            printf "flood, %d runs of %.0f s: sent %d (%.0f/s); answered whole %d (%.0f/s), truncated %d (%.0f/s), " \
                   "otherwise %d, unanswered %d (%.0f/s)\n", runs, secs / runs, sent, sent / secs, whole, whole / secs,
                   tc, tc / secs, other, none, none / secs
            expect_whole = 200 * (secs + runs)   # 200 a second, and a full bucket at the start of each run
            limited = sent - expect_whole
            printf "RRL should give: about %.0f whole (%.0f/s: 200 a second and a full bucket per run), " \
                   "about %.0f truncated and %.0f dropped (every 2nd limited one slips)\n",
                   expect_whole, expect_whole / secs, limited / 2, limited / 2
        }' "$tmp/flood"
    loaded=$(awk '$2 == "quiet" { print $8 }' "$tmp/rounds" | sort -g | awk -v r="$flood_rate" '{ v[NR] = $1 }
        END { us = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f%% (%.2f us", r * us / 1e4, us }')
    echo "expected: where the server's CPU is the bottleneck, the legitimate client loses the share of it the flood" \
         "takes: at most $alone_server (the flood alone), about $loaded a query, as a query of the mix costs" \
         "under load); where dnsperf's CPU is, the flooder's share of it, about $alone_flooder (the test rig's, not" \
         "the server's)"
    unserve
esac

[ "$busy_rows" -eq 0 ] ||
    echo "note: $busy_rows rows (other marked !) were measured while something else kept the machine busy: run again"
