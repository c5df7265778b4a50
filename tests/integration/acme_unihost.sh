#!/bin/sh
# Integration test: unihost gets its own HTTPS certificate from a real ACME
# CA, Pebble (Debian's pebble), in the test's network namespace: the
# directory's host looked up through --resolver (pebble-challtestsrv, which
# also answers Pebble's own lookups of unihost's names with unihost's
# address), every request over unihost's own HTTPS client on lwIP trusting
# only --acme-ca, HTTP-01 answered on unihost's port 80.
#
# Checks: flags that cannot work are refused; a directory URL whose
# certificate --acme-ca does not anchor fails with a log line that says so,
# and unihost keeps serving; before the certificate, port 80 serves the
# site (no redirect) and nothing listens on 443; unihost logs the
# issuance; curl trusting only Pebble's root verifies
# https://www.unihost.test/ and gets the page; afterwards port 80
# redirects to HTTPS and HTTPS sends HSTS; the renewal is planned at two
# thirds of the lifetime when the CA offers no renewal information
# (RFC 9773), within its window when it does. Then DNS-01: a second Pebble
# resolving through unihost's own DNS issues for the apex and its
# wildcard, the TXT records answered from unihost's challenge table, and
# withdrawn after.
UH_TEST=acme_unihost
. "$(dirname "$0")/lib/uh.sh"
. "$UH_ROOT/tests/integration/lib/acme.sh"

uh_require_root
uh_require_tools pebble pebble-challtestsrv openssl curl

uh_setup "uh-acmeu-$$" "uhacu$$"
PEBBLE2_PID=
trap 'acme_cleanup "$PEBBLE2_PID"' EXIT
T=$UH_TMP
CA_HOST=ca.test
HOST=$UNIHOST_HOST4

# ---- Pebble (its HTTPS listener's certificate from a test CA, for ca.test)
# and pebble-challtestsrv, the resolver of both sides: every name is
# unihost's address (Pebble's HTTP-01 requests go there) but ca.test, Pebble's.
acme_ca_start "$HOST" "$CA_HOST" 80 || exit 1
ok "Pebble and pebble-challtestsrv answer in the namespace; $CA_HOST resolves to $HOST"
# Another CA, which anchors nothing of Pebble's.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc -days 2 -subj /CN=stranger-ca \
    -addext basicConstraints=critical,CA:TRUE -keyout "$T/other.key" -out "$T/other.pem" 2>> "$T/openssl.log"

# ---- flags that cannot work are refused with a reason, before anything starts ----
flag_refused() {    # flag_refused WHAT EXPECTED-TEXT FLAGS...
    _what=$1 _want=$2
    shift 2
    "$UNIHOST" --tap none --ipv4 "$UNIHOST_GUEST4/24" "$@" > "$T/flags.out" 2>&1
    _st=$?
    check "$_what" "exit $_st: $(tr '\n' ' ' < "$T/flags.out")" \
        sh -c "[ $_st != 0 ] && grep -q -- '$_want' '$T/flags.out'"
}
flag_refused "--acme-directory without --resolver is refused" "wants --resolver" \
    --acme-directory https://ca.test/dir --acme-ca "$T/ca.pem"
flag_refused "--acme-directory without --acme-ca is refused" "wants --acme-ca" \
    --acme-directory https://ca.test/dir --resolver "$HOST"
flag_refused "--acme-challenge other than http-01 or dns-01 is refused" "wants http-01 or dns-01" \
    --acme-directory https://ca.test/dir --acme-ca "$T/ca.pem" --resolver "$HOST" --acme-challenge tls-alpn-01
flag_refused "an http:// directory is refused" "https:// directory URL" --acme-directory http://ca.test/dir
flag_refused "--acme-names without --acme-directory is refused" "go with --acme-directory" --acme-names a.test
flag_refused "--tls-cert and --acme-directory together are refused" "not both" \
    --acme-directory https://ca.test/dir --acme-ca "$T/ca.pem" --resolver "$HOST" --tls-cert "$T/ca.pem" --tls-key "$T/ca.key"

# ---- a CA unihost must not trust --------------------------------------------------
if uh_start --acme-directory "https://$CA_HOST:14000/dir" --acme-ca "$T/other.pem" --resolver "$HOST:8053"; then
    _i=0
    while ! grep -q 'retrying in' "$UH_LOG" && [ "$_i" -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
    # (a failed request is retried with back-off, five times, before the
    # run fails: a minute, which the test does not wait for)
    check "a CA whose certificate --acme-ca does not anchor: the request fails, saying why, and is retried later" \
        "$(grep 'acme: ' "$UH_LOG" | tail -n 3 | tr '\n' ' ')" \
        sh -c "grep -q 'ca.test:14000/dir: TLS: the server.s certificate chain does not end at a root of --acme-ca' '$UH_LOG' &&
               grep -q 'no response from the CA; retrying in' '$UH_LOG'"
    code=$(nsx curl -s -o /dev/null -w '%{http_code}' "http://$UNIHOST_GUEST4/")
    check "... and unihost keeps serving the site on port 80" "status $code" [ "$code" = 200 ]
    uh_stop
fi

# ---- the real run ----------------------------------------------------------------------
if ! uh_start --acme-directory "https://$CA_HOST:14000/dir" --acme-ca "$T/ca.pem" --resolver "$HOST:8053" \
        --acme-contact mailto:hostmaster@unihost.test; then
    notok "unihost starts with --acme-directory" "see the log above"
    exit 1
fi
code=$(nsx curl -s -o /dev/null -w '%{http_code}' "http://$UNIHOST_GUEST4/")
https=$(nsx curl -s -o /dev/null -w '%{http_code}' --max-time 3 -k "https://$UNIHOST_GUEST4/" 2>/dev/null)
issued=$(acme_wait_issued)
check "before the certificate: port 80 serves the site (200, no redirect), port 443 answers nothing" \
    "port 80 $code, port 443 '$https'" sh -c "[ '$code' = 200 ] && [ '$https' = 000 ]"
check "unihost gets a certificate for unihost.test and www.unihost.test from Pebble over HTTP-01" \
    "$(grep 'acme: ' "$UH_LOG" | tail -n 4 | tr '\n' ' ')" [ "$issued" = 1 ]
check "Pebble fetched the HTTP-01 token from unihost's port 80 (access log)" \
    "$(grep -c 'path="/.well-known/acme-challenge/' "$UH_LOG") requests" \
    sh -c "grep 'path=\"/.well-known/acme-challenge/' '$UH_LOG' | grep -q 'status=200'"
nsx curl -s --cacert "$T/ca.pem" -o "$T/root.pem" "https://$HOST:15000/roots/0"
nsx curl -s -o "$T/page" -w '%{http_code}' --cacert "$T/root.pem" \
    --resolve "www.unihost.test:443:$UNIHOST_GUEST4" https://www.unihost.test/ > "$T/code" 2> "$T/curl.err"
check "curl trusting only Pebble's root verifies https://www.unihost.test/ and gets the page" \
    "status $(cat "$T/code"); $(tr '\n' ' ' < "$T/curl.err")" \
    sh -c "[ \"\$(cat '$T/code')\" = 200 ] && grep -q '<html' '$T/page'"
code=$(nsx curl -s -o /dev/null -w '%{http_code}' "http://$UNIHOST_GUEST4/")
hsts=$(nsx curl -s -D - -o /dev/null --cacert "$T/root.pem" --resolve "www.unihost.test:443:$UNIHOST_GUEST4" \
    https://www.unihost.test/ | grep -ci '^strict-transport-security:')
check "with the certificate: port 80 redirects (301) and HTTPS sends HSTS" "port 80 $code, HSTS lines $hsts" \
    sh -c "[ '$code' = 301 ] && [ '$hsts' = 1 ]"
# The renewal's plan. Debian's Pebble 2.4 offers no renewalInfo (RFC 9773:
# upstream Pebble since 2.6 does): unihost asks nothing more and renews at
# two thirds of the certificate's lifetime. A Pebble that offers it is
# asked right after issuance, and its window sets the renewal.
nsx curl -s --cacert "$T/ca.pem" "https://$HOST:14000/dir" > "$T/dir.json"
issued_line=$(grep -o 'acme: certificate issued, valid [0-9]* to [0-9]*; renewal at [0-9]*.*' "$UH_LOG" | head -n 1)
if grep -q '"renewalInfo"' "$T/dir.json"; then
    for _ in $(seq 1 100); do grep -q 'acme: renewal at' "$UH_LOG" && break; sleep 0.1; done
    check "the CA offers renewalInfo: unihost asks for it after issuance and renews within its window" \
        "$(grep 'acme: .*renew' "$UH_LOG" | tr '\n' ' ')" \
        grep -q 'acme: renewal at [0-9]*: a time chosen within the CA.s suggested window' "$UH_LOG"
else
    set -- $(echo "$issued_line" | sed 's/[^0-9 ]//g')
    nb=${1:-0} na=${2:-0} at=${3:-0}
    next=$(grep -o 'acme: next run in [0-9]* s' "$UH_LOG" | tail -n 1 | sed 's/[^0-9]//g')
    due_in=$((at - $(date +%s)))
    check "the CA offers no renewalInfo: no check of renewal information, renewal at two thirds of the lifetime" \
        "$issued_line; next run in ${next:-?} s, two thirds in $due_in s; $(grep -c 'renewal information' "$UH_LOG") lines on renewal information" \
        sh -c "[ $na -gt $nb ] && [ $at = $((nb + (na - nb) / 3 * 2)) ] && [ '${next:-0}' -gt 0 ] &&
               [ \$((${next:-0} - $due_in)) -ge 0 ] && [ \$((${next:-0} - $due_in)) -le 30 ] &&
               ! grep -q 'renewal information' '$UH_LOG' && ! grep -q replaces '$UH_LOG'"
fi
uh_stop
check "unihost stops cleanly" "status $UH_STATUS" [ "${UH_STATUS:-1}" = 0 ]

# ---- DNS-01 through unihost's own DNS, a wildcard included -------------------------
# A second Pebble whose resolver is unihost itself: it asks unihost for the
# _acme-challenge TXT records (and the CAA records, which the bundled zone
# sets to forbid every CA: the zone here is a copy without them).
mkdir -p "$T/zones"
cp zones/dns.conf "$T/zones/" 2>/dev/null
grep -v 'CAA' zones/unihost.test.zone > "$T/zones/unihost.test.zone"
if "$CRUNCH" --quiet --site site --zones "$T/zones" -o "$T/dns01.blob" > "$T/crunch.log" 2>&1; then
    sed -e 's/:14000"/:14001"/' -e 's/:15000"/:15001"/' -e 's/"httpPort": 80/"httpPort": 5002/' \
        "$T/pebble.json" > "$T/pebble2.json"
    if acme_pebble_start "$T/pebble2.json" "$UNIHOST_GUEST4:53" "$T/pebble2.log" PEBBLE2_PID &&
        uh_start --blob "$T/dns01.blob" --acme-directory "https://$CA_HOST:14001/dir" --acme-ca "$T/ca.pem" \
            --resolver "$HOST:8053" --acme-challenge dns-01 --acme-names 'unihost.test,*.unihost.test'; then
        issued=$(acme_wait_issued)
        check "DNS-01: a certificate for unihost.test and *.unihost.test, the TXT records served by unihost's own DNS" \
            "$(grep 'acme: ' "$UH_LOG" | tail -n 4 | tr '\n' ' ')" \
            sh -c "[ $issued = 1 ] && [ \$(grep -c 'acme: DNS-01 TXT at _acme-challenge.unihost.test published' '$UH_LOG') -ge 1 ]"
        nsx curl -s --cacert "$T/ca.pem" -o "$T/root2.pem" "https://$HOST:15001/roots/0"
        code=$(nsx curl -s -o /dev/null -w '%{http_code}' --cacert "$T/root2.pem" \
            --resolve "docs.unihost.test:443:$UNIHOST_GUEST4" https://docs.unihost.test/ 2> "$T/curl2.err")
        check "the wildcard certificate verifies for any name under unihost.test (curl, Pebble's second root)" \
            "status $code $(tr '\n' ' ' < "$T/curl2.err")" [ "$code" = 200 ]
        out=$(nsx dig +short @"$UNIHOST_GUEST4" _acme-challenge.unihost.test TXT)
        check "after the run the challenge records are withdrawn" "dig: '$out'" [ -z "$out" ]
        uh_stop
    fi
else
    notok "crunch of the zone without CAA" "$(tr '\n' ' ' < "$T/crunch.log")"
fi
if uh_alive "$PEBBLE_PID" && uh_alive "$PEBBLE2_PID"; then
    ok "both Pebbles still run"
else
    notok "both Pebbles still run" "one exited"
    diag < "$T/pebble.log"
    diag < "$T/pebble2.log"
fi
uh_finish
