# shellcheck shell=sh
# Pebble as the ACME CA of the integration tests (sourced after lib/uh.sh,
# not run).
#
#   acme_test_ca DIR HOST [SAN...]  -- DIR/ca.pem (a test CA, the --acme-ca of
#                                      unihost) and DIR/wfe.pem, DIR/wfe.key:
#                                      Pebble's own HTTPS certificate, signed by
#                                      it, for the DNS name HOST and any more
#                                      subjectAltName entries (IP:ADDR); a
#                                      "not ok" and return 1 if openssl fails
#   acme_pebble_config ADDR CERT KEY HTTP_PORT [VALIDITY_SECONDS]
#                                   -- prints a Pebble config: the directory on
#                                      ADDR:14000, management (the roots) on
#                                      ADDR:15000, HTTP-01 checks on HTTP_PORT,
#                                      certificates valid VALIDITY_SECONDS
#                                      (Pebble 2.4's certificateValidityPeriod;
#                                      default five years)
#   acme_challtestsrv_start ADDR CA_HOST [NAMES_ADDR]
#                                   -- pebble-challtestsrv in $UH_NS on ADDR:8053:
#                                      every name NAMES_ADDR (default unihost's
#                                      address) but CA_HOST, ADDR; CHALL_PID;
#                                      returns 1 if it does not answer within 10 s
#   acme_pebble_start CONFIG DNSSERVER LOG [PID_VAR]
#                                   -- Pebble in $UH_NS without its validation
#                                      sleeps; its PID in PID_VAR (default
#                                      PEBBLE_PID), set as it starts; returns 1
#                                      (its log as diagnostics) if its directory
#                                      does not answer within 10 s ($UH_TMP/ca.pem
#                                      anchors it, as acme_test_ca "$UH_TMP" makes)
#   acme_ca_start ADDR CA_HOST HTTP_PORT [VALIDITY_SECONDS [NAMES_ADDR]]
#                                   -- the CA as most tests have it: a test CA
#                                      in $UH_TMP for CA_HOST and IP:ADDR, its
#                                      config $UH_TMP/pebble.json, then
#                                      pebble-challtestsrv and Pebble (its log
#                                      $UH_TMP/pebble.log) on ADDR, resolving
#                                      through it; returns 1 if any step fails
#   acme_cleanup [PID...]           -- the EXIT trap of a test with a CA: the
#                                      PIDs given (the test's other peers),
#                                      Pebble, pebble-challtestsrv, then
#                                      uh_cleanup
#   acme_wait_issued                -- prints 1 once $UH_LOG says a
#                                      certificate was issued and HTTPS took
#                                      it (not one kept from before), 0 if the run
#                                      failed, unihost stopped or 60 s passed
#                                      first

acme_test_ca() {
    _dir=$1 _host=$2
    shift 2
    _san="DNS:$_host"
    for _extra in "$@"; do _san="$_san,$_extra"; done
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc -days 2 -subj /CN=acme-test-ca \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign \
        -keyout "$_dir/ca.key" -out "$_dir/ca.pem" 2> "$_dir/openssl.log" &&
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc -subj "/CN=$_host" \
        -keyout "$_dir/wfe.key" -out "$_dir/wfe.csr" 2>> "$_dir/openssl.log" &&
    printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$_san" > "$_dir/wfe.ext" &&
    openssl x509 -req -in "$_dir/wfe.csr" -CA "$_dir/ca.pem" -CAkey "$_dir/ca.key" -CAcreateserial -days 2 \
        -extfile "$_dir/wfe.ext" -out "$_dir/wfe.pem" 2>> "$_dir/openssl.log" && return 0
    notok "test CA" "openssl failed"
    diag < "$_dir/openssl.log"
    return 1
}

acme_pebble_config() {
    _validity=
    [ -z "${5:-}" ] || _validity="\"certificateValidityPeriod\": $5,"
    cat <<EOF
{
  "pebble": {
    "listenAddress": "$1:14000",
    "managementListenAddress": "$1:15000",
    "certificate": "$2",
    "privateKey": "$3",
    "httpPort": $4,
    "tlsPort": 5001,
    $_validity
    "ocspResponderURL": "",
    "externalAccountBindingRequired": false
  }
}
EOF
}

CHALL_PID=
PEBBLE_PID=

acme_challtestsrv_start() {
    ip netns exec "$UH_NS" pebble-challtestsrv -dns01 "$1:8053" -management 127.0.0.1:8055 \
        -defaultIPv4 "${3:-$UNIHOST_GUEST4}" -defaultIPv6 "" -http01 "" -https01 "" -tlsalpn01 "" \
        > "$UH_TMP/challtestsrv.log" 2>&1 &
    CHALL_PID=$!
    for _ in $(seq 1 100); do
        nsx curl -s -o /dev/null -d "{\"host\":\"$2.\",\"addresses\":[\"$1\"]}" http://127.0.0.1:8055/add-a &&
            return 0
        sleep 0.1
    done
    notok "pebble-challtestsrv starts" "its management port did not answer within 10 s"
    diag < "$UH_TMP/challtestsrv.log"
    return 1
}

acme_pebble_start() {
    _port=$(sed -n 's/.*"listenAddress": "[^"]*:\([0-9]*\)".*/\1/p' "$1")
    _addr=$(sed -n 's/.*"listenAddress": "\([^"]*\):[0-9]*".*/\1/p' "$1")
    # (with ip netns exec itself, not nsx, a subshell: $! is Pebble's own PID)
    PEBBLE_VA_NOSLEEP=1 ip netns exec "$UH_NS" pebble -config "$1" -dnsserver "$2" > "$3" 2>&1 &
    eval "${4:-PEBBLE_PID}=\$!"
    for _ in $(seq 1 100); do
        nsx curl -s -o /dev/null --cacert "$UH_TMP/ca.pem" "https://$_addr:$_port/dir" && return 0
        sleep 0.1
    done
    notok "Pebble starts" "no directory at https://$_addr:$_port/dir within 10 s"
    diag < "$3"
    return 1
}

acme_ca_start() {
    acme_test_ca "$UH_TMP" "$2" "IP:$1" &&
        acme_pebble_config "$1" "$UH_TMP/wfe.pem" "$UH_TMP/wfe.key" "$3" "${4:-}" > "$UH_TMP/pebble.json" &&
        acme_challtestsrv_start "$1" "$2" "${5:-}" &&
        acme_pebble_start "$UH_TMP/pebble.json" "$1:8053" "$UH_TMP/pebble.log"
}

# shellcheck disable=SC2317 # called from the EXIT trap
acme_cleanup() {
    for _pid in "$@" "$PEBBLE_PID" "$CHALL_PID"; do uh_stop_pid "$_pid"; done
    uh_cleanup
}

acme_wait_issued() {
    for _ in $(seq 1 600); do
        if grep -q 'acme: certificate issued' "$UH_LOG" &&
           grep -q 'acme: HTTPS now uses the new certificate' "$UH_LOG"; then echo 1; return; fi
        if grep -q 'acme: run failed' "$UH_LOG"; then break; fi
        uh_alive "$UH_PID" || break
        sleep 0.1
    done
    echo 0
}
