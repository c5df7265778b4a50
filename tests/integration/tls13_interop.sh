#!/bin/sh
# Integration test: TLS 1.3 interoperability with implementations that share
# no code with OpenSSL (https.sh's client) or BearSSL, unihost on its tap in
# this test's namespace:
#   - GnuTLS (gnutls-cli): each suite and each group by priority string, a
#     HelloRetryRequest to P-256 and to X25519 (the first shares offered in
#     groups unihost lacks), ticket resumption with a fresh key share
#     (psk_dhe_ke), 0-RTT declined, an HTTP GET whose body is compared
#     with the site, and the same under a small record_size_limit;
#   - Go's crypto/tls (tests/interop/go_tls_client.go, built here offline):
#     the certificate verified, X25519 and P-256, a HelloRetryRequest, the
#     suites Go can be made to prefer, resumption (DidResume), TLS 1.2 when
#     it caps the version, and no false downgrade alarm when an RSA key
#     makes unihost answer TLS 1.2 to a client that offered 1.3;
#   - testssl.sh: TLS 1.3 offered, SSLv2/SSLv3/TLS 1.0/TLS 1.1 not, and no
#     finding above LOW but the listed ones about the test certificate.
# TLS13_INTEROP_NO_TESTSSL=1 skips the testssl.sh run (about two minutes, at most 7).
UH_TEST=tls13_interop
. "$(dirname "$0")/lib/uh.sh"

uh_require_root
uh_require_tools gnutls-cli go testssl python3 timeout
uh_dev_cert
FIX=tests/fixtures/tls

uh_setup "uh-tls13i-$$" "uhti$$"
uh_export_site
NAME=www.unihost.test
IP4=$UNIHOST_GUEST4
# The last line unihost logged for an HTTPS handshake.
last_https() { grep 'https: ' "$UH_LOG" | tail -n 1; }

# ---- the Go client, built offline from the standard library only -------------
GOBIN_CLIENT=$UH_TMP/go_tls_client
mkdir -p "$UH_TMP/go"
if HOME=$UH_TMP/go GOCACHE=$UH_TMP/go/cache GOPATH=$UH_TMP/go/path GOPROXY=off GOFLAGS= GO111MODULE=on \
   timeout 300 go build -o "$GOBIN_CLIENT" tests/interop/go_tls_client.go > "$UH_TMP/go.log" 2>&1; then
    ok "go build tests/interop/go_tls_client.go ($(go version | awk '{print $3}'))"
else
    notok "go build tests/interop/go_tls_client.go" "$(tr '\n' ' ' < "$UH_TMP/go.log")"
    GOBIN_CLIENT=
fi

if uh_start --tls-cert "$CERT" --tls-key "$KEY"; then
    ok "unihost starts with the development certificate (EC P-256)"
else
    notok "unihost starts with the development certificate" "see the log above"
    exit 1
fi

# ---- GnuTLS ---------------------------------------------------------------------------
# gnutls [NAME] PRIORITY [gnutls-cli options...]: one gnutls-cli run against
# unihost, the certificate verified against the development certificate
# (name and chain), stdin empty; output in $UH_TMP/gnutls-NAME (stdout) and
# .err (stderr, with -d debugging when asked).
gnutls() {
    _o=$UH_TMP/gnutls-$1 _p=$2
    shift 2
    nsx timeout 20 gnutls-cli --x509cafile "$CERT" --verify-hostname "$NAME" --sni-hostname "$NAME" \
        --priority "$_p" --port 443 "$@" "$IP4" < /dev/null > "$_o" 2> "$_o.err"
}
TLS13='NORMAL:-VERS-ALL:+VERS-TLS1.3'
for suite in AES-128-GCM:TLS_AES_128_GCM_SHA256 AES-256-GCM:TLS_AES_256_GCM_SHA384 CHACHA20-POLY1305:TLS_CHACHA20_POLY1305_SHA256; do
    g=${suite%%:*} want=${suite#*:}
    gnutls "$g" "$TLS13:-CIPHER-ALL:+$g"
    check "gnutls-cli TLS 1.3 with $g only: handshake, certificate trusted, unihost logs $want" \
        "$(grep -E 'Status|Description|Error|\*\*\*' "$UH_TMP/gnutls-$g" "$UH_TMP/gnutls-$g.err" | head -n 3 | tr '\n' ' ') log: $(last_https)" \
        sh -c "grep -q 'The certificate is trusted' '$UH_TMP/gnutls-$g' &&
               grep -q '^- Description: (TLS1.3-X.509)-(ECDHE-[A-Z0-9]*)-(ECDSA-SECP256R1-SHA256)-($g)' '$UH_TMP/gnutls-$g' &&
               grep 'https: ' '$UH_LOG' | tail -n 1 | grep -q 'TLS 1.3 $want, SNI $NAME'"
done
for group in SECP256R1 X25519; do
    gnutls "$group" "$TLS13:-GROUP-ALL:+GROUP-$group" -d 4
    check "gnutls-cli TLS 1.3 with group $group only: one ServerHello, its key share in $group" \
        "$(grep -E 'Description|Error|\*\*\*' "$UH_TMP/gnutls-$group" "$UH_TMP/gnutls-$group.err" | head -n 3 | tr '\n' ' ')" \
        sh -c "grep -q '^- Description: (TLS1.3-X.509)-(ECDHE-$group)-' '$UH_TMP/gnutls-$group' &&
               ! grep -q 'HELLO RETRY REQUEST' '$UH_TMP/gnutls-$group.err'"
done
# GnuTLS sends a share for its first group, and for the first of another
# kind: SECP384R1 alone, or FFDHE2048 and X448, are shares unihost cannot
# use, and the group it asks for in the HelloRetryRequest must be the one
# the client listed next.
for hrr in 'SECP384R1:SECP256R1:SECP256R1' 'FFDHE2048:X448:X25519:X25519'; do
    want=${hrr##*:} groups=${hrr%:*}
    prio=$TLS13:-GROUP-ALL
    for g in $(echo "$groups" | tr ':' ' '); do prio=$prio:+GROUP-$g; done
    gnutls "hrr-$want" "$prio" -d 4
    check "gnutls-cli TLS 1.3 HelloRetryRequest: shares in ${groups%:*} draw one asking for $want, then the handshake completes" \
        "$(grep -E 'HELLO RETRY|HRR key share|sending key share' "$UH_TMP/gnutls-hrr-$want.err" | sed 's/.*]: //' | tr '\n' ';') $(grep -E 'Description|Error' "$UH_TMP/gnutls-hrr-$want" | tr '\n' ' ')" \
        sh -c "[ \$(grep -c 'HELLO RETRY REQUEST (1025) was received' '$UH_TMP/gnutls-hrr-$want.err') = 1 ] &&
               grep -q 'HRR key share with $want' '$UH_TMP/gnutls-hrr-$want.err' &&
               grep -q '^- Description: (TLS1.3-X.509)-(ECDHE-$want)-' '$UH_TMP/gnutls-hrr-$want' &&
               grep -q 'The certificate is trusted' '$UH_TMP/gnutls-hrr-$want'"
done
# Resumption: --resume connects twice; the second handshake is resumed with
# the ticket of the first, and unihost's ServerHello still carries a key
# share (psk_dhe_ke: two ServerHellos with one, in the two connections).
# --waitresumption: the ticket follows the handshake, and gnutls-cli would
# otherwise close the first connection before it arrives.
gnutls resume "$TLS13" --resume --waitresumption -d 4
check "gnutls-cli --resume: the second TLS 1.3 connection resumes with a ticket (psk_dhe_ke), unihost logs it" \
    "$(grep -E 'resumed|Resume|Error|\*\*\*' "$UH_TMP/gnutls-resume" | head -n 3 | tr '\n' ' ') key shares from the server: $(grep -c "Parsing extension 'Key Share/51'" "$UH_TMP/gnutls-resume.err"); log: $(last_https)" \
    sh -c "grep -q '^\*\*\* This is a resumed session' '$UH_TMP/gnutls-resume' &&
           [ \$(grep -c \"Parsing extension 'Key Share/51'\" '$UH_TMP/gnutls-resume.err') = 2 ] &&
           grep 'https: ' '$UH_LOG' | tail -n 1 | grep -q 'TLS 1.3 .* resumed session'"
# 0-RTT: resuming, gnutls-cli sends a GET / as early data (the ticket
# allows none, so this is what RFC 8446 4.2.10 has a server decline). The
# server must leave early_data out of its EncryptedExtensions, skip the
# early records, and serve the GET /docs/ sent after the handshake: one
# response, and no request for / in unihost's access log.
printf 'GET / HTTP/1.1\r\nHost: %s\r\n\r\n' "$NAME" > "$UH_TMP/early.txt"
before_root=$(grep -c 'access: .* path="/" ' "$UH_LOG")
before_docs=$(grep -c 'access: .* path="/docs/" ' "$UH_LOG")
{ printf 'GET /docs/ HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$NAME"; sleep 10; } |
    nsx timeout 20 gnutls-cli --x509cafile "$CERT" --verify-hostname "$NAME" --sni-hostname "$NAME" \
        --priority "$TLS13" --resume --waitresumption --earlydata "$UH_TMP/early.txt" -d 4 \
        --port 443 "$IP4" > "$UH_TMP/gnutls-0rtt" 2> "$UH_TMP/gnutls-0rtt.err"
after_root=$(grep -c 'access: .* path="/" ' "$UH_LOG")
after_docs=$(grep -c 'access: .* path="/docs/" ' "$UH_LOG")
check "gnutls-cli 0-RTT on resumption: the early GET / is declined and not served, the GET /docs/ after the handshake is" \
    "early_data sent $(grep -c 'Sending extension Early Data/42' "$UH_TMP/gnutls-0rtt.err"), accepted $(grep -c "Parsing extension 'Early Data/42'" "$UH_TMP/gnutls-0rtt.err"); $(grep -c '^HTTP/1.1 ' "$UH_TMP/gnutls-0rtt") responses; access log / $before_root -> $after_root, /docs/ $before_docs -> $after_docs; $(grep -E 'resumed|Error|\*\*\*' "$UH_TMP/gnutls-0rtt" | tr '\n' ' ')" \
    sh -c "grep -q '^\*\*\* This is a resumed session' '$UH_TMP/gnutls-0rtt' &&
           [ \$(grep -c 'Sending extension Early Data/42' '$UH_TMP/gnutls-0rtt.err') = 1 ] &&
           ! grep -q \"Parsing extension 'Early Data/42'\" '$UH_TMP/gnutls-0rtt.err' &&
           [ \$(grep -c '^HTTP/1.1 200' '$UH_TMP/gnutls-0rtt') = 1 ] &&
           [ $after_root = $before_root ] && [ $after_docs = $((before_docs + 1)) ]"
# An HTTP GET over it: the request on stdin (kept open until unihost closes
# after its response, at most 10 s), the body compared with the export.
{ printf 'GET /docs/ HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$NAME"; sleep 10; } |
    nsx timeout 10 gnutls-cli --x509cafile "$CERT" --verify-hostname "$NAME" --sni-hostname "$NAME" \
        --priority "$TLS13" --logfile "$UH_TMP/gnutls-get.log" --port 443 "$IP4" > "$UH_TMP/gnutls-get" 2> "$UH_TMP/gnutls-get.err"
awk 'body { print; next } /^\r?$/ { body = 1 }' "$UH_TMP/gnutls-get" > "$UH_TMP/gnutls-get.body"
check "gnutls-cli TLS 1.3: GET /docs/ answered 200, the body byte for byte the site's" \
    "$(head -n 1 "$UH_TMP/gnutls-get") $(wc -c < "$UH_TMP/gnutls-get.body") bytes, want $(wc -c < "$SITE/docs/index.html"); $(grep -E 'Description|Error' "$UH_TMP/gnutls-get.log" | tr '\n' ' ')" \
    sh -c "head -n 1 '$UH_TMP/gnutls-get' | grep -q '^HTTP/1.1 200' && cmp -s '$UH_TMP/gnutls-get.body' '$SITE/docs/index.html' &&
           grep -q 'Description: (TLS1.3-X.509)' '$UH_TMP/gnutls-get.log'"
# record_size_limit (RFC 8449): gnutls-cli --recordsize=512 (its least)
# advertises 513, 512 bytes of data and the content type, and every
# protected record unihost sends, the handshake flight (about 1 KiB with
# the development certificate) included, must then hold at most 513 bytes
# of inner plaintext: 529 on the wire with the tag. GnuTLS refuses a larger
# one with record_overflow; the page comes in pieces.
{ printf 'GET /docs/ HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$NAME"; sleep 10; } |
    nsx timeout 10 gnutls-cli --x509cafile "$CERT" --verify-hostname "$NAME" --sni-hostname "$NAME" \
        --priority "$TLS13" --recordsize=512 -d 6 --logfile "$UH_TMP/gnutls-small.log" --port 443 "$IP4" \
        > "$UH_TMP/gnutls-small" 2> "$UH_TMP/gnutls-small.err"
awk 'body { print; next } /^\r?$/ { body = 1 }' "$UH_TMP/gnutls-small" > "$UH_TMP/gnutls-small.body"
largest_in=$(cat "$UH_TMP/gnutls-small.log" "$UH_TMP/gnutls-small.err" |
    sed -n 's/.*Received Packet Application Data(23) with length: \([0-9]*\).*/\1/p' | sort -n | tail -n 1)
check "gnutls-cli TLS 1.3 with record_size_limit 513: the flight and GET /docs/ in records of at most 529 bytes, the body the site's" \
    "$(head -n 1 "$UH_TMP/gnutls-small") $(wc -c < "$UH_TMP/gnutls-small.body") bytes; largest record received ${largest_in:-none}; $(cat "$UH_TMP/gnutls-small.log" "$UH_TMP/gnutls-small.err" | grep -E 'Cannot|Error|Fatal' | head -n 2 | tr '\n' ' ')" \
    sh -c "head -n 1 '$UH_TMP/gnutls-small' | grep -q '^HTTP/1.1 200' && cmp -s '$UH_TMP/gnutls-small.body' '$SITE/docs/index.html' &&
           cat '$UH_TMP/gnutls-small.log' '$UH_TMP/gnutls-small.err' | grep -q 'Sending extension Record Size Limit' &&
           [ -n '$largest_in' ] && [ '$largest_in' -le 529 ]"

# ---- Go crypto/tls --------------------------------------------------------------------------
# goclient NAME [go_tls_client flags...]: one run, stdout in $UH_TMP/go-NAME
goclient() {
    _o=$UH_TMP/go-$1
    shift
    nsx timeout 30 "$GOBIN_CLIENT" -addr "$IP4:443" -name "$NAME" -ca "$CERT" "$@" > "$_o" 2> "$_o.err"
}
if [ -n "$GOBIN_CLIENT" ]; then
    for curve in X25519 P256; do
        goclient "$curve" -min 1.3 -curve "$curve" -path /docs/ -out "$UH_TMP/go-$curve.body"
        # Go offers only $curve: a handshake that completes used it.
        check "Go crypto/tls TLS 1.3 offering only $curve: certificate verified, GET /docs/ the site's bytes" \
            "$(cat "$UH_TMP/go-$curve" "$UH_TMP/go-$curve.err" | tr '\n' ' ')" \
            sh -c "grep -q '^version=TLS1.3 .* alpn=http/1.1 resumed=false status=200' '$UH_TMP/go-$curve' &&
                   cmp -s '$UH_TMP/go-$curve.body' '$SITE/docs/index.html'"
    done
    # Go sends a key share for its first curve only: P-384 first draws a
    # HelloRetryRequest, after which P-256 completes.
    goclient hrr -min 1.3 -curve P384,P256
    check "Go crypto/tls TLS 1.3 HelloRetryRequest: a P-384 share, then P-256" \
        "$(cat "$UH_TMP/go-hrr" "$UH_TMP/go-hrr.err" | tr '\n' ' ')" \
        grep -q '^version=TLS1.3 .* status=200' "$UH_TMP/go-hrr"
    # Go's TLS 1.3 suites cannot be configured; it puts AES-128-GCM first
    # on a CPU with AES instructions and ChaCha20-Poly1305 first when told
    # the CPU has none (GODEBUG=cpu.aes=off). AES-256-GCM is never first in
    # Go's list, so GnuTLS above is what asks for it.
    goclient suite-aes -min 1.3
    check "Go crypto/tls TLS 1.3, AES-128-GCM preferred: TLS_AES_128_GCM_SHA256" \
        "$(cat "$UH_TMP/go-suite-aes" "$UH_TMP/go-suite-aes.err" | tr '\n' ' ')" \
        grep -q '^version=TLS1.3 suite=TLS_AES_128_GCM_SHA256 .* status=200' "$UH_TMP/go-suite-aes"
    GODEBUG=cpu.aes=off goclient suite-chacha -min 1.3
    check "Go crypto/tls TLS 1.3, ChaCha20 preferred (GODEBUG=cpu.aes=off): TLS_CHACHA20_POLY1305_SHA256" \
        "$(cat "$UH_TMP/go-suite-chacha" "$UH_TMP/go-suite-chacha.err" | tr '\n' ' ')" \
        grep -q '^version=TLS1.3 suite=TLS_CHACHA20_POLY1305_SHA256 .* status=200' "$UH_TMP/go-suite-chacha"
    # Three connections, one session cache: the ticket of the first resumes
    # the second, and the second's new ticket the third.
    goclient resume -min 1.3 -count 3
    check "Go crypto/tls TLS 1.3 resumption: connections 2 and 3 report DidResume" \
        "$(cat "$UH_TMP/go-resume" "$UH_TMP/go-resume.err" | tr '\n' ' ')" \
        sh -c "[ \"\$(sed -n 's/.*resumed=\([a-z]*\) status=200.*/\1/p' '$UH_TMP/go-resume' | tr '\n' ' ')\" = 'false true true ' ]"
    check "unihost logs the resumed TLS 1.3 sessions of Go's client" "$(last_https)" \
        sh -c "[ \$(grep 'https: ' '$UH_LOG' | tail -n 2 | grep -c 'TLS 1.3 .* resumed session') = 2 ]"
    goclient tls12 -max 1.2
    check "Go crypto/tls with MaxVersion TLS 1.2: TLS 1.2 (an ECDHE-ECDSA AEAD suite)" \
        "$(cat "$UH_TMP/go-tls12" "$UH_TMP/go-tls12.err" | tr '\n' ' ')" \
        grep -q '^version=TLS1.2 suite=TLS_ECDHE_ECDSA_WITH_[A-Z0-9_]*\(GCM\|POLY1305\)[A-Z0-9_]* .* status=200' "$UH_TMP/go-tls12"
    # (No TLS 1.2 resumption here: Go resumes TLS 1.2 with session tickets
    # only, and unihost's TLS 1.2 resumes by session ID only.)
fi

# ---- testssl.sh ------------------------------------------------------------------------------
# Findings above LOW that are accepted, each because it is about the test
# certificate, which is self-signed and made by make for this machine, not
# about what unihost's TLS does:
#   cert_chain_of_trust  -- self-signed: no public CA vouches for it
#   cert_trust           -- the same, said of the name match against public roots
#   cert_caIssuers       -- no AIA caIssuers URL (no CA to point to)
#   cert_crlDistributionPoints, cert_ocspURL, OCSP_stapling, cert_revocation
#                        -- no CRL or OCSP: nothing revokes a development certificate
#   cert_certificateTransparency -- not logged to CT (no public CA)
#   cert_validityPeriod, cert_expirationStatus -- the validity make chose
#                        (over 398 days, which public CAs may not issue)
#   DNS_CAArecord        -- no CAA record for a test name
ACCEPTED_CERT_FINDINGS="cert_chain_of_trust cert_trust cert_caIssuers cert_crlDistributionPoints cert_ocspURL
OCSP_stapling cert_revocation cert_certificateTransparency cert_validityPeriod cert_expirationStatus DNS_CAArecord"
# Findings above LOW that are not the certificate's, known and open: each
# is printed as a "# open:" line on every run, and the check below still
# fails on any other. Remove an id once testssl.sh stops reporting it.
#   BREACH       -- MEDIUM: / is served with HTTP compression. The site is
#                   a static blob: no secret and nothing of the request is
#                   ever reflected in a page, which is what BREACH needs
#                   (testssl.sh says as much: "can be ignored for static pages").
KNOWN_OPEN_FINDINGS="BREACH"
if [ "${TLS13_INTEROP_NO_TESTSSL:-0}" = 1 ]; then
    echo "# testssl.sh skipped (TLS13_INTEROP_NO_TESTSSL=1)"
else
    # The sections that rate a server (protocols, cipher categories,
    # forward secrecy, server preferences, server defaults with the
    # certificate, HTTP headers, vulnerabilities), without the slow client
    # simulation; --fast; no DNS (the namespace has none, the certificate
    # names the address). About two minutes on an idle machine, over four on
    # a loaded one (a run in QEMU beside it); bounded at 7 minutes.
    nsx timeout 420 testssl --quiet --fast --color 0 --warnings off --nodns none -p -s -f -P -S -h -U \
        --jsonfile "$UH_TMP/testssl.json" "https://$IP4/" > "$UH_TMP/testssl.out" 2>&1
    rc=$?
    if [ ! -s "$UH_TMP/testssl.json" ]; then
        notok "testssl.sh runs to its end" "exit status $rc, no JSON; $(tail -n 5 "$UH_TMP/testssl.out" | tr '\n' ' ')"
    else
        echo "# testssl.sh exit status $rc"
        python3 - "$UH_TMP/testssl.json" "$ACCEPTED_CERT_FINDINGS" "$KNOWN_OPEN_FINDINGS" > "$UH_TMP/testssl.verdict" <<'PY'
import json, sys
findings = json.load(open(sys.argv[1]))
accepted = set(sys.argv[2].split())
known_open = set(sys.argv[3].split())
by_id = {}
for f in findings:
    by_id.setdefault(f["id"], []).append(f)
def finding(i):
    return " | ".join(f["finding"] for f in by_id.get(i, [])) or "(absent)"
print("TLS1_3", finding("TLS1_3"))
for i in ("SSLv2", "SSLv3", "TLS1", "TLS1_1"):
    print(i, finding(i))
above = [f for f in findings if f["severity"] in ("MEDIUM", "HIGH", "CRITICAL")]
print("above_low", " ; ".join("%s=%s: %s" % (f["id"], f["severity"], f["finding"]) for f in above
                              if f["id"] not in accepted and f["id"] not in known_open) or "none")
print("accepted", " ; ".join("%s=%s" % (f["id"], f["severity"]) for f in above if f["id"] in accepted) or "none")
print("open", " ; ".join("%s=%s: %s" % (f["id"], f["severity"], f["finding"]) for f in above if f["id"] in known_open) or "none")
# A scan that could not finish says so with a FATAL finding or a
# scanProblem one; WARN findings are the local OpenSSL's limits (no RC4 in
# Debian's), shown but not held against unihost.
print("scan_problem", " ; ".join("%s: %s" % (f["id"], f["finding"]) for f in findings
                                 if f["severity"] == "FATAL" or f["id"] == "scanProblem") or "none")
print("warnings", " ; ".join("%s: %s" % (f["id"], f["finding"]) for f in findings if f["severity"] == "WARN") or "none")
PY
        v() { sed -n "s/^$1 //p" "$UH_TMP/testssl.verdict"; }
        check "testssl.sh: TLS 1.3 offered" "TLS1_3: $(v TLS1_3)" sh -c "v=\"$(v TLS1_3)\"; case \$v in offered*) exit 0 ;; *) exit 1 ;; esac"
        for p in SSLv2 SSLv3 TLS1 TLS1_1; do
            check "testssl.sh: $p not offered" "$p: $(v "$p")" [ "$(v "$p")" = "not offered" ]
        done
        check "testssl.sh: nothing rated above LOW but the listed test-certificate findings (and the known open ones)" "$(v above_low)" \
            [ "$(v above_low)" = none ]
        echo "# testssl.sh findings above LOW accepted as the test certificate's: $(v accepted)"
        echo "# open: testssl.sh findings above LOW not about the certificate (KNOWN_OPEN_FINDINGS): $(v open)"
        echo "# testssl.sh warnings (local): $(v warnings)"
        check "testssl.sh: no scan problem" "$(v scan_problem)" [ "$(v scan_problem)" = none ]
    fi
fi
uh_stop
check "unihost stops cleanly" "status $UH_STATUS" [ "$UH_STATUS" = 0 ]

# ---- an RSA key: TLS 1.2 for a client offering 1.3, without the downgrade sentinel -------
# unihost answers TLS 1.2 to every client when its key is RSA (TLS 1.3 is
# for ECDSA P-256 keys only). Go, offering 1.3, aborts if ServerHello.random
# ends with the RFC 8446 §4.1.3 sentinel of a downgrade; it must not see one,
# as unihost never offered 1.3 with this key.
if [ -n "$GOBIN_CLIENT" ]; then
    if uh_start --tls-cert "$FIX/rsa-cert.pem" --tls-key "$FIX/rsa-key.pem"; then
        CERT=$FIX/rsa-cert.pem
        goclient rsa
        check "Go crypto/tls offering 1.2 and 1.3 to an RSA key: TLS 1.2, no downgrade alarm" \
            "$(cat "$UH_TMP/go-rsa" "$UH_TMP/go-rsa.err" | tr '\n' ' ')" \
            grep -q '^version=TLS1.2 suite=TLS_ECDHE_RSA_WITH_.* status=200' "$UH_TMP/go-rsa"
        gnutls rsa "NORMAL"
        check "gnutls-cli offering 1.2 and 1.3 to an RSA key: TLS 1.2" \
            "$(grep -E 'Description|Error|\*\*\*' "$UH_TMP/gnutls-rsa" "$UH_TMP/gnutls-rsa.err" | head -n 3 | tr '\n' ' ')" \
            grep -q '^- Description: (TLS1.2-X.509)-(ECDHE-[A-Z0-9]*)-(RSA-' "$UH_TMP/gnutls-rsa"
        uh_stop
    else
        notok "unihost starts with an RSA key" "see the log above"
    fi
fi

uh_finish
