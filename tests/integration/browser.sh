#!/bin/sh
# Real-browser test: headless Chromium, inside the test's network namespace,
# loads unihost's home page and every page it links to, through the
# DevTools protocol (tests/integration/lib/cdp_crawl.py): each page must be
# 200 and no sub-resource may fail (Network.loadingFailed) or answer >= 400.
# A screenshot of the home page is kept as build/artifacts/browser-home.png.
#
# HTTPS: BROWSER_SCHEME=https runs the same test over https:// (Chromium
# then ignores certificate errors: the development certificate is
# self-signed), with BROWSER_UNIHOST_FLAGS passed to unihost (for example
# "--tls-cert FILE --tls-key FILE" once unihost has them).
UH_TEST=browser
. "$(dirname "$0")/lib/uh.sh"

uh_require_root
for tool in chromium python3 timeout; do
    command -v "$tool" > /dev/null || { notok "tools" "$tool is not installed (tools/deps.sh installs it)"; exit 1; }
done

SCHEME=${BROWSER_SCHEME:-http}
ARTIFACTS=${ARTIFACTS:-$BUILD/artifacts}
DEVTOOLS_PORT=9222      # on the namespace's own loopback: no clash with other runs
mkdir -p "$ARTIFACTS"

uh_setup "uh-browser-$$" "uhbr$$"
# shellcheck disable=SC2086
if uh_start ${BROWSER_UNIHOST_FLAGS:-}; then ok "unihost starts and is ready"; else notok "unihost starts and is ready" "see the log above"; exit 1; fi

BASE=$SCHEME://$UNIHOST_GUEST4/
CHROME_FLAGS="--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update
--disable-sync --no-first-run --disable-dev-shm-usage --no-default-browser-check"
[ "$SCHEME" = https ] && CHROME_FLAGS="$CHROME_FLAGS --ignore-certificate-errors"

# ---- every page linked from the home page, sub-resources checked by DevTools
CHROME_PID=
stop_chrome() {
    if [ -n "$CHROME_PID" ] && uh_alive "$CHROME_PID"; then
        kill -TERM "$CHROME_PID" 2>/dev/null
        uh_wait_exit "$CHROME_PID" 50 || { kill -KILL "$CHROME_PID" 2>/dev/null; wait "$CHROME_PID" 2>/dev/null; }
    fi
    CHROME_PID=
}
trap 'stop_chrome; uh_cleanup' EXIT

mkdir -p "$UH_TMP/profile"
# shellcheck disable=SC2086
ip netns exec "$UH_NS" timeout 180 chromium $CHROME_FLAGS --user-data-dir="$UH_TMP/profile" \
    --remote-debugging-address=127.0.0.1 --remote-debugging-port=$DEVTOOLS_PORT about:blank \
    > "$UH_TMP/chrome.log" 2>&1 &
CHROME_PID=$!
nsx timeout 150 python3 tests/integration/lib/cdp_crawl.py "$DEVTOOLS_PORT" "$BASE" 20 > "$UH_TMP/crawl.out" 2>&1
crawl_status=$?
sed -n 's/^\(ok\|not ok\) - \(.*\)$/\1 - browser: \2/p; /^#/p' "$UH_TMP/crawl.out"
grep -vE '^(ok|not ok) - |^#' "$UH_TMP/crawl.out" | diag
if [ "$crawl_status" -ne 0 ]; then
    grep -q '^not ok' "$UH_TMP/crawl.out" || notok "DevTools crawl" "exited with status $crawl_status"
    UH_FAILED=1
    echo "# chromium's log (last lines):"
    tail -n 15 "$UH_TMP/chrome.log" | diag
fi
# The crawler must see a failing sub-resource: a page whose stylesheet is
# missing on the server has to be reported with its URL (Chromium reports
# it as a failed load: ORB blocks the HTML 404 body for a stylesheet).
probe="data:text/html,<link rel=stylesheet href=\"${BASE}no-such-$$.css\"><p>probe"
nsx timeout 60 python3 tests/integration/lib/cdp_crawl.py "$DEVTOOLS_PORT" "$probe" 20 > "$UH_TMP/probe.out" 2>&1
check "the crawler reports a missing sub-resource (self-check)" "$(grep -v '^#' "$UH_TMP/probe.out" | tr '\n' ' ')" \
    grep -q "^not ok - .*failed: .*no-such-$$.css: " "$UH_TMP/probe.out"
stop_chrome

# ---- a screenshot of the home page, kept as an artifact
shot=$ARTIFACTS/browser-home${SCHEME#http}.png
rm -f "$shot"
mkdir -p "$UH_TMP/profile2"
# shellcheck disable=SC2086
nsx timeout 60 chromium $CHROME_FLAGS --user-data-dir="$UH_TMP/profile2" --window-size=1280,900 \
    --screenshot="$shot" "$BASE" > "$UH_TMP/shot.log" 2>&1
# A PNG of the window's size, and not a blank one: a rendered page compresses
# far less than a single-colour 1280x900 image (a few kB).
size=$(wc -c < "$shot" 2>/dev/null || echo 0)
dims=$(python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(24); print("%dx%d" % struct.unpack(">II", d[16:24]) if d[:8] == b"\x89PNG\r\n\x1a\n" else "none")' "$shot" 2>/dev/null)
if [ "$dims" = 1280x900 ] && [ "$size" -gt 20000 ]; then
    ok "screenshot of $BASE: $shot ($dims, $size bytes)"
else
    notok "screenshot of $BASE" "got '$dims', $size bytes"
    tail -n 10 "$UH_TMP/shot.log" | diag
fi

check "unihost is still running" "it exited: $(tail -n 3 "$UH_LOG" | tr '\n' ' ')" uh_alive "$UH_PID"
uh_finish
