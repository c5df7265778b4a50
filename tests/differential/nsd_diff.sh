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

# ---- Differences that are tolerated, one a line:
#   QUERY-REGEX<TAB>WHAT-REGEX<TAB>reason
# QUERY-REGEX is matched against the query text as printed in the DIFF lines
# (QNAME CLASS TYPE TRANSPORT FLAGS...), WHAT-REGEX against what differs
# (rcode, flag aa, answer, authority, additional, opt, ...). Add an entry only
# with a comment above it that shows, from an RFC, why both answers are
# correct.
#
# 1. BADVERS answers to a query with DO set: unihost copies DO into the OPT,
#    NSD clears it. RFC 3225 section 3 says the DO bit of the query is copied
#    into the response; RFC 6891 section 7 asks nothing else of BADVERS, so
#    both OPTs are valid and unihost's follows RFC 3225 to the letter.
# 2. REFUSED for a class other than IN, CH and ANY (HS here): NSD sends no
#    question section, unihost echoes the question. RFC 1035 section 4.1.1
#    makes QDCOUNT the number of entries the response carries, so both are
#    well formed; echoing is what every other answer does, NSD's CH ones too.
# 3. Both answers truncated (TC set) but holding different whole RRsets:
#    each server stops at the first RRset that does not fit, and they add
#    the authority records of a signed answer in different orders (NSD its
#    NSEC3 proof before the SOA, unihost after). RFC 2181 section 9 and RFC
#    4035 section 3.1.1: a client does not use a truncated answer's
#    records but retries over TCP, where both answers agree.
# 4. Names below a hashed NSEC3 owner name (x.<hash>.zone): RFC 5155
#    section 7.2.8 has them not exist; unihost proves it with the full
#    closest-encloser proof of section 7.2.2 (the apex as closest encloser,
#    the NSEC3 covering the next closer name and the one covering the
#    wildcard), NSD sends a single NSEC3. unihost's proof is the complete
#    one a validator needs.
TOLERATED=$(printf '%s\t%s\t%s\n' \
    'ednsver=1 .*\bdo\b' '^opt$' 'DO copied into a BADVERS answer (RFC 3225 3)' \
    '^\S+ HS ' '^question$' 'question echoed in REFUSED for class HS (RFC 1035 4.1.1)' \
    '.' '\(both truncated\)$' 'both truncated, different whole RRsets kept (RFC 2181 9, RFC 4035 3.1.1)' \
    '(?i)^x\.[0-9a-v]{32}\.' '^(authority|flag tc)$' 'full closest-encloser proof below an NSEC3 owner (RFC 5155 7.2.8, 7.2.2)')

NSD_ADDR4=192.0.2.53
NSD_ADDR6=2001:db8::53
NSD_PID=
NSD_CHILDREN=

# shellcheck disable=SC2317 # called from the EXIT trap
nd_cleanup() {
    if [ -n "$NSD_PID" ]; then
        for _c in $(pgrep -P "$NSD_PID" 2>/dev/null); do
            NSD_CHILDREN="$NSD_CHILDREN $_c $(pgrep -P "$_c" 2>/dev/null | tr '\n' ' ')"
        done
        if uh_alive "$NSD_PID"; then
            kill -TERM "$NSD_PID" 2>/dev/null
            uh_wait_exit "$NSD_PID" 50 || { kill -KILL "$NSD_PID" 2>/dev/null; wait "$NSD_PID" 2>/dev/null; }
        fi
        # NSD's main and server processes end with it: give them 3 s, then
        # make sure of it (by the PIDs noted before the kill)
        for _c in $NSD_CHILDREN; do
            _i=0
            while uh_alive "$_c" && [ "$_i" -lt 30 ]; do
                _i=$((_i + 1))
                sleep 0.1
            done
            uh_alive "$_c" && kill -KILL "$_c" 2>/dev/null
        done
        NSD_PID=
    fi
    if [ -n "${DIFF_KEEP:-}" ] && [ -n "$UH_TMP" ] && [ -d "$UH_TMP" ]; then
        mkdir -p "$DIFF_KEEP" && cp -r "$UH_TMP"/. "$DIFF_KEEP"/ 2>/dev/null
    fi
    uh_cleanup
}

uh_require_root
for tool in python3 ldns-read-zone; do
    command -v "$tool" > /dev/null || { notok "tools" "$tool is not installed"; exit 1; }
done
if ! command -v nsd > /dev/null; then
    echo "# installing nsd"
    DEBIAN_FRONTEND=noninteractive apt-get install -y nsd > /dev/null 2>&1 ||
        { notok "nsd" "apt-get install -y nsd failed"; exit 1; }
    # The package starts its own service (init script or systemd unit) in
    # the root namespace with /etc/nsd/nsd.conf; this test never uses it, so
    # stop what the installation just started.
    invoke-rc.d nsd stop > /dev/null 2>&1 || true
fi
[ -x "$UNIHOST" ] || { notok "unihost" "$UNIHOST is missing (run make)"; exit 1; }

uh_setup "uh-nsdd-$$" "uhnsdd$$"
trap 'nd_cleanup' EXIT
trap 'exit 1' INT TERM HUP

uh_fixture_blob || { notok "fixture blob" "neither make nor $CRUNCH could build it"; exit 1; }

# ---- the zones: NSD's config, and each zone as ldns-read-zone prints it
ZONES=$BUILD/tests/zones
[ -f "$ZONES/stamp" ] || make B="$BUILD" "$ZONES/stamp" > "$UH_TMP/zones.log" 2>&1 ||
    { diag < "$UH_TMP/zones.log"; notok "zones" "could not make $ZONES"; exit 1; }
mkdir -p "$UH_TMP/nsd/zones" "$UH_TMP/rr"
CONF=$UH_TMP/nsd/nsd.conf
cat > "$CONF" <<EOF
server:
    ip-address: $NSD_ADDR4
    ip-address: $NSD_ADDR6
    port: 53
    server-count: 1
    verbosity: 0
    username: ""
    chroot: ""
    zonesdir: "$UH_TMP/nsd/zones"
    pidfile: "$UH_TMP/nsd/nsd.pid"
    xfrdfile: "$UH_TMP/nsd/xfrd.state"
    xfrdir: "$UH_TMP/nsd"
    zonelistfile: "$UH_TMP/nsd/zone.list"
    database: ""
    logfile: "$UH_TMP/nsd/nsd.log"
    rrl-ratelimit: 0
    rrl-whitelist-ratelimit: 0
    refuse-any: no
    minimal-responses: no
    round-robin: no
    hide-version: yes
    hide-identity: yes
    ipv4-edns-size: 1232
    ipv6-edns-size: 1232
    zonefiles-write: 0
remote-control:
    control-enable: no
EOF
: > "$UH_TMP/zonelist"
for f in "$ZONES"/*.zone; do
    zone=$(basename "$f" .zone).
    cp "$f" "$UH_TMP/nsd/zones/$zone.zone"
    printf 'zone:\n    name: "%s"\n    zonefile: "%s.zone"\n' "$zone" "$zone" >> "$CONF"
    { echo "\$ORIGIN $zone"; cat "$f"; } > "$UH_TMP/one.zone"
    if ! ldns-read-zone -z "$UH_TMP/one.zone" > "$UH_TMP/rr/$zone" 2> "$UH_TMP/zone.err"; then
        notok "zone file" "ldns-read-zone $f failed: $(tr '\n' ' ' < "$UH_TMP/zone.err")"
        exit 1
    fi
    echo "$zone $UH_TMP/rr/$zone" >> "$UH_TMP/zonelist"
done
if ! nsd-checkconf "$CONF" > "$UH_TMP/checkconf.log" 2>&1; then
    notok "nsd config" "nsd-checkconf: $(tr '\n' ' ' < "$UH_TMP/checkconf.log")"
    exit 1
fi

# ---- the corpus (deterministic: same zones, same queries)
CORPUS=$UH_TMP/corpus.txt
python3 tests/differential/dnsdiff.py corpus "$UH_TMP/zonelist" "$CORPUS" ||
    { notok "corpus" "dnsdiff.py corpus failed"; exit 1; }
echo "# corpus: $(wc -l < "$CORPUS") queries"

# ---- NSD on the namespace's loopback
if ! nsx ip addr add "$NSD_ADDR4/32" dev lo || ! nsx ip -6 addr add "$NSD_ADDR6/128" dev lo nodad; then
    notok "nsd addresses" "could not add $NSD_ADDR4 and $NSD_ADDR6 to the namespace's lo"
    exit 1
fi
# not through the nsx function: a backgrounded function runs in a subshell,
# and $! would be that subshell's PID instead of NSD's
ip netns exec "$UH_NS" nsd -d -c "$CONF" > "$UH_TMP/nsd/stderr" 2>&1 &
NSD_PID=$!   # ip netns exec execs nsd: this is NSD's first process (it
             # becomes xfrd and forks the main and server processes)

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
printf '%s\n' "$TOLERATED" > "$UH_TMP/tolerated"
nsx timeout 170 python3 tests/differential/dnsdiff.py run "$CORPUS" "$UH_TMP/tolerated" \
    "$UNIHOST_GUEST4" "$UNIHOST_GUEST6" "$NSD_ADDR4" "$NSD_ADDR6" > "$UH_TMP/result" 2>&1
status=$?
grep -v '^AGREEMENT ' "$UH_TMP/result"
# IDENTICAL TOTAL PERCENT DIFFERING, split into the positional parameters
# shellcheck disable=SC2046
set -- $(sed -n 's/^AGREEMENT //p' "$UH_TMP/result")
if [ $# -ne 4 ]; then
    notok "agreement" "the comparison did not complete (status $status)"
elif ! uh_alive "$UH_PID"; then
    notok "agreement $1 of $2 queries identical ($3%)" "unihost died during the run"
elif [ "$status" -eq 0 ]; then
    ok "agreement $1 of $2 queries identical ($3%), the rest differ only in tolerated ways"
else
    notok "agreement $1 of $2 queries identical ($3%)" "$4 queries differ from NSD (see the # DIFF lines)"
fi
uh_finish
