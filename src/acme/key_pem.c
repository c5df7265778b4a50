/* P-256 private keys to and from PEM (key_pem.h). */
#include "acme/key_pem.h"

#include <string.h>

#include <bearssl.h>

#include "acme/base64url.h"
#include "acme/der_write.h"
#include "crypto/pem_walk.h"
#include "crypto/secret_bytes.h"

static const uint8_t oid_prime256v1[] = { 0x06, 8, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };

size_t p256_key_pem_write(const struct p256_key *key, char *out, size_t cap)
{
    /* ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING,
     *   [0] parameters (the curve's OID), [1] publicKey BIT STRING } */
    uint8_t der[128];
    struct der_out d;
    der_out_init(&d, der, sizeof der);
    size_t all = der_mark(&d);
    size_t explicit1 = der_mark(&d);
    size_t bits = der_mark(&d);
    der_put(&d, key->point, 65);
    der_put(&d, "", 1);
    der_wrap(&d, 0x03, bits);
    der_wrap(&d, 0xA1, explicit1);
    size_t explicit0 = der_mark(&d);
    der_put(&d, oid_prime256v1, sizeof oid_prime256v1);
    der_wrap(&d, 0xA0, explicit0);
    size_t octets = der_mark(&d);
    der_put(&d, key->secret, 32);
    der_wrap(&d, 0x04, octets);
    der_put(&d, (const uint8_t[]){ 0x02, 1, 1 }, 3);
    der_wrap(&d, 0x30, all);
    size_t der_len = der_mark(&d);

    static const char begin[] = "-----BEGIN EC PRIVATE KEY-----\n", end[] = "-----END EC PRIVATE KEY-----\n";
    size_t n = 0;
    bool ok = !d.overflow;
    if (ok && cap > strlen(begin)) {
        memcpy(out, begin, strlen(begin));
        n = strlen(begin);
    } else {
        ok = false;
    }
    /* 64 characters a line: 48 bytes at a time */
    for (size_t i = 0; ok && i < der_len; i += 48) {
        size_t chunk = der_len - i < 48 ? der_len - i : 48;
        long w = base64_encode(der + d.start + i, chunk, out + n, cap - n);
        if (w < 0 || cap - n - (size_t)w < 2) {
            ok = false;
            break;
        }
        n += (size_t)w;
        out[n++] = '\n';
    }
    if (ok && cap - n > strlen(end)) {
        memcpy(out + n, end, strlen(end) + 1);
        n += strlen(end);
    } else {
        ok = false;
    }
    secret_wipe(der, sizeof der);
    if (!ok) {
        secret_wipe(out, cap);
        return 0;
    }
    return n;
}

/* ---- reading ---- */

struct key_reader {
    br_skey_decoder_context decoder;
    bool in_key, done;
};

static void push(void *ctx, const void *data, size_t len)
{
    struct key_reader *r = ctx;
    br_skey_decoder_push(&r->decoder, data, len);
}

static pem_der_dest on_object(void *arg, const char *name, void **dest_ctx)
{
    struct key_reader *r = arg;
    r->in_key = !r->done && (strcmp(name, "EC PRIVATE KEY") == 0 || strcmp(name, "PRIVATE KEY") == 0);
    if (!r->in_key)
        return NULL;
    br_skey_decoder_init(&r->decoder);
    *dest_ctx = r;
    return push;
}

static int on_done(void *arg)
{
    struct key_reader *r = arg;
    if (!r->in_key)
        return 0;
    r->done = true;
    return 1;   /* the first key is the one */
}

bool p256_key_pem_read(struct p256_key *key, const char *pem, size_t len)
{
    struct key_reader r = { 0 };
    bool ok = pem_walk(pem, len, on_object, on_done, &r) == 0 && r.done &&
              br_skey_decoder_last_error(&r.decoder) == 0 && br_skey_decoder_key_type(&r.decoder) == BR_KEYTYPE_EC;
    if (ok) {
        const br_ec_private_key *sk = br_skey_decoder_get_ec(&r.decoder);
        uint8_t secret[32] = { 0 };
        ok = sk->curve == BR_EC_secp256r1 && sk->xlen <= 32;
        if (ok) {
            memcpy(secret + 32 - sk->xlen, sk->x, sk->xlen);
            ok = p256_key_init(key, secret);
        }
        secret_wipe(secret, sizeof secret);
    }
    secret_wipe(&r, sizeof r);
    return ok;
}
