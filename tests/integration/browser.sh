#!/bin/sh
# Real-browser test: headless Chromium, inside the test's network namespace,
# loads unihost's home page and every page it links to, through the
# DevTools protocol (tests/integration/lib/cdp_crawl.py): each page must be
# 200 and no sub-resource may fail (Network.loadingFailed) or answer >= 400.
# Among them, the changelog must have rendered tables (GFM) and a table of
# contents (crunch's {{toc}}, links to its heading anchors).
# All of it twice, over http:// and https:// (TLS 1.3; one unihost with the
# development certificate from build/tls/ and --no-https-redirect, so each
# scheme is served as such). Chromium trusts exactly that certificate, by
# the SHA-256 of its public key (--ignore-certificate-errors-spki-list), not
# any certificate. A screenshot of the home page is kept per scheme:
# build/artifacts/browser-home.png and build/artifacts/browser-home-https.png.
UH_TEST=browser
. "$(dirname "$0")/lib/uh.sh"
. "$UH_ROOT/tests/integration/lib/chromium.sh"

uh_require_root
for tool in chromium python3 timeout openssl base64; do
    command -v "$tool" > /dev/null || { notok "tools" "$tool is not installed (tools/deps.sh installs it)"; exit 1; }
done

CERT=$BUILD/tls/dev-cert.pem KEY=$BUILD/tls/dev-key.pem
[ -f "$CERT" ] && [ -f "$KEY" ] || { notok "dev certificate" "$CERT or $KEY is missing (make builds them)"; exit 1; }
SPKI=$(openssl x509 -in "$CERT" -noout -pubkey | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)
ARTIFACTS=${ARTIFACTS:-$BUILD/artifacts}
DEVTOOLS_PORT=9222      # on the namespace's own loopback: no clash with other runs
mkdir -p "$ARTIFACTS"

uh_setup "uh-browser-$$" "uhbr$$"
if uh_start --tls-cert "$CERT" --tls-key "$KEY" --no-https-redirect; then
    ok "unihost starts with the development certificate and is ready"
else
    notok "unihost starts and is ready" "see the log above"; exit 1
fi

CHROME_FLAGS="$CHROME_FLAGS --ignore-certificate-errors-spki-list=$SPKI"
trap 'chrome_stop; uh_cleanup' EXIT

# ---- every page linked from the home page, sub-resources checked by DevTools,
# then a screenshot of the home page, kept as an artifact
# run_scheme SCHEME: the crawl, its self-check and the screenshot over SCHEME.
run_scheme() {
    SCHEME=$1
    BASE=$SCHEME://$UNIHOST_GUEST4/
    chrome_start "$UH_NS" "$DEVTOOLS_PORT" "$UH_TMP/profile-$SCHEME"
    chrome_crawl "$UH_NS" "$DEVTOOLS_PORT" "$BASE" "$SCHEME" "$UH_TMP/crawl.out"
    check "$SCHEME: a page with tables and a table of contents loaded, sub-resources all there" \
        "$(grep "changelog" "$UH_TMP/crawl.out" | head -n 1)" \
        grep -q "^ok - load ${BASE}changelog: 200, .*none failed; [1-9][0-9]* tables; a table of contents" "$UH_TMP/crawl.out"
    # The crawler must see a failing sub-resource: a page whose stylesheet is
    # missing on the server has to be reported with its URL (Chromium reports
    # it as a failed load: ORB blocks the HTML 404 body for a stylesheet).
    probe="data:text/html,<link rel=stylesheet href=\"${BASE}no-such-$$.css\"><p>probe"
    nsx timeout 60 python3 tests/integration/lib/cdp_crawl.py "$DEVTOOLS_PORT" "$probe" 20 > "$UH_TMP/probe.out" 2>&1
    check "$SCHEME: the crawler reports a missing sub-resource (self-check)" "$(grep -v '^#' "$UH_TMP/probe.out" | tr '\n' ' ')" \
        grep -q "^not ok - .*failed: .*no-such-$$.css: " "$UH_TMP/probe.out"
    chrome_stop

    if [ "$SCHEME" = https ]; then shot=$ARTIFACTS/browser-home-https.png; else shot=$ARTIFACTS/browser-home.png; fi
    chrome_screenshot "$UH_NS" "$shot" "$BASE" "$SCHEME"

}
run_scheme http
run_scheme https
# Chromium offers TLS 1.3 (with a post-quantum hybrid share unihost skips
# for its X25519 one): every HTTPS handshake it made must be TLS 1.3.
check "https: Chromium's handshakes were all TLS 1.3" \
    "$(grep -c 'https: .*: TLS 1.3 ' "$UH_LOG") TLS 1.3, $(grep -c 'https: .*: TLS 1.2 ' "$UH_LOG") TLS 1.2" \
    sh -c "grep -q 'https: .*: TLS 1.3 TLS_' '$UH_LOG' && ! grep -q 'https: .*: TLS 1.2 ' '$UH_LOG'"

check "unihost is still running" "it exited: $(tail -n 3 "$UH_LOG" | tr '\n' ' ')" uh_alive "$UH_PID"
uh_finish
