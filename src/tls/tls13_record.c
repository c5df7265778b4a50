/* TLS 1.3 record protection: see tls13_record.h. */
#include "tls/tls13_record.h"

#include "crypto/secret_bytes.h"

#include <string.h>

void tls13_protection_set(struct tls13_protection *p, const struct tls13_suite *suite,
                          const struct tls13_aead_impl *impl, const uint8_t *traffic_secret)
{
    uint8_t key[32];
    tls13_protection_wipe(p);
    p->suite = suite;
    p->impl = impl;
    p->seq = 0;
    tls13_expand_label(suite->hash, traffic_secret, "key", NULL, 0, key, suite->key_len);
    tls13_expand_label(suite->hash, traffic_secret, "iv", NULL, 0, p->iv, sizeof p->iv);
    if (suite->aead == TLS13_AEAD_AES_GCM) {
        impl->aes_ctr->init(&p->aes.vtable, key, suite->key_len);
        br_gcm_init(&p->gcm, &p->aes.vtable, impl->ghash);
    } else {
        memcpy(p->chacha_key, key, sizeof p->chacha_key);
    }
    secret_wipe(key, sizeof key);
    p->keyed = true;
}

/* The per-record nonce: the IV XOR the sequence number, big-endian, in its
 * last eight bytes (RFC 8446 5.3). */
static void record_nonce(const struct tls13_protection *p, uint8_t nonce[12])
{
    memcpy(nonce, p->iv, 12);
    for (int i = 0; i < 8; i++)
        nonce[11 - i] ^= (uint8_t)(p->seq >> (8 * i));
}

static void write_header(uint8_t *rec, size_t payload_len)
{
    rec[0] = TLS13_CT_APPLICATION_DATA;     /* opaque_type: every protected record */
    rec[1] = 3;
    rec[2] = 3;                             /* legacy_record_version 0x0303 */
    rec[3] = (uint8_t)(payload_len >> 8);
    rec[4] = (uint8_t)payload_len;
}

size_t tls13_seal(struct tls13_protection *p, uint8_t type, uint8_t *rec, size_t plain_len,
                  size_t pad_len)
{
    uint8_t *data = rec + TLS13_RECORD_HEADER;
    data[plain_len] = type;
    memset(data + plain_len + 1, 0, pad_len);
    size_t inner_len = plain_len + 1 + pad_len;
    write_header(rec, inner_len + TLS13_TAG_LEN);
    uint8_t nonce[12];
    record_nonce(p, nonce);
    if (p->suite->aead == TLS13_AEAD_AES_GCM) {
        br_gcm_reset(&p->gcm, nonce, sizeof nonce);
        br_gcm_aad_inject(&p->gcm, rec, TLS13_RECORD_HEADER);
        br_gcm_flip(&p->gcm);
        br_gcm_run(&p->gcm, 1, data, inner_len);
        br_gcm_get_tag(&p->gcm, data + inner_len);
    } else {
        p->impl->poly1305(p->chacha_key, nonce, data, inner_len, rec, TLS13_RECORD_HEADER,
                          data + inner_len, p->impl->chacha20, 1);
    }
    p->seq++;
    return TLS13_RECORD_HEADER + inner_len + TLS13_TAG_LEN;
}

enum tls13_open_result tls13_open(struct tls13_protection *p, uint8_t *rec, size_t rec_len,
                                  uint8_t *type, size_t *content_len)
{
    if (rec_len < TLS13_RECORD_HEADER + 1 + TLS13_TAG_LEN)
        return TLS13_OPEN_BAD_MAC;
    uint8_t *data = rec + TLS13_RECORD_HEADER;
    size_t inner_len = rec_len - TLS13_RECORD_HEADER - TLS13_TAG_LEN;
    const uint8_t *tag = data + inner_len;
    uint8_t nonce[12];
    record_nonce(p, nonce);
    bool good;
    if (p->suite->aead == TLS13_AEAD_AES_GCM) {
        br_gcm_reset(&p->gcm, nonce, sizeof nonce);
        br_gcm_aad_inject(&p->gcm, rec, TLS13_RECORD_HEADER);
        br_gcm_flip(&p->gcm);
        br_gcm_run(&p->gcm, 0, data, inner_len);
        good = br_gcm_check_tag(&p->gcm, tag) != 0;
    } else {
        uint8_t computed[TLS13_TAG_LEN];
        p->impl->poly1305(p->chacha_key, nonce, data, inner_len, rec, TLS13_RECORD_HEADER,
                          computed, p->impl->chacha20, 0);
        good = secret_equal(computed, tag, sizeof computed);
    }
    if (!good) {
        secret_wipe(data, inner_len);   /* what a forger's record decrypted to */
        return TLS13_OPEN_BAD_MAC;
    }
    p->seq++;
    /* The content type is the last nonzero byte, the zeros after it
     * padding (RFC 8446 5.4). One pass over every byte, with no branch or
     * index on their values: how much padding the sender chose stays its
     * own until the content's length is used. */
    size_t content_end = 0;
    uint8_t content_type = 0;
    for (size_t i = 0; i < inner_len; i++) {
        uint32_t nonzero = ((uint32_t)data[i] + 0xff) >> 8;    /* 1 if data[i] != 0, else 0 */
        size_t keep = (size_t)nonzero - 1;                      /* all ones where it is zero */
        content_end = (content_end & keep) | ((i + 1) & ~keep);
        content_type = (uint8_t)((content_type & keep) | (data[i] & ~keep));
    }
    if (content_end == 0)
        return TLS13_OPEN_NO_TYPE;
    if (content_end - 1 > TLS13_PLAINTEXT_MAX)
        return TLS13_OPEN_TOO_LONG;
    *type = content_type;
    *content_len = content_end - 1;
    return TLS13_OPEN_OK;
}

void tls13_protection_wipe(struct tls13_protection *p)
{
    secret_wipe(p, sizeof *p);
}
