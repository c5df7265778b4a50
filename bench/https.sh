#!/bin/sh
# bench/https: HTTPS handshakes per second, a new TLS connection for every
# request, unihost against nginx: same certificate and key (the development
# EC P-256 pair from make, or --rsa for the RSA test pair), TLS 1.2 only,
# the same ECDHE AEAD suites, no session reuse (each connection is a full
# handshake). Both run inside a network namespace this script creates
# (documentation addresses only): unihost on its tap at 192.0.2.2, nginx
# (one worker, access log off) at 198.51.100.80 on the namespace's
# loopback -- which spares nginx the tap, favouring it slightly.
#
# The client is build/bench/tls_load (OpenSSL, like `openssl s_time -new`):
# each connection does a full handshake, one GET and a close, and every
# request is timed; wrk and its kin keep connections alive, which measures
# something else. CLIENTS threads (default 2) run the loop in parallel.
#
# Usage: sudo bench/https.sh [SECONDS] [--rsa]   (default 10 s per server)
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
clients=${CLIENTS:-2}
command -v nginx >/dev/null || { echo "bench/https: needs nginx (apt-get install nginx-light)" >&2; exit 1; }
make -s -j"$(nproc)" all build/bench/tls_load >/dev/null
if [ "$key_kind" = rsa ]; then
    cert=$top/tests/fixtures/tls/rsa-cert.pem key=$top/tests/fixtures/tls/rsa-key.pem
    suites=ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305
else
    cert=$top/build/tls/dev-cert.pem key=$top/build/tls/dev-key.pem
    suites=ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305
fi

. "$top/tools/netns.sh"
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
        ssl_protocols TLSv1.2;
        ssl_ciphers $suites;
        ssl_session_cache shared:tls:1m;
        ssl_session_tickets off;
        root $tmp/site;
    }
}
CONF
ip netns exec "$ns" nginx -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" 2>"$tmp/nginx.log" &
nginx_pid=$!
ip netns exec "$ns" "$top/build/unihost" --tap "$tap" --ipv4 "$UNIHOST_GUEST4/24" \
    --tls-cert "$cert" --tls-key "$key" 2>"$tmp/unihost.log" &
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

# load ADDR: full handshakes + GET / per second and their latency, from
# CLIENTS threads of build/bench/tls_load; sets RATE, P99 (and P50).
load() {
    line=$(ip netns exec "$ns" timeout $((duration + 20)) "$top/build/bench/tls_load" "$1" 443 \
           "$duration" "$clients" "$suites" / 2>"$tmp/load.err") || true
    RATE=$(echo "$line" | sed -n 's/.* rate \([0-9]*\)\/s .*/\1/p')
    P50=$(echo "$line" | sed -n 's/.* p50 \([0-9.]*\) ms.*/\1/p')
    P99=$(echo "$line" | sed -n 's/.* p99 \([0-9.]*\) ms.*/\1/p')
    errors=$(echo "$line" | sed -n 's/.* errors \([0-9]*\) .*/\1/p')
    if [ -z "$RATE" ] || [ -z "$P99" ]; then
        echo "bench/https: tls_load against $1 gave no figures: $line" >&2
        sed 's/^/  /' "$tmp/load.err" >&2
        exit 1
    fi
    [ "${errors:-0}" -eq 0 ] || echo "bench/https: $errors failed requests against $1" >&2
}

echo "bench/https: $key_kind key, TLS 1.2, $suites"
echo "bench/https: new connection per request (full handshake, GET /, close), $clients clients, $duration s each"
load "$nginx_addr"; nginx_rate=$RATE nginx_p50=$P50 nginx_p99=$P99
load "$UNIHOST_GUEST4"; uh_rate=$RATE uh_p50=$P50 uh_p99=$P99
printf '%-10s %14s %10s %10s\n' server "handshakes/s" "p50 ms" "p99 ms"
printf '%-10s %14s %10s %10s\n' nginx "$nginx_rate" "$nginx_p50" "$nginx_p99"
printf '%-10s %14s %10s %10s\n' unihost "$uh_rate" "$uh_p50" "$uh_p99"
awk -v u="$uh_rate" -v n="$nginx_rate" 'BEGIN { printf "ratio unihost/nginx: %.2f\n", (n > 0 ? u / n : 0) }'
