#!/bin/sh
# Integration test: the transport's limits on plain HTTP and HTTPS, with raw
# sockets (tests/integration/http_limits_client.py, Python's standard
# library) inside the test's namespace: a client trickling one byte a second
# (slowloris) is cut off after the request timeout while others are served;
# idle keep-alive connections time out; past the connection bounds the
# oldest idle connections are shed first and new ones are served. The
# timeouts are shortened with --http-request-timeout/--http-idle-timeout.
UH_TEST=http_limits
. "$(dirname "$0")/lib/uh.sh"

uh_require_root
command -v python3 > /dev/null || { notok "tools" "python3 is not installed"; exit 1; }
CERT=$BUILD/tls/dev-cert.pem
KEY=$BUILD/tls/dev-key.pem
if [ ! -f "$CERT" ] || [ ! -f "$KEY" ]; then
    make B="$BUILD" "$CERT" > /dev/null 2>&1 || { notok "development certificate" "make $CERT failed"; exit 1; }
fi
CLIENT="python3 $UH_ROOT/tests/integration/http_limits_client.py"
PLAIN_POOL=256      # HTTP_CONNS in src/core/http_service.c
TLS_POOL=32         # TLS_CONNS

uh_setup "uh-limits-$$" "uhlim$$"

run_client() {      # run_client WHAT ARGS...: the client's lines; a crash is a failure
    _what=$1
    shift
    nsx timeout 120 $CLIENT "$@" > "$UH_TMP/client.out" 2>&1
    _rc=$?
    cat "$UH_TMP/client.out"
    if [ "$_rc" -ne 0 ] && ! grep -q '^not ok' "$UH_TMP/client.out"; then
        notok "$_what" "the client exited with status $_rc"
    fi
    [ "$_rc" -eq 0 ] || UH_FAILED=1
}

if uh_start --tls-cert "$CERT" --tls-key "$KEY" --no-https-redirect --http-request-timeout 2 --http-idle-timeout 3; then
    ok "unihost starts with a 2 s request timeout and a 3 s idle timeout"
    run_client "timeouts" timeouts "$UNIHOST_GUEST4" 2 3 "$CERT"
    check "unihost is still running" "it exited" uh_alive "$UH_PID"
    uh_stop
else
    notok "unihost starts with short timeouts" "see the log above"
fi

if uh_start --tls-cert "$CERT" --tls-key "$KEY" --no-https-redirect --http-request-timeout 60 --http-idle-timeout 60; then
    run_client "shedding" shed "$UNIHOST_GUEST4" "$PLAIN_POOL"
    uh_stop
    uh_start --tls-cert "$CERT" --tls-key "$KEY" --http-request-timeout 60 --http-idle-timeout 60 > /dev/null
    run_client "TLS shedding" shed-tls "$UNIHOST_GUEST4" "$TLS_POOL" "$CERT"
    check "unihost is still running after the shedding" "it exited" uh_alive "$UH_PID"
else
    notok "unihost starts for the shedding test" "see the log above"
fi
uh_finish
