#!/bin/sh
# Sets up, builds and runs unihost on a tap device serving the bundled site/
# and zones/. The tap lives in a network namespace this script creates
# ("unihost", documentation addresses), so the host's own network
# configuration is left alone; Ctrl-C stops unihost and removes the namespace.
# HTTPS is on, with the development certificate make generates
# (build/tls/dev-cert.pem), unless --tls-cert is among the arguments.
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

tls_flags="--tls-cert $top/build/tls/dev-cert.pem --tls-key $top/build/tls/dev-key.pem"
for arg in "$@"; do
    case $arg in --tls-cert|--tls-cert=*) tls_flags= ;; esac
done

cat <<MSG

unihost is starting in network namespace $NS on tap $TAP ($UNIHOST_GUEST4, $UNIHOST_GUEST6).
Reach it from another terminal with:
  sudo ip netns exec $NS dig @$UNIHOST_GUEST4 www.unihost.test A
  sudo ip netns exec $NS dig @$UNIHOST_GUEST6 unihost.test MX +tcp
  sudo ip netns exec $NS curl --cacert $top/build/tls/dev-cert.pem https://$UNIHOST_GUEST4/
  sudo ip netns exec $NS curl -g --cacert $top/build/tls/dev-cert.pem 'https://[$UNIHOST_GUEST6]/docs/'
  sudo ip netns exec $NS curl -I http://$UNIHOST_GUEST4/     # 301 to https://
Press Ctrl-C to stop it.

MSG
# shellcheck disable=SC2086
ip netns exec "$NS" "$top/build/unihost" --tap "$TAP" --ipv4 "$UNIHOST_GUEST4/24" \
    --ipv6 "$UNIHOST_GUEST6/64" $tls_flags "$@" &
pid=$!
# wait returns early when a signal arrives; keep waiting until unihost is gone.
status=0
while kill -0 "$pid" 2>/dev/null; do
    wait "$pid" || status=$?
done
exit "$status"
