/* The TLS 1.3 key schedule: see tls13_key_schedule.h. */
#include "tls/tls13_key_schedule.h"

#include "crypto/secret_bytes.h"
#include "crypto/sha256_ni.h"

#include <string.h>

/* A hash's output length, from its descriptor (bearssl_hash.h). */
static size_t digest_len(const br_hash_class *hash)
{
    return (size_t)(hash->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK;
}

static const br_hash_class *sha256_of_this_cpu(void)
{
    return sha256_fast();
}

const struct tls13_suite *tls13_suite_find(uint16_t id)
{
    /* The hash vtable of the SHA-256 suites is the CPU's, chosen at the
     * first call: a static table cannot hold a function's answer. */
    static struct tls13_suite suites[] = {
        {0x1301, "TLS_AES_128_GCM_SHA256", TLS13_AEAD_AES_GCM, 16, NULL, 32},
        {0x1302, "TLS_AES_256_GCM_SHA384", TLS13_AEAD_AES_GCM, 32, &br_sha384_vtable, 48},
        {0x1303, "TLS_CHACHA20_POLY1305_SHA256", TLS13_AEAD_CHACHA20_POLY1305, 32, NULL, 32},
    };
    if (!suites[0].hash) {
        suites[0].hash = sha256_of_this_cpu();
        suites[2].hash = suites[0].hash;
    }
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
        if (suites[i].id == id)
            return &suites[i];
    return NULL;
}

void tls13_hkdf_extract(const br_hash_class *hash, const uint8_t *salt, size_t salt_len,
                        const uint8_t *ikm, size_t ikm_len, uint8_t *prk)
{
    /* HKDF-Extract is HMAC keyed with the salt (RFC 5869 2.2). BearSSL's
     * br_hkdf_flip() computes the same PRK but keeps it only as an HMAC
     * key, and TLS 1.3 needs the bytes: each stage's secret salts the
     * next one. */
    uint8_t zeros[TLS13_HASH_MAX] = {0};
    size_t hlen = digest_len(hash);
    br_hmac_key_context kc;
    br_hmac_context hc;
    br_hmac_key_init(&kc, hash, salt ? salt : zeros, salt ? salt_len : hlen);
    br_hmac_init(&hc, &kc, 0);
    br_hmac_update(&hc, ikm ? ikm : zeros, ikm ? ikm_len : hlen);
    br_hmac_out(&hc, prk);
    secret_wipe(&kc, sizeof kc);
    secret_wipe(&hc, sizeof hc);
}

/*
 * HKDF-Expand(prk, info, out_len) (RFC 5869 2.3) on BearSSL's public HMAC
 * API: T(i) = HMAC(prk, T(i-1) | info | i), the output their
 * concatenation. BearSSL's own br_hkdf_* keys its context only from an
 * extract it computes itself, and TLS 1.3 expands from secrets that are
 * themselves expansions; setting that context's fields by hand would tie
 * this code to one BearSSL version's private layout. out_len is at most
 * 255 blocks (every TLS 1.3 use is far below: one or two).
 */
static void hkdf_expand(const br_hash_class *hash, const uint8_t *prk, size_t prk_len,
                        const uint8_t *info, size_t info_len, uint8_t *out, size_t out_len)
{
    size_t hlen = digest_len(hash);
    uint8_t block[TLS13_HASH_MAX];
    br_hmac_key_context kc;
    br_hmac_context hc;
    br_hmac_key_init(&kc, hash, prk, prk_len);
    size_t done = 0;
    for (unsigned counter = 1; done < out_len; counter++) {
        uint8_t counter_byte = (uint8_t)counter;
        br_hmac_init(&hc, &kc, 0);
        if (done > 0)
            br_hmac_update(&hc, block, hlen);           /* T(i-1); T(0) is empty */
        br_hmac_update(&hc, info, info_len);
        br_hmac_update(&hc, &counter_byte, 1);
        br_hmac_out(&hc, block);
        size_t n = out_len - done < hlen ? out_len - done : hlen;
        memcpy(out + done, block, n);
        done += n;
    }
    secret_wipe(block, sizeof block);
    secret_wipe(&kc, sizeof kc);
    secret_wipe(&hc, sizeof hc);
}

void tls13_expand_label(const br_hash_class *hash, const uint8_t *secret, const char *label,
                        const uint8_t *context, size_t context_len, uint8_t *out, size_t out_len)
{
    /* struct HkdfLabel { uint16 length; opaque label<7..255> = "tls13 " +
     * label; opaque context<0..255>; } */
    static const char prefix[] = "tls13 ";
    size_t label_len = strlen(label);
    uint8_t info[2 + 1 + 255 + 1 + 255];
    size_t n = 0;
    info[n++] = (uint8_t)(out_len >> 8);
    info[n++] = (uint8_t)out_len;
    info[n++] = (uint8_t)(sizeof prefix - 1 + label_len);
    memcpy(info + n, prefix, sizeof prefix - 1);
    n += sizeof prefix - 1;
    memcpy(info + n, label, label_len);
    n += label_len;
    info[n++] = (uint8_t)context_len;
    if (context_len)
        memcpy(info + n, context, context_len);
    n += context_len;

    hkdf_expand(hash, secret, digest_len(hash), info, n, out, out_len);
}

void tls13_schedule_init(struct tls13_schedule *s, const struct tls13_suite *suite,
                         const uint8_t *psk, size_t psk_len)
{
    s->hash = suite->hash;
    s->hash_len = suite->hash_len;
    tls13_hkdf_extract(s->hash, NULL, 0, psk, psk_len, s->secret);
}

static void hash_of_nothing(const br_hash_class *hash, uint8_t *out)
{
    br_hash_compat_context hc;
    hash->init(&hc.vtable);
    hash->out(&hc.vtable, out);
}

void tls13_schedule_advance(struct tls13_schedule *s, const uint8_t *ikm, size_t ikm_len)
{
    uint8_t empty[TLS13_HASH_MAX], derived[TLS13_HASH_MAX];
    hash_of_nothing(s->hash, empty);
    tls13_expand_label(s->hash, s->secret, "derived", empty, s->hash_len, derived, s->hash_len);
    tls13_hkdf_extract(s->hash, derived, s->hash_len, ikm, ikm_len, s->secret);
    secret_wipe(derived, sizeof derived);
}

void tls13_schedule_derive(const struct tls13_schedule *s, const char *label,
                           const uint8_t *transcript_hash, uint8_t *out)
{
    tls13_expand_label(s->hash, s->secret, label, transcript_hash, s->hash_len, out, s->hash_len);
}

void tls13_finished_mac(const br_hash_class *hash, const uint8_t *base_secret,
                        const uint8_t *transcript_hash, uint8_t *out)
{
    size_t hlen = digest_len(hash);
    uint8_t finished_key[TLS13_HASH_MAX];
    tls13_expand_label(hash, base_secret, "finished", NULL, 0, finished_key, hlen);
    br_hmac_key_context kc;
    br_hmac_context hc;
    br_hmac_key_init(&kc, hash, finished_key, hlen);
    br_hmac_init(&hc, &kc, 0);
    br_hmac_update(&hc, transcript_hash, hlen);
    br_hmac_out(&hc, out);
    secret_wipe(finished_key, sizeof finished_key);
    secret_wipe(&kc, sizeof kc);
    secret_wipe(&hc, sizeof hc);
}

void tls13_next_traffic_secret(const br_hash_class *hash, uint8_t *secret)
{
    size_t hlen = digest_len(hash);
    uint8_t next[TLS13_HASH_MAX];
    tls13_expand_label(hash, secret, "traffic upd", NULL, 0, next, hlen);
    memcpy(secret, next, hlen);
    secret_wipe(next, sizeof next);
}

void tls13_schedule_wipe(struct tls13_schedule *s)
{
    secret_wipe(s->secret, sizeof s->secret);
}
