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
# The client is `openssl s_time -new -tls1_2 -www /`: each connection does a
# full handshake, one GET and a close; wrk and its kin keep connections
# alive, which measures something else. One s_time is single-threaded, so
# CLIENTS of them run in parallel (default 2) and their counts are summed.
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
make -s -j"$(nproc)" >/dev/null
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

# rate ADDR: full handshakes + GET per second, CLIENTS s_time in parallel.
rate() {
    i=0
    client_pids=
    while [ $i -lt "$clients" ]; do
        ip netns exec "$ns" timeout $((duration + 20)) openssl s_time -connect "$1:443" -new -tls1_2 \
            -cipher "$suites" -www / -time "$duration" > "$tmp/s_time.$i" 2>&1 &
        client_pids="$client_pids $!"
        i=$((i + 1))
    done
    for pid in $client_pids; do wait "$pid" || true; done
    total=0
    i=0
    while [ $i -lt "$clients" ]; do
        n=$(sed -n 's/^\([0-9]*\) connections in [0-9.]* real seconds.*/\1/p' "$tmp/s_time.$i" | head -n 1)
        if [ -z "$n" ]; then
            echo "bench/https: s_time against $1 gave no count:" >&2
            sed 's/^/  /' "$tmp/s_time.$i" >&2
            exit 1
        fi
        total=$((total + n))
        i=$((i + 1))
    done
    echo "$total" | awk -v d="$duration" '{printf "%.0f", $1 / d}'
}

echo "bench/https: $key_kind key, TLS 1.2, $suites"
echo "bench/https: openssl s_time -new (full handshake + GET / + close), $clients clients, $duration s each"
nginx_rate=$(rate "$nginx_addr")
uh_rate=$(rate "$UNIHOST_GUEST4")
printf '%-10s %14s\n' server "handshakes/s"
printf '%-10s %14s\n' nginx "$nginx_rate"
printf '%-10s %14s\n' unihost "$uh_rate"
awk -v u="$uh_rate" -v n="$nginx_rate" 'BEGIN { printf "ratio unihost/nginx: %.2f\n", (n > 0 ? u / n : 0) }'
