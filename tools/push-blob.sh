#!/bin/sh
# Signs a content blob and pushes it to unihost's management listener
# (--manage ADDR:PORT; docs/xen.md, "Pushing content").
#
#   tools/push-blob.sh BLOB KEY.pem https://ADDR:PORT [--cacert CERT] [curl options...]
#
# BLOB is a file crunch made (build/crunch --site site --zones zones -o BLOB);
# KEY.pem the EC P-256 private key whose public half unihost was given
# (--manage-key on unix, MANAGE_PUBKEY when the Xen guest was built). The
# signature is ECDSA over the blob's SHA-256 (openssl dgst -sha256 -sign),
# sent base64 in the Blob-Signature header of PUT /blob. Prints unihost's
# answer (one line: the new content's SHA-256, or why it was refused) and
# exits 0 only if the blob was accepted.
#
# A key pair of your own (keep key.pem off the machine that serves):
#   openssl ecparam -name prime256v1 -genkey -noout -out key.pem
#   openssl ec -in key.pem -pubout -out pub.pem
set -u
usage() {
    echo "usage: $0 BLOB KEY.pem https://ADDR:PORT [--cacert CERT] [curl options...]" >&2
    exit 2
}
[ $# -ge 3 ] || usage
blob=$1 key=$2 url=$3
shift 3
case $url in
https://*) ;;
*) echo "push-blob: $url: pushes go over TLS only (https://ADDR:PORT)" >&2; exit 2 ;;
esac
url=${url%/}/blob
[ -f "$blob" ] && [ -s "$blob" ] || { echo "push-blob: $blob is not a non-empty file" >&2; exit 2; }
[ -r "$key" ] || { echo "push-blob: cannot read the key $key" >&2; exit 2; }
command -v openssl >/dev/null 2>&1 && command -v curl >/dev/null 2>&1 ||
    { echo "push-blob: needs openssl and curl" >&2; exit 2; }

sig=$(openssl dgst -sha256 -sign "$key" "$blob" | openssl base64 -A) && [ -n "$sig" ] ||
    { echo "push-blob: openssl could not sign $blob with $key" >&2; exit 1; }
# -g: an IPv6 address in brackets is an address, not a glob.
answer=$(curl -sS -g --http1.1 -T "$blob" -H "Blob-Signature: $sig" -H "Content-Type: application/octet-stream" \
              -w '\n%{http_code}' "$@" "$url") || { echo "push-blob: curl failed" >&2; exit 1; }
code=$(printf '%s\n' "$answer" | tail -n 1)
printf '%s\n' "$answer" | sed '$d'
[ "$code" = 200 ]
