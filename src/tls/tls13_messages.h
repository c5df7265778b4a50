/*
 * TLS 1.3 handshake messages (RFC 8446 section 4) the server reads and
 * writes: a strict, bounded ClientHello parser that keeps only what the
 * server decides with (copied out: nothing points into the message), and
 * writers for ServerHello, HelloRetryRequest, EncryptedExtensions,
 * Certificate, CertificateVerify and Finished.
 */
#ifndef UNIHOST_TLS13_MESSAGES_H
#define UNIHOST_TLS13_MESSAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tls13_handshake_type {
    TLS13_HS_CLIENT_HELLO = 1,
    TLS13_HS_SERVER_HELLO = 2,
    TLS13_HS_NEW_SESSION_TICKET = 4,
    TLS13_HS_END_OF_EARLY_DATA = 5,
    TLS13_HS_ENCRYPTED_EXTENSIONS = 8,
    TLS13_HS_CERTIFICATE = 11,
    TLS13_HS_CERTIFICATE_VERIFY = 15,
    TLS13_HS_FINISHED = 20,
    TLS13_HS_KEY_UPDATE = 24,
    TLS13_HS_MESSAGE_HASH = 254,
};

enum tls13_alert {
    TLS13_ALERT_CLOSE_NOTIFY = 0,
    TLS13_ALERT_UNEXPECTED_MESSAGE = 10,
    TLS13_ALERT_BAD_RECORD_MAC = 20,
    TLS13_ALERT_RECORD_OVERFLOW = 22,
    TLS13_ALERT_HANDSHAKE_FAILURE = 40,
    TLS13_ALERT_ILLEGAL_PARAMETER = 47,
    TLS13_ALERT_DECODE_ERROR = 50,
    TLS13_ALERT_DECRYPT_ERROR = 51,
    TLS13_ALERT_PROTOCOL_VERSION = 70,
    TLS13_ALERT_INTERNAL_ERROR = 80,
    TLS13_ALERT_MISSING_EXTENSION = 109,
    TLS13_ALERT_NO_APPLICATION_PROTOCOL = 120,
};

#define TLS13_GROUP_SECP256R1 0x0017
#define TLS13_GROUP_X25519 0x001d
#define TLS13_SIG_ECDSA_SECP256R1_SHA256 0x0403
#define TLS13_SNI_MAX 255

/* Bits of tls13_client_hello.suites and .groups. */
#define TLS13_SUITE_AES_128_GCM_SHA256 (1u << 0)
#define TLS13_SUITE_AES_256_GCM_SHA384 (1u << 1)
#define TLS13_SUITE_CHACHA20_POLY1305_SHA256 (1u << 2)
#define TLS13_GROUP_BIT_X25519 (1u << 0)
#define TLS13_GROUP_BIT_SECP256R1 (1u << 1)

/* What the server keeps of a ClientHello. */
struct tls13_client_hello {
    uint8_t random[32];
    uint8_t session_id[32];
    size_t session_id_len;
    bool offers_tls13;                  /* supported_versions lists 0x0304 */
    unsigned suites;                    /* TLS13_SUITE_* offered */
    uint16_t first_suite;               /* the client's preferred suite among ours, or 0 */
    unsigned groups;                    /* TLS13_GROUP_BIT_* in supported_groups */
    unsigned shares;                    /* TLS13_GROUP_BIT_* with a key share */
    uint8_t x25519_share[32];
    uint8_t p256_share[65];             /* uncompressed point */
    bool ecdsa_p256_sha256;             /* in signature_algorithms */
    bool has_signature_algorithms;
    char sni[TLS13_SNI_MAX + 1];        /* host_name; "" if none */
    bool alpn_offered, alpn_http11;
    bool psk_offered;                   /* pre_shared_key */
    bool psk_dhe_ke;                    /* psk_key_exchange_modes lists psk_dhe_ke */
    /* The first PSK identity, if it is no longer than a ticket of ours,
     * its binder, and where the binders start in the message (header
     * included): the binder covers the hello up to there. */
    uint8_t psk_identity[128];
    size_t psk_identity_len;
    uint32_t psk_obfuscated_age;
    uint8_t psk_binder[48];
    size_t psk_binder_len;
    size_t binders_at;
    bool early_data;                    /* early_data: 0-RTT the server declines */
    bool has_cookie;
    uint16_t record_size_limit;         /* RFC 8449; 0 if not offered */
};

/*
 * Parses a ClientHello's body (after the 4-byte handshake header). Returns
 * 0, or the alert to send: decode_error for anything malformed or a
 * duplicated extension, illegal_parameter for a share of the wrong size or
 * a compression other than null, missing_extension where TLS 1.3 requires
 * one. A hello that does not offer TLS 1.3 parses with offers_tls13 false
 * (and fewer checks: the TLS 1.2 engine judges it).
 */
int tls13_parse_client_hello(const uint8_t *body, size_t len, struct tls13_client_hello *ch);

/* A bounded writer: past cap it only sets overflow. */
struct tls13_writer {
    uint8_t *buf;
    size_t cap, len;
    bool overflow;
};

void tls13_put(struct tls13_writer *w, const void *data, size_t n);
void tls13_put_u8(struct tls13_writer *w, unsigned v);
void tls13_put_u16(struct tls13_writer *w, unsigned v);
void tls13_put_u24(struct tls13_writer *w, size_t v);
/* Starts a length-prefixed block of `bytes` (1, 2 or 3) length bytes;
 * tls13_end() fills it in. */
size_t tls13_begin(struct tls13_writer *w, int bytes);
void tls13_end(struct tls13_writer *w, size_t mark, int bytes);

/* ServerHello, or with hello_retry a HelloRetryRequest (its special
 * random; key_share then names only the group; share is NULL). */
void tls13_write_server_hello(struct tls13_writer *w, const uint8_t random[32],
                              const uint8_t *session_id, size_t session_id_len, uint16_t suite,
                              uint16_t group, const uint8_t *share, size_t share_len);
void tls13_write_hello_retry_request(struct tls13_writer *w, const uint8_t *session_id,
                                     size_t session_id_len, uint16_t suite, uint16_t group);

/* EncryptedExtensions, in this order: supported_groups (if groups_len),
 * record_size_limit (if nonzero), server_name (empty: the name was
 * used), application_layer_protocol_negotiation (if alpn). */
void tls13_write_encrypted_extensions(struct tls13_writer *w, const uint16_t *groups,
                                      size_t groups_len, uint16_t record_size_limit, bool sni_ack,
                                      const char *alpn);

/* Certificate: an empty request context, each certificate's DER with no
 * extensions. */
void tls13_write_certificate(struct tls13_writer *w, const uint8_t *const *ders,
                             const size_t *der_lens, size_t count);

/* CertificateVerify's signed content (RFC 8446 4.4.3): 64 spaces, the
 * server's context string, a zero byte, the transcript hash. Returns its
 * length (at most 64 + 34 + 48). */
size_t tls13_certificate_verify_content(const uint8_t *transcript_hash, size_t hash_len,
                                        uint8_t *out);
void tls13_write_certificate_verify(struct tls13_writer *w, uint16_t scheme, const uint8_t *sig,
                                    size_t sig_len);
void tls13_write_finished(struct tls13_writer *w, const uint8_t *verify_data, size_t len);

/* NewSessionTicket, with no extensions (so no 0-RTT). */
void tls13_write_new_session_ticket(struct tls13_writer *w, uint32_t lifetime, uint32_t age_add,
                                    const uint8_t *nonce, size_t nonce_len, const uint8_t *ticket,
                                    size_t ticket_len);

/* ServerHello's pre_shared_key extension choosing identity 0 is added by
 * passing psk_chosen to tls13_write_server_hello_psk. */
void tls13_write_server_hello_psk(struct tls13_writer *w, const uint8_t random[32],
                                  const uint8_t *session_id, size_t session_id_len, uint16_t suite,
                                  uint16_t group, const uint8_t *share, size_t share_len, bool psk_chosen);

#endif
