#!/bin/sh
# NSD and Knot as TSIG-authenticated secondaries of unihost, kept current by
# NOTIFY. In one network namespace, unihost serves the fixture zones (the
# unsigned ones of tests/fixtures/zones and the signed ones of
# tests/fixtures/dnssec, signed here) with a zones/dns.conf that holds one
# TSIG key, allows transfers only to NSD's and Knot's addresses with that
# key, and names both as NOTIFY targets with it. Every SOA has a refresh and
# retry of a day, so within this test nothing but a NOTIFY can make a
# secondary look at unihost again. Then:
#   1. an AXFR of bulk.test (several messages) from NSD's address with no
#      key is REFUSED; with the key's name and another secret the answer is
#      NOTAUTH with TSIG error BADSIG; with a key name unihost does not know,
#      NOTAUTH with BADKEY (both unsigned, RFC 8945 5.3.2); with the right
#      key the whole zone (exactly the zone file's records) comes back and
#      dig verifies the TSIG of every message of it; with the right key
#      from an address the zone does not list, a signed REFUSED;
#   2. NSD (192.0.2.54, 2001:db8::54) and Knot (192.0.2.55, 2001:db8::55),
#      configured with the same key as secondaries of every zone, transfer
#      each over TCP (half the zones over IPv4, half over IPv6; NSD by AXFR,
#      Knot by IXFR, answered with the whole zone) and serve its serial;
#      NSD logs each transfer's TSIG as verified;
#   3. unihost swaps in, while running (SIGHUP), a blob whose zones all
#      have the next serial: both secondaries serve every new serial
#      within 20 s, each
#      logs the signed NOTIFY of each zone's new serial that prompted it,
#      and unihost's log shows each of its NOTIFY messages acknowledged;
#   4. the differential corpus of nsd_diff.sh is sent to unihost and to
#      each secondary and the answers compared (tolerated.tsv applies to
#      both; tolerated-secondary.tsv to NSD, tolerated-knot.tsv to Knot;
#      each entry says from which RFC text it is tolerated).
# Needs root, nsd, knot (knotd, knotc, kdig), dig and ldnsutils.
# Environment: as tests/differential/nsd_diff.sh.
# shellcheck disable=SC2034,SC2317 # used by lib/uh.sh; functions run through check
UH_TEST="secondaries"
# shellcheck source=tests/integration/lib/uh.sh
. "$(dirname "$0")/../integration/lib/uh.sh"
# shellcheck source=tests/differential/lib/nsd.sh
. "$(dirname "$0")/lib/nsd.sh"

NSD4=192.0.2.54 NSD6=2001:db8::54
KNOT4=192.0.2.55 KNOT6=2001:db8::55
KEY_NAME=xfr.secondaries.test.
KNOT_PID=

uh_require_root
uh_require_tools python3 ldns-read-zone ldns-signzone ldns-keygen dnssec-signzone dig kdig knotd knotc base64
nsd_require || { notok "nsd" "apt-get install -y nsd failed"; exit 1; }
[ -x "$UNIHOST" ] || { notok "unihost" "$UNIHOST is missing (run make)"; exit 1; }
[ -x "$CRUNCH" ] || { notok "crunch" "$CRUNCH is missing (run make)"; exit 1; }

# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
    if [ -n "$KNOT_PID" ] && uh_alive "$KNOT_PID"; then
        kill -TERM "$KNOT_PID" 2>/dev/null
        uh_wait_exit "$KNOT_PID" 50 || { kill -KILL "$KNOT_PID" 2>/dev/null; wait "$KNOT_PID" 2>/dev/null; }
    fi
    KNOT_PID=
    nsd_test_cleanup
}
uh_setup "uh-sec-$$" "uhsec$$"
trap 'cleanup' EXIT
trap 'exit 1' INT TERM HUP

# The key: 32 random bytes, as tsig-keygen -a hmac-sha256 makes them; the
# wrong one has the same name and another secret.
SECRET=$(head -c 32 /dev/urandom | base64)
WRONG=$(head -c 32 /dev/urandom | base64)

# ---- the zones: version 1 (the fixtures' serials) and version 2 (each
# serial one more), every SOA with a refresh and retry of a day
# soa_timers FILE ZONE SERIAL-INCREMENT: the zone as ldns-read-zone prints
# it, with its SOA's serial increased and refresh and retry set to a day
soa_timers() {
    { echo "\$ORIGIN $2"; cat "$1"; } > "$UH_TMP/soa.in"
    ldns-read-zone -z "$UH_TMP/soa.in" 2> "$UH_TMP/soa.err" |
        awk -v inc="$3" 'BEGIN { OFS = "\t" } $4 == "SOA" { $7 += inc; $8 = 86400; $9 = 86400 } { print }'
}
# make_zones DIR INCREMENT
make_zones() {
    mkdir -p "$1" "$UH_TMP/sign$2"
    for f in tests/fixtures/zones/*.zone; do
        zone=$(basename "$f" .zone).
        soa_timers "$f" "$zone" "$2" > "$1/$(basename "$f")" || return 1
        grep -q "	SOA	" "$1/$(basename "$f")" || { cat "$UH_TMP/soa.err"; return 1; }
    done
    # the signed zones: sign.sh from a copy of its template with the serial
    # and timers changed, so that the signatures cover the SOA served
    cp tests/fixtures/dnssec/sign.sh "$UH_TMP/sign$2/"
    serial=$((2026112201 + $2))
    sed "s/^\( *\)2026112201 7200 3600 /\1$serial 86400 86400 /" tests/fixtures/dnssec/signed.zone.in \
        > "$UH_TMP/sign$2/signed.zone.in"
    grep -q " $serial 86400 86400 " "$UH_TMP/sign$2/signed.zone.in" || { echo "signed.zone.in: no SOA to change"; return 1; }
    sh "$UH_TMP/sign$2/sign.sh" "$1" > "$UH_TMP/sign$2.log" 2>&1 || { cat "$UH_TMP/sign$2.log"; return 1; }
    rm -f "$1/transfers.conf"
    # dns.conf: the fixtures' server options, the key, and for every zone
    # the two secondaries' addresses (with the key) and NOTIFY targets
    {
        sed -n '/^server:/,/^$/p' tests/fixtures/zones/dns.conf
        printf 'key:\n    name: "%s"\n    algorithm: hmac-sha256\n    secret: "%s"\n' "$KEY_NAME" "$SECRET"
        n=0
        for f in "$1"/*.zone; do
            n=$((n + 1))
            zone=$(basename "$f" .zone).
            printf 'zone:\n    name: "%s"\n' "$zone"
            for a in $NSD4 $NSD6 $KNOT4 $KNOT6; do
                printf '    provide-xfr: %s %s\n' "$a" "$KEY_NAME"
            done
            # NOTIFY over the family each secondary transfers the zone by
            if [ $((n % 2)) -eq 1 ]; then
                printf '    notify: %s %s\n    notify: %s %s\n' "$NSD4" "$KEY_NAME" "$KNOT6" "$KEY_NAME"
            else
                printf '    notify: %s %s\n    notify: %s %s\n' "$NSD6" "$KEY_NAME" "$KNOT4" "$KEY_NAME"
            fi
        done
    } > "$1/dns.conf"
}
for v in 1 2; do
    if ! make_zones "$UH_TMP/zones$v" $((v - 1)) > "$UH_TMP/zones$v.log" 2>&1; then
        diag < "$UH_TMP/zones$v.log"
        notok "zones" "could not make version $v of the zones"
        exit 1
    fi
    if ! "$CRUNCH" --quiet --site tests/fixtures/site --zones "$UH_TMP/zones$v" -o "$UH_TMP/v$v.blob" \
            > "$UH_TMP/crunch$v.log" 2>&1; then
        diag < "$UH_TMP/crunch$v.log"
        notok "blob" "crunch could not build version $v"
        exit 1
    fi
done
# the corpus, from the zones as they are when it is sent (version 2)
if ! nsd_zone_rr_lists "$UH_TMP/zones2" "$UH_TMP" > "$UH_TMP/rr.err"; then
    notok "zone files" "$(cat "$UH_TMP/rr.err")"
    exit 1
fi
CORPUS=$UH_TMP/corpus.txt
python3 tests/differential/dnsdiff.py corpus "$UH_TMP/zonelist" "$CORPUS" ||
    { notok "corpus" "dnsdiff.py corpus failed"; exit 1; }
echo "# corpus: $(wc -l < "$CORPUS") queries; $(wc -l < "$UH_TMP/zonelist") zones"
# serial_of ZONE VERSION: the serial of ZONE (no final dot) in that version
mkdir -p "$UH_TMP/soa"
for v in 1 2; do
    for f in "$UH_TMP/zones$v"/*.zone; do
        zone=$(basename "$f" .zone)
        { echo "\$ORIGIN $zone."; cat "$f"; } > "$UH_TMP/soa.in"
        ldns-read-zone -z "$UH_TMP/soa.in" 2> "$UH_TMP/soa.err" | awk '$4 == "SOA" { print $7; exit }' \
            > "$UH_TMP/soa/$zone.v$v"
        [ -s "$UH_TMP/soa/$zone.v$v" ] || { notok "zones" "no SOA in version $v of $zone"; exit 1; }
    done
done
serial_of() { cat "$UH_TMP/soa/$1.v$2"; }

# ---- unihost, with version 1
cp "$UH_TMP/v1.blob" "$UH_TMP/live.blob"
if ! uh_start --blob "$UH_TMP/live.blob"; then
    notok "unihost" "did not start with version 1 of the zones"
    exit 1
fi
# On the tap itself, not on lo: unihost must find them by ARP and neighbour
# discovery, and Linux answers the latter only for the link's own addresses.
for a in $NSD4 $KNOT4; do
    nsx ip addr add "$a/32" dev "$UH_TAP" || { notok "addresses" "could not add $a to $UH_TAP"; exit 1; }
done
for a in $NSD6 $KNOT6; do
    nsx ip -6 addr add "$a/128" dev "$UH_TAP" nodad || { notok "addresses" "could not add $a to $UH_TAP"; exit 1; }
done

# ---- 1. transfers from NSD's address, by dig: no key, wrong secret,
# unknown key name, the right key
XFR_ZONE=bulk.test.
axfr() {     # with the header (dig shows none for AXFR by default)
    nsx dig @"$UNIHOST_GUEST4" -b "$NSD4" +time=5 +tries=1 +nocmd +comments "$@" "$XFR_ZONE" AXFR \
        > "$UH_TMP/xfr.out" 2>&1
}
axfr
refused() {
    grep -q 'status: REFUSED' "$UH_TMP/xfr.out" && grep -q 'Transfer failed' "$UH_TMP/xfr.out" &&
        ! grep -q '	SOA	' "$UH_TMP/xfr.out"
}
check "AXFR from a listed address without the key is REFUSED" "$(head -c 600 "$UH_TMP/xfr.out")" refused
# RFC 8945 5.3.2: NOTAUTH with the TSIG error, the TSIG unsigned (MAC size 0)
tsig_error() {
    grep -q 'status: NOTAUTH' "$UH_TMP/xfr.out" && grep -q 'Transfer failed' "$UH_TMP/xfr.out" &&
        [ "$(awk '$4 == "TSIG" { print $8, $10 }' "$UH_TMP/xfr.out")" = "0 $1" ] &&
        ! grep -q '	SOA	' "$UH_TMP/xfr.out"
}
axfr -y "hmac-sha256:$KEY_NAME:$WRONG"
check "AXFR signed with the key's name and another secret: NOTAUTH, TSIG error BADSIG" \
    "$(head -c 900 "$UH_TMP/xfr.out")" tsig_error BADSIG
axfr -y "hmac-sha256:other.secondaries.test.:$SECRET"
check "AXFR signed with a key name unihost does not know: NOTAUTH, TSIG error BADKEY" \
    "$(head -c 900 "$UH_TMP/xfr.out")" tsig_error BADKEY
# the right key: each message dig prints carries its own TSIG record (dig
# shows the TSIG of every message it verified; one it could not verify ends
# the transfer with "tsig verify failure")
nsx dig @"$UNIHOST_GUEST4" -b "$NSD4" +time=5 +tries=1 +nocmd -y "hmac-sha256:$KEY_NAME:$SECRET" \
    "$XFR_ZONE" AXFR > "$UH_TMP/xfr.out" 2>&1
messages=$(sed -n 's/^;; XFR size: .*(messages \([0-9]*\),.*/\1/p' "$UH_TMP/xfr.out")
# signed ones: a 32-byte MAC, no error
tsigs=$(awk '$4 == "TSIG" && $8 == 32 && $11 == "NOERROR"' "$UH_TMP/xfr.out" | grep -c .)
awk '$4 != "TSIG"' "$UH_TMP/xfr.out" | grep -v '^;' | grep -v '^$' > "$UH_TMP/xfr.rr"
# both as canonical, lower-cased text, sorted, one SOA (dig prints the
# closing one too)
norm() { tr '[:upper:]' '[:lower:]' < "$1" | sed 's/[[:space:]]\{1,\}/ /g' | sort -u; }
ldns-read-zone -z "$UH_TMP/xfr.rr" > "$UH_TMP/xfr.norm" 2> "$UH_TMP/xfr.err"
norm "$UH_TMP/rr/$XFR_ZONE" > "$UH_TMP/want"
norm "$UH_TMP/xfr.norm" > "$UH_TMP/got"
# the right zone is version 1's (unihost serves it now): swap the serial in
sed "s/ $(serial_of bulk.test 2) / $(serial_of bulk.test 1) /" "$UH_TMP/want" > "$UH_TMP/want1"
whole_signed_zone() {
    ! grep -qi 'tsig verify failure\|Transfer failed\|Couldn.t verify' "$UH_TMP/xfr.out" &&
        [ -n "$messages" ] && [ "$messages" -ge 2 ] && [ "$tsigs" -eq "$messages" ] &&
        [ "$(awk '$4 == "SOA"' "$UH_TMP/xfr.out" | grep -c .)" -eq 2 ] &&
        cmp -s "$UH_TMP/want1" "$UH_TMP/got"
}
if ! whole_signed_zone; then
    diff "$UH_TMP/want1" "$UH_TMP/got" | head -10 | diag
    grep '^;' "$UH_TMP/xfr.out" | head -10 | diag
fi
check "AXFR of $XFR_ZONE with the key: the zone file's records in ${messages:-?} messages, each with a TSIG dig verified" \
    "$tsigs TSIG records for ${messages:-?} messages, or the records differ (above)" whole_signed_zone
# the key is not enough from an address the zone does not list
nsx dig @"$UNIHOST_GUEST4" +time=5 +tries=1 +nocmd +comments -y "hmac-sha256:$KEY_NAME:$SECRET" \
    "$XFR_ZONE" AXFR > "$UH_TMP/xfr.out" 2>&1
signed_refusal() {  # REFUSED, signed with the key (RFC 8945 5.3), and dig verified it
    refused && [ "$(awk '$4 == "TSIG" { print $8, $11 }' "$UH_TMP/xfr.out")" = "32 NOERROR" ] &&
        ! grep -qi "tsig verify failure\|Couldn.t verify" "$UH_TMP/xfr.out"
}
check "AXFR with the key from an address the zone does not list is REFUSED, the refusal signed" \
    "$(head -c 900 "$UH_TMP/xfr.out")" signed_refusal

# ---- 2. the secondaries
NSD_DIR=$UH_TMP/nsd
mkdir -p "$NSD_DIR/zones"
NSD_CONF=$NSD_DIR/nsd.conf
nsd_server_conf "$NSD_DIR" "$NSD4" "$NSD6" > "$NSD_CONF"
printf 'key:\n    name: "%s"\n    algorithm: hmac-sha256\n    secret: "%s"\n' "$KEY_NAME" "$SECRET" >> "$NSD_CONF"

KNOT_DIR=$UH_TMP/knot
mkdir -p "$KNOT_DIR/zones" "$KNOT_DIR/db"
KNOT_CONF=$KNOT_DIR/knot.conf
cat > "$KNOT_CONF" <<CONF
server:
    rundir: "$KNOT_DIR"
    listen: [ $KNOT4@53, $KNOT6@53 ]
    identity: ""
    version: ""
control:
    listen: "$KNOT_DIR/knot.sock"
database:
    storage: "$KNOT_DIR/db"
log:
  - target: "$KNOT_DIR/knot.log"
    any: info
key:
  - id: $KEY_NAME
    algorithm: hmac-sha256
    secret: $SECRET
remote:
  - id: unihost4
    address: $UNIHOST_GUEST4@53
    via: $KNOT4
    key: $KEY_NAME
  - id: unihost6
    address: $UNIHOST_GUEST6@53
    via: $KNOT6
    key: $KEY_NAME
acl:
  - id: notify_from_unihost
    address: [ $UNIHOST_GUEST4, $UNIHOST_GUEST6 ]
    key: $KEY_NAME
    action: notify
template:
  - id: default
    storage: "$KNOT_DIR/zones"
    file: "%s.zone"
    zonefile-sync: -1
    zonefile-load: none
    journal-content: none
    acl: notify_from_unihost
zone:
CONF

n=0
while read -r zone _rr; do
    n=$((n + 1))
    # NSD over IPv4 and Knot over IPv6 for odd zones, the other way round
    # for even ones: the families dns.conf's NOTIFY targets follow
    if [ $((n % 2)) -eq 1 ]; then
        nsd_from=$NSD4 nsd_primary=$UNIHOST_GUEST4 knot_primary=unihost6
    else
        nsd_from=$NSD6 nsd_primary=$UNIHOST_GUEST6 knot_primary=unihost4
    fi
    printf 'zone:\n    name: "%s"\n    zonefile: "%s.zone"\n    request-xfr: AXFR %s %s\n    allow-notify: %s %s\n    allow-notify: %s %s\n    outgoing-interface: %s\n' \
        "$zone" "$zone" "$nsd_primary" "$KEY_NAME" "$UNIHOST_GUEST4" "$KEY_NAME" "$UNIHOST_GUEST6" "$KEY_NAME" \
        "$nsd_from" >> "$NSD_CONF"
    printf '  - domain: %s\n    master: %s\n' "$zone" "$knot_primary" >> "$KNOT_CONF"
done < "$UH_TMP/zonelist"

if ! knotc -c "$KNOT_CONF" conf-check > "$UH_TMP/knot-check.log" 2>&1; then
    notok "knot config" "knotc conf-check: $(tr '\n' ' ' < "$UH_TMP/knot-check.log")"
    exit 1
fi
nsd_start "$NSD_CONF" "$NSD_DIR/stderr"
# not through nsx: $! must be knotd's own PID (ip netns exec execs it)
ip netns exec "$UH_NS" knotd -c "$KNOT_CONF" > "$KNOT_DIR/stderr" 2>&1 &
KNOT_PID=$!

# soa_serial ADDR ZONE: the serial ADDR serves for ZONE with AA, or nothing
soa_serial() {
    nsx dig @"$1" +time=1 +tries=1 +norec "$2" SOA > "$UH_TMP/soa.q" 2>/dev/null &&
        grep -q 'flags:.* aa' "$UH_TMP/soa.q" && grep -q 'status: NOERROR' "$UH_TMP/soa.q" &&
        awk '$4 == "SOA" { print $7; exit }' "$UH_TMP/soa.q"
}
# wait_serials VERSION SECONDS: until both secondaries serve every zone's
# serial of that version; prints what is missing when time runs out
wait_serials() {
    _deadline=$(($(date +%s) + $2))
    while :; do
        _missing=
        while read -r _zone _rr; do
            _want=$(serial_of "${_zone%.}" "$1")
            for _who in nsd:$NSD4 knot:$KNOT4; do
                _got=$(soa_serial "${_who#*:}" "$_zone")
                [ "$_got" = "$_want" ] || _missing="$_missing ${_who%%:*}:$_zone(${_got:-none}, not $_want)"
            done
        done < "$UH_TMP/zonelist"
        [ -z "$_missing" ] && return 0
        if [ "$(date +%s)" -ge "$_deadline" ] || ! uh_alive "$KNOT_PID"; then
            echo "# still missing:$_missing"
            return 1
        fi
        sleep 0.5
    done
}
if ! wait_serials 1 40; then
    notok "NSD and Knot transfer every zone from unihost with the key" "see the logs"
    { tail -15 "$NSD_DIR/nsd.log"; cat "$NSD_DIR/stderr"; tail -15 "$KNOT_DIR/knot.log"; cat "$KNOT_DIR/stderr"; } 2>/dev/null | diag
    exit 1
fi
ok "NSD and Knot transfer every zone from unihost with the key ($(wc -l < "$UH_TMP/zonelist") zones, over IPv4 and IPv6)"
# NSD says in its log whether a transfer's TSIG was verified; Knot, given
# the key for its primary, takes no transfer that is not signed with it
tsig_verified() {   # VERSION: every zone's transfer of that version
    while read -r _zone _rr; do
        grep -F "zone $_zone received update to serial $(serial_of "${_zone%.}" "$1") " "$NSD_DIR/nsd.log" |
            grep -qF "TSIG verified with key $KEY_NAME" || return 1
    done < "$UH_TMP/zonelist"
}
check "NSD logs every zone's transfer as TSIG verified with the key" "$(grep -F 'received update' "$NSD_DIR/nsd.log" | tail -3)" \
    tsig_verified 1
echo "# unihost logged $(grep -c 'zone transfer to' "$UH_LOG") transfers"

# ---- 3. a new serial: version 2 swapped into the running unihost (SIGHUP);
# only its NOTIFY can bring the secondaries back to it within the day their
# SOA refresh says
cp "$UH_TMP/v2.blob" "$UH_TMP/live.blob.new" && mv "$UH_TMP/live.blob.new" "$UH_TMP/live.blob"
swapped_at=$(date +%s)
kill -HUP "$UH_PID"
i=0
until grep -q '^unihost: content: SIGHUP: .*: swapped in' "$UH_LOG" || [ "$i" -ge 100 ]; do
    i=$((i + 1))
    sleep 0.1
done
check "unihost swaps in version 2 of the zones on SIGHUP" "$(grep '^unihost: content: ' "$UH_LOG" | tail -n 2 | tr '\n' ' ')" \
    grep -q '^unihost: content: SIGHUP: .*: swapped in' "$UH_LOG"
if wait_serials 2 20; then
    ok "NSD and Knot serve every zone's new serial within $(($(date +%s) - swapped_at)) s of the swap (their refresh is a day)"
else
    notok "NSD and Knot serve every zone's new serial within 20 s of the swap" "see the logs"
    { grep -i notify "$NSD_DIR/nsd.log" | tail -10; grep -i notify "$KNOT_DIR/knot.log" | tail -10; } 2>/dev/null | diag
fi
# the secondaries' logs: for each zone, a NOTIFY with the new serial, and
# NSD's note that it verified the transfer's TSIG with the key
missing=
while read -r zone _rr; do
    serial=$(serial_of "${zone%.}" 2)
    grep -F "notify for $zone from " "$NSD_DIR/nsd.log" | grep -q " serial $serial\$" ||
        missing="$missing NSD:$zone"
    grep -F "[$zone] notify, incoming, " "$KNOT_DIR/knot.log" | grep -q ", serial $serial\$" ||
        missing="$missing Knot:$zone"
done < "$UH_TMP/zonelist"
check "NSD and Knot logged a NOTIFY of each zone's new serial" "none logged for:$missing" [ -z "$missing" ]
# unihost's log: each target's NOTIFY of the new serial acknowledged (the
# replies came before the transfers, but a log line may trail: bounded;
# lwIP writes IPv6 addresses in capitals)
acked_all() {
    _unacked=
    _z=0
    while read -r _zone _rr; do
        _z=$((_z + 1))
        if [ $((_z % 2)) -eq 1 ]; then _to="$NSD4:53 [$KNOT6]:53"; else _to="[$NSD6]:53 $KNOT4:53"; fi
        for _t in $_to; do
            grep -qiF "dns: NOTIFY of $_zone serial $(serial_of "${_zone%.}" 2) to $_t: acknowledged" "$UH_LOG" ||
                _unacked="$_unacked $_zone@$_t"
        done
    done < "$UH_TMP/zonelist"
    [ -z "$_unacked" ]
}
i=0
until acked_all || [ "$i" -ge 50 ]; do
    i=$((i + 1))
    sleep 0.1
done
check "unihost logs the NOTIFY of each zone's new serial to NSD and to Knot acknowledged" \
    "not for:$_unacked; $(grep 'dns: NOTIFY' "$UH_LOG" | grep -v acknowledged | head -3 | tr '\n' ' ')" acked_all
check "NSD logs every zone's new transfer as TSIG verified with the key" \
    "$(grep -F 'received update' "$NSD_DIR/nsd.log" | tail -3)" tsig_verified 2

# ---- 4. the same answers, once unihost answers the namespace's side over
# both families (bounded)
for a in "$UNIHOST_GUEST4" "$UNIHOST_GUEST6"; do
    nsd_wait_soa "$a" "$(awk 'NR == 1 {print $1}' "$UH_TMP/zonelist")" 20 ||
        { notok "unihost" "no answer at $a after the swap"; exit 1; }
done
cat tests/differential/tolerated.tsv tests/differential/tolerated-secondary.tsv > "$UH_TMP/tolerated-nsd"
cat tests/differential/tolerated.tsv tests/differential/tolerated-knot.tsv > "$UH_TMP/tolerated-knot"
nsd_compare "NSD" "$CORPUS" "$UH_TMP/tolerated-nsd" "$NSD4" "$NSD6"
nsd_compare "Knot" "$CORPUS" "$UH_TMP/tolerated-knot" "$KNOT4" "$KNOT6"
uh_finish
