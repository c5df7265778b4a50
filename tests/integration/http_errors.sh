#!/bin/sh
# Integration test: how unihost's HTTP service takes requests it must not
# take as they are, over real sockets in a network namespace: an Upgrade
# (curl --http2 over plain HTTP) answered as HTTP/1.1 with the connection
# going on; requests RFC 9112 has refused (two Host lines, a malformed
# request line, an unknown method, another HTTP version, obs-fold); the
# plain-HTTP redirect to HTTPS refusing the same; and --blob FILE serving
# the bytes it checked at start-up while the file is rewritten and
# truncated under it.
UH_TEST=http_errors
. "$(dirname "$0")/lib/uh.sh"

uh_require_root
uh_require_tools curl python3 cmp dd truncate
uh_dev_cert

uh_setup "uh-herr-$$" "uhherr$$"
uh_fixture_blob || { notok "fixture blob" "could not build it"; exit 1; }

# The blob is served from a copy that the test then overwrites.
LIVE=$UH_TMP/live.blob
cp "$BLOB" "$LIVE"
if uh_start --blob "$LIVE"; then ok "unihost starts with --blob on a copy of the fixture blob"
else notok "unihost starts with --blob" "see the log above"; exit 1; fi

BASE=http://$UNIHOST_GUEST4
# fetch URL FILE: the body into FILE; prints the status (000 if none)
fetch() {
    rm -f "$2"
    nsx curl -sS -m 5 -o "$2" -w '%{http_code}' "$1" < /dev/null 2>> "$UH_TMP/curl.err"
    [ -e "$2" ] || : > "$2"
}
# rawpy [PORT [TIMEOUT]]: rawhttp.py to unihost, the request bytes on standard input
rawpy() { nsx python3 tests/integration/lib/rawhttp.py "$UNIHOST_GUEST4" "${1:-80}" "${2:-3}"; }
# responses FILE: rawhttp.py's lines as "STATUS|STATUS|...|closed"
responses() { awk -F '\t' 'NF > 1 {printf "%s|", $1} NF == 1 {printf "%s", $1}' "$1"; }

# ---- Upgrade: h2c is not taken up; the request is answered as HTTP/1.1
# and the same connection serves the next one (curl reuses it).
out=$(nsx curl -sS -m 5 --http2 -o /dev/null -w '%{http_code} %{http_version} %{num_connects}\n' \
    "$BASE/docs/page" -o /dev/null "$BASE/css/style.css" < /dev/null 2> "$UH_TMP/curl.err" | tr '\n' ' ')
check "curl --http2 over plain HTTP: 200 as HTTP/1.1, then a second 200 on the same connection" \
    "got '$out' ($(cat "$UH_TMP/curl.err")); want '200 1.1 1 200 1.1 0 '" [ "$out" = "200 1.1 1 200 1.1 0 " ]
nsx curl -sS -m 5 -v --http2 -o /dev/null "$BASE/" < /dev/null > /dev/null 2> "$UH_TMP/curl.v"
check "curl --http2 really offered the upgrade (Upgrade: h2c sent)" "curl -v: $(grep -i upgrade "$UH_TMP/curl.v" | tr '\r\n' '  ')" \
    grep -qi '^> Upgrade: h2c' "$UH_TMP/curl.v"
# the same in one write: a websocket-style Upgrade, then two more requests
printf 'GET /docs/ HTTP/1.1\r\nHost: p\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nGET /no-such-page HTTP/1.1\r\nHost: p\r\n\r\nGET / HTTP/1.1\r\nHost: p\r\nConnection: close\r\n\r\n' |
    rawpy > "$UH_TMP/up"
check "Upgrade: websocket then two pipelined requests in one write: 200, 404, 200, close" \
    "got $(responses "$UH_TMP/up")" [ "$(responses "$UH_TMP/up")" = "200|404|200|closed" ]

# ---- request errors: each answered with its status, then (but for 405)
# the connection closed. expect NAME WANT REQUEST-PRINTF-FORMAT
expect() {
    printf "$3" | rawpy > "$UH_TMP/err"
    check "$1" "got $(responses "$UH_TMP/err"), want $2" [ "$(responses "$UH_TMP/err")" = "$2" ]
}
expect "two Host lines with different values: 400, then close" "400|closed" \
    'GET / HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\n\r\n'
expect "two equal Host lines: 400 as well" "400|closed" 'GET / HTTP/1.1\r\nHost: a.test\r\nHost: a.test\r\n\r\n'
expect "a Host with a slash: 400" "400|closed" 'GET / HTTP/1.1\r\nHost: a.test/x\r\n\r\n'
expect "text after the HTTP version: 400, not 505" "400|closed" 'GET / HTTP/1.1 extra\r\nHost: p\r\n\r\n'
expect "two spaces in the request line: 400" "400|closed" 'GET  / HTTP/1.1\r\nHost: p\r\n\r\n'
expect "HTTP/2.0 in a request line: 505" "505|closed" 'GET / HTTP/2.0\r\nHost: p\r\n\r\n'
expect "HTTP/3.0: 505" "505|closed" 'GET / HTTP/3.0\r\nHost: p\r\n\r\n'
expect "an unknown method (BREW): 501" "501|closed" 'BREW /pot HTTP/1.1\r\nHost: p\r\n\r\n'
expect "a method that is no token: 400" "400|closed" 'GE@T / HTTP/1.1\r\nHost: p\r\n\r\n'
expect "a known method not allowed (DELETE): 405, the connection stays" "405|200|closed" \
    'DELETE / HTTP/1.1\r\nHost: p\r\n\r\nGET / HTTP/1.1\r\nHost: p\r\nConnection: close\r\n\r\n'
expect "whitespace between a field name and its colon: 400" "400|closed" 'GET / HTTP/1.1\r\nHost : p\r\n\r\n'
expect "obs-fold: 400" "400|closed" 'GET / HTTP/1.1\r\nHost: p\r\nX-A: a\r\n b\r\n\r\n'
expect "Content-Length with Transfer-Encoding: 400, then close" "400|closed" \
    'GET / HTTP/1.1\r\nHost: p\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'
expect "a good request, then one with two Hosts: 200, 400, close" "200|400|closed" \
    'GET / HTTP/1.1\r\nHost: p\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'

# ---- --blob: the checked bytes are served whatever happens to the file
# keep_pages: fetch $pages as they are served now; same_as_before WHAT:
# check they are still served byte for byte, and unihost still runs
pages="/ /docs/page /css/style.css"
keep_pages() {
    for u in $pages; do
        [ "$(fetch "$BASE$u" "$UH_TMP/before$(echo "$u" | tr '/' '_')")" = 200 ] ||
            notok "GET $u before the file changes" "$(cat "$UH_TMP/curl.err")"
    done
}
same_as_before() {
    same=yes
    for u in $pages; do
        code=$(fetch "$BASE$u" "$UH_TMP/after")
        cmp -s "$UH_TMP/before$(echo "$u" | tr '/' '_')" "$UH_TMP/after" && [ "$code" = 200 ] ||
            same="no: $u gave $code, $(wc -c < "$UH_TMP/after" | tr -d ' ') bytes"
    done
    check "$1: the same bytes are served" "$same" [ "$same" = yes ]
    check "$1: unihost is still running" "it exited: $(tail -n 3 "$UH_LOG" | tr '\n' ' ')" uh_alive "$UH_PID"
}
keep_pages
# rewritten in place (same inode, same size): random bytes over the whole file
size=$(wc -c < "$LIVE" | tr -d ' ')
dd if=/dev/urandom of="$LIVE" bs="$size" count=1 conv=notrunc 2> /dev/null
cmp -s "$LIVE" "$BLOB" && notok "the blob file was rewritten" "it still equals the fixture"
same_as_before "--blob file overwritten in place"
uh_stop
check "and stops cleanly" "exit status $UH_STATUS" [ "$UH_STATUS" = 0 ]
# truncated (a mapped file would now give SIGBUS)
cp "$BLOB" "$LIVE"
if uh_start --blob "$LIVE"; then
    keep_pages
    truncate -s 0 "$LIVE"
    same_as_before "--blob file truncated to nothing"
    uh_stop
else
    notok "unihost starts again with --blob" "see the log above"
fi
if uh_start --blob "$LIVE" > /dev/null; then
    notok "an empty --blob file is refused at start-up" "unihost started"
    uh_stop
else
    ok "an empty --blob file is refused at start-up"
fi

# ---- the directory redirect's Location, for directories whose names hold
# CR LF, spaces, quotes and non-ASCII (crunch takes them as they are)
ODD=$UH_TMP/odd-site
cp -r tests/fixtures/site "$ODD"
crlf_dir=$(printf 'a\r\nX-Injected: 1')
odd_dir=$(printf 'sp ace "q" %%41 \303\251')
for d in "$crlf_dir" "$odd_dir"; do
    mkdir "$ODD/$d" && printf '# Odd\n\nA directory with an odd name.\n' > "$ODD/$d/index.md"
done
if "$CRUNCH" --quiet --site "$ODD" -o "$UH_TMP/odd.blob" > "$UH_TMP/crunch.log" 2>&1 &&
   uh_start --blob "$UH_TMP/odd.blob"; then
    # location TARGET WANT NAME: GET TARGET gives 301 with Location WANT, only
    # the headers unihost writes, and following it gives the page
    location() {
        nsx curl -sS -m 5 -D "$UH_TMP/h" -o /dev/null "$BASE$1" < /dev/null 2>> "$UH_TMP/curl.err"
        tr -d '\r' < "$UH_TMP/h" > "$UH_TMP/h.lf"
        want=$2
        got=$(sed -n 's/^Location: //p' "$UH_TMP/h.lf")
        names=$(sed -n 's/^\([^:]*\): .*/\1/p' "$UH_TMP/h.lf" | sort | tr '\n' ' ')
        code=$(fetch "$BASE$got" "$UH_TMP/followed")
        check "$3" "status $(head -n 1 "$UH_TMP/h.lf"), Location '$got', header names: $names; the Location gave $code" \
            eval '[ "$got" = "$want" ] && [ "$names" = "Content-Length Content-Type Date Location Server X-Content-Type-Options " ] && [ "$code" = 200 ]'
    }
    location "/a%0d%0aX-Injected:%201" "/a%0D%0AX-Injected:%201/" \
        "directory redirect: a CR LF in the name is percent-encoded in Location, no header injected"
    location "/sp%20ace%20%22q%22%20%2541%20%C3%A9" "/sp%20ace%20%22q%22%20%2541%20%C3%A9/" \
        "directory redirect: space, quotes, '%' and UTF-8 of the name are percent-encoded"
    uh_stop
else
    notok "unihost starts with a blob of odd directory names" "$(cat "$UH_TMP/crunch.log")"
fi

# ---- the plain-HTTP redirect to HTTPS refuses the same requests
if uh_start --blob "$BLOB" --tls-cert "$CERT" --tls-key "$KEY"; then
    printf 'GET /docs/?a=1 HTTP/1.1\r\nHost: www.unihost.test\r\n\r\n' | rawpy > "$UH_TMP/r"
    check "redirect: a good request gets 301" "got $(responses "$UH_TMP/r")" [ "$(responses "$UH_TMP/r")" = "301|closed" ]
    expect "redirect: two Host lines: 400" "400|closed" 'GET / HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\n\r\n'
    expect "redirect: obs-fold: 400" "400|closed" 'GET / HTTP/1.1\r\nHost: a.test\r\nX-A: a\r\n b\r\n\r\n'
    expect "redirect: whitespace before a colon: 400" "400|closed" 'GET / HTTP/1.1\r\nHost: a.test\r\nX-A : b\r\n\r\n'
    expect "redirect: a method that is no token: 400" "400|closed" 'GE@T / HTTP/1.1\r\nHost: a.test\r\n\r\n'
    nsx curl -sS -m 5 -D "$UH_TMP/h" -o /dev/null "http://$UNIHOST_GUEST4/a%0d%0aX:%20y/%22q%22" \
        -H 'Host: a.test' < /dev/null 2>> "$UH_TMP/curl.err"
    check "redirect: Location keeps escapes escaped, no header injected" "$(tr '\r\n' '  ' < "$UH_TMP/h")" \
        eval 'grep -q "^Location: https://a.test/a%0d%0aX:%20y/%22q%22.$" "$UH_TMP/h" && ! grep -qi "^X:" "$UH_TMP/h"'
else
    notok "unihost starts with HTTPS" "see the log above"
fi
check "unihost is still running" "it exited: $(tail -n 3 "$UH_LOG" | tr '\n' ' ')" uh_alive "$UH_PID"
uh_finish
