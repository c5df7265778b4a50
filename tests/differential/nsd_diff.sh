#!/bin/sh
# Differential test: unihost's DNS answers against NSD's for the same zones.
#
# One network namespace holds unihost's tap (unihost at 192.0.2.2 and
# 2001:db8::2, from tools/netns.sh) and NSD, listening on 192.0.2.53 and
# 2001:db8::53 on the namespace's loopback, serving every zone file of
# $BUILD/tests/zones: tests/fixtures/zones and the zones make signs from
# tests/fixtures/dnssec (the zones unihost serves from build/tests/fixture.blob).
# tests/differential/dnsdiff.py writes a deterministic corpus of queries,
# sends each to both servers from inside the namespace, and compares rcode,
# header flags, question, the answer/authority/additional sections as sets of
# RRs and the OPT record. Every difference is printed as a "# DIFF" line;
# the result is one "ok - nsd differential: agreement ..." or "not ok - ..."
# line. Needs root; installs the nsd package if nsd is missing.
#
#   sh tests/differential/nsd_diff.sh        (from anywhere; after make and
#                                            make build/tests/fixture.blob)
# Environment: BUILD (default build), UNIHOST, CRUNCH, as for the integration
# tests; DIFF_KEEP=DIR keeps the corpus, the NSD config and the full output
# there.
# shellcheck disable=SC2034 # used by lib/uh.sh
UH_TEST="nsd differential"
# shellcheck source=tests/integration/lib/uh.sh
. "$(dirname "$0")/../integration/lib/uh.sh"
# shellcheck source=tests/differential/lib/nsd.sh
. "$(dirname "$0")/lib/nsd.sh"

# The differences tolerated, each with the RFC text that makes both answers
# correct, are listed in tests/differential/tolerated.tsv.

NSD_ADDR4=192.0.2.53
NSD_ADDR6=2001:db8::53

nsd_test_setup "uh-nsdd-$$" "uhnsdd$$"

# ---- NSD's config: every zone from its file
mkdir -p "$UH_TMP/nsd/zones"
CONF=$UH_TMP/nsd/nsd.conf
nsd_server_conf "$UH_TMP/nsd" "$NSD_ADDR4" "$NSD_ADDR6" > "$CONF"
for f in "$ZONES"/*.zone; do
    zone=$(basename "$f" .zone).
    cp "$f" "$UH_TMP/nsd/zones/$zone.zone"
    printf 'zone:\n    name: "%s"\n    zonefile: "%s.zone"\n' "$zone" "$zone" >> "$CONF"
done

# ---- NSD on the namespace's loopback
if ! nsx ip addr add "$NSD_ADDR4/32" dev lo || ! nsx ip -6 addr add "$NSD_ADDR6/128" dev lo nodad; then
    notok "nsd addresses" "could not add $NSD_ADDR4 and $NSD_ADDR6 to the namespace's lo"
    exit 1
fi
nsd_start "$CONF" "$UH_TMP/nsd/stderr"
NSD_PID=${NSD_PIDS# }

# soa_ok ADDR: true when the server at ADDR answers example zone's SOA query
FIRST_ZONE=$(awk 'NR == 1 {print $1}' "$UH_TMP/zonelist")
soa_ok() {
    nsx dig @"$1" +time=1 +tries=1 +norec "$FIRST_ZONE" SOA 2>/dev/null | grep -q 'status: NOERROR'
}

if ! uh_start --blob "$BLOB"; then
    notok "unihost" "did not start with --blob $BLOB"
    exit 1
fi
for who in unihost nsd; do
    if [ $who = nsd ]; then addr=$NSD_ADDR4; else addr=$UNIHOST_GUEST4; fi
    i=0
    until soa_ok "$addr"; do
        i=$((i + 1))
        if [ $i -ge 20 ] || { [ $who = nsd ] && ! uh_alive "$NSD_PID"; }; then
            notok "$who" "no answer to $FIRST_ZONE SOA at $addr"
            [ $who = nsd ] && cat "$UH_TMP/nsd/stderr" "$UH_TMP/nsd/nsd.log" 2>/dev/null | diag
            exit 1
        fi
        sleep 0.5
    done
done
echo "# unihost (pid $UH_PID) at $UNIHOST_GUEST4 $UNIHOST_GUEST6, nsd (pid $NSD_PID) at $NSD_ADDR4 $NSD_ADDR6"

# ---- the comparison
nsd_compare "nsd" "$CORPUS" tests/differential/tolerated.tsv "$NSD_ADDR4" "$NSD_ADDR6"
uh_finish
