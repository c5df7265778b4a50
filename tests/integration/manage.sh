#!/bin/sh
# Integration test: content pushed to the management listener (--manage
# ADDR:PORT --manage-key FILE). Two blobs crunched at test time from copies
# of the fixture site and zones, the second with a line on the home page
# and example.test's SOA serial bumped; keys made with openssl. A push
# signed by the right key (tools/push-blob.sh: openssl signs, curl pushes)
# changes the page curl gets and the serial dig gets. Refused, with the
# page and the serial unchanged after each: a corrupt body, a body cut off
# mid-way, a truncated blob (signed), no signature, a signature by another
# key, a signature over another blob, a Content-Length over the maximum
# (413 before any body), a second push while one is under way (503), plain
# HTTP on the management port, a push to the public address. Start-up
# refuses --manage without a key or without TLS credentials, and a
# private key given as --manage-key.
UH_TEST=manage
. "$(dirname "$0")/lib/uh.sh"

uh_require_root
uh_require_tools curl dig openssl python3
uh_dev_cert
uh_setup "uh-manage-$$" "uhman$$"

IP4=$UNIHOST_GUEST4
IP6=$UNIHOST_GUEST6
PORT=8443
URL=https://$IP4:$PORT
T=$UH_TMP
CLIENT=tests/integration/manage_client.py

# ---- keys and blobs ----------------------------------------------------------
keys_ok=true
for k in a b; do
    openssl ecparam -name prime256v1 -genkey -noout -out "$T/key-$k.pem" 2>>"$T/openssl.err" &&
        openssl ec -in "$T/key-$k.pem" -pubout -out "$T/pub-$k.pem" 2>>"$T/openssl.err" || keys_ok=false
done
$keys_ok || { notok "key pairs" "openssl: $(tr '\n' ' ' < "$T/openssl.err")"; uh_finish; }
for v in 1 2; do
    mkdir -p "$T/v$v" && cp -R tests/fixtures/site tests/fixtures/zones "$T/v$v/"
done
printf '\nPushed version two of the fixture.\n' >> "$T/v2/site/index.md"
sed -i 's/^\( *\)2026112201 7200 3600/\12026112202 7200 3600/' "$T/v2/zones/example.test.zone"
for v in 1 2; do
    "$CRUNCH" --quiet --site "$T/v$v/site" --zones "$T/v$v/zones" -o "$T/v$v.blob" > "$T/crunch.log" 2>&1 ||
        { notok "crunch blob v$v" "$(tr '\n' ' ' < "$T/crunch.log")"; uh_finish; }
done
grep -q 2026112202 "$T/v2/zones/example.test.zone" || { notok "serial bumped" "the sed found no serial"; uh_finish; }
echo "# blobs: v1 $(wc -c < "$T/v1.blob") bytes, v2 $(wc -c < "$T/v2.blob") bytes"

# sign BLOB KEY: the base64 DER signature push-blob.sh would send.
sign() { openssl dgst -sha256 -sign "$2" "$1" | openssl base64 -A; }
# push NAME BLOB SIGNATURE: curl's status for PUT /blob with that header
# ("" for none); the answer's body in $T/answer.
push() {
    _h=
    [ -n "$3" ] && _h="Blob-Signature: $3"
    nsx curl -sS --max-time 20 --cacert "$CERT" --http1.1 -T "$2" ${_h:+-H "$_h"} \
        -o "$T/answer" -w '%{http_code}' "$URL/blob" 2>"$T/curl.err"
}
page_has_v2() { nsx curl -sS --max-time 10 --cacert "$CERT" "https://$IP4/" 2>/dev/null | grep -q 'Pushed version two'; }
serial() { nsx dig @"$IP4" +short +time=2 +tries=1 example.test SOA 2>/dev/null | awk '{print $3}'; }
# unchanged NAME: the page and the serial are still version 1's.
unchanged() {
    _s=$(serial)
    if [ "$_s" = 2026112201 ] && ! page_has_v2; then
        ok "$1: nothing changed (page and SOA serial 2026112201)"
    else
        notok "$1: nothing changed" "serial '$_s', page has v2: $(page_has_v2 && echo yes || echo no)"
    fi
}
# refused NAME WANT STATUS: the status is WANT and nothing changed.
refused() {
    if [ "$3" = "$2" ]; then ok "$1: answered $2 ($(head -c 160 "$T/answer" 2>/dev/null | tr '\n' ' '))"
    else notok "$1: answered $2" "got '$3' $(tr '\n' ' ' < "$T/curl.err") $(head -c 200 "$T/answer" 2>/dev/null)"; fi
    unchanged "$1"
}

# ---- start-up refusals ---------------------------------------------------------
out=$("$UNIHOST" --tap none --ipv4 "$IP4/24" --tls-cert "$CERT" --tls-key "$KEY" --manage "$IP4:$PORT" 2>&1)
st=$?
check "--manage without --manage-key is refused at start-up" "status $st: $out" \
    sh -c '[ "$1" = 2 ] && echo "$2" | grep -q -- "--manage needs --manage-key"' _ "$st" "$out"
out=$("$UNIHOST" --tap none --ipv4 "$IP4/24" --manage "$IP4:$PORT" --manage-key "$T/pub-a.pem" 2>&1)
st=$?
check "--manage without TLS credentials is refused at start-up" "status $st: $out" \
    sh -c '[ "$1" = 2 ] && echo "$2" | grep -q -- "--manage needs --tls-cert"' _ "$st" "$out"
out=$("$UNIHOST" --tap none --ipv4 "$IP4/24" --manage "198.51.100.7:$PORT" 2>&1)
st=$?
check "--manage on an address unihost does not have is refused" "status $st: $out" \
    sh -c '[ "$1" = 2 ] && echo "$2" | grep -q "one of unihost.s own addresses"' _ "$st" "$out"
out=$("$UNIHOST" --tap none --ipv4 "$IP4/24" --manage "$IP4:443" 2>&1)
st=$?
check "--manage on the HTTPS port is refused" "status $st: $out" \
    sh -c '[ "$1" = 2 ] && echo "$2" | grep -q "port of its own"' _ "$st" "$out"
out=$("$UNIHOST" --tap none --ipv4 "$IP4/24" --manage-key "$T/pub-a.pem" 2>&1)
st=$?
check "--manage-key without --manage is refused" "status $st: $out" \
    sh -c '[ "$1" = 2 ] && echo "$2" | grep -q -- "--manage-key goes with --manage"' _ "$st" "$out"
if uh_start --blob "$T/v1.blob" --tls-cert "$CERT" --tls-key "$KEY" --manage "$IP4:$PORT" --manage-key "$T/key-a.pem"; then
    notok "a private key as --manage-key is refused" "unihost started"
    uh_stop
else
    check "a private key as --manage-key is refused" "log: $(tr '\n' ' ' < "$UH_LOG")" \
        grep -q "manage: refusing the signing key: .*holds a private key" "$UH_LOG"
fi

# ---- serving, and refused pushes ----------------------------------------------------
if ! uh_start --blob "$T/v1.blob" --tls-cert "$CERT" --tls-key "$KEY" --manage "$IP4:$PORT" --manage-key "$T/pub-a.pem" \
     --metrics "$IP4:9100"; then
    notok "start with --manage" "unihost did not become ready"
    uh_finish
fi
check "the log names the management address and the key" "no 'manage: on $IP4:$PORT' line" \
    grep -q "^unihost: manage: on $IP4:$PORT over TLS, blobs up to 64 MiB signed by key [0-9a-f]\{16\}\$" "$UH_LOG"
fp=$(openssl pkey -pubin -in "$T/pub-a.pem" -outform DER 2>/dev/null | sha256sum | cut -c1-16)
check "the key's fingerprint is openssl's SHA-256 of its DER" "want $fp" grep -q "signed by key $fp\$" "$UH_LOG"
unchanged "before any push"

SIG2=$(sign "$T/v2.blob" "$T/key-a.pem")
# A corrupt body: one byte of v2 changed, v2's signature.
cp "$T/v2.blob" "$T/corrupt.blob"
printf 'X' | dd of="$T/corrupt.blob" bs=1 seek=$(( $(wc -c < "$T/v2.blob") / 2 )) conv=notrunc 2>/dev/null
refused "a corrupt body" 403 "$(push corrupt "$T/corrupt.blob" "$SIG2")"
# A truncated blob, properly signed: the signature holds, the blob does not.
head -c $(( $(wc -c < "$T/v2.blob") - 100 )) "$T/v2.blob" > "$T/short.blob"
refused "a truncated blob, signed" 422 "$(push short "$T/short.blob" "$(sign "$T/short.blob" "$T/key-a.pem")")"
refused "an unsigned blob" 403 "$(push unsigned "$T/v2.blob" "")"
refused "a signature by another key" 403 "$(push other-key "$T/v2.blob" "$(sign "$T/v2.blob" "$T/key-b.pem")")"
refused "a signature over another blob" 403 "$(push other-blob "$T/v2.blob" "$(sign "$T/v1.blob" "$T/key-a.pem")")"
refused "a signature that is not base64" 400 "$(push bad-base64 "$T/v2.blob" "not*base64")"
# A body cut off half-way: the connection closes, no answer, nothing changes.
out=$(nsx python3 "$CLIENT" partial "$IP4" "$PORT" "$CERT" "$T/v2.blob" "$SIG2" 2>&1)
i=0
while ! grep -q "manage: .*push abandoned: the connection .* after $(( $(wc -c < "$T/v2.blob") / 2 )) of $(wc -c < "$T/v2.blob") bytes" "$UH_LOG" && [ $i -lt 50 ]; do
    i=$((i + 1)); sleep 0.1
done
check "a body cut off half-way is logged as abandoned" "client: $out; log: $(grep 'manage:' "$UH_LOG" | tail -n 2 | tr '\n' ' ')" \
    grep -q "push abandoned: the connection .* after" "$UH_LOG"
unchanged "a body cut off half-way"
# Over the maximum: 413 from the head alone, no body sent.
st=$(nsx python3 "$CLIENT" head "$IP4" "$PORT" "$CERT" $((64 * 1024 * 1024 + 1)) "$SIG2" 2>&1)
check "a Content-Length over 64 MiB is answered 413 before any body" "got '$st'" \
    sh -c 'echo "$1" | grep -q "^HTTP/1.1 413 "' _ "$st"
unchanged "a Content-Length over the maximum"
# One push at a time: a second while one holds its memory is told 503.
mkfifo "$T/hold.in"
nsx python3 "$CLIENT" hold "$IP4" "$PORT" "$CERT" "$T/v2.blob" "$SIG2" < "$T/hold.in" > "$T/hold.out" 2>&1 &
HOLD_PID=$!
exec 7> "$T/hold.in"
i=0
while ! grep -q holding "$T/hold.out" && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
refused "a second push while one is under way" 503 "$(push second "$T/v2.blob" "$SIG2")"
exec 7>&-
wait "$HOLD_PID" 2>/dev/null
# Plain HTTP on the management port: no TLS, no push.
code=$(nsx curl -sS --max-time 10 -T "$T/v2.blob" -H "Blob-Signature: $SIG2" -o /dev/null -w '%{http_code}' \
       "http://$IP4:$PORT/blob" 2>/dev/null)
check "plain HTTP on the management port gets no HTTP answer" "status '$code'" [ "${code:-000}" = 000 ]
i=0
while ! grep -q "manage: .*TLS handshake failed" "$UH_LOG" && [ $i -lt 30 ]; do
    i=$((i + 1)); sleep 0.1
done
check "the plain-HTTP attempt is logged as a failed TLS handshake" "no 'manage: ... TLS handshake failed' line" \
    grep -q "manage: .*TLS handshake failed" "$UH_LOG"
unchanged "plain HTTP on the management port"
# The public address: the management port is not open there, and the
# public HTTPS port does not take pushes.
code=$(nsx curl -sS -g --max-time 10 --cacert "$CERT" -T "$T/v2.blob" -H "Blob-Signature: $SIG2" -o /dev/null \
       -w '%{http_code}' "https://[$IP6]:$PORT/blob" 2>"$T/curl.err")
check "the management port is closed on unihost's other address" "status '$code': $(tr '\n' ' ' < "$T/curl.err")" \
    grep -q "Failed to connect\|Connection refused\|Couldn't connect" "$T/curl.err"
code=$(nsx curl -sS --max-time 10 --cacert "$CERT" -T "$T/v2.blob" -H "Blob-Signature: $SIG2" -o /dev/null \
       -w '%{http_code}' "https://$IP4/blob" 2>/dev/null)
check "the public HTTPS port does not take a push" "status '$code'" [ "$code" != 200 ] && [ "$code" != 000 ]
unchanged "a push to the public address"

# ---- the good push ----------------------------------------------------------------------
if out=$(nsx sh tools/push-blob.sh "$T/v2.blob" "$T/key-a.pem" "$URL" --cacert "$CERT" --max-time 20 2>&1); then
    ok "tools/push-blob.sh pushes v2: $out"
else
    notok "tools/push-blob.sh pushes v2" "$out"
fi
hash=$(echo "$out" | sed -n 's/^accepted: content \([0-9a-f]\{64\}\),.*/\1/p')
check "the answer names the new content's SHA-256, as the log does" "answer '$out'" \
    sh -c '[ -n "$1" ] && grep -q "manage: .*: push accepted: content $1" "$2"' _ "$hash" "$UH_LOG"
check "the page changed (curl)" "no 'Pushed version two' on https://$IP4/" page_has_v2
s=$(serial)
check "the SOA serial changed (dig)" "serial '$s'" [ "$s" = 2026112202 ]
check "HTTP on the other address serves it too" "no v2 page over IPv6" \
    sh -c 'ip netns exec "$1" curl -sS -g --max-time 10 --cacert "$2" "https://[$3]/" | grep -q "Pushed version two"' \
    _ "$UH_NS" "$CERT" "$IP6"

stats=$(uh_stats)
check "the stats line counts the pushes (accepted/refused/abandoned)" "stats: $stats" \
    [ "$(uh_stat "$stats" manage_pushes)" = "1/8/2" ]
nsx curl -sS --max-time 10 "http://$IP4:9100/metrics" > "$T/metrics" 2>&1
for o in accepted:1 refused:8 abandoned:2; do
    check "metrics: unihost_manage_pushes_total{outcome=\"${o%:*}\"} ${o#*:}" "page: $(grep manage_pushes "$T/metrics" | tr '\n' ' ')" \
        grep -q "^unihost_manage_pushes_total{outcome=\"${o%:*}\"} ${o#*:}\$" "$T/metrics"
done
check "every refusal was logged" "$(grep -c 'push refused' "$UH_LOG") lines" \
    [ "$(grep -c 'manage: .*push refused with' "$UH_LOG")" = 8 ]
uh_stop
check "unihost stops cleanly" "still running" [ -z "$UH_PID" ]
uh_finish
