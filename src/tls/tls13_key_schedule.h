/*
 * The TLS 1.3 key schedule (RFC 8446 section 7) on BearSSL's public HMAC
 * API (HKDF-Extract and -Expand written over it): the suites and their hashes, HKDF-Expand-Label, the three stage
 * secrets (early, handshake, master), Derive-Secret, the Finished MAC and
 * the next traffic secret of a KeyUpdate.
 *
 * Every secret is a byte array owned by the caller, who wipes it
 * (secret_wipe) when done; nothing here keeps a copy.
 */
#ifndef UNIHOST_TLS13_KEY_SCHEDULE_H
#define UNIHOST_TLS13_KEY_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

#include <bearssl.h>

#define TLS13_HASH_MAX 48       /* SHA-384's output, the largest of the suites' hashes */

enum tls13_aead_kind {
    TLS13_AEAD_AES_GCM,
    TLS13_AEAD_CHACHA20_POLY1305,
};

/* A TLS 1.3 cipher suite: its AEAD and the hash of its key schedule. */
struct tls13_suite {
    uint16_t id;                        /* 0x1301, 0x1302 or 0x1303 */
    const char *name;                   /* as OpenSSL names it, for the log */
    enum tls13_aead_kind aead;
    size_t key_len;                     /* 16 or 32 */
    const br_hash_class *hash;
    size_t hash_len;                    /* 32 or 48 */
};

/* The suite with this code point, or NULL if it is not one of the three
 * served (the CCM suites are not). */
const struct tls13_suite *tls13_suite_find(uint16_t id);

/* HKDF-Extract(salt, ikm) into prk (the hash's length). A NULL salt is
 * the hash's length of zeros, as RFC 8446 7.1 uses it. */
void tls13_hkdf_extract(const br_hash_class *hash, const uint8_t *salt, size_t salt_len,
                        const uint8_t *ikm, size_t ikm_len, uint8_t *prk);

/* HKDF-Expand-Label(secret, label, context, out_len) (RFC 8446 7.1), the
 * secret being the hash's length; label without its "tls13 " prefix. */
void tls13_expand_label(const br_hash_class *hash, const uint8_t *secret, const char *label,
                        const uint8_t *context, size_t context_len, uint8_t *out, size_t out_len);

/* The schedule's current stage secret. */
struct tls13_schedule {
    const br_hash_class *hash;
    size_t hash_len;
    uint8_t secret[TLS13_HASH_MAX];
};

/* Starts at the early secret: Extract(0, psk), a PSK of zeros if NULL. */
void tls13_schedule_init(struct tls13_schedule *s, const struct tls13_suite *suite,
                         const uint8_t *psk, size_t psk_len);

/* The next stage: Extract(Derive-Secret(secret, "derived", ""), ikm), with
 * ikm the (EC)DHE shared secret for the handshake secret, or NULL (the
 * hash's length of zeros) for the master secret. */
void tls13_schedule_advance(struct tls13_schedule *s, const uint8_t *ikm, size_t ikm_len);

/* Derive-Secret(secret, label, messages), given the transcript's hash. */
void tls13_schedule_derive(const struct tls13_schedule *s, const char *label,
                           const uint8_t *transcript_hash, uint8_t *out);

/* A Finished message's verify_data: HMAC(Expand-Label(base_secret,
 * "finished", "", Hlen), transcript_hash) (RFC 8446 4.4.4). */
void tls13_finished_mac(const br_hash_class *hash, const uint8_t *base_secret,
                        const uint8_t *transcript_hash, uint8_t *out);

/* KeyUpdate: secret = Expand-Label(secret, "traffic upd", "", Hlen). */
void tls13_next_traffic_secret(const br_hash_class *hash, uint8_t *secret);

void tls13_schedule_wipe(struct tls13_schedule *s);

#endif
