/*
 * libFuzzer target: the TLS 1.3 server (src/tls/, behind tls_server.c's
 * dispatch), in four modes chosen by byte 1 of the input (mod 4):
 *
 *   0  RFC 8448's ClientHello, then the fuzzed bytes as they are: what a
 *      client may send before its Finished (CCS, alerts, forged records).
 *   1  a hello whose only share is in a group the server lacks: a
 *      HelloRetryRequest, then the fuzzed bytes (the second hello).
 *   2  a whole handshake by an in-process client (RFC 8448's hello and
 *      key, this engine's own key schedule and records), then the fuzzed
 *      bytes as inner plaintexts the client protects into valid records:
 *      [type][length hi][length lo][padding] content..., so the fuzzer
 *      reaches application data, alerts, KeyUpdate and handshake
 *      reassembly behind the AEAD.
 *   3  the fuzzed bytes as a ClientHello's body, in a well-formed record:
 *      the hello parser and what the server chooses from it.
 *
 * Byte 0 shapes the receive pieces (0: all at once, else 1..byte0 bytes).
 *
 * Invariants (a trap when broken): the server takes no more than it is
 * given; every record it offers has a known type, version 3.3 (the TLS
 * 1.3 engine's; BearSSL's, for a hello without TLS 1.3, are not held to
 * it) and at most
 * 2^14 + 256 bytes; it never stalls (takes nothing, gives nothing, stays
 * open); a closed connection takes nothing; in mode 2 the handshake
 * completes.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "fuzz_tls_drive.h"
#include "rfc8448_trace.h"
#include "crypto/secret_bytes.h"
#include "crypto/x25519.h"
#include "http/tls_server.h"
#include "tls/tls13_key_schedule.h"
#include "tls/tls13_record.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tls_credentials creds;
static struct tls_server server;
static struct tls_conn conn;

static uint8_t hello[256], client_key[32];
static size_t hello_len;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_tls_server_init(&creds, &server, "fuzz_tls13");
    hello_len = rfc8448_unhex(rfc8448_client_hello_hex, hello);
    rfc8448_unhex(rfc8448_client_x25519_private_hex, client_key);
    return 0;
}

/* ---- the server's output -------------------------------------------------------- */

static uint8_t from_server[65536];
static size_t from_server_len;

static bool drain_records(void)
{
    bool any = false;
    const uint8_t *rec;
    size_t len;
    while ((rec = tls_conn_records(&conn, &len)) != NULL) {
        FUZZ_CHECK(len >= 5, "records are offered whole");
        for (size_t at = 0; at + 5 <= len;) {
            size_t body = (size_t)rec[at + 3] << 8 | rec[at + 4];
            FUZZ_CHECK(rec[at] >= 20 && rec[at] <= 23, "a record of a known type");
            /* Ours are all 3.3. BearSSL's record version is its own
             * affair (it refuses a TLS 1.0 hello in a record of version
             * 0.0, as it did before TLS 1.3 was added): not checked. */
            if (conn.mode == TLS_MODE_TLS13)
                FUZZ_CHECK(rec[at + 1] == 3 && rec[at + 2] == 3, "a TLS 1.3 record of version 3.3");
            FUZZ_CHECK(body <= 16384 + 256, "a record of at most 2^14 + 256 bytes");
            at += 5 + body;
        }
        if (len <= sizeof from_server - from_server_len) {
            memcpy(from_server + from_server_len, rec, len);
            from_server_len += len;
        }
        tls_conn_records_sent(&conn, len);
        any = true;
    }
    return any;
}

static void feed(const uint8_t *stream, size_t len, uint8_t shape)
{
    fuzz_tls_feed(&conn, stream, len, shape, drain_records);
}

static void feed_hello(const uint8_t *msg, size_t len)
{
    uint8_t rec[5 + 70000];
    rec[0] = 22;
    rec[1] = 3;
    rec[2] = 1;
    size_t n = len < 16384 ? len : 16384;
    rec[3] = (uint8_t)(n >> 8);
    rec[4] = (uint8_t)n;
    memcpy(rec + 5, msg, n);
    feed(rec, 5 + n, 0);
}

/* ---- mode 2: an in-process client ------------------------------------------------ */

static const struct tls13_aead_impl portable = {
    &br_aes_ct64_ctr_vtable, &br_ghash_ctmul64, &br_chacha20_ct_run, &br_poly1305_ctmul_run,
};
static struct tls13_protection client_out;
static uint8_t client_app_secret[TLS13_HASH_MAX];
static const struct tls13_suite *suite;

/* Completes the handshake from the server's first flight in from_server. */
static void client_finish(void)
{
    /* ServerHello: its suite and X25519 share. */
    FUZZ_CHECK(from_server_len > 5 + 4 + 38 && from_server[0] == 22 && from_server[5] == 2, "a ServerHello");
    size_t sh_len = 4 + ((size_t)from_server[7] << 8 | from_server[8]);
    const uint8_t *sh = from_server + 5;
    size_t sid_len = sh[38];
    suite = tls13_suite_find((uint16_t)(sh[39 + sid_len] << 8 | sh[40 + sid_len]));
    FUZZ_CHECK(suite != NULL, "a served suite");
    const uint8_t *share = NULL;
    for (size_t i = 42 + sid_len; i + 8 <= sh_len; i++)
        if (sh[i] == 0x00 && sh[i + 1] == 0x33 && sh[i + 4] == 0x00 && sh[i + 5] == 0x1d)
            share = sh + i + 8;
    FUZZ_CHECK(share != NULL, "an X25519 share");
    uint8_t shared[32];
    memcpy(shared, share, 32);
    x25519_mul(shared, 32, client_key, 32);

    br_hash_compat_context th;
    suite->hash->init(&th.vtable);
    suite->hash->update(&th.vtable, hello, hello_len);
    suite->hash->update(&th.vtable, sh, sh_len);
    uint8_t hash[TLS13_HASH_MAX], c_hs[TLS13_HASH_MAX], s_hs[TLS13_HASH_MAX];
    suite->hash->out(&th.vtable, hash);
    struct tls13_schedule ks;
    tls13_schedule_init(&ks, suite, NULL, 0);
    tls13_schedule_advance(&ks, shared, 32);
    tls13_schedule_derive(&ks, "c hs traffic", hash, c_hs);
    tls13_schedule_derive(&ks, "s hs traffic", hash, s_hs);

    /* The protected flight: opened, into the transcript. */
    static struct tls13_protection server_in;
    tls13_protection_set(&server_in, suite, &portable, s_hs);
    uint8_t *flight = from_server + 5 + sh_len;
    size_t flight_len = from_server_len - 5 - sh_len;
    uint8_t type;
    size_t content;
    FUZZ_CHECK(flight_len > 5 && tls13_open(&server_in, flight, flight_len, &type, &content) == TLS13_OPEN_OK,
               "the server's flight opens");
    suite->hash->update(&th.vtable, flight + 5, content);
    suite->hash->out(&th.vtable, hash);

    /* Finished, then the application keys. */
    uint8_t rec[5 + 4 + TLS13_HASH_MAX + 1 + 16];
    rec[5] = 20;
    rec[6] = 0;
    rec[7] = 0;
    rec[8] = (uint8_t)suite->hash_len;
    tls13_finished_mac(suite->hash, c_hs, hash, rec + 9);
    tls13_protection_set(&client_out, suite, &portable, c_hs);
    size_t n = tls13_seal(&client_out, TLS13_CT_HANDSHAKE, rec, 4 + suite->hash_len, 0);
    tls13_schedule_advance(&ks, NULL, 0);
    tls13_schedule_derive(&ks, "c ap traffic", hash, client_app_secret);
    tls13_protection_set(&client_out, suite, &portable, client_app_secret);
    from_server_len = 0;
    feed(rec, n, 0);
    FUZZ_CHECK(tls_conn_handshake_done(&conn), "the handshake completes");
}

/* The fuzzed bytes as inner plaintexts, protected into records. */
static void client_send_records(const uint8_t *in, size_t len, uint8_t shape)
{
    static uint8_t rec[5 + 16384 + 256 + 16 + 1];
    while (len >= 4 && !tls_conn_closed(&conn)) {
        uint8_t type = in[0];
        size_t content = ((size_t)in[1] << 8 | in[2]) % 16385;
        size_t pad = in[3];
        in += 4;
        len -= 4;
        if (content > len)
            content = len;
        if (content + 1 + pad > 16384 + 1)
            pad = 0;
        memcpy(rec + 5, in, content);
        size_t n = tls13_seal(&client_out, type, rec, content, pad);
        /* A KeyUpdate the client sends steps its own keys after it. */
        bool key_update = type == TLS13_CT_HANDSHAKE && content == 5 && in[0] == 24;
        in += content;
        len -= content;
        feed(rec, n, shape);
        if (key_update) {
            tls13_next_traffic_secret(suite->hash, client_app_secret);
            tls13_protection_set(&client_out, suite, &portable, client_app_secret);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t shape = size > 0 ? data[0] : 0;
    unsigned mode = size > 1 ? data[1] % 4 : 0;
    const uint8_t *in = size > 2 ? data + 2 : data;
    size_t len = size > 2 ? size - 2 : 0;
    rng_state = ((uint32_t)shape << 8 | mode) * 2654435761u | 1u;
    from_server_len = 0;

    static const uint8_t seed[TLS_SEED_BYTES] = {13};
    FUZZ_CHECK(tls_conn_init(&conn, &server, seed, sizeof seed) == 0, "a connection starts");
    uint8_t *stream = malloc(len ? len : 1);
    if (!stream)
        abort();
    memcpy(stream, in, len);
    uint8_t edited[sizeof hello];
    switch (mode) {
    case 0:
        feed_hello(hello, hello_len);
        feed(stream, len, shape);
        break;
    case 1:
        memcpy(edited, hello, hello_len);
        edited[RFC8448_HELLO_SHARE_GROUP_AT] = 0x1e;      /* x448: not served */
        feed_hello(edited, hello_len);
        feed(stream, len, shape);
        break;
    case 2:
        feed_hello(hello, hello_len);
        client_finish();
        client_send_records(stream, len, shape);
        break;
    default: {
        uint8_t *msg = malloc(len + 4);
        if (!msg)
            abort();
        msg[0] = 1;
        msg[1] = (uint8_t)(len >> 16);
        msg[2] = (uint8_t)(len >> 8);
        msg[3] = (uint8_t)len;
        memcpy(msg + 4, stream, len);
        feed_hello(msg, len + 4);
        free(msg);
        break;
    }
    }
    (void)tls_conn_server_name(&conn);
    (void)tls_conn_suite_name(&conn);
    free(stream);
    secret_wipe(&conn, sizeof conn);
    return 0;
}
