/*
 * TLS 1.3 record protection (RFC 8446 section 5): one direction's AEAD
 * state (key, IV, sequence number), sealing a TLSInnerPlaintext into a
 * TLSCiphertext record and opening one, in place. The AEAD building blocks
 * (AES-CTR, GHASH, ChaCha20, Poly1305) are the ones the caller chose for
 * this CPU.
 */
#ifndef UNIHOST_TLS13_RECORD_H
#define UNIHOST_TLS13_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bearssl.h>

#include "tls/tls13_key_schedule.h"

#define TLS13_RECORD_HEADER 5
#define TLS13_TAG_LEN 16
#define TLS13_PLAINTEXT_MAX 16384                       /* 2^14 */
#define TLS13_CIPHERTEXT_MAX (TLS13_PLAINTEXT_MAX + 256)  /* 2^14 + 256 (RFC 8446 5.2) */

enum tls13_content_type {
    TLS13_CT_CHANGE_CIPHER_SPEC = 20,
    TLS13_CT_ALERT = 21,
    TLS13_CT_HANDSHAKE = 22,
    TLS13_CT_APPLICATION_DATA = 23,
};

/* The AEAD primitives to use (the fastest this CPU has). */
struct tls13_aead_impl {
    const br_block_ctr_class *aes_ctr;
    br_ghash ghash;
    br_chacha20_run chacha20;
    br_poly1305_run poly1305;
};

/* One direction's protection. It holds pointers into itself (GCM's cipher
 * context): it must not be copied or moved once keyed. */
struct tls13_protection {
    const struct tls13_suite *suite;
    const struct tls13_aead_impl *impl;
    uint64_t seq;
    uint8_t iv[12];
    uint8_t chacha_key[32];
    br_aes_gen_ctr_keys aes;
    br_gcm_context gcm;
    bool keyed;
};

/* Keys `p` from a traffic secret: key and IV by Expand-Label, sequence 0. */
void tls13_protection_set(struct tls13_protection *p, const struct tls13_suite *suite,
                          const struct tls13_aead_impl *impl, const uint8_t *traffic_secret);

/*
 * Seals the plaintext already at rec[5 .. 5+plain_len) as one record of
 * inner type `type`, with pad_len zeros of padding: writes the header,
 * the type byte, the padding and the tag around it. rec must have room for
 * 5 + plain_len + 1 + pad_len + 16 bytes, and plain_len + 1 + pad_len must
 * be at most 2^14 + 1. Returns the record's length.
 */
size_t tls13_seal(struct tls13_protection *p, uint8_t type, uint8_t *rec, size_t plain_len,
                  size_t pad_len);

enum tls13_open_result {
    TLS13_OPEN_OK,
    TLS13_OPEN_BAD_MAC,         /* bad_record_mac */
    TLS13_OPEN_NO_TYPE,         /* all zeros: unexpected_message */
    TLS13_OPEN_TOO_LONG,        /* record_overflow */
};

/*
 * Opens the record rec[0 .. rec_len) (header included, its type and
 * length already checked by the caller) in place: on TLS13_OPEN_OK the
 * content, padding removed, is at rec[5 .. 5 + *content_len) and *type is
 * its inner type.
 */
enum tls13_open_result tls13_open(struct tls13_protection *p, uint8_t *rec, size_t rec_len,
                                  uint8_t *type, size_t *content_len);

void tls13_protection_wipe(struct tls13_protection *p);

#endif
