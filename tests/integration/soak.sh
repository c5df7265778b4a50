#!/bin/sh
# Integration test: the soak. unihost with everything on (HTTPS, the access
# log, --dns-log, --syslog, --metrics scraped every second) takes rounds of
# a mixed load, all at once and each part bounded in count, rate and time:
#  - HTTP (wrk, lib/soak.lua: pages, a gzip variant, a byte range, a
#    redirect, a 404) over keep-alive connections, and over a new connection
#    per request;
#  - HTTPS over keep-alive connections, and with a new connection per
#    request (wrk resumes its sessions), plus full and resumed handshakes
#    that must resume (lib/soakload.py tls);
#  - DNS over UDP (a mix of answers, NXDOMAIN, NODATA, referrals, REFUSED,
#    truncation), over TCP (pipelined queries) and zone transfers (AXFR of
#    a zone of one message and of one of several);
#  - hostile clients: slowloris connections (a request head, a TLS record
#    or a DNS query trickled a byte a second, and bare connections) that
#    unihost's timeouts must end.
# After each round the stats line (SIGUSR1) is polled, a bounded wait, until
# every lwIP pool (heap, pbuf_pool, pbuf_ref, tcp_seg, tcp_pcb less TIME_WAIT),
# the copied-bytes budget and the TLS states are back at their idle level, and
# every connection slot (per pool, lingering ones included, and lwIP's
# active and half-open connections) is free again.
#
# RSS (VmRSS of /proc/PID/status) is not expected back at its idle level:
# unihost allocates nothing at run time, but its pools are static arrays
# whose pages become resident when first touched (lwIP's 4 MiB heap, 256
# connection buffers, 32 TLS states) and stay resident; a libc allocator
# would likewise keep what it freed. So the first round raises RSS to a
# high-water mark set by the round's peak use, and the check is that the
# next round, the same load, does not grow RSS beyond that mark (VmHWM after
# round 1) plus a margin (SOAK_RSS_MARGIN_KB, 512 KiB: pages a slightly higher
# peak of the same load may touch). A leak per request or per connection would
# break it: a round is some 80000 requests and queries, so 8 bytes lost on
# each is past the margin.
#
# The figures (RSS, pools, slots, after each round, and what the load did)
# are printed as "# " lines. bench/soak.sh runs this script for SOAK_MINUTES
# (default 30) with one-minute rounds: UH_SOAK_MINUTES set.
UH_TEST=soak
. "$(dirname "$0")/lib/uh.sh"

uh_require_root
uh_require_tools curl python3 timeout wrk
uh_dev_cert

MINUTES=${UH_SOAK_MINUTES:-}
if [ -n "$MINUTES" ]; then
    ROUND_SECONDS=${SOAK_ROUND_SECONDS:-40}   # + the slowloris tail and the settle; a round a minute
    SCALE=4                                   # each part of the load this many times the test's
else
    ROUND_SECONDS=12
    SCALE=1
fi
RSS_MARGIN_KB=${SOAK_RSS_MARGIN_KB:-512}
SETTLE=30           # seconds at most for the stats line to be back at idle after a round
REQ_TIMEOUT=4       # --http-request-timeout and --http-idle-timeout: slowloris ends
DNS_TIMEOUT=10      # DNS over TCP's fixed request timeout (site/docs/limits.md)
GRACE=$((DNS_TIMEOUT * 3))  # slowloris: each must be ended by unihost within this
SLOW_SOURCE=192.0.2.61
XFR_SOURCE=192.0.2.54   # may transfer the fixture zones (tests/fixtures/zones/transfers.conf)

uh_setup "uh-soak-$$" "uhsoak$$"
NAME=www.unihost.test
IP4=$UNIHOST_GUEST4
METRICS=$IP4:9100

# The blob: the real site (pages of some size, redirects, gzip variants)
# with the fixture zones (their transfer ACL, and RRL exempting the
# namespace's address, which sends the load).
BLOB=$UH_TMP/soak.blob
"$CRUNCH" --quiet --site site --zones tests/fixtures/zones -o "$BLOB" > "$UH_TMP/crunch.log" 2>&1 ||
    { diag < "$UH_TMP/crunch.log"; notok "soak blob" "crunch failed"; uh_finish; }
nsx ip addr add "$SLOW_SOURCE/24" dev "$UH_TAP"
nsx ip addr add "$XFR_SOURCE/24" dev "$UH_TAP"

# soak_start FLAGS...: uh_start; for bench/soak.sh, with the console through
# a filter that keeps all but the access and query lines (half a million
# lines a minute would make a log of gigabytes, which uh_stats greps whole).
# unihost then writes to a pipe, without blocking (site/docs/logs.md).
soak_start() {
    [ -n "$MINUTES" ] || { uh_start "$@"; return; }
    UH_RUN=$((UH_RUN + 1))
    UH_LOG=$UH_TMP/unihost.$UH_RUN.log
    : > "$UH_LOG"
    mkfifo "$UH_TMP/console"
    grep --line-buffered -Ev '^unihost: (access|query): ' < "$UH_TMP/console" > "$UH_LOG" &
    ip netns exec "$UH_NS" "$UNIHOST" --tap "$UH_TAP" --ipv4 "$UNIHOST_GUEST4/24" \
        --ipv6 "$UNIHOST_GUEST6/64" "$@" > "$UH_TMP/console" 2>&1 &
    UH_PID=$!
    uh_wait_ready
}
if ! soak_start --blob "$BLOB" --tls-cert "$CERT" --tls-key "$KEY" --no-https-redirect \
        --http-request-timeout "$REQ_TIMEOUT" --http-idle-timeout "$REQ_TIMEOUT" \
        --dns-log --syslog "$UNIHOST_HOST4:5514" --metrics "$METRICS"; then
    notok "unihost starts with HTTPS, --dns-log, --syslog and --metrics" "see the log above"
    uh_finish
fi
ok "unihost starts with HTTPS, the access log, --dns-log, --syslog and --metrics"

# ---- figures -------------------------------------------------------------------
rss_kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$UH_PID/status"; }
POOLS="heap pbuf_pool pbuf_ref tcp_seg tcp_pcb tcp_copied tls_states"
SLOTS="http_conns http_lingering dns_conns dns_lingering metrics_conns metrics_lingering tcp_active tcp_syn_rcvd"

# above_idle KEYS IDLE NOW: "key=value (idle value); " for each of KEYS whose
# use in NOW is above IDLE's (the used part of U/T; tcp_pcb without its
# TIME_WAIT share, which lwIP keeps for 2 MSL whatever the load); nothing
# when all are at idle. A key missing from both lines is skipped.
above_idle() {
    echo "$1 | $2 | $3" | awk '
        { side = 0
          for (i = 1; i <= NF; i++) {
              if ($i == "|") { side++; continue }
              if (side == 0) { want[$i] = 1; continue }
              split($i, kv, "="); v = kv[2]; sub(/\/.*/, "", v)
              if (side == 1) idle[kv[1]] = v + 0; else now[kv[1]] = v + 0
              if (side == 1) idle_s[kv[1]] = kv[2]; else now_s[kv[1]] = kv[2]
          } }
        END {
          idle["tcp_pcb"] -= idle["tcp_time_wait"]; now["tcp_pcb"] -= now["tcp_time_wait"]
          for (k in want) {
              if (!(k in idle) && !(k in now)) continue
              if (!(k in now)) { printf "%s missing; ", k; continue }
              if (now[k] > idle[k]) printf "%s=%s (idle %s); ", k, now_s[k], idle_s[k]
          } }'
}

# A row of the figures: RSS and high-water mark, the pools' and slots' use,
# what the services have accepted so far.
row() {     # row LABEL STATS_LINE
    printf '# %-12s %8s %8s %9s %6s %6s %6s %6s %5s %6s %5s %5s %5s %8s %8s\n' "$1" \
        "$(rss_kb VmRSS)" "$(rss_kb VmHWM)" \
        "$(uh_stat "$2" heap | cut -d/ -f1)" "$(uh_stat "$2" pbuf_pool | cut -d/ -f1)" \
        "$(uh_stat "$2" pbuf_ref | cut -d/ -f1)" "$(uh_stat "$2" tcp_seg | cut -d/ -f1)" \
        "$(uh_stat "$2" tcp_pcb | cut -d/ -f1)" "$(uh_stat "$2" tcp_time_wait)" \
        "$(uh_stat "$2" http_conns | cut -d/ -f1)" "$(uh_stat "$2" dns_conns | cut -d/ -f1)" \
        "$(uh_stat "$2" metrics_conns | cut -d/ -f1)" "$(uh_stat "$2" tls_states | cut -d/ -f1)" \
        "$(uh_stat "$2" http_accepted)" "$(uh_stat "$2" http_timed_out)"
}
header() {
    printf '# %-12s %8s %8s %9s %6s %6s %6s %6s %5s %6s %5s %5s %5s %8s %8s\n' "" "RSS kB" "HWM kB" \
        heap pbufs refs segs pcbs "(tw)" http dns metr tls "http acc" "timedout"
}

IDLE=$(uh_stats) || { notok "stats line" "unihost gave none"; uh_finish; }
IDLE_RSS=$(rss_kb VmRSS)
echo "# idle: $IDLE"
{ header; row idle "$IDLE"; } > "$UH_TMP/table"
cat "$UH_TMP/table"

# ---- one round of load ------------------------------------------------------------
# load_round N: every part at once, in the background, each under timeout;
# waits for all, prints their lines (checks and diagnostics).
load_round() {
    _r=$1 _d=$ROUND_SECONDS
    _o=$UH_TMP/round.$_r
    mkdir -p "$_o"
    export SOAK_WHAT="round $_r" UH_TEST
    _lim=$((_d + GRACE + 15))
    _open=$((_d > DNS_TIMEOUT ? _d - DNS_TIMEOUT + 2 : 1))    # slowloris opens new connections for this long
    _pids=
    _w() {      # _w NAME CONNS THREADS DELAY_MS PER_THREAD CLOSE URL
        SOAK_DELAY_MS=$4 SOAK_PER_THREAD=$5 SOAK_CLOSE=$6 \
            nsx timeout "$_lim" wrk -t"$3" -c"$2" -d"${_d}s" --timeout 5s -s "$UH_ROOT/tests/integration/lib/soak.lua" \
            "$7" > "$_o/$1.out" 2>&1 < /dev/null &
        _pids="$_pids $!"
    }
    _w http-keepalive 8 1 2 $((40000 * SCALE)) 0 "http://$IP4/"
    _w http-new 4 1 5 $((8000 * SCALE)) 1 "http://$IP4/"
    _w https-keepalive 4 1 5 $((8000 * SCALE)) 0 "https://$IP4/"
    _w https-new 2 1 10 $((2000 * SCALE)) 1 "https://$IP4/"
    _p() {      # _p NAME ARGS...: soakload.py in the namespace
        _n=$1
        shift
        nsx timeout "$_lim" python3 "$UH_ROOT/tests/integration/lib/soakload.py" "$@" > "$_o/$_n.out" 2>&1 < /dev/null &
        _pids="$_pids $!"
    }
    _p tls tls "$IP4" "$NAME" "$CERT" $((20 * SCALE)) $((60 * SCALE)) "$_d"
    _p dns-udp dns-udp "$IP4" $((2000 * _d)) 2000 $((_d + 5))
    _p dns-tcp dns-tcp "$IP4" $((150 * SCALE)) 10 "$_d"
    _p axfr axfr "$IP4" "$XFR_SOURCE" $((20 * SCALE)) "$_d" example.test bulk.test
    _p slowloris slowloris "$IP4" "$SLOW_SOURCE" 10 "$_open" "$GRACE"
    # the scraper: one page a second, as Prometheus would
    ( _i=0
      while [ "$_i" -lt "$_d" ]; do
          nsx curl -s -m 2 -o /dev/null -w '%{http_code}\n' "http://$METRICS/metrics" < /dev/null
          _i=$((_i + 1))
          sleep 1
      done > "$_o/scrape.out" 2>&1 ) &
    _pids="$_pids $!"
    for _p in $_pids; do wait "$_p"; done    # (not a bare wait: unihost is a child too)
    for _k in tls dns-udp dns-tcp axfr slowloris; do
        grep -v '^figures: ' "$_o/$_k.out"
    done
    for _k in http-keepalive http-new https-keepalive https-new; do
        _fig=$(grep '^figures: wrk' "$_o/$_k.out")
        _resp=$(echo " $_fig" | tr ' ' '\n' | sed -n 's/^responses=//p')
        _bad=$(echo " $_fig" | tr ' ' '\n' | sed -n 's/^unexpected=//p')
        _err=$(echo " $_fig" | tr ' ' '\n' | sed -n 's/^errors=//p')
        echo "# round $_r: wrk $_k: ${_resp:-?} responses, ${_bad:-?} of an unexpected status, ${_err:-?} socket errors"
        if [ -z "$_fig" ]; then
            notok "round $_r: $_k: wrk's mix is answered" "wrk printed no figures: $(tail -n 3 "$_o/$_k.out" | tr '\n' ' ')"
        elif [ "$_resp" -gt 0 ] && [ "$_bad" -eq 0 ]; then
            ok "round $_r: $_k: wrk's mix is answered, each with its status ($_resp responses)"
        else
            notok "round $_r: $_k: wrk's mix is answered" "$_resp responses, $_bad of another status"
        fi
    done
    # curl's 000: no answer within its 2 s, which on a busy machine is no
    # failure of unihost's; any other status is
    _s=$(grep -c '^200$' "$_o/scrape.out")
    _x=$(grep -vc '^200$\|^000$' "$_o/scrape.out")
    echo "# round $_r: metrics scrapes: $_s of $_d answered 200"
    check "round $_r: the metrics page is scraped once a second, each answer a 200" \
        "$_s of $_d answered 200, $_x with another status" test "$_s" -gt 0 -a "$_x" -eq 0
}

# settle N: poll the stats line (at most SETTLE s) until the pools and the
# slots are back at idle; one check for each.
settle() {
    _t0=$(date +%s)
    _n=0
    while :; do
        if ! NOW=$(uh_stats); then NOW=; break; fi
        _pools=$(above_idle "$POOLS" "$IDLE" "$NOW")
        _slots=$(above_idle "$SLOTS" "$IDLE" "$NOW")
        [ -z "$_pools$_slots" ] && break
        _n=$((_n + 1))
        [ "$_n" -gt $((SETTLE * 2)) ] && break
        sleep 0.5
    done
    _took=$(($(date +%s) - _t0))
    if [ -z "$NOW" ]; then
        notok "$1: stats line" "no stats line (unihost $(uh_alive "$UH_PID" && echo hangs || echo is not running))"
        return 1
    fi
    check "$1: every lwIP pool, the copy budget and the TLS states are back at their idle level ($POOLS; after ${_took} s)" \
        "after $SETTLE s still ${_pools}now: $NOW" test -z "$_pools"
    check "$1: every connection slot is free again ($SLOTS; after ${_took} s)" \
        "after $SETTLE s still ${_slots}now: $NOW" test -z "$_slots"
}

# ---- the rounds -------------------------------------------------------------------
if [ -n "$MINUTES" ]; then
    END=$(($(date +%s) + MINUTES * 60))
else
    END=0
fi
round=0
while :; do
    round=$((round + 1))
    started=$(date +%s)
    load_round "$round"
    settle "round $round" || break
    row "round $round" "$NOW" >> "$UH_TMP/table"
    tail -n 1 "$UH_TMP/table"
    [ "$round" -eq 1 ] && { HWM1=$(rss_kb VmHWM); RSS1=$(rss_kb VmRSS); }
    if [ -n "$MINUTES" ]; then
        # a round a minute (the rest of it idle), SOAK_MINUTES of them
        [ $((started + 60)) -lt "$END" ] || break
        left=$((started + 60 - $(date +%s)))
        [ "$left" -le 0 ] || sleep "$left"
    else
        [ "$round" -lt 2 ] || break
    fi
done

echo "# the figures after each round (kB; pools and slots in use; the services' counters so far):"
cat "$UH_TMP/table"
RSS_END=$(rss_kb VmRSS)
HWM_END=$(rss_kb VmHWM)
if [ "$round" -ge 2 ] && [ -n "${HWM1:-}" ]; then
    echo "# RSS: idle $IDLE_RSS kB; after round 1 $RSS1 kB (high-water $HWM1 kB); after round $round $RSS_END kB (high-water $HWM_END kB)"
    check "RSS after $round rounds ($RSS_END kB, high-water $HWM_END) is within round 1's high-water mark ($HWM1 kB) + $RSS_MARGIN_KB kB" \
        "it grew by $((HWM_END - HWM1)) kB over round 1's high-water mark" test "$HWM_END" -le $((HWM1 + RSS_MARGIN_KB))
fi
drops=$(grep '^unihost: stats: ' "$UH_LOG" | tail -n 1)
echo "# log lines dropped: console $(uh_stat "${drops#unihost: stats: }" log_console_dropped), syslog $(uh_stat "${drops#unihost: stats: }" log_syslog_dropped)"
check "unihost is still running" "it is not" uh_alive "$UH_PID"
uh_stop
check "unihost stops cleanly" "exit status $UH_STATUS" test "$UH_STATUS" = 0
uh_finish
