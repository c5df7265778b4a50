#!/bin/sh
# Integration test: response-rate limiting (src/dns/dns_rrl.h) against
# hostile UDP clients. Zones and dns.conf are written and crunched at test
# time; the floods are bounded (a few hundred queries over 1.5 s each) and
# made by lib/rrlflood.py from addresses the namespace's side of the tap is
# given: 192.0.2.1 (the flooder), 192.0.2.3 (in the flooder's /24),
# 198.51.100.1 (another prefix), 203.0.113.1 (the exempt prefix) and
# 2001:db8::1. unihost gets --ipv4-gateway 192.0.2.1, so it answers the
# clients beyond its /24 through the kernel's side of the tap, which owns
# them. (IPv4 and a gateway, not IPv6: unihost has no IPv6 gateway option,
# and any second address on its on-link /64 would be in the same /56.)
#
# With dns.conf "rrl-ratelimit: 20, rrl-slip: 2, rrl-exempt: 203.0.113.0/24":
#  1. the start-up log line states rate 20 and slip 2;
#  2. 600 identical queries (www.rrl.test A, in random letter case: one
#     bucket) from 192.0.2.1 get full answers within the token bucket's
#     bounds (rrlflood.py explains them: from spans measured on the client
#     that contain, or are contained in, unihost's, so a slow machine only
#     widens them), and of the limited rest exactly ceil(limited / 2) come
#     back truncated and empty (TC=1, no records), the others dropped.
#     Meanwhile: 198.51.100.1 (another /24) gets all its 14 answers for the
#     same name; 192.0.2.3 (the same /24) shares the bucket and gets at most
#     half; 10 queries over TCP from 192.0.2.1 all get full answers;
#  3. 600 NXDOMAIN queries for random names land in one bucket (the zone's):
#     the same bounds and slip count, another prefix unaffected;
#  4. the same for random names under a wildcard (keyed by the wildcard),
#     and for REFUSED (one error bucket per prefix);
#  5. IPv6: 600 identical queries from 2001:db8::1 (through lwIP, not the
#     IPv4 fast path), the same bounds and slip count;
#  6. 600 queries from the exempt 203.0.113.1: every one answered in full;
#     then 600 from the flooder 192.0.2.1 presenting the server cookie it
#     learnt first (EDNS COOKIE): every one answered in full too;
#  7. seconds later, 200 more queries into one of the buckets of 2.-5. (one
#     whose limited count was odd): it is full again but holds no more than
#     a second's worth (the same bounds), and its slip counter went on from
#     where its flood left it.
# With "rrl-ratelimit: 10, rrl-slip: 3, rrl-ipv4-prefix-length: 32":
#  8. the log line says so; 300 queries from 192.0.2.1: bounds for 10/s,
#     ceil(limited / 3) slipped; 192.0.2.3 now has a bucket of its own and
#     gets all its answers.
# With "rrl-ratelimit: 0":
#  9. the log line says RRL is off; 600 queries all answered in full.
# Every check can fail: without limiting the floods get every answer (over
# the upper bound), with a wrong key the other prefix or the neighbour gets
# limited (or the random names escape), a wrong slip counter misses the
# exact count.
UH_TEST=dns_rrl
# shellcheck source=tests/integration/lib/uh.sh
. "$(dirname "$0")/lib/uh.sh"

uh_require_root
uh_require_tools python3 timeout
if [ ! -x "$UNIHOST" ] || [ ! -x "$CRUNCH" ]; then
    notok "unihost" "$UNIHOST or $CRUNCH is missing (run make)"
    exit 1
fi
uh_setup "uh-rrl-$$" "uhrrl$$"

FLOODER=$UNIHOST_HOST4          # 192.0.2.1
NEIGHBOUR=192.0.2.3
OTHER=198.51.100.1
EXEMPT=203.0.113.1
FLOODER6=$UNIHOST_HOST6         # 2001:db8::1
for a in $NEIGHBOUR $OTHER $EXEMPT; do
    if ! nsx ip addr add "$a/32" dev "$UH_TAP" 2> "$UH_TMP/ip.err"; then
        notok "addresses" "ip addr add $a/32: $(cat "$UH_TMP/ip.err")"
        exit 1
    fi
done

# ---- zones: one small zone, three dns.conf, three blobs
# blob NAME DNS-CONF-TEXT: $UH_TMP/NAME.blob from the zone and that dns.conf
blob() {
    mkdir -p "$UH_TMP/$1"
    cat > "$UH_TMP/$1/rrl.test.zone" <<'ZONE'
$ORIGIN rrl.test.
$TTL 300
@       IN SOA  ns hostmaster 2026010101 7200 3600 1209600 300
        IN NS   ns
ns      IN A    192.0.2.2
www     IN A    192.0.2.80
warm    IN A    192.0.2.81
*.wild  IN A    192.0.2.82
ZONE
    printf 'server:\n%s\n' "$2" > "$UH_TMP/$1/dns.conf"
    if ! "$CRUNCH" --quiet --zones "$UH_TMP/$1" -o "$UH_TMP/$1.blob" > "$UH_TMP/crunch.log" 2>&1; then
        notok "crunch ($1)" "$(tr '\n' ' ' < "$UH_TMP/crunch.log")"
        exit 1
    fi
}
blob rate20 "    rrl-ratelimit: 20
    rrl-slip: 2
    rrl-exempt: 203.0.113.0/24"
blob rate10 "    rrl-ratelimit: 10
    rrl-slip: 3
    rrl-ipv4-prefix-length: 32"
blob rate0 "    rrl-ratelimit: 0"

# start NAME: unihost with $UH_TMP/NAME.blob (a running one stopped first)
start() {
    if [ -n "$UH_PID" ] && ! uh_stop TERM; then
        notok "unihost stops for the next configuration" "still running after SIGTERM"
        exit 1
    fi
    if uh_start --blob "$UH_TMP/$1.blob" --ipv4-gateway "$FLOODER"; then
        ok "unihost starts with the $1 blob and --ipv4-gateway $FLOODER"
    else
        notok "unihost starts with the $1 blob" "see the log above"
        exit 1
    fi
}

# logline TEXT: the start-up log has a line containing TEXT
logline() {
    if grep -qF "$1" "$UH_LOG"; then
        ok "the start-up log says: $1"
    else
        notok "the start-up log says: $1" "its dns lines: $(grep 'dns' "$UH_LOG" | tr '\n' ' ')"
    fi
}

# flood ARGS...: one lib/rrlflood.py run (its checks printed), bounded
flood() {
    UH_TAP=$UH_TAP UH_PID=$UH_PID UH_TEST=$UH_TEST \
        nsx timeout 30 python3 "$UH_ROOT/tests/integration/lib/rrlflood.py" "$@" \
        > "$UH_TMP/flood.out" 2>&1 < /dev/null
    _st=$?
    cat "$UH_TMP/flood.out"
    grep -q '^not ok - ' "$UH_TMP/flood.out" && UH_FAILED=1
    if [ "$_st" -ne 0 ] && ! grep -q '^not ok - ' "$UH_TMP/flood.out"; then
        notok "rrlflood.py $*" "exited with status $_st (124: timed out)"
    fi
}

# ---- rate 20, slip 2, 203.0.113.0/24 exempt
start rate20
logline "dns: rate limiting UDP answers to 20 a second per /24 or /56 and kind, slip 2"
LIM="--expect limited --rate 20 --slip 2 --count 600 --seconds 1.5"
# shellcheck disable=SC2086 # LIM is words
flood --label "identical queries" --src "$FLOODER" --mode positive $LIM \
    --other "$OTHER" --neighbour "$NEIGHBOUR" --neighbour-shares yes --side-count 14 --tcp 10 \
    --save "$UH_TMP/positive4.limited"
# shellcheck disable=SC2086
flood --label "NXDOMAIN for random names" --src "$FLOODER" --mode nxdomain $LIM --other "$OTHER" --side-count 14 \
    --save "$UH_TMP/nxdomain4.limited"
# shellcheck disable=SC2086
flood --label "random names under a wildcard" --src "$FLOODER" --mode wildcard $LIM \
    --save "$UH_TMP/wildcard4.limited"
# shellcheck disable=SC2086
flood --label "REFUSED for random names elsewhere" --src "$FLOODER" --mode refused $LIM \
    --save "$UH_TMP/refused4.limited"
# shellcheck disable=SC2086
flood --label "identical queries over IPv6" --src "$FLOODER6" --mode positive $LIM \
    --save "$UH_TMP/positive6.limited"
flood --label "an exempt prefix" --src "$EXEMPT" --mode positive --expect all --count 600 --seconds 1.5
# The flooder again, into the bucket its first flood emptied, now with the
# server cookie unihost gave it: a valid cookie proves the address is not
# forged (RFC 7873 5.2.5), so none of its answers is limited, and its
# bucket is left as it was (the step below relies on that).
flood --label "the flooder with a valid server cookie" --src "$FLOODER" --mode positive --cookie --expect all \
    --count 600 --seconds 1.5
# One of the buckets above again, idle since (for the 2 s or more of the
# exempt flood at least): full again, but no fuller, and its slip counter
# where its flood left it. A bucket whose limited count was odd is picked:
# its next limited response is dropped where a restarted counter would
# slip it, so the two differ.
AGAIN=
for b in "positive $FLOODER 4" "nxdomain $FLOODER 4" "wildcard $FLOODER 4" "refused $FLOODER 4" \
         "positive $FLOODER6 6"; do
    # shellcheck disable=SC2086 # b is words
    set -- $b
    f=$UH_TMP/$1$3.limited
    [ -s "$f" ] || continue
    [ -n "$AGAIN" ] || AGAIN=$b
    if [ $(($(cut -d' ' -f1 "$f") % 2)) -eq 1 ]; then
        AGAIN=$b
        break
    fi
done
if [ -n "$AGAIN" ]; then
    # shellcheck disable=SC2086 # AGAIN is words
    set -- $AGAIN
    [ $(($(cut -d' ' -f1 "$UH_TMP/$1$3.limited") % 2)) -eq 1 ] ||
        echo "# every bucket's limited count was even: this run cannot tell a slip counter that goes on from one that restarts"
    flood --label "the $1 bucket of $2 again, seconds later" --src "$2" --mode "$1" \
        --expect limited --rate 20 --slip 2 --count 200 --seconds 0.5 --prior "$UH_TMP/$1$3.limited"
else
    notok "a bucket again, seconds later" "no flood saved its count"
fi

# ---- rate 10, slip 3, /32 prefixes
start rate10
logline "dns: rate limiting UDP answers to 10 a second per /32 or /56 and kind, slip 3"
flood --label "rate 10, slip 3, /32" --src "$FLOODER" --mode positive \
    --expect limited --rate 10 --slip 3 --count 300 --seconds 1.5 \
    --neighbour "$NEIGHBOUR" --neighbour-shares no --side-count 8

# ---- RRL off
start rate0
logline "dns: UDP answers are not rate limited (dns.conf: rrl-ratelimit: 0)"
flood --label "rrl-ratelimit: 0" --src "$FLOODER" --mode positive --expect all --count 600 --seconds 1.5

if uh_stop TERM; then
    ok "unihost stops on SIGTERM (status $UH_STATUS)"
else
    notok "unihost stops on SIGTERM" "still running after 5 s"
fi
uh_finish
