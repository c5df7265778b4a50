#!/bin/sh
# Integration test: unihost's DNS service with the fixture content blob
# (--blob, zones from tests/fixtures/zones): referrals, glue, DS at a
# delegation, empty non-terminals, CNAME, longest zone match, truncation.
# Expected records come from the fixture zone files (via ldns-read-zone).
UH_TEST=dns_fixture
. "$(dirname "$0")/lib/uh.sh"
. "$UH_ROOT/tests/integration/lib/dnsq.sh"

uh_require_root
for tool in dig kdig ldns-read-zone; do
    command -v "$tool" > /dev/null || { notok "tools" "$tool is not installed"; exit 1; }
done

uh_setup "uh-dnsf-$$" "uhdnsf$$"

uh_fixture_blob || { notok "fixture blob" "neither make nor $CRUNCH could build it"; exit 1; }

# All fixture zones in one list: OWNER TTL CLASS TYPE RDATA, single-spaced.
# Each file is NAME.zone for the zone NAME. (crunch's convention).
ZONE=$UH_TMP/zone
: > "$ZONE"
for f in tests/fixtures/zones/*.zone; do
    origin=$(basename "$f" .zone).
    { echo "\$ORIGIN $origin"; cat "$f"; } > "$UH_TMP/one.zone"
    if ! ldns-read-zone -z "$UH_TMP/one.zone" > "$UH_TMP/one.out" 2> "$UH_TMP/zone.err"; then
        notok "zone file" "ldns-read-zone $f failed: $(oneline < "$UH_TMP/zone.err")"
        exit 1
    fi
    awk '!/^;/ && NF {$1 = $1; print}' "$UH_TMP/one.out" >> "$ZONE"
done

# neg_soa APEX: the SOA as it appears in a negative answer (TTL = min(TTL, minimum))
neg_soa() {
    awk -v a="$1" 'tolower($1) == tolower(a) && $4 == "SOA" {
        t = ($2 < $11) ? $2 : $11; $2 = t; print }' "$ZONE" | canon
}

if uh_start --blob "$BLOB"; then ok "unihost starts with --blob and is ready"; else notok "unihost starts with --blob" "see the log above"; exit 1; fi

# expect NAME TYPE RCODE aa|noaa ANSWER AUTHORITY ADDITIONAL [dig options...]
# ANSWER, AUTHORITY, ADDITIONAL: files with the exact expected records
# (canonical), or "-" not to check that section. Queried over UDP/IPv4,
# TCP/IPv6 and kdig UDP/IPv6; prints the problems, nothing when right.
expect() {
    _n=$1 _t=$2 _rc=$3 _aa=$4 _an=$5 _au=$6 _ad=$7
    shift 7
    for _how in "dig 4 udp" "dig 6 tcp" "kdig 6 udp"; do
        _r=$UH_TMP/resp
        # shellcheck disable=SC2086
        if ! dq "$_r" $_how "$_n" "$_t" "$@"; then
            printf '[%s: no answer: %s] ' "$_how" "$(head -c 200 "$_r" | oneline)"
            continue
        fi
        _w=$(expect_header "$_r" "$_rc" "$_aa")
        [ -n "$_w" ] && printf '[%s: %s] ' "$_how" "$_w"
        for _s in ANSWER AUTHORITY ADDITIONAL; do
            case $_s in ANSWER) _e=$_an ;; AUTHORITY) _e=$_au ;; ADDITIONAL) _e=$_ad ;; esac
            [ "$_e" = - ] && continue
            section "$_r" "$_s" | canon > "$UH_TMP/got"
            cmp -s "$_e" "$UH_TMP/got" ||
                printf "[%s: %s is '%s', want '%s'] " "$_how" "$_s" "$(oneline < "$UH_TMP/got")" "$(oneline < "$_e")"
        done
    done
}
E=$UH_TMP/empty
: > "$E"
report() {  # report NAME PROBLEMS
    if [ -z "$2" ]; then ok "$1"; else notok "$1" "$2"; fi
}

# ---- referral with glue
zone_rrset sub.example.test. NS > "$UH_TMP/sub.ns"
: > "$UH_TMP/sub.glue"
for t in $(awk '{print $NF}' "$UH_TMP/sub.ns"); do
    case $t in *.sub.example.test.)
        zone_rrset "$t" A >> "$UH_TMP/sub.glue"
        zone_rrset "$t" AAAA >> "$UH_TMP/sub.glue" ;;
    esac
done
sort -o "$UH_TMP/sub.glue" "$UH_TMP/sub.glue"
check "fixture has glue for sub.example.test." "no in-bailiwick glue derived from the zone" [ -s "$UH_TMP/sub.glue" ]
report "referral x.sub.example.test. A: no aa, no answer, sub's NS in authority, glue A/AAAA in additional" \
    "$(expect x.sub.example.test. A NOERROR noaa "$E" "$UH_TMP/sub.ns" "$UH_TMP/sub.glue")"
report "referral sub.example.test. NS (at the cut): no aa, NS in authority, glue in additional" \
    "$(expect sub.example.test. NS NOERROR noaa "$E" "$UH_TMP/sub.ns" "$UH_TMP/sub.glue")"

# ---- referral without glue
zone_rrset away.example.test. NS > "$UH_TMP/away.ns"
report "referral away.example.test. A (out-of-bailiwick NS): no aa, NS in authority, no additional records" \
    "$(expect www.away.example.test. A NOERROR noaa "$E" "$UH_TMP/away.ns" "$E")"

# ---- DS belongs to the parent side of the cut
zone_rrset sub.example.test. DS > "$UH_TMP/ds"
report "sub.example.test. DS: answered authoritatively (aa) from the parent with the zone's DS" \
    "$(expect sub.example.test. DS NOERROR aa "$UH_TMP/ds" - -)"

# ---- empty non-terminal
neg_soa example.test. > "$UH_TMP/soa"
report "empty non-terminal b.ent.example.test. A: NOERROR NODATA (not NXDOMAIN), aa, SOA in authority" \
    "$(expect b.ent.example.test. A NOERROR aa "$E" "$UH_TMP/soa" -)"
report "nonexistent c.ent.example.test. A: NXDOMAIN, aa, SOA in authority" \
    "$(expect c.ent.example.test. A NXDOMAIN aa "$E" "$UH_TMP/soa" -)"
report "NODATA www.example.test. MX: NOERROR, aa, SOA in authority" \
    "$(expect www.example.test. MX NOERROR aa "$E" "$UH_TMP/soa" -)"

# ---- CNAME: the answer starts with the CNAME; anything else in it must be
# the target's A RRset from the zone
zone_rrset alias.example.test. CNAME > "$UH_TMP/cname"
target=$(awk '{print $NF}' "$UH_TMP/cname")
zone_rrset "$target" A > "$UH_TMP/target.a"
why=
for how in "dig 4 udp" "dig 6 tcp"; do
    # shellcheck disable=SC2086
    dq "$UH_TMP/resp" $how alias.example.test. A || { why="$why [$how: no answer]"; continue; }
    w=$(expect_header "$UH_TMP/resp" NOERROR aa)
    [ -n "$w" ] && why="$why [$how: $w]"
    first=$(section "$UH_TMP/resp" ANSWER | head -n 1 | canon)
    [ "$first" = "$(cat "$UH_TMP/cname")" ] || why="$why [$how: first answer record '$first', want '$(cat "$UH_TMP/cname")']"
    section "$UH_TMP/resp" ANSWER | tail -n +2 | canon > "$UH_TMP/rest"
    if [ -s "$UH_TMP/rest" ] && ! cmp -s "$UH_TMP/rest" "$UH_TMP/target.a"; then
        why="$why [$how: records after the CNAME '$(oneline < "$UH_TMP/rest")' are not $target A '$(oneline < "$UH_TMP/target.a")']"
    fi
done
report "CNAME: alias.example.test. A answers with the zone's CNAME (aa)" "$why"
report "alias.example.test. CNAME: exactly the CNAME record" \
    "$(expect alias.example.test. CNAME NOERROR aa "$UH_TMP/cname" - -)"

# ---- the longest matching zone answers
zone_rrset host.nested.example.test. A > "$UH_TMP/nested.a"
report "longest zone match: host.nested.example.test. A from the nested zone (its TTL), aa" \
    "$(expect host.nested.example.test. A NOERROR aa "$UH_TMP/nested.a" - -)"
neg_soa nested.example.test. > "$UH_TMP/nested.soa"
report "longest zone match: missing.nested.example.test. NXDOMAIN with the nested zone's SOA (TTL $(awk '{print $2}' "$UH_TMP/nested.soa"))" \
    "$(expect missing.nested.example.test. A NXDOMAIN aa "$E" "$UH_TMP/nested.soa" -)"

# ---- positive answers: the zone's NS set in authority (as NSD gives it,
# except for the apex NS answer itself), and in additional the in-zone
# addresses of the answer's targets and of the name servers, each once
for type in MX NS; do
    zone_rrset example.test. "$type" > "$UH_TMP/set"
    zone_rrset example.test. NS > "$UH_TMP/ns"
    if [ "$type" = NS ]; then : > "$UH_TMP/auth"; else cp "$UH_TMP/ns" "$UH_TMP/auth"; fi
    : > "$UH_TMP/add"
    for t in $(awk '{print $NF}' "$UH_TMP/set" "$UH_TMP/ns" | sort -u); do
        zone_rrset "$t" A >> "$UH_TMP/add"
        zone_rrset "$t" AAAA >> "$UH_TMP/add"
    done
    sort -u -o "$UH_TMP/add" "$UH_TMP/add"
    report "example.test. $type: answer = zone RRset, authority = $( [ "$type" = NS ] && echo empty || echo 'apex NS' ), additional = in-zone target and name-server addresses" \
        "$(expect example.test. "$type" NOERROR aa "$UH_TMP/set" "$UH_TMP/auth" "$UH_TMP/add")"
done

# ---- truncation
zone_rrset big.example.test. TXT > "$UH_TMP/big"
n=$(wc -l < "$UH_TMP/big")
why=
for fam in 4 6; do
    dq "$UH_TMP/resp" dig "$fam" udp big.example.test. TXT +noedns +ignore || { why="$why [IPv$fam: no answer]"; continue; }
    case " $(flags_of "$UH_TMP/resp") " in *" tc "*) ;; *) why="$why [IPv$fam: tc not set: flags $(flags_of "$UH_TMP/resp")]" ;; esac
    size=$(sed -n 's/^;; MSG SIZE  rcvd: \([0-9]*\)$/\1/p' "$UH_TMP/resp")
    [ -n "$size" ] && [ "$size" -le 512 ] || why="$why [IPv$fam: response of '$size' bytes over UDP without EDNS]"
done
report "big.example.test. TXT over UDP without EDNS: TC set, at most 512 bytes" "$why"
report "big.example.test. TXT over TCP: all $n records of the zone" \
    "$(expect big.example.test. TXT NOERROR aa "$UH_TMP/big" - - +tcp)"
why=
for fam in 4 6; do
    dq "$UH_TMP/resp" dig "$fam" udp big.example.test. TXT +ignore || { why="$why [IPv$fam: no answer]"; continue; }
    case " $(flags_of "$UH_TMP/resp") " in *" tc "*) why="$why [IPv$fam: tc set]" ;; esac
    section "$UH_TMP/resp" ANSWER | canon > "$UH_TMP/got"
    cmp -s "$UH_TMP/got" "$UH_TMP/big" || why="$why [IPv$fam: $(wc -l < "$UH_TMP/got") records, want $n]"
done
report "big.example.test. TXT over UDP with EDNS (1232): all $n records, no TC" "$why"

uh_finish
