#!/bin/sh
# Integration test (open bug, issue 16 item 1): a TLS 1.3 server that
# negotiates TLS 1.2 puts the downgrade sentinel 44 4F 57 4E 47 52 44 01 in
# the last 8 bytes of ServerHello.random (RFC 8446 4.1.3). unihost with its
# EC P-256 key serves TLS 1.3, so a client offering at most TLS 1.2 must see
# the sentinel; with an RSA key (TLS 1.2 only) it must not.
UH_TEST=tls_downgrade_sentinel
. "$(dirname "$0")/lib/uh.sh"
uh_require_root
uh_require_tools openssl timeout
uh_dev_cert
FIX=tests/fixtures/tls
uh_setup "uh-sentinel-$$" "uhsn$$"
# random_tail: the last 8 bytes of the TLS 1.2 ServerHello.random s_client -msg shows
random_tail() {
    nsx timeout 10 openssl s_client -connect "$UNIHOST_GUEST4:443" -tls1_2 -msg < /dev/null 2>&1 |
        sed -n '/<<< TLS 1.2, Handshake \[length [0-9a-f]*\], ServerHello/,/^[<>]/p' | sed 1d |
        tr -s ' \n' ' ' | awk '{ s = ""; for (i = 31; i <= 38; i++) s = s $i; print toupper(s) }'
}
if uh_start --tls-cert "$CERT" --tls-key "$KEY"; then
    tail=$(random_tail)
    check "EC key (TLS 1.3 served), client at most TLS 1.2: ServerHello.random ends with the sentinel DOWNGRD\\x01" \
        "its last 8 bytes are $tail" [ "$tail" = 444F574E47524401 ]
    uh_stop
fi
if uh_start --tls-cert "$FIX/rsa-cert.pem" --tls-key "$FIX/rsa-key.pem"; then
    tail=$(random_tail)
    check "RSA key (TLS 1.2 only): no sentinel" "its last 8 bytes are $tail" \
        sh -c "[ -n '$tail' ] && [ '$tail' != 444F574E47524401 ] && [ '$tail' != 444F574E47524400 ]"
    uh_stop
fi
uh_finish
