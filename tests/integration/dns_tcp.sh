#!/bin/sh
# Integration test: unihost's DNS over TCP (RFC 7766) in a network namespace:
# several queries on one connection (kdig +keepopen, and a python3 client),
# pipelined queries in one write and cut at odd byte boundaries, answered all
# and in order; the idle time-out; the connection bound and which connections
# it sheds; stalled, empty, garbage and oversized messages; UDP answered
# throughout. Expected answers come from zones/unihost.test.zone (through
# ldns-read-zone), and the time-out and the bound from src/core/dns_service.c,
# both read when the test runs. The socket work is in lib/dnstcp.py.
UH_TEST=dns_tcp
. "$(dirname "$0")/lib/uh.sh"
. "$UH_ROOT/tests/integration/lib/dnsq.sh"

uh_require_root
for tool in dig kdig ldns-read-zone python3 timeout; do
    command -v "$tool" > /dev/null || { notok "tools" "$tool is not installed"; exit 1; }
done

ZONEFILE=zones/unihost.test.zone
SERVICE=src/core/dns_service.c
uh_setup "uh-dnstcp-$$" "uhdtcp$$"

ZONE=$UH_TMP/zone
if ! ldns-read-zone -z "$ZONEFILE" > "$UH_TMP/zone.raw" 2> "$UH_TMP/zone.err" ||
   ! awk '!/^;/ && NF {$1=$1; print}' "$UH_TMP/zone.raw" > "$ZONE" || ! [ -s "$ZONE" ]; then
    notok "zone file" "ldns-read-zone -z $ZONEFILE failed: $(tr '\n' ' ' < "$UH_TMP/zone.err")"
    exit 1
fi
APEX=$(awk '$4 == "SOA" {print $1; exit}' "$ZONE")

# The limits this test checks, as the server defines them.
define() { sed -n "s/^#define $1 \\([0-9][0-9]*\\)\\b.*/\\1/p" "$SERVICE" | head -n 1; }
IDLE_MS=$(define DNS_TCP_IDLE_MS)
CONNS=$(define DNS_TCP_CONNS)
if [ -z "$IDLE_MS" ] || [ -z "$CONNS" ]; then
    notok "limits" "no DNS_TCP_IDLE_MS or DNS_TCP_CONNS #define in $SERVICE"
    exit 1
fi
echo "# zone $APEX: $(wc -l < "$ZONE") records; idle time-out $IDLE_MS ms, $CONNS connections (from $SERVICE)"

if uh_start; then ok "unihost starts and is ready"; else notok "unihost starts and is ready" "see the log above"; exit 1; fi

# dnstcp SCENARIO ARGS...: run one scenario of lib/dnstcp.py in the namespace
# (bounded by timeout); its ok/not ok lines are ours.
dnstcp() {
    _srv=$1
    shift
    nsx timeout 120 python3 "$UH_ROOT/tests/integration/lib/dnstcp.py" "$ZONE" "$_srv" "$@" \
        > "$UH_TMP/py.out" 2>&1 < /dev/null
    _st=$?
    cat "$UH_TMP/py.out"
    grep -q '^not ok - ' "$UH_TMP/py.out" && UH_FAILED=1
    if [ "$_st" -ne 0 ] && ! grep -q '^not ok - ' "$UH_TMP/py.out"; then
        notok "dnstcp.py $*" "exited with status $_st (124: timed out)"
    fi
}
# tcp_opens: TCP connections opened from the namespace so far (per namespace)
tcp_opens() { nsx awk '/^Tcp:/ {if (!h) {for (i = 1; i <= NF; i++) c[$i] = i; h = 1} else print $c["ActiveOpens"]}' /proc/net/snmp; }

# ---- several queries on one connection

dnstcp "$UNIHOST_GUEST4" sequential
dnstcp "$UNIHOST_GUEST6" sequential

# kdig +keepopen sends every query of its command line on one connection;
# the namespace's ActiveOpens counter shows how many it opened.
awk '{print $1, $4}' "$ZONE" | sort -u > "$UH_TMP/rrsets"
set --
while read -r owner type; do set -- "$@" "$owner" "$type"; done < "$UH_TMP/rrsets"
nq=$(wc -l < "$UH_TMP/rrsets")
for fam in 4 6; do
    if [ "$fam" = 4 ]; then srv=$UNIHOST_GUEST4; else srv=$UNIHOST_GUEST6; fi
    before=$(tcp_opens)
    nsx kdig @"$srv" +tcp +keepopen +time=3 +retry=0 +nocomments +noquestion +nostats +noauthority \
        +noadditional "$@" > "$UH_TMP/kdig" 2>&1 < /dev/null
    st=$?
    opened=$(($(tcp_opens) - before))
    awk '!/^;/ && NF' "$UH_TMP/kdig" | canon > "$UH_TMP/got"
    canon < "$ZONE" > "$UH_TMP/want"
    if [ "$st" -eq 0 ] && [ "$opened" -eq 1 ] && cmp -s "$UH_TMP/want" "$UH_TMP/got"; then
        ok "kdig +tcp +keepopen, IPv$fam: $nq queries on one connection, answers = the whole zone"
    else
        notok "kdig +tcp +keepopen, IPv$fam" "status $st, $opened connections opened (want 1), differences from the zone: $(diff "$UH_TMP/want" "$UH_TMP/got" | grep '^[<>]' | oneline)"
    fi
done

# dig +keepopen as well (BIND's client, another implementation)
before=$(tcp_opens)
nsx dig @"$UNIHOST_GUEST4" +tcp +keepopen +time=3 +tries=1 +noall +answer "$@" > "$UH_TMP/dig" 2>&1 < /dev/null
st=$?
opened=$(($(tcp_opens) - before))
awk '!/^;/ && NF' "$UH_TMP/dig" | canon > "$UH_TMP/got"
if [ "$st" -eq 0 ] && [ "$opened" -eq 1 ] && cmp -s "$UH_TMP/want" "$UH_TMP/got"; then
    ok "dig +tcp +keepopen: $nq queries on one connection, answers = the whole zone"
else
    notok "dig +tcp +keepopen" "status $st, $opened connections opened (want 1), differences from the zone: $(diff "$UH_TMP/want" "$UH_TMP/got" | grep '^[<>]' | oneline)"
fi

# ---- pipelining

dnstcp "$UNIHOST_GUEST4" pipelined 20 one
dnstcp "$UNIHOST_GUEST6" pipelined 20 split
dnstcp "$UNIHOST_GUEST4" pipelined 20 split
# More queries in one write than the server buffers at once (it holds one
# maximal query; the rest must wait in TCP, not end the connection).
dnstcp "$UNIHOST_GUEST4" pipelined 300 one

# ---- bad input, the idle time-out, the connection bound

dnstcp "$UNIHOST_GUEST4" bad
dnstcp "$UNIHOST_GUEST6" idle "$IDLE_MS"
dnstcp "$UNIHOST_GUEST4" shed "$CONNS" 8

# ---- still serving, over UDP and TCP, after all that

why=
for how in "dig 4 udp" "dig 6 tcp" "kdig 4 tcp"; do
    set -- $how
    if ! dq "$UH_TMP/resp" "$1" "$2" "$3" "www.$APEX" A; then
        why="$why [$how: no answer]"
        continue
    fi
    section "$UH_TMP/resp" ANSWER | canon > "$UH_TMP/got"
    zone_rrset "www.$APEX" A > "$UH_TMP/want"
    cmp -s "$UH_TMP/got" "$UH_TMP/want" || why="$why [$how: answer '$(oneline < "$UH_TMP/got")']"
done
if [ -z "$why" ]; then ok "after every check: www.$APEX A still answered right (dig UDP, dig TCP, kdig TCP)"; else notok "still serving" "$why"; fi
check "unihost is still running" "it exited; log: $(tail -n 3 "$UH_LOG" | tr '\n' ' ')" uh_alive "$UH_PID"

uh_finish
