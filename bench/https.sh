#!/bin/sh
# bench/https: HTTPS handshakes per second, a new TLS connection for every
# request, unihost against nginx: same certificate and key (the development
# EC P-256 pair from make, or --rsa for the RSA test pair), the same ECDHE
# AEAD suites, in rows of the same run:
#   TLS 1.2          full handshakes (no session reuse), the client
#                    offering X25519 then P-256 (OpenSSL's default order)
#   TLS 1.3 X25519   full handshakes, the client offering only X25519
#   TLS 1.3 P-256    full handshakes, the client offering only P-256
#   TLS 1.3 resumed  each client thread offers the ticket its previous
#                    connection got (psk_dhe_ke, X25519): no certificate,
#                    no signature, still an ECDHE
# (an RSA key has TLS 1.2 only in unihost: --rsa measures the TLS 1.2 row).
# Both run inside a network namespace this script creates
# (documentation addresses only): unihost on its tap at 192.0.2.2, nginx
# (one worker, access log off) at 198.51.100.80 on the namespace's
# loopback -- which spares nginx the tap, favouring it slightly.
#
# The load clients (build/bench/tls_load, OpenSSL's, like `openssl s_time
# -new`, and tls12_load, below): each connection does a full handshake, one
# GET and a close, and every request is timed; wrk and its kin keep
# connections alive, which measures something else. CLIENTS threads
# (default 8: with fewer, the round trips leave the server idle between
# handshakes) run the loop in parallel. ROUNDS (default 3) rounds per
# server and row, alternating; the medians are the result. ROWS picks rows
# by name (default "tls12 tls13-x25519 tls13-p256 tls13-resumed"). Beside
# each rate: the server's CPU per handshake (user + system, which includes
# the kernel's work on the client side of each packet it sends), to show
# how much of the machine each server needed.
#
# The tls12 row's client is build/bench/tls12_load (BearSSL's, see its
# header): it accepts the ECDSA signature unchecked and keeps one ECDHE key,
# so that one core of it drives either server's core to saturation, and
# that row runs with each server pinned to CPU 0, the namespace's loopback
# input steered there too (RPS: nginx takes in its own packets on its own
# core, as unihost does), and the client on the other CPUs (PIN=0 to leave
# it unpinned). The TLS 1.3 rows' client is OpenSSL's,
# which needs more CPU per handshake than either server: pinned to one core
# it would set the rate, so those rows run unpinned and share the machine
# (their ratios understate the servers' difference rather than overstate
# it). The "CPUs busy" column gives each CPU's busy share during the
# round: with the pin, a server core short of 100% means the client set
# the rate.
#
# Usage: sudo bench/https.sh [SECONDS] [--rsa]   (default 10 s per round, server and row;
#        ROWS="tls13-x25519 tls13-resumed" for some rows only)
# Needs nginx (apt-get install nginx-light). Not a test: timings on shared
# machines are noisy, so compare the ratio printed by one run.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ "$(id -u)" -eq 0 ] || exec sudo "$0" "$@"
duration=10
key_kind=ec
for arg in "$@"; do
    case $arg in
    --rsa) key_kind=rsa ;;
    *[!0-9]*|'') echo "usage: bench/https.sh [SECONDS] [--rsa]" >&2; exit 2 ;;
    *) duration=$arg ;;
    esac
done
clients=${CLIENTS:-8}
rounds=${ROUNDS:-3}
rows=${ROWS:-"tls12 tls13-x25519 tls13-p256 tls13-resumed"}
command -v nginx >/dev/null || { echo "bench/https: needs nginx (apt-get install nginx-light)" >&2; exit 1; }
make -s -j"$(nproc)" all build/bench/tls_load build/bench/tls12_load >/dev/null
if [ "$key_kind" = rsa ]; then
    cert=$top/tests/fixtures/tls/rsa-cert.pem key=$top/tests/fixtures/tls/rsa-key.pem
    suites=ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305
else
    cert=$top/build/tls/dev-cert.pem key=$top/build/tls/dev-key.pem
    suites=ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305
fi
suites13=TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256
[ "$key_kind" = ec ] || rows=tls12
last_cpu=$(($(nproc) - 1))
can_pin=0
[ "${PIN:-1}" = 1 ] && [ "$last_cpu" -ge 1 ] && can_pin=1
client_pin=
# pin_servers on|off: both servers (every thread) and the network input
# for them to CPU 0 and the load client to the others, or everything back
# on every CPU.
pin_servers() {
    if [ "$1" = on ]; then cpus=0 client_pin="taskset -c 1-$last_cpu"; else cpus=0-$last_cpu client_pin=; fi
    for pid in $uh_pid $nginx_pid; do taskset -a -p -c "$cpus" "$pid" >/dev/null; done
    # Receive packet steering on the namespace's loopback: packets to nginx
    # and to its client are then taken in on CPU 0 too, as unihost takes in
    # its own (lwIP, on its core) and the tap's frames to the client (the
    # kernel, in unihost's write). Without it the client's core would do
    # nginx's TCP input, for nginx and against the client.
    if [ "$1" = on ]; then mask=1; else mask=0; fi
    ip netns exec "$ns" sh -c "echo $mask > /sys/class/net/lo/queues/rx-0/rps_cpus"
}

. "$top/tools/netns.sh"
. "$top/bench/cpu.sh"
ns=uh-bench-tls-$$
tap=uhbt$$
tmp=$(mktemp -d)
uh_pid= nginx_pid=
cleanup() {
    for pid in $uh_pid $nginx_pid; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in $uh_pid $nginx_pid; do wait "$pid" 2>/dev/null || true; done
    netns_delete "$ns"
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
netns_create "$ns" "$tap"
nginx_addr=198.51.100.80
ip netns exec "$ns" ip addr add "$nginx_addr/32" dev lo

# nginx serves the same site, exported by crunch.
build/crunch --quiet --site site --export "$tmp/site"
mkdir -p "$tmp/nginx"
cat > "$tmp/nginx/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    default_type application/octet-stream;
    client_body_temp_path $tmp/nginx;
    proxy_temp_path $tmp/nginx;
    fastcgi_temp_path $tmp/nginx;
    uwsgi_temp_path $tmp/nginx;
    scgi_temp_path $tmp/nginx;
    server {
        listen $nginx_addr:443 ssl;
        ssl_certificate $cert;
        ssl_certificate_key $key;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_ciphers $suites;
        ssl_conf_command Ciphersuites $suites13;
        ssl_ecdh_curve X25519:prime256v1;
        # the server's own order of groups and suites, as unihost uses
        # its own: both then take X25519 from any client offering it
        # (tls12_load, BearSSL's, lists P-256 first)
        ssl_prefer_server_ciphers on;
        ssl_session_cache shared:tls:1m;
        ssl_session_tickets on;
        root $tmp/site;
    }
}
CONF
ip netns exec "$ns" nginx -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" 2>"$tmp/nginx.log" &
nginx_pid=$!
ip netns exec "$ns" "$top/build/unihost" --tap "$tap" --ipv4 "$UNIHOST_GUEST4/24" \
    --tls-cert "$cert" --tls-key "$key" --no-access-log 2>"$tmp/unihost.log" &   # as nginx: no access log
uh_pid=$!

wait_https() {     # wait_https ADDR: up to 10 s for a 200 over HTTPS
    i=0
    while [ $i -lt 20 ]; do
        code=$(ip netns exec "$ns" curl -sk -m 2 -o /dev/null -w '%{http_code}' "https://$1/" 2>/dev/null || true)
        [ "$code" = 200 ] && return 0
        sleep 0.5
        i=$((i + 1))
    done
    echo "bench/https: https://$1/ does not answer" >&2
    sed 's/^/  /' "$tmp/nginx.log" "$tmp/nginx/error.log" "$tmp/unihost.log" >&2 2>/dev/null || true
    exit 1
}
wait_https "$UNIHOST_GUEST4"
wait_https "$nginx_addr"

# load ADDR SERVER_PID: handshakes + GET / per second and their latency,
# from CLIENTS threads of build/bench/tls_load with the row's options
# ($load_opts, $load_suites); sets RATE, P50, P99, RESUMED (the share of
# connections the server resumed, in %) and CPU_US (the server's CPU,
# user + system, per handshake in us).
load() {
    ticks0=$(tree_ticks "$2")
    busy0=$(cpu_busy_ticks)
    if [ "$load_kind" = tls12 ]; then
        # shellcheck disable=SC2086
        out=$(ip netns exec "$ns" timeout $((duration + 20)) $client_pin "$top/build/bench/tls12_load" "$cert" "$1" 443 \
              "$duration" "$clients" / 2>"$tmp/load.err") || true
    else
        # shellcheck disable=SC2086
        out=$(ip netns exec "$ns" timeout $((duration + 20)) $client_pin "$top/build/bench/tls_load" $load_opts "$1" 443 \
              "$duration" "$clients" "$load_suites" / 2>"$tmp/load.err") || true
    fi
    ticks=$(( $(tree_ticks "$2") - ticks0 ))
    BUSY=$(cpu_busy_percent "$busy0" "$(cpu_busy_ticks)")
    line=$(echo "$out" | sed -n '/^requests /p')
    OTHER_GROUP=$(echo "$out" | sed -n 's/^groups x25519 [0-9]* other \([0-9]*\)$/\1/p')
    requests=$(echo "$line" | sed -n 's/^requests \([0-9]*\) .*/\1/p')
    RATE=$(echo "$line" | sed -n 's/.* rate \([0-9]*\)\/s .*/\1/p')
    P50=$(echo "$line" | sed -n 's/.* p50 \([0-9.]*\) ms.*/\1/p')
    P99=$(echo "$line" | sed -n 's/.* p99 \([0-9.]*\) ms.*/\1/p')
    errors=$(echo "$line" | sed -n 's/.* errors \([0-9]*\) .*/\1/p')
    resumed=$(echo "$line" | sed -n 's/.* resumed \([0-9]*\)$/\1/p')
    if [ -z "$RATE" ] || [ -z "$P99" ] || [ -z "$requests" ] || [ "$requests" -eq 0 ]; then
        echo "bench/https: the load client against $1 gave no figures: $out" >&2
        sed 's/^/  /' "$tmp/load.err" >&2
        exit 1
    fi
    CPU_US=$(awk -v t="$ticks" -v n="$requests" -v hz="$clock_ticks" 'BEGIN { printf "%.0f", t * 1e6 / hz / n }')
    RESUMED=$(awk -v r="${resumed:-0}" -v n="$requests" 'BEGIN { printf "%.0f", r * 100 / n }')
    [ "${errors:-0}" -eq 0 ] || echo "bench/https: $errors failed requests against $1" >&2
    # both servers prefer X25519: a server that took another group would
    # not be doing the same work
    [ "${OTHER_GROUP:-0}" -eq 0 ] || echo "bench/https: $1 took another group than x25519 in $OTHER_GROUP handshakes" >&2
}

# cpu_busy_ticks: "BUSY0 TOTAL0 BUSY1 TOTAL1 ...", each CPU's non-idle and
# total ticks from /proc/stat; cpu_busy_percent BEFORE AFTER: each CPU's
# busy share between the two, "cpu0/cpu1/..." in %.  With PIN, CPU 0 is the
# server's and the others the client's: a server core short of 100% means
# the client, not the server, set the rate.
cpu_busy_ticks() {
    awk '/^cpu[0-9]/ { idle = $5 + $6; total = 0; for (i = 2; i <= NF; i++) total += $i
                       printf "%d %d ", total - idle, total }' /proc/stat
}
cpu_busy_percent() {
    awk -v a="$1" -v b="$2" 'BEGIN { n = split(a, x, " "); split(b, y, " "); s = ""
        for (i = 1; i < n; i += 2) { t = y[i + 1] - x[i + 1]; s = s (s == "" ? "" : "/") sprintf("%.0f", t > 0 ? 100 * (y[i] - x[i]) / t : 0) }
        print s }'
}

# ROUNDS rounds a row, nginx and unihost alternating which goes first, so
# that a slow spell of the shared machine hits both; the row is each
# figure's median over the rounds, and the ratio the median of the rounds'
# ratios.
echo "bench/https: $key_kind key; TLS 1.2 suites $suites; TLS 1.3 suites $suites13"
echo "bench/https: new connection per request (handshake, GET /, close), $clients clients, $rounds rounds of $duration s per server and row"
if [ "$can_pin" = 1 ]; then
    echo "bench/https: tls12 row: servers on CPU 0, the load client (tls12_load) on CPUs 1-$last_cpu; TLS 1.3 rows unpinned (tls_load)"
else
    echo "bench/https: not pinned (PIN=0 or one CPU)"
fi
row() { printf '%-16s %-6s %-8s %14s %10s %10s %16s %9s %12s\n' "$@"; }    # row ROW ROUND SERVER RATE P50 P99 CPU RESUMED BUSY
row row round server "handshakes/s" "p50 ms" "p99 ms" "server CPU/hs us" "resumed" "CPUs busy %"
: > "$tmp/rounds"
for r in $rows; do
    case $r in
    tls12) load_kind=tls12 pin=$can_pin ;;
    tls13-x25519) load_kind=tls_load pin=0 load_opts="-3 -g X25519" load_suites=$suites13 ;;
    tls13-p256) load_kind=tls_load pin=0 load_opts="-3 -g P-256" load_suites=$suites13 ;;
    tls13-resumed) load_kind=tls_load pin=0 load_opts="-3 -g X25519 -r" load_suites=$suites13 ;;
    *) echo "bench/https: unknown row $r" >&2; exit 2 ;;
    esac
    if [ "$pin" = 1 ]; then pin_servers on; else pin_servers off; fi
    round=1
    while [ $round -le "$rounds" ]; do
        if [ $((round % 2)) -eq 1 ]; then order="nginx unihost"; else order="unihost nginx"; fi
        for server in $order; do
            if [ "$server" = nginx ]; then load "$nginx_addr" "$nginx_pid"; else load "$UNIHOST_GUEST4" "$uh_pid"; fi
            row "$r" "$round" "$server" "$RATE" "$P50" "$P99" "$CPU_US" "$RESUMED%" "$BUSY"
            echo "$r $round $server $RATE $P50 $P99 $CPU_US $RESUMED" >> "$tmp/rounds"
        done
        round=$((round + 1))
    done
done
# median ROW SERVER FIELD FORMAT: the median of one column over the rounds
median() {
    awk -v r="$1" -v s="$2" -v f="$3" '$1 == r && $3 == s { print $f }' "$tmp/rounds" | sort -n |
        awk -v fmt="$4" '{ v[NR] = $1 }
            END { printf fmt "\n", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
echo "median of $rounds rounds:"
for r in $rows; do
    for server in nginx unihost; do
        row "$r" "" "$server" "$(median "$r" $server 4 %.0f)" "$(median "$r" $server 5 %.2f)" "$(median "$r" $server 6 %.2f)" \
            "$(median "$r" $server 7 %.0f)" "$(median "$r" $server 8 %.0f)%"
    done
done
for r in $rows; do
    ratios=$(awk -v row="$r" '$1 == row && $3 == "nginx" { n[$2] = $4 } $1 == row && $3 == "unihost" { u[$2] = $4 }
                  END { for (i in n) if (n[i] > 0) printf "%.4f\n", u[i] / n[i] }' "$tmp/rounds" | sort -n |
             awk '{ v[NR] = $1 } END { if (NR % 2) m = v[(NR + 1) / 2]; else m = (v[NR / 2] + v[NR / 2 + 1]) / 2
                                       printf "%.2f (rounds %.2f-%.2f)", m, v[1], v[NR] }')
    printf 'ratio unihost/nginx %-16s %s\n' "$r:" "$ratios"
done
