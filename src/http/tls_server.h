/*
 * The TLS 1.2 server, a sans-I/O wrapper around BearSSL's br_ssl_server
 * engine: the transport puts the bytes it received from the peer in, takes
 * the records to send out, and exchanges plaintext with the HTTP engine in
 * between. Nothing here does I/O, reads a file, asks for the time or
 * allocates: credentials arrive as PEM bytes (read from files on unix,
 * embedded at build time on Xen), entropy arrives as bytes from the caller
 * (plat_random), and every buffer is caller-owned memory.
 *
 * The client's ClientHello is read first: one offering TLS 1.3 goes to
 * the TLS 1.3 engine (src/tls/tls13_server.c) when the key is an EC P-256
 * one, everything else to BearSSL's TLS 1.2 engine, which gets the bytes
 * as they came.
 *
 * TLS 1.2 policy (fixed, not configurable): ECDHE key exchange with
 * AES-GCM or ChaCha20-Poly1305 only, authenticated by the key's type (ECDSA
 * for an EC P-256 key, RSA for an RSA key); ALPN "http/1.1" (a client that
 * offers ALPN without it is refused, RFC 7301); no renegotiation; session
 * resumption from one shared LRU cache of fixed size.
 */
#ifndef UNIHOST_TLS_SERVER_H
#define UNIHOST_TLS_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bearssl.h>

#include "tls/tls13_server.h"

#define TLS_CHAIN_MAX 4                 /* certificates in the chain */
#define TLS_CHAIN_BYTES (16 * 1024)     /* their DER, all together */
#define TLS_RSA_PART_MAX 512            /* one RSA private key part (up to 4096-bit keys) */
#define TLS_SESSION_CACHE_BYTES (64 * 1024)     /* 100 bytes a session: 655 sessions */
#define TLS_SESSIONS_TIMED 1024         /* when each cached session began: a table of this many */
#define TLS_SESSION_LIFETIME_S (24 * 3600)      /* a session resumes for at most a day (Mozilla's guidelines) */
#define TLS_SEED_BYTES 32               /* entropy each connection needs */
#define TLS_SNI_MAX 256

/* The certificate chain and private key, decoded from PEM into DER and key
 * parts that BearSSL uses in place. */
struct tls_credentials {
    br_x509_certificate chain[TLS_CHAIN_MAX];
    size_t chain_len;
    unsigned char chain_der[TLS_CHAIN_BYTES];
    int key_type;                       /* BR_KEYTYPE_EC or BR_KEYTYPE_RSA */
    unsigned cert_issuer_key_type;      /* the type of the key that signed the leaf */
    br_ec_private_key ec;
    unsigned char ec_x[BR_EC_KBUF_PRIV_MAX_SIZE];
    br_rsa_private_key rsa;
    unsigned char rsa_parts[5][TLS_RSA_PART_MAX];
};

/*
 * Decodes a PEM certificate chain (leaf first; "CERTIFICATE" blocks) and a
 * PEM private key ("PRIVATE KEY" PKCS#8, "EC PRIVATE KEY" or "RSA PRIVATE
 * KEY"), and checks that they fit together: an EC key must be on P-256,
 * and the key must be the one the leaf certificate names. Returns 0, or -1
 * with a sentence in err saying what is wrong (naming `cert_name` or
 * `key_name`, e.g. the file names).
 */
int tls_credentials_load(struct tls_credentials *creds, const char *cert_pem, size_t cert_len,
                         const char *cert_name, const char *key_pem, size_t key_len,
                         const char *key_name, char *err, size_t err_size);

/* What every connection shares: the credentials and the session cache.
 * `cache` wraps BearSSL's LRU cache to learn which handshakes resumed. */
struct tls_server {
    const struct tls_credentials *creds;
    br_ssl_session_cache_lru lru;
    const br_ssl_session_cache_class *cache;     /* points to tls_server.c's wrapper class */
    /* The fastest AEAD building blocks this CPU has, chosen once: BearSSL's
     * defaults ask CPUID on every connection, which costs a VM exit. */
    const br_block_ctr_class *aes_ctr;
    br_ghash ghash;
    br_chacha20_run chacha20;
    br_poly1305_run poly1305;
    unsigned char cache_store[TLS_SESSION_CACHE_BYTES];
    /* When each cached session's full handshake was, by its session ID:
     * BearSSL's cache keeps no time, and a session must not resume for
     * ever. A session not found here (never saved, or its entry since
     * taken by another's) does not resume either. */
    struct {
        uint8_t id[32];
        uint64_t saved_s;
    } session_times[TLS_SESSIONS_TIMED];
    uint64_t (*now_s)(void);    /* monotonic seconds; tls_server_init() sets a clock that stands still */
    /* TLS 1.3: on for an EC P-256 key whose chain fits one record (RSA
     * keys are served TLS 1.2 only: BearSSL has no RSA-PSS). */
    bool tls13_enabled;
    struct tls13_identity tls13_identity;
    struct tls13_aead_impl aead;
    struct tls13_tickets tickets;       /* TLS 1.3 resumption: the ticket keys */
};

/* Prepares `server` to serve with `creds` (kept by pointer). Sessions then
 * expire only by `now_s`, which the caller sets to its monotonic clock in
 * seconds (tls_server_set_clock()). */
void tls_server_init(struct tls_server *server, const struct tls_credentials *creds);
void tls_server_set_clock(struct tls_server *server, uint64_t (*now_s)(void));

/* Turns TLS 1.3 off (or back on, where the credentials allow it): with it
 * off, every client is served by the TLS 1.2 engine, as before TLS 1.3. */
void tls_server_offer_tls13(struct tls_server *server, bool on);

enum tls_conn_mode {
    TLS_MODE_HELLO,                     /* reading the ClientHello */
    TLS_MODE_TLS12,                     /* BearSSL's engine */
    TLS_MODE_TLS13,                     /* ours */
    TLS_MODE_ENDED,                     /* closed before a hello was read */
};

/* One TLS connection: BearSSL's server context or the TLS 1.3 engine's
 * state, and the two record buffers either uses (about 33 KB, most of a
 * connection's memory). The ClientHello is gathered where BearSSL
 * would put it, at the start of iobuf. */
struct tls_conn {
    union {                             /* one engine's state: the mode says which */
        br_ssl_server_context sc;       /* first: the cache wrapper finds the conn from it */
        struct tls13_conn v13;
    };
    struct tls_server *server;
    bool resumed;                       /* the handshake resumed a cached session */
    bool established;                   /* the handshake completed (latched) */
    enum tls_conn_mode mode;
    size_t hello_bytes;                 /* of the ClientHello's records gathered in iobuf */
    size_t hello_record;                /* where the record being gathered starts */
    uint8_t seed[TLS_SEED_BYTES];       /* for the engine chosen */
    unsigned char iobuf[BR_SSL_BUFSIZE_BIDI];
};

/*
 * Starts a server handshake on `conn`, seeded with `seed_len` (at least
 * TLS_SEED_BYTES) unpredictable bytes. Returns 0, or -1 if BearSSL refused
 * to start (it does not with a seed of the right size).
 */
int tls_conn_init(struct tls_conn *conn, struct tls_server *server, const void *seed,
                  size_t seed_len);

/* ---- the wire side ----------------------------------------------------- */

/* Takes bytes received from the peer; returns how many were taken (fewer
 * than `len`, maybe 0, while BearSSL's input buffer is full: offer the rest
 * after the plaintext was taken out). */
size_t tls_conn_put_received(struct tls_conn *conn, const uint8_t *data, size_t len);

/* The record bytes waiting to be sent, if any; then tls_conn_records_sent()
 * with how many were taken (they must be copied: the buffer is reused). */
const uint8_t *tls_conn_records(struct tls_conn *conn, size_t *len);
void tls_conn_records_sent(struct tls_conn *conn, size_t n);

/* ---- the plaintext side ------------------------------------------------ */

/* Plaintext received from the peer, if any; then tls_conn_plain_taken(). */
const uint8_t *tls_conn_plain_in(struct tls_conn *conn, size_t *len);
void tls_conn_plain_taken(struct tls_conn *conn, size_t n);

/* Room for plaintext to send, if any; write into it, then
 * tls_conn_plain_written() with how much. */
uint8_t *tls_conn_plain_room(struct tls_conn *conn, size_t *len);
void tls_conn_plain_written(struct tls_conn *conn, size_t n);

/* Makes a record of the plaintext written so far (call when the response,
 * or what the HTTP engine has for now, is all written). */
void tls_conn_flush(struct tls_conn *conn);

/* Starts the closing handshake (close_notify); records then follow. */
void tls_conn_close(struct tls_conn *conn);

/* ---- state ------------------------------------------------------------- */

/* True once the handshake is complete (application data flows). */
bool tls_conn_handshake_done(struct tls_conn *conn);

/* True once the connection is over (closed cleanly or failed) and every
 * record has been taken; the transport then closes TCP. */
bool tls_conn_closed(const struct tls_conn *conn);

/* BearSSL's error code (BR_ERR_*; 0 after a clean close) and a short
 * explanation of it. */
int tls_conn_error(const struct tls_conn *conn);
const char *tls_error_text(int err);

/* After the handshake: the server name the client asked for (SNI; "" if
 * none), the protocol chosen by ALPN (NULL if none), the suite's name. */
const char *tls_conn_server_name(const struct tls_conn *conn);
const char *tls_conn_alpn(const struct tls_conn *conn);
const char *tls_conn_suite_name(const struct tls_conn *conn);
/* The protocol version, "1.2" or "1.3", for the log. */
const char *tls_conn_version_name(const struct tls_conn *conn);

#endif
