#!/bin/sh
# Sets up, builds and runs unihost on a tap device serving the bundled site/
# and zones/. The tap lives in a network namespace this script creates
# ("unihost", documentation addresses), so the host's own network
# configuration is left alone; Ctrl-C stops unihost and removes the namespace.
# Needs root (it re-runs itself with sudo if needed).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
if [ "$(id -u)" -ne 0 ]; then
    exec sudo ${UNIHOST_NETNS:+UNIHOST_NETNS="$UNIHOST_NETNS"} "$0" "$@"
fi
cd "$top"
NS=${UNIHOST_NETNS:-unihost}
TAP=uh0

sh tools/deps.sh
if [ ! -f Makefile ] || [ Makefile.in -nt Makefile ] || [ configure -nt Makefile ]; then
    ./configure
fi
make -j"$(nproc)"

. "$top/tools/netns.sh"
netns_create "$NS" "$TAP"
pid=
cleanup() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    netns_delete "$NS"
    echo "run-tap: removed network namespace $NS"
}
trap cleanup EXIT
trap 'kill -TERM "$pid" 2>/dev/null || true' INT TERM

cat <<MSG

unihost is starting in network namespace $NS on tap $TAP ($UNIHOST_GUEST4, $UNIHOST_GUEST6).
Reach it from another terminal with:
  sudo ip netns exec $NS dig @$UNIHOST_GUEST4 www.unihost.test A
  sudo ip netns exec $NS dig @$UNIHOST_GUEST6 unihost.test MX +tcp
  sudo ip netns exec $NS curl http://$UNIHOST_GUEST4/
  sudo ip netns exec $NS curl -g 'http://[$UNIHOST_GUEST6]/docs/'
Press Ctrl-C to stop it.

MSG
ip netns exec "$NS" "$top/build/unihost" --tap "$TAP" --ipv4 "$UNIHOST_GUEST4/24" \
    --ipv6 "$UNIHOST_GUEST6/64" "$@" &
pid=$!
# wait returns early when a signal arrives; keep waiting until unihost is gone.
status=0
while kill -0 "$pid" 2>/dev/null; do
    wait "$pid" || status=$?
done
exit "$status"
