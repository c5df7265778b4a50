#!/bin/sh
# Integration test: what unihost keeps of ACME across restarts
# (--state-dir) and an account key given by file (--acme-account-key),
# against a real CA, Pebble (Debian's pebble), in the test's network
# namespace, over HTTP-01 (the set-up is acme_unihost.sh's, kept minimal).
#
# Checks: --state-dir naming a regular file, and an account key that is
# not a P-256 key, are refused at start-up, saying so; a first run issues
# and keeps the account key, the chain and its key, each mode 0600 in a
# directory made 0700; a restart with the same directory serves the kept
# certificate at once (the same SHA-256 fingerprint over s_client, port 80
# redirecting) and orders nothing (Pebble's log has no new order, unihost's
# no run), but asks for its renewal information (RFC 9773: the directory,
# which in Debian's Pebble offers none); with the certificate files deleted, the next issuance is by the
# same account (unihost logs the first run's account URL, Pebble counts no
# new account); a corrupt certificate file is said to be ignored and a new
# certificate is issued and kept; the account key converted to PKCS#8 by
# openssl and given with --acme-account-key is that same account.
UH_TEST=acme_state
. "$(dirname "$0")/lib/uh.sh"
. "$UH_ROOT/tests/integration/lib/acme.sh"

uh_require_root
uh_require_tools pebble pebble-challtestsrv openssl curl

uh_setup "uh-acmes-$$" "uhacs$$"
trap 'acme_cleanup' EXIT
T=$UH_TMP
CA_HOST=ca.test
HOST=$UNIHOST_HOST4
STATE=$T/state

# ---- Pebble, its HTTPS certificate from a test CA, and pebble-challtestsrv ------
# Every name is unihost's address (Pebble's HTTP-01 requests go there) but
# ca.test, Pebble's.
acme_ca_start "$HOST" "$CA_HOST" 80 || exit 1
ok "Pebble and pebble-challtestsrv answer in the namespace"
nsx curl -s --cacert "$T/ca.pem" -o "$T/root.pem" "https://$HOST:15000/roots/0"
ACME="--acme-directory https://$CA_HOST:14000/dir --acme-ca $T/ca.pem --resolver $HOST:8053"

# served_fingerprint: the SHA-256 fingerprint of the certificate unihost's
# HTTPS serves now (openssl s_client), "" if none.
served_fingerprint() {
    nsx timeout 5 openssl s_client -connect "$UNIHOST_GUEST4:443" -servername www.unihost.test < /dev/null \
        2> /dev/null | openssl x509 -noout -fingerprint -sha256 2> /dev/null
}
kept_fingerprint() {
    openssl x509 -in "$STATE/certificate.pem" -noout -fingerprint -sha256 2> /dev/null
}
pebble_orders() { grep -c 'Added order' "$T/pebble.log"; }
pebble_accounts() { grep -c 'There are now .* accounts in memory' "$T/pebble.log"; }
acme_lines() { grep 'acme: ' "$UH_LOG" | tail -n "${1:-4}" | tr '\n' ' '; }

# ---- refused at start-up ---------------------------------------------------------
: > "$T/plain"
"$UNIHOST" --tap none --ipv4 "$UNIHOST_GUEST4/24" $ACME --state-dir "$T/plain" > "$T/flags.out" 2>&1
st=$?
check "--state-dir naming a regular file is refused at start-up, saying it is not a directory" \
    "exit $st: $(tr '\n' ' ' < "$T/flags.out")" \
    sh -c "[ $st != 0 ] && grep -q 'acme: --state-dir $T/plain is not a directory' '$T/flags.out' &&
           ! grep -q 'tap none' '$T/flags.out'"
"$UNIHOST" --tap none --ipv4 "$UNIHOST_GUEST4/24" --state-dir "$STATE" > "$T/flags.out" 2>&1
st=$?
check "--state-dir without --acme-directory is refused" "exit $st: $(tr '\n' ' ' < "$T/flags.out")" \
    sh -c "[ $st != 0 ] && grep -q 'go with --acme-directory' '$T/flags.out' && [ ! -e '$STATE' ]"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$T/rsa.key" 2>> "$T/openssl.log"
if uh_start $ACME --acme-account-key "$T/rsa.key"; then
    notok "an RSA --acme-account-key is refused at start-up" "unihost started: $(acme_lines)"
    uh_stop
else
    uh_wait_exit "$UH_PID" 50
    UH_PID=
    check "an RSA --acme-account-key is refused at start-up, saying what is wanted" "status $UH_STATUS: $(acme_lines 2)" \
        sh -c "[ '$UH_STATUS' != 0 ] && grep -q 'acme: --acme-account-key $T/rsa.key: not a P-256 private key' '$UH_LOG'"
fi

# ---- 1: the first run issues and keeps ------------------------------------------------
if ! uh_start $ACME --state-dir "$STATE"; then
    notok "unihost starts with --state-dir" "see the log above"
    exit 1
fi
issued=$(acme_wait_issued)
check "first run: a certificate is issued with --state-dir (a directory made at start-up)" "$(acme_lines)" \
    sh -c "[ $issued = 1 ] && grep -q 'acme: state: new account key kept in $STATE' '$UH_LOG' &&
           grep -q 'acme: state: certificate kept in $STATE' '$UH_LOG'"
account=$(sed -n 's/^unihost: acme: created account \(https:[^ ]*\)$/\1/p' "$UH_LOG" | head -n 1)
modes=$(stat -c '%n %a' "$STATE" "$STATE/account-key.pem" "$STATE/certificate.pem" "$STATE/certificate-key.pem" \
    2>&1 | sed "s|$T/||" | tr '\n' ' ')
check "the directory is 0700, the account key, the chain and its key are there, each 0600" "$modes" \
    [ "$modes" = "state 700 state/account-key.pem 600 state/certificate.pem 600 state/certificate-key.pem 600 " ]
check "nothing else is left in it (no temporary files)" "$(ls -A "$STATE" | tr '\n' ' ')" \
    [ "$(ls -A "$STATE" | wc -l)" = 3 ]
first=$(served_fingerprint)
check "HTTPS serves the certificate that is kept" "served '$first', kept '$(kept_fingerprint)'" \
    sh -c "[ -n '$first' ] && [ '$first' = '$(kept_fingerprint)' ]"
orders=$(pebble_orders)
accounts=$(pebble_accounts)
check "Pebble counts one account and one order so far; unihost logged the account's URL" \
    "orders $orders, accounts $accounts, account '$account'" \
    sh -c "[ $orders = 1 ] && [ $accounts = 1 ] && [ -n '$account' ]"
uh_stop
check "unihost stops on SIGTERM" "status $UH_STATUS" [ "${UH_STATUS:-1}" = 0 ]

# ---- 2: a restart serves what was kept, at once, and orders nothing ---------------------
if uh_start $ACME --state-dir "$STATE"; then
    # no wait: HTTPS must be there as soon as unihost says it is ready
    code=$(nsx curl -s -o /dev/null -w '%{http_code}' --max-time 3 --cacert "$T/root.pem" \
        --resolve "www.unihost.test:443:$UNIHOST_GUEST4" https://www.unihost.test/ 2> "$T/curl.err")
    again=$(served_fingerprint)
    port80=$(nsx curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://$UNIHOST_GUEST4/")
    check "restart: HTTPS at once verifies with Pebble's root (curl) and serves the same certificate" \
        "status $code $(tr '\n' ' ' < "$T/curl.err"); before '$first', now '$again'" \
        sh -c "[ '$code' = 200 ] && [ -n '$again' ] && [ '$again' = '$first' ]"
    check "restart: port 80 redirects to HTTPS at once, as after an issuance" "port 80 $port80" [ "$port80" = 301 ]
    check "restart: unihost says it serves the kept certificate, with the same account key" "$(acme_lines 5)" \
        sh -c "grep -q 'acme: state: serving the certificate kept in $STATE' '$UH_LOG' &&
               grep -q 'acme: state: using the account key kept in $STATE' '$UH_LOG'"
    sleep 3     # time for a run that should not happen
    wait_s=$(sed -n 's/^unihost: acme: next run in \([0-9]*\) s$/\1/p' "$UH_LOG" | tail -n 1)
    check "restart: no run begins; the next is at the renewal point, more than a day away" \
        "next run in '$wait_s' s; $(acme_lines 3)" \
        sh -c "! grep -q 'acme: run begins' '$UH_LOG' && [ '${wait_s:-0}' -gt 86400 ]"
    # The kept certificate's renewal information (RFC 9773) is asked for
    # as after an issuance: the directory, then renewalInfo if it has one
    # (Debian's Pebble 2.4 has none: the renewal stays at two thirds).
    if nsx curl -s --cacert "$T/ca.pem" "https://$HOST:14000/dir" | grep -q '"renewalInfo"'; then
        found='acme: renewal at [0-9]*: a time chosen within the CA.s suggested window'
    else
        found='acme: the CA offers no renewal information (RFC 9773)'
    fi
    check "restart: the kept certificate's renewal information is asked for, over unihost's own HTTPS client" \
        "$(grep 'acme: .*renewal' "$UH_LOG" | tr '\n' ' ')" \
        sh -c "grep -q 'acme: asking https://$CA_HOST:14000/dir for renewal information on certificate [A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\$' '$UH_LOG' &&
               grep -q '$found' '$UH_LOG' && ! grep -q 'renewal information ignored' '$UH_LOG'"
    check "restart: Pebble saw no new order and no new account" \
        "orders $(pebble_orders) (was $orders), accounts $(pebble_accounts) (was $accounts)" \
        sh -c "[ $(pebble_orders) = $orders ] && [ $(pebble_accounts) = $accounts ]"
    uh_stop
else
    notok "unihost restarts with the same --state-dir" "see the log above"
fi

# ---- 3: without the certificate, a new one, by the same account --------------------------
rm -f "$STATE/certificate.pem" "$STATE/certificate-key.pem"
if uh_start $ACME --state-dir "$STATE"; then
    issued=$(acme_wait_issued)
    check "without the kept certificate: a new one is issued" "$(acme_lines)" \
        sh -c "[ $issued = 1 ] && grep -q 'acme: state: no certificate kept in $STATE yet' '$UH_LOG'"
    check "... by the same account: unihost uses the first run's account URL, Pebble counts no new account" \
        "account was '$account'; accounts $(pebble_accounts) (was $accounts); $(grep 'account' "$UH_LOG" | tr '\n' ' ')" \
        sh -c "grep -qx 'unihost: acme: using the existing account $account' '$UH_LOG' &&
               ! grep -q 'acme: created account' '$UH_LOG' && [ $(pebble_accounts) = $accounts ]"
    third=$(served_fingerprint)
    check "... served and kept again (another certificate than the first)" \
        "served '$third', kept '$(kept_fingerprint)', first '$first'" \
        sh -c "[ -n '$third' ] && [ '$third' = '$(kept_fingerprint)' ] && [ '$third' != '$first' ]"
    uh_stop
fi

# ---- 4: a corrupt certificate file: said, ignored, issued anew -----------------------
head -c 300 "$STATE/certificate.pem" > "$T/cut.pem"
cp "$T/cut.pem" "$STATE/certificate.pem"
orders=$(pebble_orders)
if uh_start $ACME --state-dir "$STATE"; then
    issued=$(acme_wait_issued)
    check "a corrupt certificate file: unihost says it ignores it, and why" "$(acme_lines 6)" \
        grep -q "acme: state: ignoring the certificate kept in $STATE: the chain has no readable CERTIFICATE" "$UH_LOG"
    check "... and a new certificate is issued (one more order at Pebble), kept whole" \
        "issued $issued, orders $(pebble_orders) (were $orders), kept '$(kept_fingerprint)'" \
        sh -c "[ $issued = 1 ] && [ $(pebble_orders) = $((orders + 1)) ] && [ -n '$(kept_fingerprint)' ] &&
               [ '$(kept_fingerprint)' = '$(served_fingerprint)' ]"
    uh_stop
fi

# ---- 5: --acme-account-key, as openssl writes PKCS#8: the same account ----------------
openssl pkcs8 -topk8 -nocrypt -in "$STATE/account-key.pem" -out "$T/account.p8" 2>> "$T/openssl.log"
if grep -q 'BEGIN PRIVATE KEY' "$T/account.p8" && uh_start $ACME --acme-account-key "$T/account.p8"; then
    issued=$(acme_wait_issued)
    check "--acme-account-key (PKCS#8, no state directory): issued by the same account" \
        "account was '$account'; $(grep 'account' "$UH_LOG" | tr '\n' ' ')" \
        sh -c "[ $issued = 1 ] && grep -q 'acme: account key from $T/account.p8' '$UH_LOG' &&
               grep -qx 'unihost: acme: using the existing account $account' '$UH_LOG' &&
               [ $(pebble_accounts) = $accounts ]"
    uh_stop
else
    notok "--acme-account-key" "no PKCS#8 key from openssl, or unihost did not start"
    diag < "$T/openssl.log"
fi

if uh_alive "$PEBBLE_PID"; then
    ok "Pebble still runs"
else
    notok "Pebble still runs" "it exited"
    diag < "$T/pebble.log"
fi
uh_finish
