#!/bin/sh
# Integration test: unihost's signed zones, validated by a real resolver.
#
# In one network namespace:
#   - unihost (192.0.2.2, 2001:db8::2, on the tap) serves two child zones
#     signed at test time with ldns-signzone: example. with NSEC and test.
#     with NSEC3 (no salt, 0 extra iterations, as RFC 9276 asks); each holds
#     A/AAAA/TXT records, a wildcard, an empty non-terminal and a delegation
#     without DS to an unsigned grandchild;
#   - NSD (192.0.2.53, on the namespace's lo) serves a signed root zone that
#     delegates both children to unihost with NS, glue and DS, and the two
#     unsigned grandchildren insecure.example. and insecure.test.;
#   - Unbound (127.0.0.1), a validating recursive resolver with its own
#     config, recurses from a root hint naming NSD and trusts the root's DS.
# Through Unbound, answers from unihost's zones must come back with the AD
# flag: positive answers (A, AAAA, TXT), NXDOMAIN, NODATA, a wildcard answer,
# a wildcard NODATA and an empty non-terminal. A name below the unsigned
# delegation must come back without AD (so AD is not set regardless), as an
# answer Unbound proved insecure with unihost's denial of a DS there. Then
# unihost is restarted with the same zones signed with the same keys, but
# with signatures that expired: Unbound must answer SERVFAIL for them, while
# the root (NSD's, still valid) keeps validating -- the test can fail, and
# fails for the children's signatures alone.
# Needs root, unbound, nsd, ldnsutils and dig (all in tools/deps.sh).
# shellcheck disable=SC2034 # used by lib/uh.sh
UH_TEST=dnssec_validating
# shellcheck source=tests/integration/lib/uh.sh
. "$(dirname "$0")/lib/uh.sh"
# shellcheck source=tests/integration/lib/dnsq.sh
. "$UH_ROOT/tests/integration/lib/dnsq.sh"
# shellcheck source=tests/integration/lib/unbound.sh
. "$UH_ROOT/tests/integration/lib/unbound.sh"
# shellcheck source=tests/differential/lib/nsd.sh
. "$UH_ROOT/tests/differential/lib/nsd.sh"

uh_require_root
uh_require_tools dig unbound unbound-checkconf nsd nsd-checkconf ldns-keygen ldns-signzone ldns-key2ds
if [ ! -x "$UNIHOST" ] || [ ! -x "$CRUNCH" ]; then
    notok "unihost" "$UNIHOST or $CRUNCH is missing (run make)"
    exit 1
fi

NSD_ADDR4=192.0.2.53
NSD_ADDR6=2001:db8::53
RESOLVER=127.0.0.1
UB_PID=

# ub_stop: end Unbound (by its PID).
ub_stop() {
    uh_stop_pid "$UB_PID"
    UB_PID=
}

# shellcheck disable=SC2317 # called from the EXIT trap
dv_cleanup() {
    ub_stop
    nsd_stop_all
    uh_cleanup
}
uh_setup "uh-dnsv-$$" "uhdnsv$$"
trap 'dv_cleanup' EXIT
trap 'exit 1' INT TERM HUP

# ---- keys and zones
# Every key is made now (nothing secret in the repository), so the DS in the
# root and the root's trust anchor are the ones of this run.
KEYS=$UH_TMP/keys
mkdir -p "$KEYS" "$UH_TMP/valid" "$UH_TMP/expired" "$UH_TMP/nsd/zones" "$UH_TMP/unbound"

# child_zone ORIGIN: the unsigned child zone unihost serves
child_zone() {
    cat <<ZONE
\$ORIGIN $1
\$TTL 300
@           IN SOA  ns hostmaster 2026010101 7200 3600 1209600 300
            IN NS   ns
ns          IN A    $UNIHOST_GUEST4
            IN AAAA $UNIHOST_GUEST6
www         IN A    198.51.100.10
            IN AAAA 2001:db8:10::10
            IN TXT  "www in $1"
; b.ent and ent are empty non-terminals
a.b.ent     IN A    198.51.100.11
*.wild      IN A    198.51.100.12
; an unsigned child (no DS), served by NSD
insecure    IN NS   ns.insecure
ns.insecure IN A    $NSD_ADDR4
ZONE
}

# keygen [-k] ZONE-NAME: a new ECDSA P-256 key (-k: a KSK, with its DS
# beside it in .ds) in $KEYS; prints its path without extension
keygen() {
    _k=$(cd "$KEYS" && ldns-keygen -a ECDSAP256SHA256 "$@") && [ -n "$_k" ] && echo "$KEYS/$_k"
}

# sign ZONE-NAME UNSIGNED OUT KSK ZSK [ldns-signzone options]
sign() {
    _z=$1 _in=$2 _out=$3 _ksk=$4 _zsk=$5
    shift 5
    if ! ldns-signzone "$@" -o "$_z" -f "$_out" "$_in" "$_ksk" "$_zsk" > "$UH_TMP/sign.log" 2>&1; then
        notok "signing $_z" "ldns-signzone failed: $(oneline < "$UH_TMP/sign.log")"
        exit 1
    fi
}

# Valid signatures: from an hour ago (clock skew) for a day. Expired ones:
# the same keys, valid for January 2020 only, so nothing but their dates
# differs.
NOW=$(date -u +%s)
VALID="-i $((NOW - 3600)) -e $((NOW + 86400))"
EXPIRED="-i 20200101000000 -e 20200201000000"
DS_LINES=
for child in example test; do
    case $child in
        example) nsec="" ;;
        test)    nsec="-n -t 0" ;;
    esac
    if ! ksk=$(keygen -k "$child.") || ! zsk=$(keygen "$child."); then
        notok "keys" "ldns-keygen failed for $child."
        exit 1
    fi
    child_zone "$child." > "$UH_TMP/$child.unsigned"
    # shellcheck disable=SC2086 # option lists
    sign "$child." "$UH_TMP/$child.unsigned" "$UH_TMP/valid/$child.zone" "$ksk" "$zsk" $nsec $VALID
    # shellcheck disable=SC2086
    sign "$child." "$UH_TMP/$child.unsigned" "$UH_TMP/expired/$child.zone" "$ksk" "$zsk" $nsec $EXPIRED
    # the child's DS, for the root (ldns-keygen -k wrote it beside the key)
    DS_LINES="$DS_LINES$(cat "$ksk.ds")
"
    # the unsigned grandchild, NSD's
    cat > "$UH_TMP/nsd/zones/insecure.$child.zone" <<ZONE
\$ORIGIN insecure.$child.
\$TTL 300
@   IN SOA ns hostmaster 2026010101 7200 3600 1209600 300
    IN NS  ns
ns  IN A   $NSD_ADDR4
www IN A   198.51.100.20
ZONE
done

# The signed root: NSD's. It names itself as the root server and delegates
# both children to unihost, with glue and their DS.
cat > "$UH_TMP/root.unsigned" <<ZONE
\$ORIGIN .
\$TTL 300
.            IN SOA  ns.root. hostmaster.root. 2026010101 7200 3600 1209600 300
.            IN NS   ns.root.
ns.root.     IN A    $NSD_ADDR4
example.     IN NS   ns.example.
ns.example.  IN A    $UNIHOST_GUEST4
ns.example.  IN AAAA $UNIHOST_GUEST6
test.        IN NS   ns.test.
ns.test.     IN A    $UNIHOST_GUEST4
ns.test.     IN AAAA $UNIHOST_GUEST6
$DS_LINES
ZONE
if ! rksk=$(keygen -k .) || ! rzsk=$(keygen .); then
    notok "keys" "ldns-keygen failed for the root"
    exit 1
fi
# shellcheck disable=SC2086
sign . "$UH_TMP/root.unsigned" "$UH_TMP/nsd/zones/root.zone" "$rksk" "$rzsk" $VALID

# ---- the two blobs
for v in valid expired; do
    if ! "$CRUNCH" --quiet --zones "$UH_TMP/$v" -o "$UH_TMP/$v.blob" > "$UH_TMP/crunch.log" 2>&1; then
        notok "crunch ($v signatures)" "$(oneline < "$UH_TMP/crunch.log")"
        exit 1
    fi
done

# ---- NSD: the root and the unsigned grandchildren
CONF=$UH_TMP/nsd/nsd.conf
nsd_server_conf "$UH_TMP/nsd" "$NSD_ADDR4" "$NSD_ADDR6" > "$CONF"
printf 'zone:\n    name: "."\n    zonefile: "root.zone"\n' >> "$CONF"
for child in example test; do
    printf 'zone:\n    name: "insecure.%s."\n    zonefile: "insecure.%s.zone"\n' "$child" "$child" >> "$CONF"
done
if ! nsx ip addr add "$NSD_ADDR4/32" dev lo || ! nsx ip -6 addr add "$NSD_ADDR6/128" dev lo nodad; then
    notok "nsd addresses" "could not add $NSD_ADDR4 and $NSD_ADDR6 to the namespace's lo"
    exit 1
fi
nsd_start "$CONF" "$UH_TMP/nsd/stderr"
if ! nsd_wait_soa "$NSD_ADDR4" . 20; then
    notok "nsd" "no authoritative answer to . SOA at $NSD_ADDR4"
    cat "$UH_TMP/nsd/stderr" "$UH_TMP/nsd/nsd.log" 2>/dev/null | diag
    exit 1
fi

# ---- Unbound: its own config, files and log in $UH_TMP/unbound; defaults
# for everything that decides validation (harden-*, qname-minimisation,
# val-permissive-mode no). The root's DS is its only trust anchor.
UB=$UH_TMP/unbound
if ! ldns-key2ds -n -2 "$rksk.key" > "$UB/root.ds" 2>/dev/null || [ ! -s "$UB/root.ds" ]; then
    notok "trust anchor" "ldns-key2ds failed on the root's KSK"
    exit 1
fi
unbound_conf "$UB" "$RESOLVER" ns.root. "$NSD_ADDR4" <<CONF || exit 1
    access-control: 127.0.0.0/8 allow
    # one line per validation failure, with the reason
    val-log-level: 2
    # Extended DNS Errors in SERVFAIL answers (the reason, for the diagnostics)
    ede: yes
    trust-anchor-file: "$UB/root.ds"
    # no _ta-XXXX queries to the root: the test's root logs only the test
    trust-anchor-signaling: no
CONF

# ub_start: start Unbound in the namespace (a fresh process: an empty cache);
# wait (at most 10 s) until it answers. Returns 1 with its log as diagnostics.
ub_start() {
    unbound_start "$UH_NS" "$UB"
    _i=0
    until nsx dig @"$RESOLVER" +time=1 +tries=1 +norec . SOA 2>/dev/null | grep -q 'status: [A-Z]'; do
        _i=$((_i + 1))
        if ! uh_alive "$UB_PID" || [ "$_i" -ge 10 ]; then
            echo "# unbound did not start; its output and log:"
            cat "$UNBOUND_OUT" "$UB/unbound.log" 2>/dev/null | diag
            return 1
        fi
        sleep 0.5
    done
}

# ---- the answers, through Unbound
R=$UH_TMP/resp
# uq NAME TYPE: ask Unbound (recursion desired, DO set) into $R; fails when
# no answer came. The first query of a zone makes Unbound fetch the DS and
# DNSKEYs down from the root: some seconds allowed.
uq() {
    nsx dig @"$RESOLVER" +dnssec +time=5 +tries=1 +nosplit -q "$1" -t "$2" > "$R" 2>&1 < /dev/null &&
        grep -q 'status: [A-Z]' "$R"
}

# answer_rdata NAME TYPE: the RDATA of the answer's NAME TYPE records, one a
# line, sorted (the RRSIGs beside them are not included)
answer_rdata() {
    section "$R" ANSWER | awk -v n="$1" -v t="$2" '
        tolower($1) == tolower(n) && toupper($4) == toupper(t) {
            $1 = $2 = $3 = $4 = ""; $0 = $0; $1 = $1; print }' | sort
}

# validated NAME TYPE RCODE ad|noad RDATA: prints what is wrong with Unbound's
# answer, nothing when it has RCODE, the AD flag set (ad) or clear (noad),
# and exactly RDATA ("" for none; lines) as NAME TYPE records in the answer.
validated() {
    uq "$1" "$2" || { printf 'no answer from unbound: %s' "$(head -c 200 "$R" | oneline)"; return; }
    _w=
    [ "$(rcode_of "$R")" = "$3" ] || _w="${_w}rcode $(rcode_of "$R"), want $3; "
    case " $(flags_of "$R") " in
        *" ad "*) [ "$4" = ad ] || _w="${_w}AD set (flags: $(flags_of "$R")); " ;;
        *)        [ "$4" = noad ] || _w="${_w}AD not set (flags: $(flags_of "$R")); " ;;
    esac
    _got=$(answer_rdata "$1" "$2")
    _want=$(printf '%s\n' "$5" | sed '/^$/d' | sort)
    [ "$_got" = "$_want" ] || _w="${_w}answer '$(echo "$_got" | oneline)', want '$(echo "$_want" | oneline)'; "
    if [ -n "$_w" ]; then
        printf '%s' "$_w"
        # the reason, if Unbound logged one
        grep 'validation failure' "$UB/unbound.log" | tail -n 2 | diag >&2
    fi
}
report() {  # report NAME PROBLEMS
    if [ -z "$2" ]; then ok "$1"; else notok "$1" "$2"; fi
}

if uh_start --blob "$UH_TMP/valid.blob"; then
    ok "unihost starts with the signed example. (NSEC) and test. (NSEC3)"
else
    notok "unihost starts with the signed zones" "see the log above"
    exit 1
fi
ub_start || { notok "unbound" "did not start (see above)"; exit 1; }
echo "# unihost (pid $UH_PID) at $UNIHOST_GUEST4, nsd (pid ${NSD_PIDS# }) at $NSD_ADDR4, unbound (pid $UB_PID) at $RESOLVER"

# The root itself first: if this fails, nothing below can validate.
report "the root (NSD, signed): ns.root. A validated (AD) from the root's trust anchor" \
    "$(validated ns.root. A NOERROR ad "$NSD_ADDR4")"

for child in example test; do
    case $child in example) how=NSEC ;; test) how=NSEC3 ;; esac
    report "$child. ($how) www A: NOERROR, AD, the zone's address" \
        "$(validated "www.$child." A NOERROR ad 198.51.100.10)"
    report "$child. ($how) www AAAA: NOERROR, AD" \
        "$(validated "www.$child." AAAA NOERROR ad 2001:db8:10::10)"
    report "$child. ($how) www TXT: NOERROR, AD" \
        "$(validated "www.$child." TXT NOERROR ad "\"www in $child.\"")"
    report "$child. ($how) nxdomain nothere A: NXDOMAIN, AD (denial of the name and of the wildcard validated)" \
        "$(validated "nothere.$child." A NXDOMAIN ad "")"
    report "$child. ($how) NODATA www MX: NOERROR, no answer, AD" \
        "$(validated "www.$child." MX NOERROR ad "")"
    report "$child. ($how) wildcard host.wild A: NOERROR, AD, synthesised from *.wild" \
        "$(validated "host.wild.$child." A NOERROR ad 198.51.100.12)"
    report "$child. ($how) wildcard NODATA host.wild TXT: NOERROR, no answer, AD" \
        "$(validated "host.wild.$child." TXT NOERROR ad "")"
    report "$child. ($how) empty non-terminal b.ent A: NOERROR (not NXDOMAIN), no answer, AD" \
        "$(validated "b.ent.$child." A NOERROR ad "")"
    # The negative control: an answer Unbound proves insecure (unihost
    # denies a DS at the cut: in the referral, or asked for the DS) must not
    # carry AD; had the proof failed, the answer would be SERVFAIL.
    report "$child. ($how) unsigned delegation: www.insecure A answered by NSD, NOERROR, AD not set" \
        "$(validated "www.insecure.$child." A NOERROR noad 198.51.100.20)"
done
# Unbound retries elsewhere (another address, a DS query of its own) when an
# answer does not validate, so a right final answer can hide a bogus one on
# the way: with valid signatures, none may have failed.
if grep -q 'validation failure' "$UB/unbound.log"; then
    notok "no validation failure in Unbound's log while the signatures are valid" \
        "$(grep -c 'validation failure' "$UB/unbound.log") (listed below)"
    grep 'validation failure' "$UB/unbound.log" | diag
else
    ok "no validation failure in Unbound's log while the signatures are valid"
fi

# ---- expired signatures: same keys and records, only the dates differ
ub_stop
if ! uh_stop TERM; then
    notok "unihost stops on SIGTERM" "still running after 5 s"
    exit 1
fi
if ! uh_start --blob "$UH_TMP/expired.blob"; then
    notok "unihost starts with the expired zones" "see the log above"
    exit 1
fi
# a fresh Unbound: nothing cached from the valid zones
ub_start || { notok "unbound" "did not start again (see above)"; exit 1; }
for child in example test; do
    case $child in example) how=NSEC ;; test) how=NSEC3 ;; esac
    report "$child. ($how) with expired signatures: www A is SERVFAIL" \
        "$(validated "www.$child." A SERVFAIL noad "")"
    # why, as Unbound tells its clients (an Extended DNS Error, RFC 8914)
    sed -n 's/^; EDE: /# EDE: /p' "$R"
done
# the resolver itself still validates: only the children went bad
report "with the children expired, the root still validates: ns.root. A with AD" \
    "$(validated ns.root. A NOERROR ad "$NSD_ADDR4")"

uh_finish
