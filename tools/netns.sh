# Shared by tools/run-tap.sh and the integration tests (sourced, not run):
# a network namespace holding a tap device whose kernel side has documentation
# addresses, so unihost can be reached without touching the host's own
# network configuration.
#   netns_create NS TAP   -- create NS, TAP inside it, 192.0.2.1/24 and 2001:db8::1/64
#   netns_delete NS       -- remove NS (and with it the tap)

UNIHOST_HOST4=192.0.2.1
UNIHOST_GUEST4=192.0.2.2
UNIHOST_HOST6=2001:db8::1
UNIHOST_GUEST6=2001:db8::2

netns_create() {
    _ns=$1 _tap=$2
    if ip netns list | awk '{print $1}' | grep -qx "$_ns"; then
        echo "network namespace $_ns already exists (remove it with: ip netns del $_ns)" >&2
        return 1
    fi
    ip netns add "$_ns" || return 1
    ip netns exec "$_ns" ip link set lo up &&
    ip netns exec "$_ns" ip tuntap add dev "$_tap" mode tap &&
    ip netns exec "$_ns" ip addr add "$UNIHOST_HOST4/24" dev "$_tap" &&
    ip netns exec "$_ns" ip -6 addr add "$UNIHOST_HOST6/64" dev "$_tap" nodad &&
    ip netns exec "$_ns" ip link set "$_tap" up || { ip netns del "$_ns"; return 1; }
}

netns_delete() {
    ip netns del "$1" 2>/dev/null || true
}
