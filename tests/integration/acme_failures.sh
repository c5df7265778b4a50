#!/bin/sh
# Integration test: unihost's ACME client when things go wrong, and its
# renewal, against a real CA, Pebble (Debian's pebble 2.4.0), in the
# test's network namespace (tests/integration/lib/acme.sh), with
# pebble-challtestsrv as the resolver.
#
# Checks:
#  - clock skew: unihost run under libfaketime two years ahead, then a
#    year behind (its wall clock, CLOCK_REALTIME, is what libfaketime
#    shifts; its monotonic clock is left alone): the CA's certificate fails
#    unihost's own check with a line giving its dates and unihost's clock,
#    and unihost keeps answering HTTP and DNS;
#  - a challenge the CA rejects: DNS-01 for a Pebble whose resolver does
#    not see unihost's TXT records; the CA's problem document is logged,
#    the run fails cleanly, the records are withdrawn, and a next run is
#    planned; unihost keeps serving;
#  - renewal: Pebble issues 24-second certificates, so unihost renews at
#    two thirds (14 s); HTTPS serves the new certificate (another
#    serial, verified by curl) to new connections, while a slow download
#    (slow_https_get.py) begun on the old certificate before the switch,
#    and still being encrypted after it, completes on it, byte for byte;
#  - the CA down: Pebble killed after that; the renewal's requests fail
#    with a line saying the connection was refused, and are retried; HTTPS
#    keeps its certificate, port 80 and DNS keep answering; when Pebble is
#    back (a new Pebble: a new root), a retry gets the next certificate.
# The back-off between failed runs (1 min, doubling) is too long for this
# test: tests/unit/test_acme_client.c checks its sequence on a fake clock.
UH_TEST=acme_failures
. "$(dirname "$0")/lib/uh.sh"
. "$UH_ROOT/tests/integration/lib/acme.sh"

uh_require_root
uh_require_tools pebble pebble-challtestsrv openssl curl dig cmp python3
FAKETIME_LIB=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n 1)
[ -n "$FAKETIME_LIB" ] || { notok "tools" "libfaketime is not installed (apt-get install faketime)"; exit 1; }

uh_setup "uh-acmef-$$" "uhacf$$"
SLOW_PID=
trap 'acme_cleanup "$SLOW_PID"' EXIT
T=$UH_TMP
HOST=$UNIHOST_HOST4
CA_HOST=ca.test
DIR_URL="https://$CA_HOST:14000/dir"
VALIDITY=24

acme_ca_start "$HOST" "$CA_HOST" 80 "$VALIDITY" || exit 1

# wait_lines PATTERN COUNT SECONDS: until $UH_LOG has COUNT lines matching
# PATTERN (grep -E); 1 on time-out.
wait_lines() {
    _n=$(( $3 * 10 ))
    while [ "$(grep -cE -- "$1" "$UH_LOG")" -lt "$2" ]; do
        _n=$((_n - 1))
        [ "$_n" -le 0 ] && return 1
        sleep 0.1
    done
    return 0
}
# cert_serial NAME [CURL ARGS...]: the serial (lower-case hex) of the
# certificate unihost's HTTPS shows a new connection for NAME ("" if none).
cert_serial() {
    _name=$1
    shift
    nsx curl -s -o /dev/null -w '%{certs}' --max-time 5 --resolve "$_name:443:$UNIHOST_GUEST4" "$@" \
        "https://$_name/" 2>/dev/null | sed -n 's/^Serial Number:\([0-9a-fA-F]*\)$/\1/p' | head -n 1 | tr 'A-F' 'a-f'
}
# pebble_root FILE: the root Pebble issues under now (a new one each start).
pebble_root() {
    nsx curl -s --cacert "$T/ca.pem" -o "$1" "https://$HOST:15000/roots/0"
}
# serving_check WHAT: unihost still runs and answers HTTP on port 80
# (EXPECT_80: 200 before a certificate, 301 after) and DNS.
serving_check() {
    _code=$(nsx curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://$UNIHOST_GUEST4/")
    _dns=$(nsx dig +short +time=2 +tries=2 @"$UNIHOST_GUEST4" unihost.test SOA)
    check "$1: unihost keeps serving (port 80 answers $EXPECT_80, DNS answers the SOA)" \
        "alive: $(uh_alive "$UH_PID" && echo yes || echo no), port 80 $_code, SOA '$_dns'" \
        sh -c "[ '$_code' = '$EXPECT_80' ] && [ -n '$_dns' ]"
}
acme_lines() { grep -E 'acme: |lwIP assertion' "$UH_LOG" | tail -n "${1:-4}" | tr '\n' ' '; }
utc() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }

# ---- clock skew: unihost under libfaketime ----------------------------------------
WFE_FROM=$(utc "$(openssl x509 -in "$T/wfe.pem" -noout -startdate | cut -d= -f2)")
WFE_UNTIL=$(utc "$(openssl x509 -in "$T/wfe.pem" -noout -enddate | cut -d= -f2)")
unihost_real=$UNIHOST
case $unihost_real in /*) ;; *) unihost_real=$UH_ROOT/$unihost_real ;; esac
EXPECT_80=200
for skew in +2y -1y; do
    # ip netns exec execs the wrapper, which execs unihost: one PID.
    printf '#!/bin/sh\nexec env LD_PRELOAD=%s FAKETIME=%s FAKETIME_DONT_FAKE_MONOTONIC=1 %s "$@"\n' \
        "$FAKETIME_LIB" "$skew" "$unihost_real" > "$T/unihost$skew"
    chmod +x "$T/unihost$skew"
    UNIHOST=$T/unihost$skew
    started=0
    uh_start --acme-directory "$DIR_URL" --acme-ca "$T/ca.pem" --resolver "$HOST:8053" && started=1
    UNIHOST=$unihost_real
    [ "$started" = 1 ] || { notok "unihost starts under libfaketime ($skew)" "see the log above"; continue; }
    # (libfaketime's year is 365 days)
    if [ "$skew" = +2y ]; then
        year=$(date -u -d "@$(( $(date +%s) + 2 * 31536000 ))" +%Y)
        want="TLS: the server's certificate expired at $WFE_UNTIL, and unihost's clock says $year-"
    else
        year=$(date -u -d "@$(( $(date +%s) - 31536000 ))" +%Y)
        want="TLS: the server's certificate is not valid before $WFE_FROM, and unihost's clock says $year-"
    fi
    wait_lines 'acme: .*TLS: ' 1 10
    check "clock $skew: the CA's certificate fails unihost's check, the line giving its dates and unihost's clock" \
        "want '$want'; got: $(acme_lines 3)" grep -qF "acme: $DIR_URL: $want" "$UH_LOG"
    # libfaketime moves CLOCK_REALTIME, unihost's wall clock: its access
    # lines are stamped in the skewed year.
    nsx curl -s -o /dev/null "http://$UNIHOST_GUEST4/"
    wait_lines "access: time=$year-" 1 5
    check "clock $skew: the skew reached unihost's wall clock (access line in $year)" \
        "$(grep 'access: ' "$UH_LOG" | tail -n 1)" grep -q "access: time=$year-" "$UH_LOG"
    serving_check "clock $skew"
    uh_stop
done

# ---- a challenge the CA rejects -------------------------------------------------------
# DNS-01 against this Pebble: it looks for the TXT records through
# pebble-challtestsrv, which has never heard of them.
if uh_start --acme-directory "$DIR_URL" --acme-ca "$T/ca.pem" --resolver "$HOST:8053" --acme-challenge dns-01; then
    wait_lines 'acme: run failed' 1 20
    check "a rejected DNS-01 challenge: the CA's problem document (type and detail) is logged" \
        "$(acme_lines 6)" grep -qE \
        'acme: failed: authorization for (www\.)?unihost\.test invalid: HTTP 200, unauthorized: No TXT records found' "$UH_LOG"
    name=$(sed -n 's/.*acme: DNS-01 TXT at \(_acme-challenge\.[a-z.]*\) published$/\1/p' "$UH_LOG" | head -n 1)
    out=$(nsx dig +short @"$UNIHOST_GUEST4" "${name:-_acme-challenge.unihost.test}" TXT)
    check "... the run fails cleanly, its TXT record withdrawn (logged, and gone from unihost's DNS)" \
        "record '$name', dig '$out'; $(acme_lines 5)" \
        sh -c "[ -n '$name' ] && grep -q 'acme: DNS-01 TXT at $name withdrawn$' '$UH_LOG' && [ -z '$out' ] &&
               grep -q 'acme: run failed: authorization for .*; HTTPS keeps what it has' '$UH_LOG'"
    check "... and the next run is planned a minute later" "$(acme_lines 2)" grep -q 'acme: next run in 60 s' "$UH_LOG"
    serving_check "a rejected challenge"
    uh_stop
else
    notok "unihost starts for DNS-01" "see the log above"
fi

# ---- renewal: a new certificate for new connections, old connections finish ------
# The site with a 2 MiB file (random: never compressed), for a download
# slow enough to span the switch.
cp -R site "$T/site"
head -c 2097152 /dev/urandom > "$T/site/big.bin"
if ! "$CRUNCH" --quiet --site "$T/site" --zones zones -o "$T/big.blob" > "$T/crunch.log" 2>&1; then
    notok "crunch of the site with a large file" "$(tr '\n' ' ' < "$T/crunch.log")"
    uh_finish
fi
if ! uh_start --blob "$T/big.blob" --acme-directory "$DIR_URL" --acme-ca "$T/ca.pem" --resolver "$HOST:8053"; then
    notok "unihost starts with --acme-directory" "see the log above"
    uh_finish
fi
ISSUED='acme: HTTPS now uses the new certificate'
if ! wait_lines "$ISSUED" 1 30; then
    notok "the first certificate" "none within 30 s: $(acme_lines 6)"
    uh_finish
fi
pebble_root "$T/root1.pem"
serial1=$(cert_serial www.unihost.test --cacert "$T/root1.pem")
renew_at=$(sed -n 's/.*acme: certificate issued, valid [0-9]* to [0-9]*; renewal at \([0-9]*\).*$/\1/p' "$UH_LOG" | head -n 1)
left=$(( ${renew_at:-0} - $(date +%s) ))
check "a ${VALIDITY}-second certificate, verified by curl (serial $serial1), renewal planned at two thirds ($left s from now)" \
    "serial '$serial1', renewal at '$renew_at'; $(acme_lines 4)" sh -c "[ -n '$serial1' ] && [ $left -ge 5 ] && [ $left -le $VALIDITY ]"
# A download paced to end about 6 s after the renewal is due, through a
# 16 KiB receive buffer: unihost encrypts it as it goes (lwIP queues at
# most 256 KiB ahead), on the TLS state of the old certificate.
nsx python3 tests/integration/slow_https_get.py "$UNIHOST_GUEST4" www.unihost.test "$T/root1.pem" /big.bin \
    $((left + 6)) "$T/slow.bin" "$T/slow.der" > "$T/slow.out" 2>&1 &
SLOW_PID=$!
if wait_lines "$ISSUED" 2 $((left + 20)); then
    slow_running=no
    uh_alive "$SLOW_PID" && slow_running=yes
    serial2=$(cert_serial www.unihost.test --cacert "$T/root1.pem")
    check "renewal: HTTPS serves the new certificate to new connections (serial $serial2, curl verifies it)" \
        "serials '$serial1' then '$serial2'; $(acme_lines 6)" sh -c "[ -n '$serial2' ] && [ '$serial2' != '$serial1' ]"
    check "... while the download begun on the old certificate was still under way" "running: $slow_running" \
        [ "$slow_running" = yes ]
else
    notok "renewal" "no second certificate within $((left + 20)) s: $(acme_lines 8)"
fi
wait "$SLOW_PID"
slow_status=$?
SLOW_PID=
slow_serial=$(openssl x509 -inform DER -in "$T/slow.der" -noout -serial 2>/dev/null | sed 's/^serial=//' | tr 'A-F' 'a-f')
check "... and that download finished on the old certificate (serial $slow_serial), every byte right" \
    "exit $slow_status, serial '$slow_serial' (old '$serial1'): $(tr '\n' ' ' < "$T/slow.out")" \
    sh -c "[ $slow_status = 0 ] && [ '$slow_serial' = '$serial1' ] && cmp -s '$T/slow.bin' '$T/site/big.bin'"
# unihost writes an access line once the whole response is handed to TCP:
# after the switch, the old connection's TLS was still at work.
switch_line=$(grep -n "$ISSUED" "$UH_LOG" | sed -n '2s/:.*//p')
access_line=$(grep -n 'path="/big.bin" status=200' "$UH_LOG" | sed -n '1s/:.*//p')
check "... unihost still encrypting it after the switch (its access line comes after)" \
    "switch at log line '$switch_line', access line at '$access_line'" \
    sh -c "[ -n '$switch_line' ] && [ -n '$access_line' ] && [ '$access_line' -gt '$switch_line' ]"

# ---- the CA down, then back ----------------------------------------------------------
uh_stop_pid "$PEBBLE_PID"
PEBBLE_PID=
mark=$(wc -l < "$UH_LOG")
renew_at=$(sed -n 's/.*acme: certificate issued, valid [0-9]* to [0-9]*; renewal at \([0-9]*\).*$/\1/p' "$UH_LOG" | tail -n 1)
left=$(( ${renew_at:-0} - $(date +%s) ))
refused="acme: $DIR_URL: connection refused by $HOST port 14000"
# (the CA's second refusal: "retrying in 4 s")
if wait_lines 'acme: no response from the CA; retrying in 4 s' 1 $((left + 15)); then
    check "the CA down: the renewal's request fails with a line saying the connection was refused, and is retried" \
        "$(tail -n +"$mark" "$UH_LOG" | grep 'acme: ' | head -n 5 | tr '\n' ' ')" \
        sh -c "[ \$(tail -n +$mark '$UH_LOG' | grep -cF '$refused') -ge 2 ] &&
               tail -n +$mark '$UH_LOG' | grep -q 'acme: no response from the CA; retrying in 2 s'"
    serial=$(cert_serial www.unihost.test -k)
    check "... HTTPS keeps its certificate (serial $serial)" "serial '$serial', before '$serial2'" [ "$serial" = "$serial2" ]
    EXPECT_80=301
    serving_check "the CA down"
else
    notok "the CA down" "no second refused attempt within $((left + 15)) s after the renewal was due: $(acme_lines 6)"
fi
if acme_pebble_start "$T/pebble.json" "$HOST:8053" "$T/pebble-again.log"; then
    if wait_lines "$ISSUED" 3 25; then
        pebble_root "$T/root2.pem"
        serial3=$(cert_serial www.unihost.test --cacert "$T/root2.pem")
        check "the CA back: a retry of the same run gets a certificate from it (serial $serial3, under its new root)" \
            "serial '$serial3' (before '$serial2'); $(acme_lines 6)" sh -c "[ -n '$serial3' ] && [ '$serial3' != '$serial2' ]"
    else
        notok "the CA back" "no certificate within 25 s of its return: $(acme_lines 8)"
    fi
else
    notok "Pebble starts again" "see above"
fi
uh_stop
check "unihost stops cleanly" "status $UH_STATUS" [ "${UH_STATUS:-1}" = 0 ]
uh_finish
