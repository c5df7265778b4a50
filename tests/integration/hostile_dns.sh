#!/bin/sh
# Integration test: hostile DNS-over-TCP clients made of raw frames
# (lib/hostile.py over lib/rawpeer.py), against unihost serving the fixture
# zones. After each attack unihost must still run, normal clients (dig over
# UDP and TCP, fresh handshakes, four at once) must be served at once, and
# the stats line must come back to its idle level.
#  - a client with a zero window fills the send buffer with big answers,
#    then unihost's query buffer with a query announced longer than it
#    accepts, until unihost refuses data and stops acknowledging; then the
#    window opens and the client sends again what was not acknowledged
#    (and, in the FIN variant, a FIN): unihost must survive;
#  - pipelined queries whose first segment arrives last (more than a
#    buffer's worth handed over at once): all answered, in order, no reset;
#  - AXFR requests and pipelined queries followed at once by FIN: every
#    answer and every transfer arrives whole before unihost closes
#    (RFC 7766 6.2.4), the transfers from 192.0.2.54 (allowed by
#    tests/fixtures/zones/transfers.conf), counted against ldns-read-zone.
UH_TEST=hostile_dns
. "$(dirname "$0")/lib/uh.sh"
. "$UH_ROOT/tests/integration/lib/hostile.sh"

uh_require_root
uh_require_tools python3 dig ldns-read-zone timeout
uh_setup "uh-hdns-$$" "uhhdns$$"
uh_fixture_blob || { notok "fixture blob" "could not build it"; exit 1; }
HOSTILE_NAME=www.example.test

BULK_ZONE=tests/fixtures/zones/bulk.test.zone
RECORDS=$(ldns-read-zone "$BULK_ZONE" 2> "$UH_TMP/ldns.err" | awk '!/^;/ && NF' | wc -l)
if [ "${RECORDS:-0}" -lt 10 ]; then
    notok "fixture zone" "ldns-read-zone $BULK_ZONE: $(tr '\n' ' ' < "$UH_TMP/ldns.err")"
    exit 1
fi
echo "# bulk.test: $RECORDS records (ldns-read-zone)"

if hostile_start --blob "$BLOB"; then
    ok "unihost starts with the fixture blob"
else
    notok "unihost starts with the fixture blob" "see the log above"
    exit 1
fi
AFTER=udp,tcp53,syn53,conc53

# ---- 1. a refused buffer, an over-long query, the window opening
for variant in data fin; do
    what="DNS/TCP, zero window until unihost refuses data, a query over 4096 bytes, then the window opens"
    [ "$variant" = fin ] && what="$what (FIN variant)"
    hostile_attack "$what" 20 dns-refused "$variant"
    hostile_release
    hostile_after "$what" "$AFTER" 5
done

# ---- 6. order, transfers and half-close
hostile_attack "out-of-order burst" 20 dns-ooo 150
hostile_release
hostile_after "DNS/TCP, pipelined burst with its first segment last" "$AFTER" 5

hostile_attack "one AXFR then FIN" 20 dns-axfr-fin bulk.test "$RECORDS" 1
hostile_release
hostile_after "DNS/TCP, AXFR then FIN" "$AFTER" 5

hostile_attack "eight AXFRs then FIN" 20 dns-axfr-fin bulk.test "$RECORDS" 8
hostile_release
hostile_after "DNS/TCP, eight AXFRs then FIN" "$AFTER" 5

hostile_attack "pipelined queries then FIN" 20 dns-pipe-fin 20
hostile_release
hostile_after "DNS/TCP, 20 pipelined queries then FIN" "$AFTER" 5

uh_finish
