#!/bin/sh
# Integration test: hostile HTTP clients (lib/hostile.py: raw frames through
# lib/rawpeer.py, and the kernel's own TCP where the realistic client is a
# normal socket):
#  - non-readers: zero-window connections pipelining HEAD and GET requests
#    must not run lwIP's heap dry (its peak is reported and must stay under
#    75% of the heap), while UDP DNS, ARP for a new address and new
#    handshakes keep working; once unihost times them out, the heap is
#    back at its idle level even though the attacker still answers window
#    probes;
#  - one address filling the connection pools (bare connections to 443,
#    one-byte requests on 80) must not evict a client from another address
#    in the middle of its TLS handshake or request;
#  - lingering close: a client still sending a body unihost refused (413)
#    must read the whole 413 and a clean end, not a reset.
UH_TEST=hostile_http
. "$(dirname "$0")/lib/uh.sh"
. "$UH_ROOT/tests/integration/lib/hostile.sh"

uh_require_root
uh_require_tools python3 dig curl timeout
uh_dev_cert
uh_setup "uh-hhttp-$$" "uhhhttp$$"
HOSTILE_NAME=www.unihost.test
HOSTILE_CERT=$CERT
BIG=/docs/architecture

# ---- 4. heap: zero-window connections pipelining HEAD and GET
if hostile_start --http-request-timeout 3 --http-idle-timeout 3; then
    ok "unihost starts (plain HTTP) with a 3 s request timeout and a 3 s idle timeout"
    what="30 zero-window connections pipelining 1000 HEAD (and GET) requests each"
    hostile_heap_sampler start
    hostile_attack "non-readers" 40 nonreaders 30 1000 "$BIG" /favicon.svg
    peak=$(hostile_heap_sampler stop)
    total=${peak#*/}
    used=${peak%/*}
    echo "# $what: peak heap use $peak"
    if [ -n "$used" ] && [ -n "$total" ] && [ "$total" -gt 0 ] && [ $((used * 100)) -lt $((total * 75)) ]; then
        ok "$what: lwIP's heap stays below 75% of its size (peak $peak)"
    else
        notok "$what: lwIP's heap stays below 75% of its size" "peak ${peak:-unknown}"
    fi
    hostile_back_to_idle "$what, timed out by unihost (the attacker still answering window probes)" 10
    hostile_served "$what, afterwards" udp,tcp53,http,syn80
    hostile_alive "$what"
    hostile_release
    uh_stop
else
    notok "unihost starts with short timeouts" "see the log above"
fi

# ---- 5. pool eviction by one address; 7. lingering close
if hostile_start --tls-cert "$CERT" --tls-key "$KEY" --no-https-redirect \
        --http-request-timeout 10 --http-idle-timeout 10; then
    ok "unihost starts with HTTPS and plain HTTP, 10 s timeouts"
    hostile_attack "bare connections to 443 from one address" 30 evict-tls 40
    hostile_release
    hostile_after "40 bare connections to 443 from one address" udp,tcp53,http,https,syn443 5

    hostile_attack "one-byte requests on 80 from one address" 30 evict-plain 300
    hostile_release
    hostile_after "300 one-byte requests on 80 from one address" udp,tcp53,http,https,syn80 5

    hostile_attack "lingering close" 20 linger 1.0
    hostile_release
    hostile_after "a body larger than accepted, still being sent after the 413" udp,http,https 12
else
    notok "unihost starts with HTTPS" "see the log above"
fi
uh_finish
