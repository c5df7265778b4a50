#!/bin/sh
# Integration test: the metrics listener (--metrics ADDR:PORT), as
# Prometheus sees it. Debian's prometheus runs inside the test's namespace
# (its own config and data in the temp dir, listening on the namespace's
# loopback) and scrapes unihost every second; the test causes a known number
# of HTTP(S) responses by status, DNS answers by RCODE over UDP and TCP and
# TLS handshakes (new, resumed, failed), then asks Prometheus's query API
# for each value. The page itself must be served on the address given only:
# /metrics on the public port 80 is a 404, and the metrics port is closed
# on unihost's other address.
UH_TEST=metrics
. "$(dirname "$0")/lib/uh.sh"

uh_require_root
uh_require_tools curl dig openssl prometheus python3 timeout
uh_dev_cert
uh_setup "uh-metrics-$$" "uhmet$$"
uh_fixture_blob || { notok "fixture blob" "could not build it"; exit 1; }

IP4=$UNIHOST_GUEST4
IP6=$UNIHOST_GUEST6
NAME=www.unihost.test
METRICS=$IP4:9100
PROM=127.0.0.1:9090     # the namespace's loopback: Prometheus is reachable from nowhere else
PROM_PID=

prom_stop() {
    if [ -n "$PROM_PID" ] && uh_alive "$PROM_PID"; then
        kill -TERM "$PROM_PID" 2>/dev/null
        uh_wait_exit "$PROM_PID" 50 || { kill -KILL "$PROM_PID" 2>/dev/null; wait "$PROM_PID" 2>/dev/null; }
    fi
    PROM_PID=
}
trap 'prom_stop; uh_cleanup' EXIT

if ! uh_start --blob "$BLOB" --tls-cert "$CERT" --tls-key "$KEY" --no-https-redirect --metrics "$METRICS"; then
    notok "start with --metrics" "unihost did not become ready"
    uh_finish
fi
check "the log names the metrics address" "no 'metrics: on $METRICS' line" \
    grep -q "^unihost: metrics: on $METRICS\$" "$UH_LOG"

# ---- Prometheus, scraping every second -------------------------------------
cat > "$UH_TMP/prometheus.yml" <<CONF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: unihost
    static_configs:
      - targets: ['$METRICS']
CONF
ip netns exec "$UH_NS" prometheus --config.file="$UH_TMP/prometheus.yml" --storage.tsdb.path="$UH_TMP/prometheus-data" \
    --web.listen-address="$PROM" > "$UH_TMP/prometheus.log" 2>&1 &
PROM_PID=$!     # ip netns exec execs prometheus: this is its PID

# promq QUERY: the value of an instant query's one result ("" if none).
promq() {
    nsx curl -sS -m 5 "http://$PROM/api/v1/query" --data-urlencode "query=$1" 2>/dev/null |
        python3 -c 'import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if len(r) == 1 else "")' 2>/dev/null
}
# prom_wait QUERY VALUE: true once Prometheus answers VALUE (within 20 s).
prom_wait() {
    _i=0
    while [ "$(promq "$1")" != "$2" ]; do
        _i=$((_i + 1))
        [ "$_i" -gt 40 ] && return 1
        sleep 0.5
    done
}
# prom_check QUERY VALUE: one check of a value the test caused.
prom_check() {
    if prom_wait "$1" "$2"; then ok "$1 = $2"; else notok "$1 = $2" "Prometheus says '$(promq "$1")'"; fi
}

if prom_wait 'up{job="unihost"}' 1; then
    ok "Prometheus scrapes unihost (up = 1)"
else
    notok "Prometheus scrapes unihost (up = 1)" "up is '$(promq 'up{job="unihost"}')'; its log:"
    tail -n 20 "$UH_TMP/prometheus.log" | diag
    uh_finish
fi

# ---- traffic: a known number of each --------------------------------------
get() {     # get URL: the status curl saw
    nsx curl -s -m 5 -g -o /dev/null -w '%{http_code}' --resolve "$NAME:443:$IP4" --cacert "$CERT" "$1" < /dev/null
}
for i in 1 2 3; do get "http://$IP4/" > /dev/null; done                  # http 2xx: 3
for i in 1 2; do get "http://$IP4/no-such-page" > /dev/null; done         # http 4xx: 2
check "/metrics on the public port 80 is 404" "got another status" \
    test "$(get "http://$IP4/metrics")" = 404                             # http 4xx: 3
for i in 1 2; do get "https://$NAME/" > /dev/null; done                   # https 2xx: 2, new sessions: 2
get "https://$NAME/no-such-page" > /dev/null                              # https 4xx: 1, new sessions: 3
check "/metrics over HTTPS is 404" "got another status" \
    test "$(get "https://$NAME/metrics")" = 404                           # https 4xx: 2, new sessions: 4
sclient() {
    nsx timeout 10 openssl s_client -connect "$IP4:443" "$@" < /dev/null > "$UH_TMP/s_client.out" 2>&1
}
sclient -tls1_2 -sess_out "$UH_TMP/session.pem"                           # new sessions: 5
sclient -tls1_2 -sess_in "$UH_TMP/session.pem"                            # resumed: 1
check "s_client resumed its session" "no 'Reused' in its output" grep -q '^Reused' "$UH_TMP/s_client.out"
sclient -tls1_3                                                           # new sessions: 6
sclient -tls1_2 -cipher 'ECDHE-ECDSA-AES128-SHA256'                       # CBC only: failed, no_shared_cipher: 1
sclient -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0'                             # failed, protocol_version: 1

dq() {      # dq NAME TYPE [dig options]: one query, its RCODE
    nsx dig +tries=1 +time=3 @"$IP4" "$@" | sed -n 's/.*status: \([A-Z]*\),.*/\1/p'
}
dns_ok=true
for q in "example.test SOA" "example.test SOA" "nx.example.test A" "example.org A"; do
    dq $q > /dev/null || dns_ok=false                                      # udp: NOERROR 2, NXDOMAIN 1, REFUSED 1
done
for q in "example.test SOA" "nx.example.test A" "example.org A" "example.org A"; do
    dq $q +tcp > /dev/null || dns_ok=false                                 # tcp: NOERROR 1, NXDOMAIN 1, REFUSED 2
done
check "the DNS queries were answered" "dig failed" $dns_ok

# ---- what Prometheus saw --------------------------------------------------
prom_check 'unihost_http_requests_total{scheme="http",class="2xx"}' 3
prom_check 'unihost_http_requests_total{scheme="http",class="4xx"}' 3
prom_check 'unihost_http_requests_total{scheme="https",class="2xx"}' 2
prom_check 'unihost_http_requests_total{scheme="https",class="4xx"}' 2
prom_check 'sum(unihost_http_requests_total{class=~"1xx|3xx|5xx"})' 0
prom_check 'unihost_tls_handshakes_total{session="new"}' 6
prom_check 'unihost_tls_handshakes_total{session="resumed"}' 1
prom_check 'unihost_tls_handshake_failures_total{reason="no_shared_cipher"}' 1
prom_check 'unihost_tls_handshake_failures_total{reason="protocol_version"}' 1
prom_check 'sum(unihost_tls_handshake_failures_total)' 2
prom_check 'unihost_dns_responses_total{transport="udp",rcode="NOERROR"}' 2
prom_check 'unihost_dns_responses_total{transport="udp",rcode="NXDOMAIN"}' 1
prom_check 'unihost_dns_responses_total{transport="udp",rcode="REFUSED"}' 1
prom_check 'unihost_dns_responses_total{transport="tcp",rcode="NOERROR"}' 1
prom_check 'unihost_dns_responses_total{transport="tcp",rcode="NXDOMAIN"}' 1
prom_check 'unihost_dns_responses_total{transport="tcp",rcode="REFUSED"}' 2
prom_check 'unihost_dns_queries_total{transport="udp",qtype="SOA"}' 2
prom_check 'unihost_dns_queries_total{transport="tcp",qtype="A"}' 3
prom_check 'count(unihost_dns_queries_total{transport="udp"})' 21
prom_check 'sum(unihost_dns_cookies_total)' 8      # dig sends a client cookie with every query
prom_check 'unihost_connections_slots{service="metrics"}' 2
prom_check 'unihost_connections_accepted_total{service="dns"}' 4
serial=$(sed -n '/SOA/,/)/p' tests/fixtures/zones/example.test.zone | tr -s ' \t(' '\n' | grep -E '^[0-9]+$' | head -n 1)
prom_check 'unihost_zone_serial{zone="example.test."}' "$serial"
nsx curl -s -m 5 -o "$UH_TMP/page" "http://$METRICS/metrics"
echo "# the page: $(wc -c < "$UH_TMP/page") bytes, $(grep -vc '^#' "$UH_TMP/page") samples, $(grep -c '^unihost_zone_serial' "$UH_TMP/page") zones"
sha=$(sed -n 's/^unihost_content_info{sha256="\([0-9a-f]*\)"} 1$/\1/p' "$UH_TMP/page")
check "unihost_content_info names a SHA-256" "got '$sha'" test "${#sha}" -eq 64
prom_check "unihost_content_info{sha256=\"$sha\"}" 1

# ---- the page's own responses, and where it is not --------------------------
check "the page is Prometheus's text format" "wrong Content-Type" \
    sh -c "ip netns exec '$UH_NS' curl -s -m 5 -D - -o /dev/null 'http://$METRICS/metrics' | grep -qi '^content-type: text/plain; version=0.0.4'"
# A request head in two writes, split inside its blank line.
split_status=$(nsx python3 -c 'import socket, sys, time
s = socket.create_connection((sys.argv[1], 9100), timeout=5)
s.sendall(b"GET /metrics HTTP/1.1\r\nHost: m\r\n\r")
time.sleep(0.3)
s.sendall(b"\n")
print(s.recv(64).split(b"\r\n")[0].decode())' "$IP4" 2>&1)
check "a request head split inside its blank line is answered" "got '$split_status'" \
    test "$split_status" = "HTTP/1.1 200 OK"
check "another path on the metrics port is 404" "another status" \
    test "$(nsx curl -s -m 5 -o /dev/null -w '%{http_code}' "http://$METRICS/")" = 404
check "the metrics port is closed on the address not given" "it answered" \
    sh -c "! ip netns exec '$UH_NS' curl -s -m 5 -g -o /dev/null 'http://[$IP6]:9100/metrics'"

pid=$PROM_PID
prom_stop
check "Prometheus stopped" "process $pid still runs" sh -c "! kill -0 $pid 2>/dev/null"
uh_stop
check "unihost stopped cleanly" "exit status $UH_STATUS" test "$UH_STATUS" = 0
uh_finish
