/*
 * Driving a tls_conn as the transport and the HTTP engine do, for the TLS
 * fuzz targets (fuzz_tls.c, fuzz_tls13.c): the application side, which
 * answers what it reads, and the receive loop with its invariants. Each
 * target brings its own check of the records offered (drain).
 */
#ifndef UNIHOST_FUZZ_TLS_DRIVE_H
#define UNIHOST_FUZZ_TLS_DRIVE_H

#include "fuzz_common.h"
#include "http/tls_server.h"

/* The server of the TLS targets: the EC test pair in tests/fixtures/tls/;
 * exits (naming `target`) if it does not load. */
static void fuzz_tls_server_init(struct tls_credentials *creds, struct tls_server *server,
                                 const char *target)
{
    size_t cert_len, key_len;
    uint8_t *cert = fuzz_read_file("tests/fixtures/tls/ec-cert.pem", &cert_len);
    uint8_t *key = fuzz_read_file("tests/fixtures/tls/ec-key.pem", &key_len);
    char err[256];
    if (tls_credentials_load(creds, (const char *)cert, cert_len, "ec-cert.pem", (const char *)key,
                             key_len, "ec-key.pem", err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", target, err);
        exit(1);
    }
    free(cert);     /* the credentials hold their own copy */
    free(key);
    tls_server_init(server, creds);
}

/* The application: reads plaintext and answers a few bytes per read. */
static bool fuzz_tls_serve_plain(struct tls_conn *conn)
{
    bool any = false;
    size_t len;
    const uint8_t *in;
    while ((in = tls_conn_plain_in(conn, &len)) != NULL) {
        FUZZ_CHECK(len > 0, "offered plaintext is never empty");
        tls_conn_plain_taken(conn, len);
        size_t room;
        uint8_t *out = tls_conn_plain_room(conn, &room);
        if (out && room >= 4) {
            memcpy(out, "ok\r\n", 4);
            tls_conn_plain_written(conn, 4);
            tls_conn_flush(conn);
        }
        any = true;
    }
    return any;
}

/* Gives stream to conn in pieces of 1..shape bytes (all at once for 0),
 * taking its records (drain) and serving its plaintext after each. */
static void fuzz_tls_feed(struct tls_conn *conn, const uint8_t *stream, size_t len, uint8_t shape,
                          bool (*drain)(void))
{
    size_t fed = 0;
    for (size_t steps = 0; fed < len; steps++) {
        FUZZ_CHECK(steps <= 4 * len + 16, "the conversation ends (bounded steps)");
        if (tls_conn_closed(conn)) {
            FUZZ_CHECK(tls_conn_put_received(conn, stream + fed, len - fed) == 0,
                       "a closed connection takes no more bytes");
            return;
        }
        size_t piece = len - fed;
        if (shape) {
            size_t p = 1 + rng() % shape;
            if (p < piece)
                piece = p;
        }
        size_t used = tls_conn_put_received(conn, stream + fed, piece);
        FUZZ_CHECK(used <= piece, "the wrapper takes no more than it is given");
        fed += used;
        (void)tls_conn_handshake_done(conn);
        bool out = drain();
        bool plain = fuzz_tls_serve_plain(conn);
        if (used == 0)
            FUZZ_CHECK(out || plain || tls_conn_closed(conn),
                       "the wrapper never stalls (takes nothing, gives nothing, stays open)");
    }
    drain();
}

#endif
