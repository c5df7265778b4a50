#!/bin/sh
# bench/http: unihost's HTTP and HTTPS against nginx, same bytes, same
# machine, one after the other. Everything runs inside network namespaces
# this script creates (documentation addresses only):
#  - unihost on its tap at 192.0.2.2, as it runs (tap with TCP segmentation
#    and checksum offload through IFF_VNET_HDR);
#  - the same unihost build on a second tap at 203.0.113.2 with
#    UNIHOST_TAP_OFFLOAD=0 (one 1500-byte frame per write, software
#    checksums): what unihost did before the offload, measured in this run;
#  - nginx (one worker, sendfile, keep-alive, no access log) twice, serving
#    `crunch --export` of the same site: at 198.51.100.80 on the client
#    namespace's loopback (64 KiB MTU, no device at all: nginx's best case),
#    and at 198.51.100.2 in a second namespace behind a veth pair with MTU
#    1500 (like for like with unihost's tap).
# The site is site/ plus two bench-only files, 300 kB and 1 MB (random
# bytes, generated per run, so gzip never applies to them). wrk runs in the
# client namespace, keep-alive, 16 connections, one thread per CPU
# (WRK_THREADS overrides): with a single thread, wrk itself sits at 100% of
# its core on the 1 MB row while either server has CPU to spare, and the row
# then measures wrk's copying, not the server. wrk runs at nice 10 (WRK_NICE overrides): with
# more runnable threads than cores, a server at the same priority as its
# load generator is time-sliced out for milliseconds at a time, and p99
# then measures the scheduler. The ratio is unihost (offload) over nginx on
# loopback, and over nginx behind the veth.
#
# The 300 kB and 1 MB rows are then measured again with bench/http_load,
# a keep-alive client that drops bodies in its kernel (MSG_TRUNC): with
# wrk, copying each megabyte into the client takes most of both cores and
# sets the rate whatever the server does; with http_load the servers are
# the bottleneck, so those rows compare the servers. For them each server
# is pinned to the last CPU and http_load to the others, and the network
# input of nginx's loopback and veth is steered to the server's CPU (RPS),
# so that each server's core takes in its own packets (the client's ACKs),
# as unihost's does through the tap (HTTP_BENCH_PIN=0: not pinned).
# These rows run in LOAD_ROUNDS rounds (default 3), the order of the
# servers reversed every other round, and end with the medians of the
# rounds' ratios: a server's rate moves by 10-25% between two runs here.
#
# Prints, per row and server: requests/s and p99 latency over DURATION
# seconds, the CPU the server and wrk used (so a reader sees which side was
# saturated), then the ratios; last the HTTPS handshake row from
# bench/https.sh (full TLS 1.2 handshakes per second, same key for both,
# medians of its rounds).
# Usage: sudo bench/http.sh [DURATION_SECONDS]   (default 10). Not a test:
# timings on shared machines are noisy, so compare ratios from one run.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ "$(id -u)" -eq 0 ] || exec sudo "$0" "$@"
duration=${1:-10}
connections=16
threads=${WRK_THREADS:-$(nproc)}
client_nice=${WRK_NICE:-10}
for tool in wrk nginx curl; do
    command -v "$tool" >/dev/null || { echo "bench/http: needs $tool (apt-get install wrk nginx curl)" >&2; exit 1; }
done
make -s -j2 all build/bench/http_load >/dev/null

. "$top/tools/netns.sh"
. "$top/bench/cpu.sh"
ns=uh-hbench-$$
ns_nginx=uh-hbench-ngx-$$
tap=uhh$$
tap_plain=uhp$$
tmp=$(mktemp -d)
uh_pid= uh_plain_pid= nginx_pid=
cleanup() {
    for pid in $uh_pid $uh_plain_pid $nginx_pid; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in $uh_pid $uh_plain_pid $nginx_pid; do wait "$pid" 2>/dev/null || true; done
    netns_delete "$ns"
    netns_delete "$ns_nginx"
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# ---- the content: site/ plus the two files, crunched once for both servers
cp -R site "$tmp/site"
mkdir -p "$tmp/site/bench"
head -c 307200 /dev/urandom > "$tmp/site/bench/300kb.bin"
head -c 1048576 /dev/urandom > "$tmp/site/bench/1mb.bin"
build/crunch --quiet --site "$tmp/site" --zones zones -o "$tmp/bench.blob" --export "$tmp/www"

netns_create "$ns" "$tap"
# nginx on loopback: its packets skip any device and travel in 64 KiB
# frames, which favours nginx.
ip netns exec "$ns" ip addr add 198.51.100.80/32 dev lo
# nginx behind a veth pair with MTU 1500, in its own namespace.
ip netns add "$ns_nginx"
ip netns exec "$ns_nginx" ip link set lo up
ip netns exec "$ns" ip link add uhv$$ mtu 1500 type veth peer name uhw$$ netns "$ns_nginx" mtu 1500
ip netns exec "$ns" ip addr add 198.51.100.1/24 dev uhv$$
ip netns exec "$ns" ip link set uhv$$ up
ip netns exec "$ns_nginx" ip addr add 198.51.100.2/24 dev uhw$$
ip netns exec "$ns_nginx" ip link set uhw$$ up
# unihost without offload, on a second tap.
ip netns exec "$ns" ip tuntap add dev "$tap_plain" mode tap
ip netns exec "$ns" ip addr add 203.0.113.1/24 dev "$tap_plain"
ip netns exec "$ns" ip link set "$tap_plain" up

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
nginx_lo_pid=$!
# The veth nginx: the same configuration, its own address and pid file.
sed -e 's|listen 198.51.100.80:80;|listen 198.51.100.2:80;|' -e "s|$tmp/nginx.pid|$tmp/nginx-veth.pid|" \
    -e "s|$tmp/nginx.error.log|$tmp/nginx-veth.error.log|" "$tmp/nginx.conf" > "$tmp/nginx-veth.conf"
ip netns exec "$ns_nginx" nginx -c "$tmp/nginx-veth.conf" 2>"$tmp/nginx-veth.log" &
nginx_veth_pid=$!
nginx_pid="$nginx_lo_pid $nginx_veth_pid"
# --no-access-log: like nginx here (access_log off), and no hundreds of MB of
# lines in $tmp over a run (with it, the rate moves within the noise).
ip netns exec "$ns" "$top/build/unihost" --tap "$tap" --ipv4 "$UNIHOST_GUEST4/24" --blob "$tmp/bench.blob" \
    --no-access-log 2>"$tmp/unihost.log" &
uh_pid=$!
ip netns exec "$ns" env UNIHOST_TAP_OFFLOAD=0 "$top/build/unihost" --tap "$tap_plain" --ipv4 203.0.113.2/24 \
    --blob "$tmp/bench.blob" --no-access-log 2>"$tmp/unihost-plain.log" &
uh_plain_pid=$!
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
wait_http 203.0.113.2
wait_http 198.51.100.80
wait_http 198.51.100.2
grep -q 'segmentation offload' "$tmp/unihost.log" || echo "# unihost on $tap: no segmentation offload (IFF_VNET_HDR refused?)"

# to_ms VALUE: wrk's latency ("812.00us", "1.20ms", "2.01s") in ms
to_ms() {
    echo "$1" | awk '{ v = $1 + 0; if ($1 ~ /us$/) v /= 1000; else if ($1 ~ /ms$/) v = v; else if ($1 ~ /s$/) v *= 1000; printf "%.2f", v }'
}

# run SERVER ADDR PATH SERVER_PID: sets rps, p99 (ms), server_cpu and
# client_cpu (each in % of one core over the run)
run() {
    out=$tmp/$1.$(echo "$3" | tr '/.' '__').wrk
    server0=$(tree_ticks "$4") client0=$(child_ticks)
    ip netns exec "$ns" nice -n "$client_nice" wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "http://$2$3" >"$out" 2>&1
    server_cpu=$(cpu_percent $(( $(tree_ticks "$4") - server0 )) "$duration")
    client_cpu=$(cpu_percent $(( $(child_ticks) - client0 )) "$duration")
    rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
    errors=$(awk '/Non-2xx|Socket errors/' "$out" | tr '\n' ' ')
    [ -z "$errors" ] || echo "# $1 $3: $errors"
}

echo "bench/http: wrk -t$threads -c$connections at nice $client_nice, keep-alive, ${duration} s per row and server; nginx $(nginx -v 2>&1 | sed 's|.*/||'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench/http: CPU columns are % of one core: the server (nginx: master and worker) and wrk ($threads threads)"
printf '%-22s %-34s %10s %9s %7s %7s %8s\n' row server "req/s" "p99 ms" "server" "wrk" ratio
line() {    # line ROW SERVER RPS P99 SERVER_CPU CLIENT_CPU [RATIO]
    printf '%-22s %-34s %10s %9s %7s %7s %8s\n' "$1" "$2" "$3" "$4" "$5" "$6" "${7:-}"
}
ratio() { awk -v u="$1" -v n="$2" 'BEGIN { printf "%.2fx", (n > 0 ? u / n : 0) }'; }
row() {     # row NAME PATH
    run nginx 198.51.100.80 "$2" "$nginx_lo_pid"; lo_rps=$rps
    line "$1" "nginx, loopback (64 KiB MTU)" "$rps" "$p99" "$server_cpu" "$client_cpu"
    run nginx-veth 198.51.100.2 "$2" "$nginx_veth_pid"; veth_rps=$rps
    line "" "nginx, veth (MTU 1500)" "$rps" "$p99" "$server_cpu" "$client_cpu"
    run unihost-plain 203.0.113.2 "$2" "$uh_plain_pid"
    line "" "unihost, tap without offload" "$rps" "$p99" "$server_cpu" "$client_cpu" "$(ratio "$rps" "$lo_rps")"
    run unihost "$UNIHOST_GUEST4" "$2" "$uh_pid"
    line "" "unihost, tap with offload" "$rps" "$p99" "$server_cpu" "$client_cpu" "$(ratio "$rps" "$lo_rps")"
    line "" "  (unihost with offload / nginx veth)" "" "" "" "" "$(ratio "$rps" "$veth_rps")"
}
row "small page ($(wc -c < "$tmp/www/index.html") B)" /
row "300 kB file" /bench/300kb.bin
row "1 MB file" /bench/1mb.bin

# The large files again with bench/http_load, which drops bodies in its
# kernel (MSG_TRUNC): wrk copies every megabyte into user space, and on two
# cores that copying, not either server, sets the rate.
load() {    # load SERVER ADDR PATH SERVER_PID: as run(), with http_load
    out=$tmp/$1.$(echo "$3" | tr '/.' '__').load
    server0=$(tree_ticks "$4") client0=$(child_ticks)
    # shellcheck disable=SC2086
    ip netns exec "$ns" nice -n "$client_nice" $client_pin "$top/build/bench/http_load" "$2" 80 "$3" "$duration" "$connections" >"$out" 2>&1
    server_cpu=$(cpu_percent $(( $(tree_ticks "$4") - server0 )) "$duration")
    client_cpu=$(cpu_percent $(( $(child_ticks) - client0 )) "$duration")
    rps=$(awk '$1 == "requests" { print $4 }' "$out")
    p99=$(awk '$1 == "requests" { print $6 }' "$out")
    errors=$(awk '$1 == "requests" && $8 > 0 { print "errors: " $8 }' "$out")
    [ -z "$errors" ] || echo "# $1 $3 (http_load): $errors"
}
median() { sort -g | awk '{ v[NR] = $1 } END { printf "%.2f", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
range() { sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.2f-%.2f", lo, hi }'; }
# load_row NAME PATH: LOAD_ROUNDS rounds (default 3), the servers in turn,
# the order reversed every other round: one server's rate moves by 10-25%
# from one run to the next on a shared machine, so the ratios printed last
# are the medians of the rounds' ratios, with their range.
load_row() {
    : > "$tmp/ratios.lo"
    : > "$tmp/ratios.veth"
    _round=1
    while [ "$_round" -le "${LOAD_ROUNDS:-3}" ]; do
        if [ $((_round % 2)) -eq 1 ]; then _order="lo veth uh"; else _order="uh veth lo"; fi
        for _s in $_order; do
            case $_s in
            lo)   load nginx 198.51.100.80 "$2" "$nginx_lo_pid"
                  lo_rps=$rps lo_line="$rps|$p99|$server_cpu|$client_cpu" ;;
            veth) load nginx-veth 198.51.100.2 "$2" "$nginx_veth_pid"
                  veth_rps=$rps veth_line="$rps|$p99|$server_cpu|$client_cpu" ;;
            uh)   load unihost "$UNIHOST_GUEST4" "$2" "$uh_pid"
                  uh_rps=$rps uh_line="$rps|$p99|$server_cpu|$client_cpu" ;;
            esac
        done
        _name="$1, round $_round"
        IFS='|' read -r _r _p _sc _cc <<EOL
$lo_line
EOL
        line "$_name" "nginx, loopback (64 KiB MTU)" "$_r" "$_p" "$_sc" "$_cc"
        IFS='|' read -r _r _p _sc _cc <<EOL
$veth_line
EOL
        line "" "nginx, veth (MTU 1500)" "$_r" "$_p" "$_sc" "$_cc"
        IFS='|' read -r _r _p _sc _cc <<EOL
$uh_line
EOL
        line "" "unihost, tap with offload" "$_r" "$_p" "$_sc" "$_cc" "$(ratio "$uh_rps" "$lo_rps")"
        line "" "  (unihost with offload / nginx veth)" "" "" "" "" "$(ratio "$uh_rps" "$veth_rps")"
        awk -v u="$uh_rps" -v n="$lo_rps" 'BEGIN { if (n > 0) print u / n }' >> "$tmp/ratios.lo"
        awk -v u="$uh_rps" -v n="$veth_rps" 'BEGIN { if (n > 0) print u / n }' >> "$tmp/ratios.veth"
        _round=$((_round + 1))
    done
    echo "# $1: unihost/nginx loopback, median of ${LOAD_ROUNDS:-3} rounds: $(median < "$tmp/ratios.lo")x (rounds $(range < "$tmp/ratios.lo")); unihost/nginx veth: $(median < "$tmp/ratios.veth")x (rounds $(range < "$tmp/ratios.veth"))"
}
# For these rows each server is pinned to the last CPU and http_load to the
# others (HTTP_BENCH_PIN=0: not pinned), and the input of the loopback and
# of nginx's veth is steered to the server's CPU (RPS): nginx then takes
# in the client's ACKs on its own core, as unihost does (lwIP, in its
# process); left alone, the kernel would process them in the client's
# context, on the client's core, for nginx.
last_cpu=$(($(nproc) - 1))
client_pin=
if [ "${HTTP_BENCH_PIN:-1}" = 1 ] && [ "$last_cpu" -ge 1 ]; then
    for pid in $uh_pid $uh_plain_pid $nginx_pid; do taskset -a -p -c "$last_cpu" "$pid" >/dev/null; done
    mask=$(printf '%x' $((1 << last_cpu)))
    ip netns exec "$ns" sh -c "echo $mask > /sys/class/net/lo/queues/rx-0/rps_cpus"
    ip netns exec "$ns_nginx" sh -c "echo $mask > /sys/class/net/uhw$$/queues/rx-0/rps_cpus"
    client_pin="taskset -c 0-$((last_cpu - 1))"
    echo "# http_load rows: servers on CPU $last_cpu (with their network input), http_load on CPUs 0-$((last_cpu - 1))"
fi
echo "# the same files with bench/http_load ($connections connections, keep-alive, bodies dropped in the client's kernel)"
load_row "300 kB file, http_load" /bench/300kb.bin
load_row "1 MB file, http_load" /bench/1mb.bin

# HTTPS handshakes: bench/https.sh's TLS 1.2 row, its own namespace, the
# same duration.
ROWS=tls12 sh "$top/bench/https.sh" "$duration" > "$tmp/https.out" 2>&1 || { sed 's/^/# /' "$tmp/https.out"; exit 1; }
# its medians: "tls12 SERVER RATE P50 P99 CPU_US RESUMED" (the rounds' lines
# have the round number second)
hs() { awk -v s="$1" -v f="$2" '$1 == "tls12" && $2 == s { print $f }' "$tmp/https.out"; }
hs_ratio=$(sed -n 's/^ratio unihost\/nginx tls12: *\([0-9.]*\).*/\1x/p' "$tmp/https.out")
line "https handshakes/s" "nginx, loopback (64 KiB MTU)" "$(hs nginx 3)" "$(hs nginx 5)" "$(hs nginx 6)us" ""
line "" "unihost, tap with offload" "$(hs unihost 3)" "$(hs unihost 5)" "$(hs unihost 6)us" "" "$hs_ratio"
echo "# https: the server column is the server's CPU per handshake"
sed -n -e 's/^bench\/https: /# https: /p' -e 's/^ratio unihost\/nginx tls12: */# https: median ratio /p' "$tmp/https.out"
