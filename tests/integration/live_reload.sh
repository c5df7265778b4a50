#!/bin/sh
# The development loop (tools/run-tap.sh --watch), end to end: unihost in
# the test's namespace serves a development blob (crunch --dev) of a copy
# of site/ and zones/ over HTTPS, tools/dev-watch.sh watches the copy, and
# headless Chromium has its quick start page open. Through the DevTools
# protocol (lib/cdp_live.py) the test saves a change to the page's Markdown
# and reads the page's text: the change must show with no browser action;
# then a broken link, which must show the error page with crunch's
# FILE:LINE (and the watcher's terminal too); then the fix, which must
# bring the page back. Last, a production blob swapped in has no event
# stream (404) and no script in its pages. No timed assertion: waits are
# bounded, not measured (bench/live_reload.sh measures).
UH_TEST=live_reload
. "$(dirname "$0")/lib/uh.sh"
. "$UH_ROOT/tests/integration/lib/chromium.sh"

uh_require_root
uh_require_tools chromium python3 inotifywait openssl base64 curl timeout
uh_dev_cert
SPKI=$(openssl x509 -in "$CERT" -noout -pubkey | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)
DEVTOOLS_PORT=9222      # on the namespace's own loopback

uh_setup "uh-live-$$" "uhlv$$"
SRC=$UH_TMP/src
BLOB=$UH_TMP/dev.blob
mkdir -p "$SRC"
cp -R site zones "$SRC/"
"$CRUNCH" --quiet --dev --site "$SRC/site" --zones "$SRC/zones" -o "$BLOB" 2> "$UH_TMP/crunch.err" ||
    { notok "crunch --dev of the bundled site" "$(cat "$UH_TMP/crunch.err")"; exit 1; }
if uh_start --blob "$BLOB" --tls-cert "$CERT" --tls-key "$KEY" --no-https-redirect; then
    ok "unihost serves the development blob"
else
    notok "unihost serves the development blob" "see the log above"; exit 1
fi

WATCH_PID=
trap 'chrome_stop; uh_stop_pid "$WATCH_PID"; uh_cleanup' EXIT

bash tools/dev-watch.sh "$UH_PID" "$SRC/site" "$SRC/zones" "$BLOB" > "$UH_TMP/watch.log" 2>&1 &
WATCH_PID=$!
i=0
while ! grep -q '^dev-watch: watching' "$UH_TMP/watch.log" && [ "$i" -lt 100 ] && uh_alive "$WATCH_PID"; do
    i=$((i + 1))
    sleep 0.1
done
check "the watcher watches the copy of site/ and zones/" "$(tr '\n' ' ' < "$UH_TMP/watch.log")" \
    grep -q '^dev-watch: watching' "$UH_TMP/watch.log"

# the development certificate trusted by its key (SPKI), as a developer's
# browser would be told to
chrome_start "$UH_NS" "$DEVTOOLS_PORT" "$UH_TMP/profile" --ignore-certificate-errors-spki-list="$SPKI"

nsx timeout 100 python3 tests/integration/lib/cdp_live.py test "$DEVTOOLS_PORT" \
    "https://$UNIHOST_GUEST4/quickstart" "$SRC/site/quickstart.md" "$SRC/site/quickstart.md" \
    > "$UH_TMP/live.out" 2>&1
chrome_report "$UH_TMP/live.out" $? "" "DevTools session" ||
    { echo "# the watcher's output:"; diag < "$UH_TMP/watch.log"; }
check "the watcher's terminal shows crunch's FILE:LINE for the broken link" "$(tr '\n' ' ' < "$UH_TMP/watch.log")" \
    grep -q "^$SRC/site/quickstart.md:[0-9][0-9]*: link to /no-such-page-" "$UH_TMP/watch.log"
check "unihost swapped each build in (SIGHUP), none refused" "$(grep -i swap "$UH_LOG" | tail -n 5 | tr '\n' ' ')" \
    test "$(grep -ci 'refus' "$UH_LOG")" -eq 0
chrome_stop
uh_stop_pid "$WATCH_PID"
WATCH_PID=

# ---- a production blob: no event stream, no script ---------------------------
"$CRUNCH" --quiet --site "$SRC/site" --zones "$SRC/zones" -o "$BLOB" 2> "$UH_TMP/crunch.err"
kill -HUP "$UH_PID"
i=0
while ! nsx curl -s --max-time 5 --cacert "$CERT" "https://$UNIHOST_GUEST4/quickstart" -o "$UH_TMP/page.html" ||
    grep -q '<script src="/.unihost/live.js"' "$UH_TMP/page.html"; do
    i=$((i + 1))
    [ "$i" -gt 50 ] && break
    sleep 0.1
done
check "a production blob's pages load no live-reload script" "the page still names it" \
    test -s "$UH_TMP/page.html" -a "$(grep -c '<script src="/.unihost/' "$UH_TMP/page.html")" -eq 0
code=$(nsx curl -s --max-time 5 --cacert "$CERT" -o /dev/null -w '%{http_code}' "https://$UNIHOST_GUEST4/.unihost/live")
check "a production blob has no event stream: $UNIHOST_GUEST4/.unihost/live is 404" "got $code" test "$code" = 404
code=$(nsx curl -s --max-time 5 --cacert "$CERT" -o /dev/null -w '%{http_code}' "https://$UNIHOST_GUEST4/.unihost/live.js")
check "... nor the script: /.unihost/live.js is 404" "got $code" test "$code" = 404

check "unihost is still running" "it exited: $(tail -n 3 "$UH_LOG" | tr '\n' ' ')" uh_alive "$UH_PID"
uh_finish
