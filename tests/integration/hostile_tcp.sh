#!/bin/sh
# Integration test: hostile TCP clients made of raw frames (lib/hostile.py
# over lib/rawpeer.py) against unihost's pools: receive buffers (pool
# pbufs) pinned by 1-byte segments, TCP control blocks taken by a spoofed
# SYN flood or by zero-window orphans, connection slots taken by idle
# keep-alive connections. During each attack normal clients from another
# address (dig over UDP and TCP, curl, fresh handshakes) must be served at
# once; afterwards unihost must still run, serve them, and come back to the
# idle level of its stats line (pools, heap, TCP states) once the attack's
# connections are gone (reset by the attacker, or timed out by unihost:
# short --http-request-timeout/--http-idle-timeout keep this quick).
UH_TEST=hostile_tcp
. "$(dirname "$0")/lib/uh.sh"
. "$UH_ROOT/tests/integration/lib/hostile.sh"

uh_require_root
uh_require_tools python3 dig curl timeout
uh_dev_cert
uh_setup "uh-htcp-$$" "uhhtcp$$"
HOSTILE_NAME=www.unihost.test
HOSTILE_CERT=$CERT
BIG=/docs/architecture      # the site's largest page (about 21 KB)

# ---- 2a. port 80 redirecting to HTTPS: heads that never complete, 1 byte a segment
if hostile_start --tls-cert "$CERT" --tls-key "$KEY" --http-request-timeout 4 --http-idle-timeout 5; then
    ok "unihost starts with HTTPS (port 80 redirecting), a 4 s request timeout and a 5 s idle timeout"
    hostile_attack "1-byte segments on the redirect port" 30 one-byte-redirect 6 210
    hostile_after "1260 one-byte segments on the redirect port" udp,tcp53,http,https,syn80 10
    hostile_release
    uh_stop
else
    notok "unihost starts with HTTPS" "see the log above"
fi

if ! hostile_start --http-request-timeout 3 --http-idle-timeout 3; then
    notok "unihost starts with a 3 s request timeout and a 3 s idle timeout" "see the log above"
    uh_finish
fi
ok "unihost starts (plain HTTP) with a 3 s request timeout and a 3 s idle timeout"

# ---- 2b. plain HTTP: 1-byte segments behind a response that cannot leave
hostile_attack "1-byte segments behind a waiting response" 30 one-byte-pipelined "$BIG" 14 1300
hostile_after "1300 one-byte segments behind a response to a zero-window client" udp,tcp53,http,syn80 8
hostile_release

# ---- 3a. SYN flood from spoofed addresses (then reset by the attacker)
cookies_before=$(uh_stat "$(uh_stats)" syn_cookies_accepted)
hostile_attack "SYN flood" 40 syn-flood 300 8
hostile_after "SYN flood of 2400 spoofed SYNs" udp,tcp53,http,syn80,syn53 5
hostile_release
hostile_attack "IPv6 SYN flood" 30 syn-flood6 300 5
hostile_after "IPv6 SYN flood of 1500 spoofed SYNs" udp,tcp53,http,syn80,syn53 5
hostile_release
# Past 64 half-open connections per port, the normal clients got in with
# SYN cookies (IPv4 and IPv6): the flood held nothing of theirs.
stats=$(uh_stats)
sent=$(uh_stat "$stats" syn_cookies_sent) accepted=$(uh_stat "$stats" syn_cookies_accepted)
if [ "${accepted:-0}" -gt "${cookies_before:-0}" ] && [ "${sent:-0}" -gt 1000 ]; then
    ok "during the SYN floods, SYN cookies answered $sent SYNs and made $((accepted - cookies_before)) connections for the normal clients"
else
    notok "SYN cookies during the floods" "sent '$sent', connections made from them '$accepted' (before: '$cookies_before')"
fi

# ---- 3b. zero-window orphans: more than the pcb pool, in waves past the idle timeout
hostile_attack "zero-window orphans" 60 orphans 3 200 "$BIG" 3
what="600 zero-window connections answering window probes, closed by unihost's idle timeout"
hostile_back_to_idle "$what (the attacker still answering probes)" 10
hostile_served "$what, afterwards" http,tcp53,syn80
hostile_alive "$what"
hostile_release

# ---- 3c. idle keep-alive connections, more than the connection slots
hostile_attack "idle keep-alive" 40 keepalive 300 3
hostile_after "300 idle keep-alive connections from 3 addresses" udp,tcp53,http,syn80 5
hostile_release

uh_finish
