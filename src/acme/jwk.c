/* P-256 keys as JWKs and their thumbprints (jwk.h). */
#include "acme/jwk.h"

#include <string.h>

#include <bearssl.h>

#include "acme/base64url.h"
#include "crypto/p256.h"
#include "crypto/secret_bytes.h"

/* The group order n, big-endian. */
static const uint8_t p256_order[32] = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
};

/* Is x in [1, n-1]? Constant time: the secret's bytes shape no branch. */
static bool in_scalar_range(const uint8_t x[32])
{
    uint32_t nonzero = 0, borrow = 0;
    for (int i = 31; i >= 0; i--) {
        nonzero |= x[i];
        uint32_t d = (uint32_t)x[i] - p256_order[i] - borrow;
        borrow = d >> 31;
    }
    return (nonzero != 0) & (borrow == 1);     /* x - n < 0 */
}

bool p256_key_init(struct p256_key *key, const uint8_t secret[32])
{
    if (!in_scalar_range(secret))
        return false;
    memcpy(key->secret, secret, 32);
    p256_mulgen(key->point, key->secret, 32);
    return true;
}

void p256_key_wipe(struct p256_key *key)
{
    secret_wipe(key, sizeof *key);
}

void jwk_write(struct json_out *out, const struct p256_key *key)
{
    json_out_raw(out, "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":");
    json_out_base64url(out, key->point + 1, 32);
    json_out_raw(out, ",\"y\":");
    json_out_base64url(out, key->point + 33, 32);
    json_out_raw(out, "}");
}

void jwk_thumbprint(const struct p256_key *key, char out[JWK_THUMBPRINT_LEN + 1])
{
    char text[160];     /* the canonical JWK of a P-256 key is 126 bytes */
    struct json_out o;
    json_out_init(&o, text, sizeof text);
    jwk_write(&o, key);
    uint8_t digest[32];
    br_sha256_context h;
    br_sha256_init(&h);
    br_sha256_update(&h, text, o.len);
    br_sha256_out(&h, digest);
    base64url_encode(digest, sizeof digest, out, JWK_THUMBPRINT_LEN + 1);
}
