#!/bin/bash
# bench/acme_renewal: what an ACME renewal costs the traffic unihost is
# serving. One unihost gets its certificate from Pebble (Debian's pebble,
# in a network namespace this script creates, documentation addresses
# only; bench/acme_common.sh), which issues certificates so short-lived
# that unihost renews every few seconds. Load is measured in windows of
# WINDOW seconds, two per renewal cycle, in the same run:
#   without  from 1 s after HTTPS took a certificate, well before the next
#            renewal is due;
#   with     from half a second before the renewal begins, so the renewal (the ACME
#            requests over unihost's HTTPS client, key and CSR, the chain
#            loaded, HTTPS switched) falls inside it.
# The load of a cycle is one of (ROWS, default both, alternating):
#   http     wrk, keep-alive, 16 connections, GET / on port 80
#            (--no-https-redirect, so port 80 serves the page): requests/s;
#   https    build/bench/tls_load, 2 threads, a new connection with a full
#            TLS 1.3 X25519 handshake and GET / for each request (as
#            bench/https.sh's tls13-x25519 row): handshakes/s.
# Each with-window is checked against the stamped log (bench/acme_common.sh):
# the renewal must have begun and ended inside it, else the round is
# reported and left out of the ratios. The renewal's own duration under
# load is printed beside it, and its median over all of them at the end. unihost runs on the last CPU; wrk, tls_load, Pebble and the
# stamping on the others (ACME_BENCH_PIN=0: no pinning), wrk at nice 10 as
# in bench/http.sh.
#
# Usage: sudo bench/acme_renewal.sh [WINDOW_SECONDS]   (default 5; ROUNDS=3 cycles per row, ROWS="http https")
# Prints each window, then per row the median of the rounds' ratios
# "with renewal / without". Not a test: on a shared machine, compare the
# ratios of one run.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ "$(id -u)" -eq 0 ] || exec sudo "$0" "$@"
window=${1:-5}
rounds=${ROUNDS:-3}
rows=${ROWS:-"http https"}
client_nice=${WRK_NICE:-10}
ns=uh-bench-acmer-$$
tap=uhbar$$
. "$top/bench/acme_common.sh"
acme_bench_init acme_renewal "[WINDOW_SECONDS]" "$window" wrk
make -s -j2 all build/bench/tls_load >/dev/null

# A cycle: the without-window starts 1 s after the switch, the
# with-window 1 s before the renewal, each WINDOW long, with a second
# between them at least. unihost renews at two thirds of notAfter -
# notBefore (Pebble's certificate is VALIDITY - 1 s long).
cycle=$(( 2 * window + 4 ))
[ $((cycle % 2)) -eq 0 ] || cycle=$((cycle + 1))
validity=$(( cycle * 3 / 2 + 1 ))
acme_bench_setup "$validity"
acme_bench_start --no-https-redirect --no-access-log
acme_bench_await_cert 1 60 "first certificate"

suites13=TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256
# measure ROW: RATE (per second) and CPU (unihost's, % of one core) over one window
measure() {
    local ticks0 out
    ticks0=$(tree_ticks "$uh_pid")
    if [ "$1" = http ]; then
        out=$($client_pin ip netns exec "$ns" nice -n "$client_nice" wrk -t1 -c16 -d"${window}s" \
              "http://$UNIHOST_GUEST4/" 2>&1) || true
        RATE=$(echo "$out" | awk '/^Requests\/sec:/ { printf "%.0f", $2 }')
        [ -z "$(echo "$out" | awk '/Non-2xx|Socket errors/')" ] || echo "# http: $(echo "$out" | awk '/Non-2xx|Socket errors/')"
    else
        out=$($client_pin ip netns exec "$ns" "$top/build/bench/tls_load" -3 -g X25519 "$UNIHOST_GUEST4" 443 \
              "$window" 2 "$suites13" / 2>&1) || true
        RATE=$(echo "$out" | sed -n 's/.* rate \([0-9]*\)\/s .*/\1/p')
        errors=$(echo "$out" | sed -n 's/.* errors \([0-9]*\) .*/\1/p')
        [ "${errors:-0}" = 0 ] || echo "# https: $errors failed handshakes"
    fi
    [ -n "$RATE" ] || { echo "bench/acme_renewal: $1 gave no rate: $out" >&2; exit 1; }
    CPU=$(cpu_percent $(( $(tree_ticks "$uh_pid") - ticks0 )) "$window")
}
# sleep_until EPOCH-SECONDS (fractional)
sleep_until() {
    local d
    d=$(awk -v t="$1" -v n="$EPOCHREALTIME" 'BEGIN { d = t - n; printf "%.3f", (d > 0 ? d : 0) }')
    sleep "$d"
}
stamp_count() { grep -cE -- "$1" "$STAMPS" || true; }

echo "bench/acme_renewal: Pebble certificates of $validity s, renewal every $cycle s; windows of $window s; $rounds rounds per row"
echo "bench/acme_renewal: unihost on CPU ${server_cpu:-any}, clients and Pebble on ${client_cpus:-any}; load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %-6s %-8s %12s %12s  %s\n' row round window "rate /s" "unihost CPU" "renewal"
: > "$tmp/rounds"
: > "$tmp/renewals"
issued=1
for round in $(seq 1 "$rounds"); do
    for row in $rows; do
        # The certificate in use and when its renewal begins: unihost's
        # timer waits the whole seconds from its clock's second to the
        # renewal time, so the run begins at the renewal time plus the
        # fraction of a second at which the certificate came.
        t_switch=$(acme_bench_stamp 'acme: HTTPS now uses the new certificate' "$issued")
        issued_line=$(grep -E 'acme: certificate issued' "$STAMPS" | sed -n "${issued}p")
        renew_at=$(echo "$issued_line" | sed -n 's/.*renewal at \([0-9]*\)$/\1/p')
        t_begin=$(awk -v r="$renew_at" -v t="${issued_line%% *}" 'BEGIN { printf "%.6f", r + t - int(t) }')
        sleep_until "$(awk -v t="$t_switch" 'BEGIN { printf "%.6f", t + 1 }')"
        if [ "$(awk -v n="$EPOCHREALTIME" -v w="$window" -v b="$t_begin" 'BEGIN { print (n + w < b - 1) }')" != 1 ]; then
            echo "bench/acme_renewal: no room for a window before the renewal (cycle $cycle s, window $window s)" >&2
            exit 1
        fi
        measure "$row"
        without=$RATE
        printf '%-6s %-6s %-8s %12s %12s  %s\n' "$row" "$round" without "$RATE" "$CPU" "-"
        begun=$(stamp_count 'acme: run begins')
        sleep_until "$(awk -v b="$t_begin" 'BEGIN { printf "%.6f", b - 0.5 }')"
        w_start=$EPOCHREALTIME
        measure "$row"
        w_end=$EPOCHREALTIME
        with=$RATE
        issued=$((issued + 1))
        acme_bench_await_cert "$issued" $((cycle + 30)) renewal
        t_run=$(acme_bench_stamp 'acme: run begins' $((begun + 1)))
        t_done=$(acme_bench_stamp 'acme: HTTPS now uses the new certificate' "$issued")
        awk -v a="$t_run" -v b="$t_done" 'BEGIN { print b - a }' >> "$tmp/renewals"
        inside=$(awk -v a="$t_run" -v b="$t_done" -v s="$w_start" -v e="$w_end" 'BEGIN { print (a >= s && b <= e) }')
        note=$(awk -v a="$t_run" -v b="$t_done" -v s="$w_start" \
               'BEGIN { printf "run %.2f s, from %.2f s into the window", b - a, a - s }')
        if [ "$inside" = 1 ]; then
            echo "$row $round $without $with" >> "$tmp/rounds"
        else
            note="$note: not inside it, round left out"
        fi
        printf '%-6s %-6s %-8s %12s %12s  %s\n' "$row" "$round" with "$RATE" "$CPU" "$note"
    done
done
for row in $rows; do
    awk -v r="$row" '$1 == r && $3 > 0 { printf "%.4f\n", $4 / $3 }' "$tmp/rounds" | sort -n > "$tmp/ratios"
    if [ ! -s "$tmp/ratios" ]; then
        echo "ratio with renewal / without, $row: no round had its renewal inside the window"
        continue
    fi
    printf 'ratio with renewal / without, %-5s %s (rounds %.2f-%.2f, %d rounds)\n' "$row:" \
        "$(acme_bench_median %.2f < "$tmp/ratios")" "$(head -n 1 "$tmp/ratios")" "$(tail -n 1 "$tmp/ratios")" \
        "$(wc -l < "$tmp/ratios")"
done
if [ -s "$tmp/renewals" ]; then
    echo "renewal under load (run begins to HTTPS switched): median $(acme_bench_median %.2f < "$tmp/renewals") s" \
        "over $(wc -l < "$tmp/renewals") renewals"
fi
