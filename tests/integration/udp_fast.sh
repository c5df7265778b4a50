#!/bin/sh
# Integration test: the UDP fast path (src/net/udp_fast.c), which answers a
# plain IPv4 DNS query below lwIP, against clients made of raw frames
# (lib/udpfast.py over lib/rawpeer.py). unihost runs with a router
# (--ipv4-gateway 192.0.2.99, played by the raw peer). Which path answered
# a query is told by the IP identification of the answers (see
# lib/udpfast.py), and each answer frame is captured and checked as lwIP
# would send it: unihost's MAC to the next hop's (the client's on the link,
# the router's beyond it), TTL 255, DF clear, IP and UDP checksums right,
# from port 53.
#  1. dig from the kernel: answered by the fast path, the frame right; the
#     same message with IP options and as two fragments goes through lwIP:
#     the same DNS payload, the same frame but for the IP identification;
#  2. 3. bad UDP or IP checksum: no answer, the next query answered; no UDP
#     checksum, a checksum of 0xFFFF, an odd length: answered;
#  4. UDP length over or under the IP payload, or 0: left to lwIP, which
#     reads the IP length (so: answered, or FORMERR for trailing bytes);
#  5. truncated frames (IP length past the frame, cut headers): nothing;
#     Ethernet padding after the datagram: answered, ignored;
#  6. to our MAC but another address: nothing;
#  7. a client beyond the router: lwIP resolves the router first, then the
#     fast path answers to the router's MAC (also for a far client that put
#     itself in the ARP cache);
#  8. sources 255.255.255.255, the subnet's broadcast, multicast, 0.0.0.0:
#     nothing, though the router is in the ARP cache;
#  9. a flood of mixed frames, bounded in count and time: only what deserves
#     an answer is answered; afterwards dig is served and the stats line is
#     back at its idle level;
# 10. a client not in the ARP cache: its first query answered through lwIP
#     (an ARP request seen), the next by the fast path;
# 11. IPv6 queries (through lwIP) answered.
UH_TEST=udp_fast
. "$(dirname "$0")/lib/uh.sh"
. "$UH_ROOT/tests/integration/lib/hostile.sh"
. "$UH_ROOT/tests/integration/lib/dnsq.sh"

uh_require_root
uh_require_tools python3 dig timeout
uh_setup "uh-ufast-$$" "uhufast$$"
HOSTILE_NAME=www.unihost.test
UDPFAST_GW=192.0.2.99
FLOOD_FRAMES=20000
FLOOD_SECONDS=5
export UDPFAST_GW

# The bundled site and zones, with response-rate limiting off: the flood
# below measures the fast path under load, and at NSD's default rate the
# limiter would (rightly) hold back most of its answers to one /24.
# tests/integration/dns_rrl.sh tests the limiter.
mkdir -p "$UH_TMP/zones"
cp "$UH_ROOT"/zones/*.zone "$UH_TMP/zones/"
printf 'server:\n    rrl-ratelimit: 0\n' > "$UH_TMP/zones/dns.conf"
if ! "$CRUNCH" --quiet --site "$UH_ROOT/site" --zones "$UH_TMP/zones" -o "$UH_TMP/udpfast.blob"; then
    notok "blob" "crunch could not build the bundled content with rate limiting off"
    exit 1
fi

if hostile_start --blob "$UH_TMP/udpfast.blob" --ipv4-gateway "$UDPFAST_GW"; then
    ok "unihost starts with --ipv4-gateway $UDPFAST_GW"
else
    notok "unihost starts with --ipv4-gateway $UDPFAST_GW" "see the log above"
    exit 1
fi

# udpfast SECS ARGS...: one lib/udpfast.py run, its lines printed.
udpfast() {
    _secs=$1
    shift
    hostile_env
    HOSTILE_LIMIT=$_secs
    export HOSTILE_LIMIT
    nsx timeout $((_secs + 10)) python3 "$UH_ROOT/tests/integration/lib/udpfast.py" "$@" \
        > "$UH_TMP/udpfast.out" 2>&1 < /dev/null
    _st=$?
    cat "$UH_TMP/udpfast.out"
    grep -q '^not ok - ' "$UH_TMP/udpfast.out" && UH_FAILED=1
    if [ "$_st" -ne 0 ] && ! grep -q '^not ok - ' "$UH_TMP/udpfast.out"; then
        notok "udpfast.py $1" "exited with status $_st (124: timed out)"
    fi
}

# ---- 1-8, 10: each case, answered or not, and by which path
udpfast 30 cases
hostile_alive "after the hostile queries"

# ---- 9: the flood, with the stats line sampled meanwhile
hostile_heap_sampler start
udpfast $((FLOOD_SECONDS + 15)) flood "$FLOOD_FRAMES" "$FLOOD_SECONDS"
PEAKS=$(hostile_heap_sampler stop "pbuf_pool heap")
POOL=${PEAKS%% *} HEAP=${PEAKS#* }
echo "# during the flood: peak pbuf_pool=$POOL heap=$HEAP"
if [ -n "$POOL" ] && [ "${POOL%/*}" -lt "${POOL#*/}" ] && [ "${HEAP%/*}" -lt $((${HEAP#*/} * 3 / 4)) ]; then
    ok "during the flood: no pool exhausted (peak pbuf_pool=$POOL, heap=$HEAP)"
else
    notok "during the flood: no pool exhausted" "peak pbuf_pool=$POOL, heap=$HEAP (no stats line: '$PEAKS'?)"
fi
hostile_after "flood of $FLOOD_FRAMES mixed frames" udp,tcp53 5

# ---- 11: IPv6 (through lwIP), and IPv4 from the kernel once more
for fam in 6 4; do
    if dq "$UH_TMP/dig$fam" dig "$fam" udp "$HOSTILE_NAME" A; then
        why=$(expect_header "$UH_TMP/dig$fam" NOERROR aa)
        [ -n "$(section "$UH_TMP/dig$fam" ANSWER)" ] || why="${why}no answer record; "
        check "dig over IPv$fam/UDP is answered" "$why" [ -z "$why" ]
    else
        notok "dig over IPv$fam/UDP is answered" "$(tail -n 3 "$UH_TMP/dig$fam" | oneline)"
    fi
done

hostile_alive "at the end"
uh_finish
