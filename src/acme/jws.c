/* ES256 JWS in the flattened JSON serialisation (jws.h). */
#include "acme/jws.h"

#include <string.h>

#include <bearssl.h>

#include "acme/base64url.h"
#include "crypto/p256.h"

/* The protected header, before it is encoded. A kid or URL longer than
 * this leaves is refused rather than cut. */
#define HEADER_MAX 1024

bool jws_write(struct json_out *out, const struct p256_key *key, const char *kid, const char *nonce, const char *url,
               const char *payload, size_t payload_len)
{
    char header_text[HEADER_MAX];
    struct json_out header;
    json_out_init(&header, header_text, sizeof header_text);
    json_out_raw(&header, "{\"alg\":\"ES256\",");
    if (kid) {
        json_out_raw(&header, "\"kid\":");
        json_out_string(&header, kid);
    } else {
        json_out_raw(&header, "\"jwk\":");
        jwk_write(&header, key);
    }
    json_out_raw(&header, ",\"nonce\":");
    json_out_string(&header, nonce);
    json_out_raw(&header, ",\"url\":");
    json_out_string(&header, url);
    json_out_raw(&header, "}");
    if (header.overflow)
        return false;

    /* The signing input is the two encoded parts joined by '.'; they are
     * hashed where they are written, in out. */
    json_out_raw(out, "{\"protected\":");
    size_t protected_at = out->len + 1;
    json_out_base64url(out, header_text, header.len);
    size_t protected_len = out->len - 1 - protected_at;
    json_out_raw(out, ",\"payload\":");
    size_t payload_at = out->len + 1;
    json_out_base64url(out, payload, payload_len);
    size_t payload_b64_len = out->len - 1 - payload_at;
    if (out->overflow)
        return false;

    br_sha256_context h;
    uint8_t digest[32];
    br_sha256_init(&h);
    br_sha256_update(&h, out->buf + protected_at, protected_len);
    br_sha256_update(&h, ".", 1);
    br_sha256_update(&h, out->buf + payload_at, payload_b64_len);
    br_sha256_out(&h, digest);

    br_ec_private_key sk = { .curve = BR_EC_secp256r1, .x = (unsigned char *)key->secret, .xlen = 32 };
    uint8_t signature[64];
    if (p256_ecdsa_sign_raw(&br_sha256_vtable, digest, &sk, signature) != 64)
        return false;
    json_out_raw(out, ",\"signature\":");
    json_out_base64url(out, signature, sizeof signature);
    json_out_raw(out, "}");
    return !out->overflow;
}
