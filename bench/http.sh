#!/bin/sh
# bench/http: unihost's HTTP against nginx, same bytes, same machine, one
# after the other. Both run inside a network namespace this script creates
# (documentation addresses only): unihost on its tap at 192.0.2.2, nginx
# (one worker, sendfile, keep-alive, no access log) at 198.51.100.80 on the
# namespace's loopback, serving `crunch --export` of the same site unihost
# serves from its blob. The site is site/ plus a bench-only 1 MB file
# (random bytes, generated per run, so gzip never applies to it).
# wrk runs in the namespace, keep-alive, one thread, 16 connections.
#
# Prints, per row and server: requests/s and p99 latency over DURATION
# seconds, then the unihost/nginx requests/s ratio.
# Usage: sudo bench/http.sh [DURATION_SECONDS]   (default 10). Not a test:
# timings on shared machines are noisy, so compare ratios from one run.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ "$(id -u)" -eq 0 ] || exec sudo "$0" "$@"
duration=${1:-10}
connections=16
for tool in wrk nginx curl; do
    command -v "$tool" >/dev/null || { echo "bench/http: needs $tool (apt-get install wrk nginx curl)" >&2; exit 1; }
done
make -s -j2 >/dev/null

. "$top/tools/netns.sh"
ns=uh-hbench-$$
tap=uhh$$
tmp=$(mktemp -d)
uh_pid= nginx_pid=
cleanup() {
    for pid in $uh_pid $nginx_pid; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in $uh_pid $nginx_pid; do wait "$pid" 2>/dev/null || true; done
    netns_delete "$ns"
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# ---- the content: site/ plus the 1 MB file, crunched once for both servers
cp -R site "$tmp/site"
mkdir -p "$tmp/site/bench"
head -c 1048576 /dev/urandom > "$tmp/site/bench/1mb.bin"
build/crunch --quiet --site "$tmp/site" --zones zones -o "$tmp/bench.blob" --export "$tmp/www"

netns_create "$ns" "$tap"
# nginx's address sits on the namespace's loopback: its packets skip the
# tap, which favours nginx slightly.
ip netns exec "$ns" ip addr add 198.51.100.80/32 dev lo

cat > "$tmp/nginx.conf" <<CONF
user root;
worker_processes 1;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/nginx.error.log;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    etag on;
    client_body_temp_path $tmp/nginx-body;
    proxy_temp_path $tmp/nginx-proxy;
    fastcgi_temp_path $tmp/nginx-fastcgi;
    uwsgi_temp_path $tmp/nginx-uwsgi;
    scgi_temp_path $tmp/nginx-scgi;
    server {
        listen 198.51.100.80:80;
        root $tmp/www;
        index index.html;
        location / { try_files \$uri \$uri.html \$uri/ =404; }
    }
}
CONF
ip netns exec "$ns" nginx -c "$tmp/nginx.conf" 2>"$tmp/nginx.log" &
nginx_pid=$!
ip netns exec "$ns" "$top/build/unihost" --tap "$tap" --ipv4 "$UNIHOST_GUEST4/24" --blob "$tmp/bench.blob" \
    2>"$tmp/unihost.log" &
uh_pid=$!

wait_http() {       # wait_http ADDR: up to 10 s for the 1 MB file, byte-identical
    i=0
    while [ $i -lt 20 ]; do
        if ip netns exec "$ns" curl -s -m 2 -o "$tmp/check.bin" "http://$1/bench/1mb.bin" 2>/dev/null &&
           cmp -s "$tmp/check.bin" "$tmp/www/bench/1mb.bin"; then
            return 0
        fi
        sleep 0.5
        i=$((i + 1))
    done
    echo "bench/http: $1 does not serve the 1 MB file" >&2
    exit 1
}
wait_http "$UNIHOST_GUEST4"
wait_http 198.51.100.80

# to_ms VALUE: wrk's latency ("812.00us", "1.20ms", "2.01s") in ms
to_ms() {
    echo "$1" | awk '{ v = $1 + 0; if ($1 ~ /us$/) v /= 1000; else if ($1 ~ /ms$/) v = v; else if ($1 ~ /s$/) v *= 1000; printf "%.2f", v }'
}

# run SERVER ADDR PATH: sets rps and p99 (ms)
run() {
    out=$tmp/$1.$(echo "$3" | tr '/.' '__').wrk
    ip netns exec "$ns" wrk -t1 -c"$connections" -d"${duration}s" --latency "http://$2$3" >"$out" 2>&1
    rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
    errors=$(awk '/Non-2xx|Socket errors/' "$out" | tr '\n' ' ')
    [ -z "$errors" ] || echo "# $1 $3: $errors"
}

echo "bench/http: wrk -t1 -c$connections, keep-alive, ${duration} s per row and server; nginx $(nginx -v 2>&1 | sed 's|.*/||')"
printf '%-22s %12s %10s %12s %10s %8s\n' row "nginx req/s" "p99 ms" "unihost r/s" "p99 ms" ratio
row() {     # row NAME PATH
    run nginx 198.51.100.80 "$2"
    n_rps=$rps n_p99=$p99
    run unihost "$UNIHOST_GUEST4" "$2"
    awk -v name="$1" -v n="$n_rps" -v np="$n_p99" -v u="$rps" -v up="$p99" \
        'BEGIN { printf "%-22s %12d %10s %12d %10s %7.2fx\n", name, n, np, u, up, (n > 0 ? u / n : 0) }'
}
row "small page ($(wc -c < "$tmp/www/index.html") B)" /
row "1 MB file" /bench/1mb.bin
# HTTPS handshakes per second (a new TLS connection per request, same key
# type for both servers) belong here once unihost serves TLS: the TLS work
# adds that row (nginx with `listen 443 ssl`, unihost with --tls-cert and
# --tls-key, wrk or openssl s_time without session reuse).
echo "https handshakes         (not measured: this build of unihost has no TLS yet)"
