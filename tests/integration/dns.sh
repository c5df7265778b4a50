#!/bin/sh
# Integration test: unihost's DNS service against the bundled zone
# (zones/unihost.test.zone, in the embedded content blob), in a network
# namespace. Every expected answer is derived from the zone file with
# ldns-read-zone, so the test follows the zone.
UH_TEST=dns
. "$(dirname "$0")/lib/uh.sh"
. "$UH_ROOT/tests/integration/lib/dnsq.sh"

uh_require_root
for tool in dig kdig ldns-read-zone; do
    command -v "$tool" > /dev/null || { notok "tools" "$tool is not installed"; exit 1; }
done

ZONEFILE=${UH_DNS_ZONEFILE:-zones/unihost.test.zone}   # override only to test this test
uh_setup "uh-dns-$$" "uhdns$$"

# The zone, one record a line, single-spaced: OWNER TTL CLASS TYPE RDATA.
ZONE=$UH_TMP/zone
if ! ldns-read-zone -z "$ZONEFILE" > "$UH_TMP/zone.raw" 2> "$UH_TMP/zone.err" ||
   ! awk '!/^;/ && NF {$1=$1; print}' "$UH_TMP/zone.raw" > "$ZONE" || ! [ -s "$ZONE" ]; then
    notok "zone file" "ldns-read-zone -z $ZONEFILE failed: $(tr '\n' ' ' < "$UH_TMP/zone.err")"
    exit 1
fi
APEX=$(awk '$4 == "SOA" {print $1; exit}' "$ZONE")
SOA_TTL=$(awk '$4 == "SOA" {print $2; exit}' "$ZONE")
SOA_MIN=$(awk '$4 == "SOA" {print $11; exit}' "$ZONE")
SOA_RDATA=$(awk '$4 == "SOA" {$1 = $2 = $3 = $4 = ""; $0 = $0; $1 = $1; print; exit}' "$ZONE")
if [ "$SOA_TTL" -lt "$SOA_MIN" ]; then NEG_TTL=$SOA_TTL; else NEG_TTL=$SOA_MIN; fi
echo "# zone $APEX: $(wc -l < "$ZONE") records, negative TTL $NEG_TTL"

stale=$(find zones -type f -newer "$UNIHOST" 2>/dev/null | head -n 3 | tr '\n' ' ')
[ -z "$stale" ] || echo "# note: $stale(in zones/) changed after $UNIHOST was built: its embedded blob may be stale (run make)"
if uh_start; then ok "unihost starts and is ready"; else notok "unihost starts and is ready" "see the log above"; exit 1; fi

# ---- every RRset of the zone, over UDP and TCP, IPv4 and IPv6, dig and kdig

awk '{print $1, $4}' "$ZONE" | sort -u > "$UH_TMP/rrsets"
nrrsets=0
while read -r owner type; do
    nrrsets=$((nrrsets + 1))
    zone_rrset "$owner" "$type" > "$UH_TMP/want"
    why=
    for how in "dig 4 udp" "dig 4 tcp" "dig 6 udp" "dig 6 tcp" "kdig 4 udp" "kdig 6 tcp"; do
        set -- $how
        r=$UH_TMP/resp
        if ! dq "$r" "$1" "$2" "$3" "$owner" "$type"; then
            why="$why [$how: no answer: $(head -c 200 "$r" | tr '\n' ' ')]"
            continue
        fi
        w=$(expect_header "$r" NOERROR aa)
        [ -n "$w" ] && why="$why [$how: $w]"
        section "$r" ANSWER | canon > "$UH_TMP/got"
        if ! cmp -s "$UH_TMP/want" "$UH_TMP/got"; then
            why="$why [$how: answer is '$(oneline < "$UH_TMP/got")', zone has '$(oneline < "$UH_TMP/want")']"
        fi
    done
    if [ -z "$why" ]; then
        ok "$owner $type: answer = zone RRset (rdata and TTL), aa, no ra, NOERROR (UDP+TCP, IPv4+IPv6, dig+kdig)"
    else
        notok "$owner $type: answer = zone RRset" "$why"
    fi
done < "$UH_TMP/rrsets"
check "every RRset of the zone was queried ($nrrsets)" "the zone gave no RRsets" [ "$nrrsets" -gt 1 ]

# ---- additional section: addresses of the NS and MX targets in the zone

for type in NS MX; do
    zone_rrset "$APEX" "$type" > "$UH_TMP/set"
    [ -s "$UH_TMP/set" ] || continue
    : > "$UH_TMP/want"
    for target in $(awk '{print $NF}' "$UH_TMP/set"); do
        zone_rrset "$target" A >> "$UH_TMP/want"
        zone_rrset "$target" AAAA >> "$UH_TMP/want"
    done
    sort -o "$UH_TMP/want" "$UH_TMP/want"
    why=
    for fam in 4 6; do
        dq "$UH_TMP/resp" dig "$fam" udp "$APEX" "$type" || { why="$why [IPv$fam: no answer]"; continue; }
        section "$UH_TMP/resp" ADDITIONAL | canon > "$UH_TMP/got"
        missing=$(comm -23 "$UH_TMP/want" "$UH_TMP/got" | oneline)
        [ -n "$missing" ] && why="$why [IPv$fam: missing '$missing']"
    done
    if [ -z "$why" ]; then
        ok "$APEX $type: additional section has the A/AAAA of every in-zone target"
    else
        notok "$APEX $type: additional addresses" "$why"
    fi
done

# ---- negative answers: SOA in authority, TTL = min(SOA TTL, SOA minimum)

want_soa=$(echo "$APEX $NEG_TTL IN SOA $SOA_RDATA" | canon)

negative() {    # negative NAME TYPE RCODE CHECK-NAME
    why=
    for how in "dig 4 udp" "dig 6 tcp" "kdig 4 tcp"; do
        set -- $how
        r=$UH_TMP/resp
        dq "$r" "$1" "$2" "$3" "$NEG_NAME" "$NEG_TYPE" || { why="$why [$how: no answer]"; continue; }
        w=$(expect_header "$r" "$NEG_RCODE" aa)
        [ -n "$w" ] && why="$why [$how: $w]"
        a=$(section "$r" ANSWER | oneline)
        [ -n "$a" ] && why="$why [$how: answer section not empty: '$a']"
        auth=$(section "$r" AUTHORITY | canon | oneline)
        [ "$auth" = "$want_soa" ] || why="$why [$how: authority is '$auth', want '$want_soa']"
    done
    if [ -z "$why" ]; then ok "$NEG_CHECK"; else notok "$NEG_CHECK" "$why"; fi
}

NEG_NAME=nonexistent-$$.$APEX NEG_TYPE=A NEG_RCODE=NXDOMAIN
NEG_CHECK="NXDOMAIN for $NEG_NAME, aa, zone SOA in authority with TTL $NEG_TTL"
negative
# a name below an existing name does not exist either
below=$(awk -v a="$APEX" '$1 != a {print $1; exit}' "$ZONE")
NEG_NAME=deeper.$below NEG_TYPE=A NEG_RCODE=NXDOMAIN
NEG_CHECK="NXDOMAIN for $NEG_NAME (below an existing name), SOA with TTL $NEG_TTL"
negative
# NODATA: the first owner other than the apex, with a type it does not have
NEG_NAME= NEG_TYPE=
for type in TXT MX SRV CAA NS A AAAA; do
    if [ -z "$(zone_rrset "$below" "$type")" ]; then NEG_NAME=$below NEG_TYPE=$type; break; fi
done
NEG_RCODE=NOERROR
NEG_CHECK="NODATA for $NEG_NAME $NEG_TYPE: NOERROR, aa, no answer, SOA with TTL $NEG_TTL"
negative
# an empty non-terminal (a name with no records but with names below it,
# such as _tcp.unihost.test. above _http._tcp.unihost.test.) exists: NODATA
awk '{print tolower($1)}' "$ZONE" | sort -u > "$UH_TMP/owners"
ent=$(awk -v a="$(echo "$APEX" | tr 'A-Z' 'a-z')" '
    { n = $0; while ((i = index(n, ".")) && n != a) { n = substr(n, i + 1); if (n == a) break; print n } }' \
    "$UH_TMP/owners" | sort -u | comm -23 - "$UH_TMP/owners" | head -n 1)
if [ -n "$ent" ]; then
    NEG_NAME=$ent NEG_TYPE=A NEG_RCODE=NOERROR
    NEG_CHECK="empty non-terminal $ent A: NOERROR NODATA (not NXDOMAIN), aa, SOA with TTL $NEG_TTL"
    negative
else
    echo "# the zone has no empty non-terminal"
fi

# ---- outside the zones: REFUSED

why=
for how in "dig 4 udp" "dig 6 tcp"; do
    set -- $how
    dq "$UH_TMP/resp" "$1" "$2" "$3" example.com. A || { why="$why [$how: no answer]"; continue; }
    w=$(expect_header "$UH_TMP/resp" REFUSED)
    [ -n "$w" ] && why="$why [$how: $w]"
    a=$(section "$UH_TMP/resp" ANSWER | oneline)
    [ -n "$a" ] && why="$why [$how: answer section not empty: '$a']"
done
if [ -z "$why" ]; then ok "example.com. (outside the zones): REFUSED, no answer"; else notok "example.com. REFUSED" "$why"; fi

# ---- EDNS

www=www.$APEX
why=
for how in "dig 4 udp" "dig 6 tcp"; do
    set -- $how
    dq "$UH_TMP/resp" "$1" "$2" "$3" "$www" A +bufsize=4096 || { why="$why [$how: no answer]"; continue; }
    grep -q '^; EDNS: version: 0, .*udp: 1232$' "$UH_TMP/resp" ||
        why="$why [$how: no OPT with udp 1232: '$(grep EDNS "$UH_TMP/resp" | oneline)']"
done
if [ -z "$why" ]; then ok "EDNS query (bufsize 4096): response has OPT with UDP payload 1232"; else notok "EDNS OPT 1232" "$why"; fi

if dq "$UH_TMP/resp" kdig 4 udp "$www" A +edns=0 +bufsize=512 &&
   grep -q 'UDP size: 1232 B' "$UH_TMP/resp"; then
    ok "EDNS query with kdig (bufsize 512): OPT with UDP payload 1232"
else
    notok "EDNS with kdig" "no 'UDP size: 1232 B' in: $(grep -i edns -A1 "$UH_TMP/resp" | oneline)"
fi

why=
for how in "dig 4 udp" "dig 4 tcp"; do
    set -- $how
    dq "$UH_TMP/resp" "$1" "$2" "$3" "$www" A +noedns || { why="$why [$how: no answer]"; continue; }
    grep -q 'OPT PSEUDOSECTION\|EDNS' "$UH_TMP/resp" && why="$why [$how: response has an OPT record]"
    # ARCOUNT counts an OPT record too: it must equal the records shown.
    n_add=$(section "$UH_TMP/resp" ADDITIONAL | grep -c .)
    grep -q "ADDITIONAL: $n_add\$" "$UH_TMP/resp" || why="$why [$how: ARCOUNT is not the $n_add records shown]"
done
if [ -z "$why" ]; then ok "query without EDNS: response has no OPT"; else notok "no EDNS, no OPT" "$why"; fi

# an EDNS version unihost does not know: BADVERS, with its own OPT (version 0)
dq "$UH_TMP/resp" dig 4 udp "$www" A +edns=1 +noednsneg
if [ "$(rcode_of "$UH_TMP/resp")" = BADVERS ] && grep -q '^; EDNS: version: 0, .*udp: 1232$' "$UH_TMP/resp"; then
    ok "EDNS version 1 query: BADVERS with an OPT of version 0"
else
    notok "EDNS version 1: BADVERS" "rcode $(rcode_of "$UH_TMP/resp"), $(grep EDNS "$UH_TMP/resp" | oneline)"
fi
# an opcode other than QUERY: NOTIMP
dq "$UH_TMP/resp" dig 4 udp "$www" A +opcode=notify
check "opcode NOTIFY: NOTIMP" "rcode '$(rcode_of "$UH_TMP/resp")'" [ "$(rcode_of "$UH_TMP/resp")" = NOTIMP ]

# ---- zones/dns.conf's options as dig and kdig see them: the NSID (RFC
# 5001) only to those who ask, CHAOS id.server. from it, the version hidden

NSID=$(sed -n 's/^ *nsid: *"ascii_\([^"]*\)".*/\1/p' "$UH_ROOT/zones/dns.conf")
dq "$UH_TMP/resp" dig 4 udp "$www" A +nsid
check "dig +nsid: the NSID of zones/dns.conf ($NSID) comes back" "$(grep NSID "$UH_TMP/resp" | oneline)" \
    grep -q "NSID: .*(\"$NSID\")" "$UH_TMP/resp"
dq "$UH_TMP/resp" dig 4 udp "$www" A
check "without +nsid: no NSID in the answer" "$(grep NSID "$UH_TMP/resp" | oneline)" \
    sh -c '! grep -q NSID "$1"' sh "$UH_TMP/resp"
dq "$UH_TMP/resp" kdig 6 udp id.server. TXT -c CH
check "kdig CH TXT id.server.: the NSID" "$(oneline < "$UH_TMP/resp" | cut -c1-300)" \
    grep -qi "^id.server.*CH.*TXT.*\"$NSID\"" "$UH_TMP/resp"
dq "$UH_TMP/resp" dig 4 udp version.bind. TXT -c CH
check "dig CH TXT version.bind.: REFUSED (hide-version)" "rcode '$(rcode_of "$UH_TMP/resp")'" \
    [ "$(rcode_of "$UH_TMP/resp")" = REFUSED ]

# ---- 0x20: the answer owner keeps the case of the query

mixed=$(echo "$www" | awk '{ s = ""; for (i = 1; i <= length($0); i++) { c = substr($0, i, 1); s = s (i % 2 ? toupper(c) : tolower(c)) } print s }')
want_owners=$(zone_rrset "$www" A | awk -v m="$mixed" '{print m}' | oneline)
why=
for how in "dig 4 udp" "dig 6 tcp"; do
    set -- $how
    dq "$UH_TMP/resp" "$1" "$2" "$3" "$mixed" A || { why="$why [$how: no answer]"; continue; }
    w=$(expect_header "$UH_TMP/resp" NOERROR aa)
    [ -n "$w" ] && why="$why [$how: $w]"
    owners=$(section "$UH_TMP/resp" ANSWER | awk '{print $1}' | oneline)
    [ "$owners" = "$want_owners" ] || why="$why [$how: answer owners '$owners', want '$want_owners']"
    section "$UH_TMP/resp" ANSWER | canon > "$UH_TMP/got"
    zone_rrset "$www" A > "$UH_TMP/want"
    cmp -s "$UH_TMP/got" "$UH_TMP/want" || why="$why [$how: answer '$(oneline < "$UH_TMP/got")' differs from the zone]"
done
if [ -z "$why" ]; then ok "0x20: query for $mixed A answered with owner $mixed and the zone's data"; else notok "0x20 case" "$why"; fi

uh_finish
