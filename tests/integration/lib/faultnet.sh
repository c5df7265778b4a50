# The network of the fault tests (sourced after lib/uh.sh, not run): unihost
# and its client in two network namespaces whose only path to each other is
# build/tests/faultlink, the user-space lossy link.
#
#   server namespace ($UH_NS)                 client namespace ($FN_CLIENT_NS)
#   unihost -- tap $UH_TAP --+                  tap cl: 192.0.2.1/24, 2001:db8::1/64
#                            bridge br0                 |
#              tap relay ----+                          |
#                 |                                     |
#                 +------------ faultlink --------------+
#                          (A = relay, B = cl)
#
# unihost's tap carries its offloads (a virtio-net header, 64 KiB segments);
# the bridge hands them to relay, which faultlink opens without a header, so
# the kernel segments and checksums every frame before faultlink sees it.
# The server namespace's kernel has no address and IPv6 off: it only
# bridges, and adds no frames of its own to the link.
#
#   faultnet_setup            -- $UH_TMP, cleanup trap, both namespaces
#   faultlink_start [opts]    -- start the link (FL_PID, log $FL_LOG); ab is server to client
#   faultlink_stop            -- SIGTERM it, wait (bounded); its counters are in $FL_LOG
#   faultlink_counter DIR KEY -- a counter of the last report in $FL_LOG
#   clx COMMAND...            -- run a command in the client namespace
#   FN_BG                     -- PIDs of client commands run in the background,
#                                ended (with their children) on exit
# Every namespace and process started here is removed on exit, by name and
# PID, including on failures and signals.

FAULTLINK=${FAULTLINK:-$BUILD/tests/faultlink}
FN_CLIENT_NS=
FL_PID=
FL_LOG=
FL_RUN=0
FN_BG=

clx() { ip netns exec "$FN_CLIENT_NS" "$@"; }

# Ends what is left of $FN_BG: a shell function run with & is a subshell
# whose client command is its child, so the children go first.
faultnet_kill_bg() {
    for _p in $FN_BG; do
        uh_alive "$_p" || continue
        for _c in $(ps -o pid= --ppid "$_p" 2>/dev/null); do kill -TERM "$_c" 2>/dev/null; done
        kill -TERM "$_p" 2>/dev/null
    done
    FN_BG=
}

faultnet_cleanup() {
    faultnet_kill_bg
    faultlink_stop
    uh_cleanup      # unihost, the server namespace, $UH_TMP
    [ -n "$FN_CLIENT_NS" ] && netns_delete "$FN_CLIENT_NS"
    FN_CLIENT_NS=
}

# faultnet_setup: namespaces uh-fault-PID (server) and uh-faultc-PID (client).
faultnet_setup() {
    UH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/uh-it.XXXXXX") || exit 1
    trap 'faultnet_cleanup' EXIT
    trap 'exit 1' INT TERM HUP
    _err=$UH_TMP/netns.err
    for _ns in "uh-fault-$$" "uh-faultc-$$"; do
        if ip netns list | awk '{print $1}' | grep -qx "$_ns"; then
            notok "network namespaces" "$_ns already exists"
            exit 1
        fi
    done
    # Claimed before they exist, so that a failure half-way still removes them.
    UH_NS=uh-fault-$$ UH_TAP=uhflt$$ FN_CLIENT_NS=uh-faultc-$$
    {
        ip netns add "$UH_NS" &&
        nsx sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 &&
        nsx ip link set lo up &&
        nsx ip tuntap add dev "$UH_TAP" mode tap &&
        nsx ip tuntap add dev relay mode tap &&
        nsx ip link add br0 type bridge forward_delay 0 stp_state 0 mcast_snooping 0 &&
        nsx ip link set "$UH_TAP" master br0 &&
        nsx ip link set relay master br0 &&
        nsx ip link set "$UH_TAP" up &&
        nsx ip link set relay up &&
        nsx ip link set br0 up &&
        ip netns add "$FN_CLIENT_NS" &&
        clx ip link set lo up &&
        clx ip tuntap add dev cl mode tap &&
        clx ip addr add "$UNIHOST_HOST4/24" dev cl &&
        clx ip -6 addr add "$UNIHOST_HOST6/64" dev cl nodad &&
        clx ip link set cl up
    } > "$_err" 2>&1 || {
        notok "network namespaces" "could not set them up: $(tr '\n' ' ' < "$_err")"
        exit 1
    }
}

# faultlink_start [options]: start the link between relay and cl with the
# given fault options; wait (at most 5 s) for it to say it is ready.
faultlink_start() {
    FL_RUN=$((FL_RUN + 1))
    FL_LOG=$UH_TMP/faultlink.$FL_RUN.log
    : > "$FL_LOG"
    "$FAULTLINK" "$@" "$UH_NS/relay" "$FN_CLIENT_NS/cl" > "$FL_LOG" 2>&1 &
    FL_PID=$!
    _i=0
    while ! grep -q '^faultlink: ready' "$FL_LOG"; do
        if ! uh_alive "$FL_PID" || [ "$_i" -ge 50 ]; then
            echo "# faultlink did not become ready; its log:"
            diag < "$FL_LOG"
            return 1
        fi
        _i=$((_i + 1))
        sleep 0.1
    done
}

faultlink_stop() {
    [ -n "$FL_PID" ] || return 0
    kill -TERM "$FL_PID" 2>/dev/null
    uh_wait_exit "$FL_PID" 30 || { kill -KILL "$FL_PID" 2>/dev/null; wait "$FL_PID" 2>/dev/null; }
    FL_PID=
}

# faultlink_counter DIR KEY: KEY's value in the last counters line for
# direction DIR (ab or ba) in $FL_LOG ("" if none).
faultlink_counter() {
    grep "^faultlink: $1 received=" "$FL_LOG" | tail -n 1 | tr ' ' '\n' | sed -n "s/^$2=//p"
}
