/* The pushed blob's signature: see blob_signature.h. */
#include "crypto/blob_signature.h"

#include <stdio.h>
#include <string.h>

#include <bearssl.h>

#include "crypto/base64_digit.h"
#include "crypto/pem_walk.h"

/* An EC P-256 SubjectPublicKeyInfo is always these 26 bytes, then the
 * 65-byte uncompressed point: SEQUENCE { SEQUENCE { OID id-ecPublicKey,
 * OID prime256v1 }, BIT STRING (no unused bits) }. Comparing the prefix
 * whole accepts exactly that and nothing that merely resembles it. */
static const uint8_t spki_p256_prefix[] = {
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
    0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
};
#define SPKI_BYTES (sizeof spki_p256_prefix + BLOB_KEY_POINT_BYTES)

struct der_buffer {
    uint8_t bytes[SPKI_BYTES + 1];  /* one more: a longer key shows as too long */
    size_t len;
    bool overflow;
};

static void der_append(void *ctx, const void *data, size_t len)
{
    struct der_buffer *d = ctx;
    if (len > sizeof d->bytes - d->len) {
        d->overflow = true;
        return;
    }
    memcpy(d->bytes + d->len, data, len);
    d->len += len;
}

/* The first PEM object's name and DER: pem_walk() is stopped at its end. */
struct first_object {
    struct der_buffer *der;
    char *name;
    size_t name_size;
    bool ended;
};

static pem_der_dest first_object_begins(void *arg, const char *name, void **dest_ctx)
{
    struct first_object *f = arg;
    /* BearSSL's names are at most 127 bytes: keep what fits. */
    size_t l = 0;
    while (l + 1 < f->name_size && name[l])
        l++;
    memcpy(f->name, name, l);
    f->name[l] = '\0';
    *dest_ctx = f->der;
    return der_append;
}

static int first_object_ends(void *arg)
{
    ((struct first_object *)arg)->ended = true;
    return 1;       /* only the first object counts: stop here */
}

/* The DER of the first PEM object, and its name; -1 if there is none whole. */
static int pem_first_object(const char *pem, size_t len, struct der_buffer *der, char *name, size_t name_size)
{
    struct first_object f = {der, name, name_size, false};
    return pem_walk(pem, len, first_object_begins, first_object_ends, &f) == 0 && f.ended ? 0 : -1;
}

int blob_key_from_pem(struct blob_key *key, const char *pem, size_t len, const char *name, char *err,
                      size_t err_size)
{
    struct der_buffer der = {.len = 0, .overflow = false};
    char object[64] = "";
    if (pem_first_object(pem, len, &der, object, sizeof object) != 0) {
        snprintf(err, err_size, "%s holds no PEM block (want a \"PUBLIC KEY\", from openssl ec -pubout)", name);
        return -1;
    }
    if (strstr(object, "PRIVATE KEY")) {
        snprintf(err, err_size, "%s holds a private key: give its public half (openssl ec -in KEY -pubout); "
                 "the private key stays with whoever signs", name);
        return -1;
    }
    if (strcmp(object, "PUBLIC KEY") != 0) {
        snprintf(err, err_size, "%s holds a \"%s\" PEM block, not a \"PUBLIC KEY\"", name, object);
        return -1;
    }
    if (der.overflow || der.len != SPKI_BYTES || memcmp(der.bytes, spki_p256_prefix, sizeof spki_p256_prefix) != 0 ||
        der.bytes[sizeof spki_p256_prefix] != 0x04) {
        snprintf(err, err_size, "%s is not an EC P-256 public key with an uncompressed point "
                 "(make one with openssl ecparam -name prime256v1 -genkey)", name);
        return -1;
    }
    memcpy(key->point, der.bytes + sizeof spki_p256_prefix, BLOB_KEY_POINT_BYTES);
    /* Multiplying by one decodes the point, which fails off the curve. */
    uint8_t point[BLOB_KEY_POINT_BYTES];
    static const uint8_t one[1] = {1};
    memcpy(point, key->point, sizeof point);
    if (br_ec_p256_m31.mul(point, sizeof point, one, sizeof one, BR_EC_secp256r1) != 1) {
        snprintf(err, err_size, "%s: the point is not on the P-256 curve", name);
        return -1;
    }
    uint8_t digest[32];
    br_sha256_context h;
    br_sha256_init(&h);
    br_sha256_update(&h, der.bytes, der.len);
    br_sha256_out(&h, digest);
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 8; i++) {
        key->fingerprint[2 * i] = hex[digest[i] >> 4];
        key->fingerprint[2 * i + 1] = hex[digest[i] & 15];
    }
    key->fingerprint[16] = '\0';
    return 0;
}

bool blob_signature_verify(const struct blob_key *key, const uint8_t hash[32], const uint8_t *sig, size_t sig_len)
{
    if (sig_len == 0 || sig_len > BLOB_SIGNATURE_MAX)
        return false;
    /* br_ec_public_key's point is not const: a copy. */
    uint8_t point[BLOB_KEY_POINT_BYTES];
    memcpy(point, key->point, sizeof point);
    br_ec_public_key pk = {.curve = BR_EC_secp256r1, .q = point, .qlen = sizeof point};
    return br_ecdsa_i31_vrfy_asn1(&br_ec_p256_m31, hash, 32, &pk, sig, sig_len) == 1;
}

long blob_signature_base64(const char *text, size_t len, uint8_t *out, size_t out_size)
{
    /* Padding is optional; but only at the end, and at most two. */
    size_t pad = 0;
    while (len > 0 && text[len - 1] == '=' && pad < 2) {
        len--;
        pad++;
    }
    if (len % 4 == 1 || (pad && (len + pad) % 4 != 0))
        return -1;
    size_t n = 0;
    uint32_t acc = 0;
    unsigned bits = 0;
    for (size_t i = 0; i < len; i++) {
        int v = base64_digit(text[i], '+', '/');
        if (v < 0)
            return -1;
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n == out_size)
                return -1;
            out[n++] = (uint8_t)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    if (acc != 0)
        return -1;      /* leftover bits must be zero: one text per byte string */
    return (long)n;
}
