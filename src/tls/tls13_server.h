/*
 * The TLS 1.3 server engine (RFC 8446), sans I/O like the TLS 1.2 one
 * beside it (http/tls_server.c, which reads the ClientHello first and
 * hands a TLS 1.3 one here): bytes from the peer in, records out,
 * plaintext exchanged in between, all in two buffers the caller owns.
 *
 * Policy: suites TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384,
 * TLS_CHACHA20_POLY1305_SHA256 (the client's preference); groups x25519
 * and secp256r1, with a HelloRetryRequest when the client sent no share
 * in either; an ECDSA P-256 certificate signing with
 * ecdsa_secp256r1_sha256; ALPN http/1.1 only; resumption by tickets
 * (tls13_ticket.h) with psk_dhe_ke only, one ticket after each full or
 * resumed handshake; 0-RTT declined (its records skipped, at most
 * TLS13_EARLY_DATA_SKIP bytes); middlebox compatibility (session ID echo, one ChangeCipherSpec);
 * KeyUpdate both ways; record_size_limit (RFC 8449) honoured.
 */
#ifndef UNIHOST_TLS13_SERVER_H
#define UNIHOST_TLS13_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bearssl.h>

#include "tls/tls13_key_schedule.h"
#include "tls/tls13_messages.h"
#include "tls/tls13_record.h"
#include "tls/tls13_ticket.h"

#define TLS13_CHAIN_MAX 4
#define TLS13_EARLY_DATA_SKIP (16 * 1024)   /* 0-RTT bytes skipped before giving up */
/* Records in a row, once connected, that bring no application data
 * (KeyUpdates, empty records): each costs a decryption and a KeyUpdate a
 * new key schedule, so a client may not send them for ever. */
#define TLS13_RECORDS_WITHOUT_DATA_MAX 32
/* Records the server seals under one key before it updates it, unasked:
 * RFC 8446 5.5 puts AES-GCM's limit at 2^24.5 full records; the same for
 * every suite keeps one rule. */
#define TLS13_RECORDS_PER_KEY (UINT64_C(1) << 24)

/* The server's certificate chain (DER, leaf first) and its P-256 key. */
struct tls13_identity {
    const uint8_t *cert_der[TLS13_CHAIN_MAX];
    size_t cert_len[TLS13_CHAIN_MAX];
    size_t cert_count;
    const br_ec_private_key *key;
};

/* The most bytes of handshake flight (EncryptedExtensions to Finished) the
 * server writes: it goes in one record. A chain that does not fit leaves
 * TLS 1.3 off (tls13_identity_fits()). */
#define TLS13_FLIGHT_OVERHEAD 512
bool tls13_identity_fits(const struct tls13_identity *id);

enum tls13_state {
    TLS13_WAIT_SECOND_HELLO,    /* a HelloRetryRequest was sent */
    TLS13_WAIT_FINISHED,
    TLS13_CONNECTED,
    TLS13_CLOSED,
};

struct tls13_conn {
    const struct tls13_identity *id;
    const struct tls13_aead_impl *impl;
    struct tls13_tickets *tickets;      /* NULL: no tickets issued or accepted */
    enum tls13_state state;
    int error;                          /* BearSSL's codes: BR_ERR_OK, BR_ERR_*_FATAL_ALERT + alert */

    /* Input: the record being received at in[0 .. in_len); decrypted
     * application data waits at in[app_off .. app_off + app_len). While
     * a second ClientHello is collected, its bytes so far are at
     * in[0 .. hello_len) and records land after them. */
    uint8_t *in;
    size_t in_cap, in_len, app_off, app_len, hello_len;
    /* Output: sealed records at out[out_sent .. out_len); application
     * plaintext being gathered at out[out_len + 5 ..], plain_len bytes. */
    uint8_t *out;
    size_t out_cap, out_len, out_sent, plain_len;
    size_t max_plain;                   /* per record: 2^14, or the client's record_size_limit - 1 */

    br_hmac_drbg_context rng;
    const struct tls13_suite *suite;
    uint16_t group;
    br_hash_compat_context transcript;
    struct tls13_schedule schedule;
    uint8_t client_finished[TLS13_HASH_MAX];    /* the verify_data the client must send */
    uint8_t client_app_secret[TLS13_HASH_MAX];
    uint8_t server_app_secret[TLS13_HASH_MAX];
    struct tls13_protection rx, tx;

    uint8_t hs_msg[64];                 /* a post-hello handshake message being reassembled */
    size_t hs_len;
    bool ccs_seen, ccs_sent, close_sent, skip_early_data;
    bool established;                   /* the client's Finished was verified (latched) */
    bool resumed;                       /* a ticket's PSK was accepted */
    bool key_update_owed;               /* asked for, or our key's records are used up; no room yet */
    size_t early_skipped;
    unsigned records_without_data;      /* in a row, since the last application data */
    uint8_t session_id[32];
    size_t session_id_len;
    uint16_t record_size_limit;
    bool alpn_offered, alpn_http11;
    char sni[TLS13_SNI_MAX + 1];
};

/* Prepares `c` with its identity, AEAD primitives, randomness (seed_len
 * >= 32 bytes) and buffers (in_cap >= 2^14 + 256 + 5; out_cap >= 2^14 +
 * 256 + 5). */
void tls13_conn_init(struct tls13_conn *c, const struct tls13_identity *id,
                     const struct tls13_aead_impl *impl, const void *seed, size_t seed_len,
                     uint8_t *in, size_t in_cap, uint8_t *out, size_t out_cap);

/* Tickets: issued after the handshake, accepted in a hello (before
 * tls13_conn_accept_hello; NULL leaves them off). */
void tls13_conn_use_tickets(struct tls13_conn *c, struct tls13_tickets *tickets);

/* The first ClientHello, whole (msg: its 4-byte header and body; ch: its
 * parse, or parse_alert if it did not parse): answers with the server's
 * flight, a HelloRetryRequest, or an alert. msg may lie in the output
 * buffer: it is read before anything is written there. */
void tls13_conn_accept_hello(struct tls13_conn *c, const uint8_t *msg, size_t len,
                             const struct tls13_client_hello *ch, int parse_alert);

size_t tls13_conn_put_received(struct tls13_conn *c, const uint8_t *data, size_t len);
const uint8_t *tls13_conn_records(struct tls13_conn *c, size_t *len);
void tls13_conn_records_sent(struct tls13_conn *c, size_t n);
const uint8_t *tls13_conn_plain_in(struct tls13_conn *c, size_t *len);
void tls13_conn_plain_taken(struct tls13_conn *c, size_t n);
uint8_t *tls13_conn_plain_room(struct tls13_conn *c, size_t *len);
void tls13_conn_plain_written(struct tls13_conn *c, size_t n);
void tls13_conn_flush(struct tls13_conn *c);
void tls13_conn_close(struct tls13_conn *c);
bool tls13_conn_handshake_done(const struct tls13_conn *c);
bool tls13_conn_closed(const struct tls13_conn *c);

/* Wipes every secret the connection holds. */
void tls13_conn_wipe(struct tls13_conn *c);

#endif
