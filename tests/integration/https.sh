#!/bin/sh
# Integration test: HTTPS (TLS 1.3 ours, TLS 1.2 BearSSL's) in a network namespace, against
# curl and openssl s_client: the site byte for byte over HTTPS, gzip,
# keep-alive, HTTP -> HTTPS 301, HSTS, protocol versions and suites of both
# versions, TLS 1.3 groups, HelloRetryRequest and KeyUpdate (the
# refusals must come from unihost: the clients are told to offer what it
# must refuse, and unihost's log must say it refused), ALPN, session
# resumption, SNI in the log; an RSA key; bad credentials refused at start.
UH_TEST=https
. "$(dirname "$0")/lib/uh.sh"

uh_require_root
for tool in curl openssl timeout gzip; do
    command -v "$tool" > /dev/null || { notok "tools" "$tool is not installed"; exit 1; }
done

CERT=$BUILD/tls/dev-cert.pem
KEY=$BUILD/tls/dev-key.pem
if [ ! -f "$CERT" ] || [ ! -f "$KEY" ]; then
    make B="$BUILD" "$CERT" > /dev/null 2>&1 || { notok "development certificate" "make $CERT failed"; exit 1; }
fi
FIX=tests/fixtures/tls

uh_setup "uh-https-$$" "uhtls$$"
uh_export_site

NAME=www.unihost.test
IP4=$UNIHOST_GUEST4
H=$UH_TMP/hdr
B=$UH_TMP/body
# get URL [curl options...]: headers in $H (CR removed), body in $B; the
# name resolves to unihost, and the development certificate is trusted.
get() {
    _u=$1
    shift
    rm -f "$H" "$B"
    nsx curl -sS -m 5 -g --resolve "$NAME:443:$IP4" --resolve "$NAME:80:$IP4" --cacert "$CERT" \
        -D "$H.raw" -o "$B" "$@" "$_u" > "$UH_TMP/curl.err" 2>&1 < /dev/null
    _rc=$?
    tr -d '\r' < "$H.raw" > "$H" 2>/dev/null
    rm -f "$H.raw"
    [ -f "$B" ] || : > "$B"
    return $_rc
}
status() { awk 'NR == 1 {print $2}' "$H"; }
hval() { awk -v h="$1" 'index($0, ":") && tolower(substr($0, 1, index($0, ":") - 1)) == tolower(h) {
    v = substr($0, index($0, ":") + 1); sub(/^[ \t]+/, "", v); sub(/[ \t]+$/, "", v); print v }' "$H"; }
# sclient NAME-OF-OUTPUT [s_client options...]: one s_client run, its output in $UH_TMP/NAME
sclient() {
    _o=$UH_TMP/$1
    shift
    nsx timeout 10 openssl s_client -connect "$IP4:443" "$@" < /dev/null > "$_o" 2>&1
}
# log_count PATTERN: lines of the current unihost log matching PATTERN
log_count() { grep -c -- "$1" "$UH_LOG"; }

if uh_start --tls-cert "$CERT" --tls-key "$KEY"; then
    ok "unihost starts with the development certificate"
else
    notok "unihost starts with the development certificate" "see the log above"
    exit 1
fi
check "the log names the key" "$(grep 'tls:' "$UH_LOG")" grep -q '^unihost: tls: EC P-256 key, 1 certificate in the chain$' "$UH_LOG"
check "the log says port 80 redirects" "$(grep 'http:' "$UH_LOG")" grep -q 'port 80 redirects to it' "$UH_LOG"

# ---- the site over HTTPS, byte for byte -------------------------------------
n=0
bad=
for f in index.html 404.html docs/index.html css/style.css favicon.svg; do
    [ -f "$SITE/$f" ] || continue
    n=$((n + 1))
    u=/$f
    [ "$f" = 404.html ] && u=/no-such-page
    want=200
    [ "$f" = 404.html ] && want=404
    if ! get "https://$NAME$u"; then bad="$bad $u: curl: $(cat "$UH_TMP/curl.err");"
    elif [ "$(status)" != "$want" ] || ! cmp -s "$B" "$SITE/$f"; then bad="$bad $u: status $(status), $(wc -c < "$B") bytes;"
    fi
done
if [ -z "$bad" ] && [ "$n" -ge 4 ]; then ok "curl over HTTPS: $n files, same bytes as the export (certificate verified)"
else notok "curl over HTTPS" "${bad:-only $n files}"; fi

get "https://$NAME/"
check "HTTPS responses carry Strict-Transport-Security (one year)" "got '$(hval Strict-Transport-Security)'" \
    [ "$(hval Strict-Transport-Security)" = "max-age=31536000" ]
check "the header block stays well formed around it" "headers: $(tr '\n' '|' < "$H")" \
    [ "$(hval Content-Length)" = "$(wc -c < "$SITE/index.html" | tr -d ' ')" -a -n "$(hval ETag)" ]

# curl --compressed offers gzip and br (Debian's curl has brotli) at the
# same q: the smaller, brotli, comes back; gzip when only it is offered.
for coding in br gzip; do
    case $coding in br) offer= ;; gzip) offer="Accept-Encoding: gzip" ;; esac
    if get "https://$NAME/" --compressed ${offer:+-H "$offer"} && [ "$(hval Content-Encoding)" = "$coding" ] &&
       cmp -s "$B" "$SITE/index.html"; then
        ok "curl --compressed${offer:+ with $offer} over HTTPS: $coding, same bytes once decoded"
    else
        notok "curl --compressed${offer:+ with $offer} over HTTPS" "status $(status), Content-Encoding '$(hval Content-Encoding)', want $coding; $(cat "$UH_TMP/curl.err")"
    fi
done

# Several URLs on one connection: curl reuses it (one TCP connect in all).
nsx curl -sS -m 10 --resolve "$NAME:443:$IP4" --cacert "$CERT" -o /dev/null -o /dev/null -o /dev/null \
    -w '%{http_code} %{num_connects}\n' "https://$NAME/" "https://$NAME/docs/" "https://$NAME/css/style.css" \
    > "$UH_TMP/ka" 2> "$UH_TMP/ka.err"
check "keep-alive: three URLs over one TLS connection" "got: $(tr '\n' ' ' < "$UH_TMP/ka") $(cat "$UH_TMP/ka.err")" \
    [ "$(tr '\n' ' ' < "$UH_TMP/ka")" = "200 1 200 0 200 0 " ]

if nsx curl -sS -m 5 -g --cacert "$CERT" -o "$B" "https://[$UNIHOST_GUEST6]/" 2> "$UH_TMP/curl.err" &&
   cmp -s "$B" "$SITE/index.html"; then
    ok "HTTPS over IPv6, certificate verified for 2001:db8::2"
else
    notok "HTTPS over IPv6" "$(cat "$UH_TMP/curl.err")"
fi

# ---- plain HTTP redirects --------------------------------------------------------
get "http://$NAME/docs/?a=1"
check "HTTP -> HTTPS: 301 to the same host and target" "status $(status), Location '$(hval Location)'" \
    [ "$(status)" = 301 -a "$(hval Location)" = "https://$NAME/docs/?a=1" ]
get "http://$IP4/x"
check "HTTP -> HTTPS with an address as Host" "status $(status), Location '$(hval Location)'" \
    [ "$(status)" = 301 -a "$(hval Location)" = "https://$IP4/x" ]
if get "http://$NAME/docs/" -L && [ "$(awk '/^HTTP/ {s = $2} END {print s}' "$H")" = 200 ] &&
   cmp -s "$B" "$SITE/docs/index.html"; then
    ok "curl -L follows the redirect to the page over HTTPS"
else
    notok "curl -L follows the redirect" "status $(status), $(cat "$UH_TMP/curl.err")"
fi
get "http://$NAME/" -H 'Host: bad host'
check "HTTP with a malformed Host: 400, no redirect" "status $(status), Location '$(hval Location)'" \
    [ "$(status)" = 400 -a -z "$(hval Location)" ]

# ---- openssl s_client: versions, suites, ALPN, resumption, SNI -------------------
sclient tls12 -tls1_2 -servername "$NAME" -CAfile "$CERT" -verify_return_error
check "s_client -tls1_2: TLS 1.2 handshake, certificate verified" "$(grep -E 'Protocol|Verify|Cipher' "$UH_TMP/tls12" | tr '\n' ' ')" \
    sh -c "grep -q 'Protocol *: TLSv1.2' '$UH_TMP/tls12' && grep -q 'Verify return code: 0 (ok)' '$UH_TMP/tls12'"
check "unihost logs the SNI of the handshake" "$(grep https: "$UH_LOG" | tail -n 2)" \
    grep -q "https: 192.0.2.1: TLS 1.2 ECDHE-ECDSA-[A-Z0-9-]*, SNI $NAME, ALPN (none), new session" "$UH_LOG"

# ---- TLS 1.3 (src/tls/): each suite, each group, HelloRetryRequest, KeyUpdate ------
sclient tls13 -tls1_3 -servername "$NAME" -CAfile "$CERT" -verify_return_error
check "s_client -tls1_3: TLS 1.3 handshake, certificate and CertificateVerify verified" \
    "$(grep -E 'Protocol|Verify return|Cipher is|alert' "$UH_TMP/tls13" | head -n 4 | tr '\n' ' ')" \
    sh -c "grep -q '^New, TLSv1.3' '$UH_TMP/tls13' && grep -q 'Verify return code: 0 (ok)' '$UH_TMP/tls13' &&
           grep -q 'Peer signature type: ECDSA' '$UH_TMP/tls13'"
check "unihost logs the TLS 1.3 handshake with its SNI" "$(grep https: "$UH_LOG" | tail -n 1)" \
    grep -q "https: 192.0.2.1: TLS 1.3 TLS_AES_[0-9A-Z_]*, SNI $NAME, ALPN (none), new session" "$UH_LOG"
for suite in TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256; do
    # A request and its response over the suite: the records both ways.
    printf 'GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$NAME" |
        nsx timeout 10 openssl s_client -connect "$IP4:443" -tls1_3 -ciphersuites "$suite" -quiet -ign_eof \
        > "$UH_TMP/tls13-$suite" 2> "$UH_TMP/tls13-$suite.err"
    check "TLS 1.3 with $suite: a request answered 200 with the page" \
        "$(head -n 1 "$UH_TMP/tls13-$suite") $(grep -E 'error|alert' "$UH_TMP/tls13-$suite.err" | head -n 2 | tr '\n' ' ')" \
        sh -c "head -n 1 '$UH_TMP/tls13-$suite' | grep -q '^HTTP/1.1 200' &&
               grep https: '$UH_LOG' | tail -n 1 | grep -q 'TLS 1.3 $suite'"
done
for group in X25519:X25519 P-256:prime256v1; do
    name=${group%%:*} want=${group#*:}
    sclient "tls13-$name" -tls1_3 -groups "$name" -msg -CAfile "$CERT" -verify_return_error
    check "TLS 1.3 over $name: the key exchange and signature verified by OpenSSL" \
        "$(grep -E 'Temp Key|Verify return|alert' "$UH_TMP/tls13-$name" | head -n 3 | tr '\n' ' ')" \
        sh -c "grep -q 'Verify return code: 0 (ok)' '$UH_TMP/tls13-$name' && grep -q 'Server Temp Key: .*$want' '$UH_TMP/tls13-$name' &&
               [ \$(grep -c 'ServerHello' '$UH_TMP/tls13-$name') = 1 ]"
done
# A first key share in a group unihost lacks (X448), P-256 second: a
# HelloRetryRequest asks for P-256, and the second hello completes.
sclient tls13-hrr -tls1_3 -groups X448:P-256 -msg -CAfile "$CERT" -verify_return_error
check "TLS 1.3 HelloRetryRequest: a share in an unknown group gets one, then P-256 completes" \
    "$(grep -cE 'ServerHello' "$UH_TMP/tls13-hrr") ServerHellos; $(grep -E 'Temp Key|Verify return|alert' "$UH_TMP/tls13-hrr" | head -n 3 | tr '\n' ' ')" \
    sh -c "[ \$(grep -c 'ServerHello' '$UH_TMP/tls13-hrr') = 2 ] && grep -q 'Verify return code: 0 (ok)' '$UH_TMP/tls13-hrr' &&
           grep -q 'Server Temp Key: .*prime256v1' '$UH_TMP/tls13-hrr'"
# KeyUpdate: s_client's K command (read only without -ign_eof) asks unihost
# to update its keys too;
# requests before and after it are answered.
{ printf 'GET / HTTP/1.1\nHost: %s\n\n' "$NAME"; sleep 1; printf 'K\n'; sleep 1
  printf 'GET /docs/ HTTP/1.1\nHost: %s\nConnection: close\n\n' "$NAME"; sleep 1; } |
    nsx timeout 10 openssl s_client -connect "$IP4:443" -tls1_3 -crlf -msg > "$UH_TMP/tls13-ku" 2>&1
check "TLS 1.3 KeyUpdate: the client's update_requested is answered with unihost's own, requests served on both sides of it" \
    "$(grep -c 'KeyUpdate' "$UH_TMP/tls13-ku") KeyUpdates, $(grep -c '^HTTP/1.1 200' "$UH_TMP/tls13-ku") responses" \
    sh -c "[ \$(grep -c '^HTTP/1.1 200' '$UH_TMP/tls13-ku') = 2 ] && [ \$(grep -c 'KeyUpdate' '$UH_TMP/tls13-ku') -ge 2 ]"
if get "https://$NAME/docs/" --tlsv1.3 -w '%{ssl_verify_result}' && [ "$(status)" = 200 ] && cmp -s "$B" "$SITE/docs/index.html"; then
    ok "curl --tlsv1.3: the page, same bytes (certificate verified)"
else
    notok "curl --tlsv1.3" "status $(status), $(cat "$UH_TMP/curl.err")"
fi
sclient tls13-alpn -tls1_3 -alpn h2
check "TLS 1.3: ALPN without http/1.1 is refused (no_application_protocol)" "$(grep -iE 'alpn|alert' "$UH_TMP/tls13-alpn" | head -n 2 | tr '\n' ' ')" \
    grep -q 'no application protocol' "$UH_TMP/tls13-alpn"
sclient tls13-pss -tls1_3 -sigalgs rsa_pss_rsae_sha256
check "TLS 1.3: a client accepting only RSA-PSS signatures is refused (handshake_failure)" "$(grep -E 'alert|Cipher is' "$UH_TMP/tls13-pss" | head -n 2 | tr '\n' ' ')" \
    sh -c "grep -q 'alert handshake failure' '$UH_TMP/tls13-pss' && grep -q 'Cipher is (NONE)' '$UH_TMP/tls13-pss'"

# TLS 1.0 and 1.1: OpenSSL 3 offers them only at security level 0; then the
# refusal is unihost's, which its log must show.
for v in tls1 tls1_1; do
    before=$(log_count 'handshake failed: refused: protocol version')
    sclient "$v" "-$v" -cipher 'DEFAULT:@SECLEVEL=0'
    after=$(log_count 'handshake failed: refused: protocol version')
    # unihost's alert comes in a TLS 1.2 record, which the old client
    # reports as a wrong version number.
    if grep -q 'Cipher is (NONE)' "$UH_TMP/$v" && grep -Eq 'alert protocol version|wrong version number' "$UH_TMP/$v" &&
       [ "$after" -gt "$before" ]; then
        ok "s_client -$v is refused by unihost (protocol_version alert, logged)"
    else
        notok "s_client -$v is refused" "$(grep -E 'Protocol|alert|no protocols' "$UH_TMP/$v" | head -n 3 | tr '\n' ' ') log: $before -> $after"
    fi
done

refused_suites() {     # refused_suites NAME CIPHERS
    before=$(log_count 'no common cipher suite')
    sclient suites -tls1_2 -cipher "$2"
    after=$(log_count 'no common cipher suite')
    if ! grep -q 'Cipher is [A-Z]' "$UH_TMP/suites" && grep -q 'handshake failure' "$UH_TMP/suites" &&
       [ "$after" -gt "$before" ]; then
        ok "s_client with $1 only is refused by unihost (handshake_failure, logged)"
    else
        notok "s_client with $1 only is refused" "$(grep -E 'Cipher|alert|error' "$UH_TMP/suites" | head -n 3 | tr '\n' ' ') log: $before -> $after"
    fi
}
refused_suites "CBC suites" 'ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES128-SHA256'
refused_suites "RSA key exchange" 'AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA256'

for suite in ECDHE-ECDSA-AES128-GCM-SHA256 ECDHE-ECDSA-CHACHA20-POLY1305 ECDHE-ECDSA-AES256-GCM-SHA384; do
    sclient "$suite" -tls1_2 -cipher "$suite"
    check "s_client -cipher $suite is accepted" "$(grep -E 'Cipher|alert' "$UH_TMP/$suite" | head -n 2 | tr '\n' ' ')" \
        grep -q "Cipher is $suite" "$UH_TMP/$suite"
done

# Every ECDHE group unihost offers, each key exchange and ServerKeyExchange
# signature checked by OpenSSL (the certificate verified, the temp key of
# the group asked for), several handshakes a group: X25519 and the P-256
# generator multiplication and ECDSA signature are unihost's own code
# (src/crypto), P-256 ECDH, P-384 and P-521 BearSSL's.
for group in X25519:X25519 P-256:prime256v1 P-384:secp384r1 P-521:secp521r1; do
    name=${group%%:*} want=${group#*:}
    good=0 i=0
    while [ $i -lt 8 ]; do
        sclient "group-$name" -tls1_2 -groups "$name" -servername "$NAME" -CAfile "$CERT" -verify_return_error
        grep -q 'Verify return code: 0 (ok)' "$UH_TMP/group-$name" &&
            grep -q "Server Temp Key: .*$want" "$UH_TMP/group-$name" && good=$((good + 1))
        i=$((i + 1))
    done
    check "ECDHE over $name: 8 of 8 handshakes verified by OpenSSL" \
        "$good of 8; last: $(grep -E 'Temp Key|Verify return|alert|error' "$UH_TMP/group-$name" | head -n 3 | tr '\n' ' ')" \
        [ "$good" = 8 ]
done

# The signature's hash follows the client's signature_algorithms among
# SHA-256/384/512; SHA-1 and SHA-224 alone are refused (handshake_failure).
sclient sig512 -tls1_2 -sigalgs ECDSA+SHA512 -CAfile "$CERT" -verify_return_error
check "a client asking for SHA-512 signatures gets one, verified" "$(grep -E 'signing digest|Verify return|alert' "$UH_TMP/sig512" | tr '\n' ' ')" \
    sh -c "grep -q 'Peer signing digest: SHA512' '$UH_TMP/sig512' && grep -q 'Verify return code: 0 (ok)' '$UH_TMP/sig512'"
sclient sig224 -tls1_2 -sigalgs ECDSA+SHA224
check "a client offering only SHA-224 signatures is refused (handshake_failure)" "$(grep -E 'alert|Cipher is' "$UH_TMP/sig224" | head -n 2 | tr '\n' ' ')" \
    sh -c "grep -q 'alert handshake failure' '$UH_TMP/sig224' && grep -q 'Cipher is (NONE)' '$UH_TMP/sig224'"

sclient alpn -tls1_2 -alpn h2,http/1.1 -servername "$NAME"
check "ALPN: http/1.1 is negotiated (h2 offered first)" "$(grep -i alpn "$UH_TMP/alpn")" \
    grep -q 'ALPN protocol: http/1.1' "$UH_TMP/alpn"
check "unihost logs ALPN http/1.1" "$(grep https: "$UH_LOG" | tail -n 1)" \
    grep -q "SNI $NAME, ALPN http/1.1" "$UH_LOG"
sclient alpn_h2 -tls1_2 -alpn h2
check "ALPN without http/1.1 is refused (no_application_protocol)" "$(grep -iE 'alpn|alert' "$UH_TMP/alpn_h2" | head -n 2 | tr '\n' ' ')" \
    grep -q 'no application protocol' "$UH_TMP/alpn_h2"

sclient sess1 -tls1_2 -sess_out "$UH_TMP/session.pem"
sclient sess2 -tls1_2 -sess_in "$UH_TMP/session.pem"
check "session resumption: -sess_out then -sess_in is Reused" "$(grep -E '^(New|Reused)' "$UH_TMP/sess1" "$UH_TMP/sess2" | tr '\n' ' ')" \
    sh -c "grep -q '^New, TLSv1.2' '$UH_TMP/sess1' && grep -q '^Reused, TLSv1.2' '$UH_TMP/sess2'"
check "unihost logs the resumed session" "$(grep https: "$UH_LOG" | tail -n 1)" \
    sh -c "grep https: '$UH_LOG' | tail -n 1 | grep -q 'resumed session'"

# TLS 1.3 resumption: the ticket from a first connection (read with the
# response, which follows it) resumes a second one, psk_dhe_ke.
for i in 1 2; do
    printf 'GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$NAME" |
        nsx timeout 10 openssl s_client -connect "$IP4:443" -tls1_3 -ign_eof \
        $([ $i = 1 ] && echo -sess_out || echo -sess_in) "$UH_TMP/session13.pem" > "$UH_TMP/sess13-$i" 2>&1
done
check "TLS 1.3 ticket resumption: s_client reports Reused, TLSv1.3" "$(grep -E '^(New|Reused)' "$UH_TMP/sess13-1" "$UH_TMP/sess13-2" | tr '\n' ' ')" \
    sh -c "grep -q '^New, TLSv1.3' '$UH_TMP/sess13-1' && grep -q '^Reused, TLSv1.3' '$UH_TMP/sess13-2' &&
           grep -q '^HTTP/1.1 200' '$UH_TMP/sess13-2'"
check "unihost logs the resumed TLS 1.3 session" "$(grep https: "$UH_LOG" | tail -n 1)" \
    sh -c "grep https: '$UH_LOG' | tail -n 1 | grep -q 'TLS 1.3 .* resumed session'"

# Plain HTTP spoken to port 443: a TLS error, and unihost keeps serving.
nsx timeout 5 curl -sS -m 3 -o /dev/null "http://$IP4:443/" > /dev/null 2>&1
if get "https://$NAME/" && [ "$(status)" = 200 ]; then ok "plain HTTP sent to port 443 is dropped and HTTPS still serves"
else notok "HTTPS after plain HTTP on 443" "status $(status)"; fi

uh_stop
check "unihost stops cleanly" "status $UH_STATUS" [ "$UH_STATUS" = 0 ]

# ---- an RSA key, no redirect, no HSTS ---------------------------------------------
if uh_start --tls-cert "$FIX/rsa-cert.pem" --tls-key "$FIX/rsa-key.pem" --no-https-redirect --hsts-max-age 0; then
    ok "unihost starts with an RSA key, --no-https-redirect and --hsts-max-age 0"
    CERT=$FIX/rsa-cert.pem
    if get "https://$NAME/docs/" && [ "$(status)" = 200 ] && cmp -s "$B" "$SITE/docs/index.html"; then
        ok "RSA: curl over HTTPS, same bytes"
    else
        notok "RSA: curl over HTTPS" "status $(status), $(cat "$UH_TMP/curl.err")"
    fi
    check "--hsts-max-age 0: no Strict-Transport-Security" "got '$(hval Strict-Transport-Security)'" \
        [ -z "$(hval Strict-Transport-Security)" ]
    get "http://$NAME/docs/"
    check "--no-https-redirect: port 80 serves the page" "status $(status)" \
        sh -c "[ '$(status)' = 200 ] && cmp -s '$B' '$SITE/docs/index.html'"
    for suite in ECDHE-RSA-AES128-GCM-SHA256 ECDHE-RSA-CHACHA20-POLY1305; do
        sclient "rsa-$suite" -tls1_2 -cipher "$suite"
        check "RSA: s_client -cipher $suite is accepted" "$(grep -E 'Cipher|alert' "$UH_TMP/rsa-$suite" | head -n 2 | tr '\n' ' ')" \
            grep -q "Cipher is $suite" "$UH_TMP/rsa-$suite"
    done
    sclient rsa-tls13 -tls1_3
    check "RSA: TLS 1.3 is not offered (TLS 1.2 only for RSA keys)" "$(grep -E 'Protocol|alert|Cipher is' "$UH_TMP/rsa-tls13" | head -n 3 | tr '\n' ' ')" \
        sh -c "grep -q 'Cipher is (NONE)' '$UH_TMP/rsa-tls13'"
    sclient rsa-default -servername "$NAME"
    check "RSA: a client offering 1.2 and 1.3 gets TLS 1.2" "$(grep -E '^New|alert' "$UH_TMP/rsa-default" | head -n 2 | tr '\n' ' ')" \
        grep -q '^New, TLSv1.2' "$UH_TMP/rsa-default"
    sclient rsa-ecdsa -tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256
    check "RSA: an ECDSA-only client is refused" "$(grep -E 'Cipher|alert' "$UH_TMP/rsa-ecdsa" | head -n 2 | tr '\n' ' ')" \
        sh -c "! grep -q 'Cipher is E' '$UH_TMP/rsa-ecdsa'"
    uh_stop
else
    notok "unihost starts with an RSA key" "see the log above"
fi

# ---- a 2 MB file: back-pressure from lwIP's send buffer, fast and slow readers ----
mkdir -p "$UH_TMP/big"
cp -r tests/fixtures/site "$UH_TMP/big/site"
head -c 2000000 /dev/urandom > "$UH_TMP/big/site/big.bin"
if "$CRUNCH" --quiet --site "$UH_TMP/big/site" --zones tests/fixtures/zones -o "$UH_TMP/big.blob" > "$UH_TMP/crunch-big.log" 2>&1 &&
   uh_start --blob "$UH_TMP/big.blob" --tls-cert "$FIX/ec-cert.pem" --tls-key "$FIX/ec-key.pem" --no-https-redirect; then
    CERT=$FIX/ec-cert.pem
    for how in "HTTPS:https:" "HTTPS, a reader limited to 4 MB/s:https:--limit-rate 4M" \
               "plain HTTP (zero-copy from the blob):http:" "plain HTTP, limited to 4 MB/s:http:--limit-rate 4M"; do
        label=${how%%:*} rest=${how#*:}
        scheme=${rest%%:*} opts=${rest#*:}
        # shellcheck disable=SC2086
        if get "$scheme://$NAME/big.bin" $opts && [ "$(status)" = 200 ] && cmp -s "$B" "$UH_TMP/big/site/big.bin"; then
            ok "$label: a 2 MB file arrives intact"
        else
            notok "$label: a 2 MB file" "status $(status), $(wc -c < "$B") bytes, $(cat "$UH_TMP/curl.err")"
        fi
    done
    uh_stop
else
    notok "start with a blob holding a 2 MB file" "$(cat "$UH_TMP/crunch-big.log")"
fi

# ---- bad credentials stop the start with a clear line ----------------------------
bad_start() {     # bad_start NAME WANT-IN-LOG FLAGS...
    _name=$1 _want=$2
    shift 2
    if uh_start "$@" > /dev/null; then
        notok "$_name" "unihost started"
        uh_stop
        return
    fi
    uh_wait_exit "$UH_PID" 50
    UH_PID=
    if [ "$UH_STATUS" != 0 ] && grep -q -- "$_want" "$UH_LOG"; then ok "$_name: exit $UH_STATUS, '$(grep -- "$_want" "$UH_LOG" | head -n 1)'"
    else notok "$_name" "status $UH_STATUS, log: $(tr '\n' ' ' < "$UH_LOG")"; fi
}
bad_start "a key that is not the certificate's is refused" "refusing the TLS credentials: $FIX/rsa-key.pem: the key does not match the certificate in $FIX/ec-cert.pem" \
    --tls-cert "$FIX/ec-cert.pem" --tls-key "$FIX/rsa-key.pem"
bad_start "a P-384 key is refused" "not on P-256" --tls-cert "$FIX/ec-cert.pem" --tls-key "$FIX/p384-key.pem"
bad_start "a missing certificate file is refused" "cannot open --tls-cert $UH_TMP/none.pem" \
    --tls-cert "$UH_TMP/none.pem" --tls-key "$FIX/ec-key.pem"
if "$UNIHOST" --tap x --ipv4 192.0.2.2/24 --tls-cert "$CERT" > "$UH_TMP/usage" 2>&1; then
    notok "--tls-cert without --tls-key is a usage error" "it ran"
else
    check "--tls-cert without --tls-key is a usage error" "$(head -n 1 "$UH_TMP/usage")" \
        grep -q 'give --tls-cert and --tls-key together' "$UH_TMP/usage"
fi

uh_finish
