#!/bin/sh
# Integration test, protocol level: the ACME client's state machine
# (src/acme/) gets certificates from a real CA, Pebble (Debian's pebble),
# inside a network namespace of its own. The driver,
# $BUILD/tests/acme_pebble_client (tests/integration/acme_pebble_client.c),
# speaks HTTPS with BearSSL over the host's sockets, trusting only the test
# CA that signed Pebble's listener certificate; it answers HTTP-01 itself
# and sets DNS-01 TXT records in pebble-challtestsrv, the DNS server that
# Pebble's -dnsserver points at (which also answers every A query with
# 127.0.0.1, where the driver listens). unihost's own HTTPS client over
# lwIP and its DNS-01 overlay are not in this test yet.
#
# Checks: issuance over HTTP-01 for two names; a second issuance with the
# same account key (Pebble finds the account); issuance for an apex over
# HTTP-01 and its wildcard over DNS-01; each chain verifies against
# Pebble's root (fetched from its management port) and holds the names;
# the renewal time is two thirds of the certificate's lifetime as openssl
# reads it; a challenge Pebble cannot validate fails the run with a log
# line quoting Pebble's problem document.
UH_TEST=acme_pebble
. "$(dirname "$0")/lib/uh.sh"
. "$UH_ROOT/tests/integration/lib/acme.sh"

uh_require_root
uh_require_tools pebble pebble-challtestsrv openssl curl

DRIVER=$BUILD/tests/acme_pebble_client
if ! make -s B="$BUILD" "$DRIVER" > /dev/null 2>&1; then
    notok "driver" "make $DRIVER failed"
    exit 1
fi

uh_setup "uh-acme-$$" "uhacme$$"
trap 'acme_cleanup' EXIT
T=$UH_TMP

# ---- Pebble, its HTTPS listener's certificate from a test CA (for
# localhost), and its DNS server, which answers every name with 127.0.0.1
acme_ca_start 127.0.0.1 localhost 5002 "" 127.0.0.1 || exit 1
ok "Pebble and pebble-challtestsrv answer in the namespace"
if nsx curl -s --cacert "$T/ca.pem" -o "$T/root.pem" https://localhost:15000/roots/0 && grep -q 'BEGIN CERTIFICATE' "$T/root.pem"; then
    ok "Pebble's root fetched from its management port"
else
    notok "Pebble's root" "https://localhost:15000/roots/0 gave no certificate"
fi

# issue NAME CHALLENGE-FLAGS NAMES...: runs the driver; its output in $T/NAME.out.
issue() {
    _run=$1
    shift
    nsx "$DRIVER" --directory https://localhost:14000/dir --ca "$T/ca.pem" --http-port 5002 \
        --challtestsrv 127.0.0.1:8055 --out "$T/$_run.chain" "$@" > "$T/$_run.out" 2>&1
}

# check_chain NAME NAMES...: the chain verifies against Pebble's root, its
# leaf holds every name, and the driver's dates and renewal time agree
# with openssl's reading of the leaf.
check_chain() {
    _run=$1
    shift
    awk '/BEGIN CERTIFICATE/{n++} n==1' "$T/$_run.chain" > "$T/$_run.leaf"
    if openssl verify -CAfile "$T/root.pem" -untrusted "$T/$_run.chain" "$T/$_run.leaf" > "$T/$_run.verify" 2>&1; then
        ok "$_run: the chain verifies against Pebble's root"
    else
        notok "$_run: chain verification" "$(cat "$T/$_run.verify")"
    fi
    _san=$(openssl x509 -in "$T/$_run.leaf" -noout -ext subjectAltName 2>/dev/null | tail -n +2)
    _missing=
    for _n in "$@"; do
        case "$_san" in *"DNS:$_n"*) ;; *) _missing="$_missing $_n" ;; esac
    done
    if [ -z "$_missing" ]; then ok "$_run: the leaf names$(printf ' %s' "$@")"; else notok "$_run: names" "missing:$_missing (SAN:$_san)"; fi
    _nb=$(date -d "$(openssl x509 -in "$T/$_run.leaf" -noout -startdate | cut -d= -f2)" +%s)
    _na=$(date -d "$(openssl x509 -in "$T/$_run.leaf" -noout -enddate | cut -d= -f2)" +%s)
    _want=$((_nb + (_na - _nb) / 3 * 2))
    if grep -qx 'tls_credentials: ok' "$T/$_run.out"; then
        ok "$_run: unihost's TLS server loads the chain with the certificate key (key_pem.c's PEM)"
    else
        notok "$_run: TLS credentials" "$(grep '^tls_credentials' "$T/$_run.out")"
    fi
    if grep -qx "not_before $_nb" "$T/$_run.out" && grep -qx "not_after $_na" "$T/$_run.out" &&
       grep -qx "renew_at $_want" "$T/$_run.out"; then
        ok "$_run: renewal at two thirds of the lifetime openssl reads ($_nb..$_na -> $_want)"
    else
        notok "$_run: dates" "openssl: $_nb $_na, want renew_at $_want; driver: $(grep -E '^(not_|renew)' "$T/$_run.out" | tr '\n' ' ')"
    fi
}

# ---- HTTP-01 for two names --------------------------------------------------------
if issue http01 example.test www.example.test && grep -qx issued "$T/http01.out"; then
    ok "http01: issued for example.test and www.example.test over HTTP-01"
    check_chain http01 example.test www.example.test
else
    notok "http01: issuance" "the driver failed"
    diag < "$T/http01.out"
fi
if grep -q 'http-01: answered the CA' "$T/http01.out"; then
    ok "http01: Pebble fetched the key authorization from the driver"
elif grep -q 'order ready (authorizations already valid)' "$T/http01.out"; then
    ok "http01: Pebble reused valid authorizations (nothing to fetch)"
else
    notok "http01: challenge" "Pebble never fetched the token"
fi

# ---- a renewal: the same account key again --------------------------------------
if issue renewal --renew renew.test && [ "$(grep -cx issued "$T/renewal.out")" = 2 ]; then
    ok "renewal: a second certificate for the same account"
    check_chain renewal renew.test
else
    notok "renewal: issuance" "the driver did not issue twice"
    diag < "$T/renewal.out"
fi
if grep -q 'created account' "$T/renewal.out" && grep -q 'using the existing account' "$T/renewal.out"; then
    ok "renewal: Pebble found the existing account (200) on the second run"
else
    notok "renewal: existing account" "$(grep 'account' "$T/renewal.out" | tr '\n' ' ')"
fi

# ---- an apex over HTTP-01 and its wildcard over DNS-01 ------------------------------
if issue wildcard acme.test '*.acme.test' && grep -qx issued "$T/wildcard.out"; then
    ok "wildcard: issued for acme.test (HTTP-01) and *.acme.test (DNS-01 through pebble-challtestsrv)"
    check_chain wildcard acme.test '*.acme.test'
else
    notok "wildcard: issuance" "the driver failed"
    diag < "$T/wildcard.out"
fi
if grep -q 'authorization for \*.acme.test: answering dns-01' "$T/wildcard.out"; then
    ok "wildcard: the wildcard's authorization was answered over DNS-01"
else
    notok "wildcard: dns-01" "no DNS-01 answer in the log"
fi

# ---- a challenge Pebble cannot validate ---------------------------------------------
# refused.test resolves to 127.0.0.2, where nothing listens on port 5002.
nsx curl -s -o /dev/null -d '{"host":"refused.test.","addresses":["127.0.0.2"]}' http://127.0.0.1:8055/add-a
if issue refused refused.test; then
    notok "refused: a failed challenge" "the driver reported success"
elif grep -q 'authorization for refused.test invalid: HTTP 200, connection' "$T/refused.out" &&
     grep -q '^error: ' "$T/refused.out"; then
    ok "refused: the run fails, quoting Pebble's problem document: $(grep -m1 '^error: ' "$T/refused.out" | cut -c8-120)"
else
    notok "refused: failure message" "$(tail -n 3 "$T/refused.out" | tr '\n' ' ')"
fi

# Pebble refuses a few good nonces on purpose (PEBBLE_WFE_NONCEREJECT,
# 5% by default): how often the client's badNonce retry ran.
echo "# badNonce retries across the runs: $(cat "$T"/*.out | grep -c 'badNonce; retrying')"

if uh_alive "$PEBBLE_PID"; then ok "Pebble still runs"; else notok "Pebble still runs" "it exited"; diag < "$T/pebble.log"; fi
uh_finish
