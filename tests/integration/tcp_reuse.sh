#!/bin/sh
# Integration test: a client reusing its port right after unihost closed the
# connection (Connection: close). unihost's side of the old connection is in
# TIME_WAIT for 2 MSL; a new SYN from the same port, with a sequence number
# past the old connection's (RFC 1122 4.2.2.13, RFC 6191), must open a new
# connection rather than draw ACKs for the old one until the client gives up.
UH_TEST=tcp_reuse
. "$(dirname "$0")/lib/uh.sh"

uh_require_root
command -v curl > /dev/null || { notok "tools" "curl is not installed"; exit 1; }

uh_setup "uh-reuse-$$" "uhreu$$"
uh_fixture_blob || { notok "fixture blob" "neither make nor $CRUNCH could build it"; exit 1; }
if uh_start --blob "$BLOB"; then ok "unihost starts and is ready"; else notok "unihost starts" "see the log above"; exit 1; fi

# fetch URL PORT: one request from local port PORT, closed by the server;
# prints the status code, or curl's error.
fetch() {
    nsx curl -s -o /dev/null -w '%{http_code}' --connect-timeout 4 -m 6 --local-port "$2" \
        -H 'Connection: close' "$1" 2>&1 < /dev/null || echo " (curl exit $?)"
}

for family in 4 6; do
    if [ "$family" = 4 ]; then url="http://$UNIHOST_GUEST4/" port=40000; else url="http://[$UNIHOST_GUEST6]/" port=40001; fi
    first=$(fetch "$url" "$port")
    second=$(fetch "$url" "$port")
    third=$(fetch "$url" "$port")
    if [ "$first" = 200 ] && [ "$second" = 200 ] && [ "$third" = 200 ]; then
        ok "IPv$family: three connections in a row from local port $port, each closed by unihost, all answered 200"
    else
        notok "IPv$family: connections reusing local port $port" "got '$first', '$second', '$third'; want 200 each"
    fi
done

if uh_alive "$UH_PID"; then ok "unihost still runs"; else notok "unihost still runs" "it exited"; fi
uh_stop
uh_finish
