/*
 * libFuzzer target: the TLS server wrapper (src/http/tls_server.c) receiving
 * arbitrary bytes from a client, driven as the transport drives it: put
 * received bytes in, take records out, take plaintext and answer it.
 * Credentials: the EC test pair in tests/fixtures/tls/.
 *
 * Input: byte 0 shapes the receive pieces (0: everything at once, else
 * pieces of 1..byte0 bytes); if byte 1 is odd, a real ClientHello (made by
 * an in-process BearSSL client) is sent before the rest, so that the
 * fuzzed bytes meet the server after a valid hello too.
 *
 * Invariants (a trap when broken):
 *  - the wrapper never takes more bytes than it is given;
 *  - every record it offers starts with a 5-byte header of a known type
 *    (20..23), version 3.x (or 0.0 for an alert sent before any hello,
 *    as BearSSL does), and a length of at most 16 KB + overhead;
 *  - it never stalls: when it takes nothing, it has records or plaintext to
 *    give, or it is closed;
 *  - a closed connection takes no more bytes.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "fuzz_tls_drive.h"
#include "http/tls_server.h"

static struct tls_credentials creds;
static struct tls_server server;
static struct tls_conn conn;
static uint8_t hello[1024];
static size_t hello_len;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void make_hello(void)
{
    static br_ssl_client_context cc;
    static br_x509_minimal_context xc;
    static unsigned char buf[BR_SSL_BUFSIZE_BIDI];
    br_ssl_client_init_full(&cc, &xc, NULL, 0);
    /* Within the 8 suites BearSSL is built for (BR_MAX_CIPHER_SUITES). */
    static const uint16_t suites[] = {
        BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        BR_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, BR_TLS_RSA_WITH_AES_256_CBC_SHA256,
    };
    br_ssl_engine_set_suites(&cc.eng, suites, sizeof suites / sizeof suites[0]);
    static const char *alpn[] = {"h2", "http/1.1"};
    br_ssl_engine_set_protocol_names(&cc.eng, alpn, 2);
    br_ssl_engine_set_buffer(&cc.eng, buf, sizeof buf, 1);
    static const uint8_t seed[32] = {1};
    br_ssl_engine_inject_entropy(&cc.eng, seed, sizeof seed);
    br_ssl_client_reset(&cc, "www.unihost.test", 0);
    size_t len;
    const uint8_t *rec = br_ssl_engine_sendrec_buf(&cc.eng, &len);
    if (!rec || len > sizeof hello) {
        fprintf(stderr, "fuzz_tls: no ClientHello from the BearSSL client\n");
        exit(1);
    }
    memcpy(hello, rec, len);
    hello_len = len;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_tls_server_init(&creds, &server, "fuzz_tls");
    make_hello();
    return 0;
}

/* Takes every record offered, checking each one's header. */
static bool drain_records(void)
{
    bool any = false;
    const uint8_t *rec;
    size_t len;
    while ((rec = tls_conn_records(&conn, &len)) != NULL) {
        FUZZ_CHECK(len > 0, "offered records are never empty");
        if (len >= 5) {
            FUZZ_CHECK(rec[0] >= 20 && rec[0] <= 23, "a record of a known type");
            /* BearSSL answers an alert received before any hello with an
             * alert whose record version is still 0.0: harmless. */
            FUZZ_CHECK(rec[1] == 3 || (rec[0] == 21 && rec[1] == 0 && rec[2] == 0),
                       "a record of version 3.x (0.0 only for an early alert)");
            FUZZ_CHECK(((size_t)rec[3] << 8 | rec[4]) <= 16384 + 325, "a record of at most 16 KB + overhead");
        }
        /* Records may be offered in pieces; only whole headers are checked,
         * so take them whole. */
        tls_conn_records_sent(&conn, len);
        any = true;
    }
    return any;
}

static void feed(const uint8_t *stream, size_t len, uint8_t shape)
{
    fuzz_tls_feed(&conn, stream, len, shape, drain_records);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t shape = size > 0 ? data[0] : 0;
    bool with_hello = size > 1 && (data[1] & 1);
    const uint8_t *in = size > 2 ? data + 2 : data;
    size_t len = size > 2 ? size - 2 : 0;
    rng_state = ((uint32_t)shape << 8 | (size > 1 ? data[1] : 0)) * 2654435761u | 1u;

    static const uint8_t seed[TLS_SEED_BYTES] = {42};
    FUZZ_CHECK(tls_conn_init(&conn, &server, seed, sizeof seed) == 0, "a connection starts");
    uint8_t *stream = malloc(len ? len : 1);
    if (!stream)
        abort();
    memcpy(stream, in, len);
    if (with_hello)
        feed(hello, hello_len, 0);
    feed(stream, len, shape);
    if (tls_conn_handshake_done(&conn)) {
        (void)tls_conn_server_name(&conn);
        (void)tls_conn_suite_name(&conn);
    }
    free(stream);
    return 0;
}
