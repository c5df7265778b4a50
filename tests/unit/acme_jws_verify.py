#!/usr/bin/python3
# Checks the JWS files given on the command line with an implementation
# that is not ours: Python's json module and python3-cryptography's ECDSA.
# Each file holds one flattened JWS (RFC 7515 section 7.2.2) followed by a
# line "expect: NONCE URL KID PAYLOAD", KID and PAYLOAD (base64url) '-'
# when absent or empty. Prints one line per
# file: "valid", or "invalid: why".
import base64
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64(s):
    if "=" in s or "+" in s or "/" in s:
        raise ValueError("not unpadded base64url")
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def check(path):
    text = open(path).read()
    body, expect = text.rsplit("\nexpect: ", 1)
    nonce, url, kid, payload_b64 = expect.split()
    jws = json.loads(body)
    if sorted(jws) != ["payload", "protected", "signature"]:
        return "members %s" % sorted(jws)
    header = json.loads(b64(jws["protected"]))
    # The signature first, with the key the header names (or the account's),
    # then what the signed header and payload say.
    jwk = header.get("jwk") if kid == "-" else json.loads(open(path + ".jwk").read())
    if set(jwk) != {"crv", "kty", "x", "y"} or jwk["kty"] != "EC" or jwk["crv"] != "P-256":
        return "jwk %r" % jwk
    x = int.from_bytes(b64(jwk["x"]), "big")
    y = int.from_bytes(b64(jwk["y"]), "big")
    key = ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
    sig = b64(jws["signature"])
    if len(sig) != 64:
        return "signature of %d bytes" % len(sig)
    der = encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
    try:
        key.verify(der, (jws["protected"] + "." + jws["payload"]).encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return "signature does not verify"
    if header.get("alg") != "ES256" or header.get("nonce") != nonce or header.get("url") != url:
        return "header %r" % header
    if ("kid" in header) == (kid == "-") or ("jwk" in header) != (kid == "-") or header.get("kid", kid) != kid:
        return "kid/jwk in header %r" % header
    if jws["payload"] != ("" if payload_b64 == "-" else payload_b64):
        return "payload %r" % jws["payload"]
    return None


for p in sys.argv[1:]:
    try:
        why = check(p)
    except Exception as e:  # a file we cannot even read is invalid too
        why = "%s: %s" % (type(e).__name__, e)
    print("valid" if why is None else "invalid: " + why)
