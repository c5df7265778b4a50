#!/bin/sh
# Scale-out test: NSD as a secondary of unihost. In one network namespace,
# unihost serves the fixture zones (tests/fixtures/zones and the signed
# ones make builds into $BUILD/tests/zones; their transfers.conf lets 192.0.2.54 and 2001:db8::54 transfer them); NSD,
# listening on those addresses (on the namespace's side of the tap), is configured
# as a secondary of every zone with unihost as its primary (some zones over
# IPv4, some over IPv6), so it transfers each zone by AXFR over TCP. Then:
#   - a client the ACL does not list is refused (dig AXFR from 192.0.2.1);
#   - dig's own AXFR from an allowed address returns the zone, SOA first and
#     last, with the same records as the zone file (ldns-read-zone's view);
#   - the differential corpus of nsd_diff.sh is sent to unihost and to the
#     secondary and the answers compared the same way (the tolerated
#     differences of tests/differential/tolerated.tsv and of
#     tolerated-secondary.tsv, which says why each is correct, apply).
# Needs root. Environment: as tests/differential/nsd_diff.sh.
# shellcheck disable=SC2034 # used by lib/uh.sh
UH_TEST="nsd secondary"
# shellcheck source=tests/integration/lib/uh.sh
. "$(dirname "$0")/../integration/lib/uh.sh"
# shellcheck source=tests/differential/lib/nsd.sh
. "$(dirname "$0")/lib/nsd.sh"

SECONDARY4=192.0.2.54
SECONDARY6=2001:db8::54

nsd_test_setup "uh-nsds-$$" "uhnsds$$"

# ---- the secondary's config: every zone, from unihost, alternating the
# address family so both ACL families and both transports are exercised
DIR=$UH_TMP/nsd
mkdir -p "$DIR/zones"
CONF=$DIR/nsd.conf
nsd_server_conf "$DIR" "$SECONDARY4" "$SECONDARY6" > "$CONF"
n=0
while read -r zone _rr; do
    n=$((n + 1))
    if [ $((n % 2)) -eq 1 ]; then
        primary=$UNIHOST_GUEST4 from=$SECONDARY4
    else
        primary=$UNIHOST_GUEST6 from=$SECONDARY6
    fi
    # transfers leave from the secondary's own address, the one the ACL lists
    printf 'zone:\n    name: "%s"\n    zonefile: "%s.zone"\n    request-xfr: AXFR %s NOKEY\n    allow-notify: %s NOKEY\n    outgoing-interface: %s\n' \
        "$zone" "$zone" "$primary" "$primary" "$from" >> "$CONF"
    echo "# $zone: secondary of unihost at $primary"
done < "$UH_TMP/zonelist"

if ! uh_start --blob "$BLOB"; then
    notok "unihost" "did not start with --blob $BLOB"
    exit 1
fi
# On the tap itself, not on lo: unihost must find them by ARP and neighbour
# discovery, and Linux answers the latter only for the link's own addresses.
if ! nsx ip addr add "$SECONDARY4/32" dev "$UH_TAP" || ! nsx ip -6 addr add "$SECONDARY6/128" dev "$UH_TAP" nodad; then
    notok "addresses" "could not add $SECONDARY4 and $SECONDARY6 to $UH_TAP"
    exit 1
fi

# ---- the ACL, seen from outside: the host side of the tap is not listed
FIRST_ZONE=$(awk 'NR == 1 {print $1}' "$UH_TMP/zonelist")
nsx dig @"$UNIHOST_GUEST4" +time=2 +tries=1 "$FIRST_ZONE" AXFR > "$UH_TMP/refused.txt" 2>&1
check "AXFR from an address outside the ACL is refused" "$(head -c 600 "$UH_TMP/refused.txt")" \
    grep -q 'Transfer failed\|REFUSED' "$UH_TMP/refused.txt"

# ---- dig's own AXFR from an allowed address, against the zone file
all_match=1
while read -r zone rr; do
    nsx dig @"$UNIHOST_GUEST4" -b "$SECONDARY4" +time=3 +tries=1 +nocmd +nostats +onesoa "$zone" AXFR \
        > "$UH_TMP/axfr.txt" 2>&1
    # dig prints the closing SOA only without +onesoa: count SOAs separately
    soas=$(nsx dig @"$UNIHOST_GUEST4" -b "$SECONDARY4" +time=3 +tries=1 +nocmd +nostats "$zone" AXFR 2>/dev/null |
           awk '$4 == "SOA"' | wc -l)
    grep -v '^;' "$UH_TMP/axfr.txt" | grep -v '^$' > "$UH_TMP/axfr.rr"
    ldns-read-zone -z "$UH_TMP/axfr.rr" > "$UH_TMP/axfr.norm" 2> "$UH_TMP/axfr.err"
    # both as canonical, lower-cased text, sorted
    norm() { tr 'A-Z' 'a-z' < "$1" | sed 's/[[:space:]]\{1,\}/ /g' | sort; }
    if [ "$soas" -ne 2 ] || ! norm "$rr" > "$UH_TMP/want" || ! norm "$UH_TMP/axfr.norm" > "$UH_TMP/got" ||
       ! cmp -s "$UH_TMP/want" "$UH_TMP/got"; then
        all_match=0
        echo "# $zone: $soas SOA records in dig's AXFR (want 2); differences (< zone file, > AXFR):"
        diff "$UH_TMP/want" "$UH_TMP/got" | head -20 | diag
    fi
done < "$UH_TMP/zonelist"
check "dig AXFR of every zone from an allowed address: SOA first and last, exactly the zone file's records" \
    "see the differences above" [ "$all_match" -eq 1 ]

# IXFR as dig sends it (the client's SOA, serial 1, in the authority
# section): unihost keeps no history, so the whole zone (RFC 1995 4)
nsx dig @"$UNIHOST_GUEST4" -b "$SECONDARY4" +time=3 +tries=1 +tcp +nocmd +nostats "$FIRST_ZONE" IXFR=1 \
    > "$UH_TMP/ixfr.txt" 2>&1
nsx dig @"$UNIHOST_GUEST4" -b "$SECONDARY4" +time=3 +tries=1 +nocmd +nostats "$FIRST_ZONE" AXFR \
    > "$UH_TMP/axfr-first.txt" 2>&1
records() { grep -v '^;' "$1" | grep -c .; }
ixfr_is_whole_zone() {
    [ "$(records "$UH_TMP/axfr-first.txt")" -gt 2 ] &&
        [ "$(records "$UH_TMP/ixfr.txt")" -eq "$(records "$UH_TMP/axfr-first.txt")" ]
}
check "dig IXFR=1 from an allowed address gets the whole zone, as AXFR does" \
    "$(records "$UH_TMP/ixfr.txt") records by IXFR, $(records "$UH_TMP/axfr-first.txt") by AXFR: $(head -c 300 "$UH_TMP/ixfr.txt")" \
    ixfr_is_whole_zone

# ---- the secondary transfers every zone
nsd_start "$CONF" "$DIR/stderr"
ready=1
while read -r zone _rr; do
    if ! nsd_wait_soa "$SECONDARY4" "$zone" 40; then
        ready=0
        echo "# the secondary has no $zone"
    fi
done < "$UH_TMP/zonelist"
if [ "$ready" -ne 1 ]; then
    notok "NSD transfers every zone from unihost" "see the NSD log"
    cat "$DIR/stderr" "$DIR/nsd.log" 2>/dev/null | tail -30 | diag
    exit 1
fi
ok "NSD transfers every zone from unihost ($(wc -l < "$UH_TMP/zonelist") zones, over IPv4 and IPv6)"
grep -c 'zone transfer to' "$UH_LOG" | sed 's/^/# unihost logged transfers: /'

# ---- the same answers
cat tests/differential/tolerated.tsv tests/differential/tolerated-secondary.tsv > "$UH_TMP/tolerated"
nsd_compare "secondary" "$CORPUS" "$UH_TMP/tolerated" "$SECONDARY4" "$SECONDARY6"
uh_finish
