#!/bin/sh
# Sets up, builds and runs unihost on a tap device serving the bundled site/
# and zones/. The tap lives in a network namespace this script creates
# ("unihost", documentation addresses), so the host's own network
# configuration is left alone; Ctrl-C stops unihost and removes the namespace.
# HTTPS is on, with the development certificate make generates
# (build/tls/dev-cert.pem), unless --tls-cert is among the arguments.
# With --watch (make serve), the development loop: unihost serves
# build/dev.blob (crunch --dev), and tools/dev-watch.sh crunches again at
# each change under site/ or zones/ and swaps the blob in (SIGHUP); open
# pages reload themselves, and a crunch error shows as FILE:LINE here and
# as an error page in the browser until it is fixed.
# Other arguments go to unihost. Needs root (it re-runs itself with sudo if needed).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
if [ "$(id -u)" -ne 0 ]; then
    exec sudo ${UNIHOST_NETNS:+UNIHOST_NETNS="$UNIHOST_NETNS"} "$0" "$@"
fi
cd "$top"
watch=0
for arg in "$@"; do
    shift
    if [ "$arg" = --watch ]; then watch=1; else set -- "$@" "$arg"; fi
done
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
watcher=
cleanup() {
    if [ -n "$watcher" ] && kill -0 "$watcher" 2>/dev/null; then
        kill -TERM "$watcher" 2>/dev/null || true
        wait "$watcher" 2>/dev/null || true
    fi
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

blob_flags=
if [ "$watch" = 1 ]; then
    # A first build; with errors it is the error page, and the loop goes on.
    build/crunch --dev --quiet --site site --zones zones -o build/dev.blob || true
    blob_flags="--blob $top/build/dev.blob"
fi

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
if [ "$watch" = 1 ]; then
    cat <<MSG
Development loop: editing site/ or zones/ rebuilds build/dev.blob and swaps it
in; pages open in a browser reload themselves. A browser in the namespace:
  sudo ip netns exec $NS chromium --no-sandbox --user-data-dir=/tmp/uh-chromium \\
      --ignore-certificate-errors-spki-list=\$(openssl x509 -in $top/build/tls/dev-cert.pem -noout -pubkey | \\
      openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64) https://$UNIHOST_GUEST4/

MSG
fi
# shellcheck disable=SC2086
ip netns exec "$NS" "$top/build/unihost" --tap "$TAP" --ipv4 "$UNIHOST_GUEST4/24" \
    --ipv6 "$UNIHOST_GUEST6/64" $tls_flags $blob_flags "$@" &
pid=$!
if [ "$watch" = 1 ]; then
    bash tools/dev-watch.sh "$pid" site zones build/dev.blob &
    watcher=$!
fi
# wait returns early when a signal arrives; keep waiting until unihost is gone.
status=0
while kill -0 "$pid" 2>/dev/null; do
    wait "$pid" || status=$?
done
exit "$status"
