/*
 * One HTTPS request and its response, sans I/O, for the ACME client: a
 * BearSSL TLS client carrying one HTTP/1.1 exchange (http_exchange.h). The
 * caller opens a TCP connection and moves bytes: what https_conn_output()
 * gives goes to the peer, what the peer sends goes to
 * https_conn_received(), until https_conn_result() is no longer 0; then the
 * connection is closed either way (one request per connection).
 *
 * The server must prove itself: its chain must end at one of the CA roots
 * given at start-up (--acme-ca, ca_roots.h) and be valid at the time given,
 * and its certificate must be for the name given (BearSSL's X.509 engine
 * matches DNS names only, so the name is what the URL's host is checked
 * against); a certificate outside its validity fails with its dates and
 * the clock's. A response delimited by the end of the connection only counts
 * if the server ended TLS with close_notify: a cut-off body is not a body.
 */
#ifndef UNIHOST_ACME_HTTPS_CONN_H
#define UNIHOST_ACME_HTTPS_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bearssl.h>

#include "acme/acme_client.h"
#include "acme/ca_roots.h"
#include "acme/http_exchange.h"

#define HTTPS_CONN_HEAD_MAX 2048
#define HTTPS_CONN_ERROR_MAX 192
/* A certificate of the server's chain larger than this is still checked,
 * but an expiry in it is reported without its dates. */
#define HTTPS_CONN_CERT_MAX 4096

/* BearSSL's X.509 engine reports a chain outside its validity as one
 * error, "expired or not yet valid", with no dates. This class stands in
 * front of it, passes everything on, and reads each certificate's dates
 * (cert_validity.h) so that the failure can say which certificate, which
 * way and when: with a clock that is off, that is the whole diagnosis. */
struct https_conn_x509 {
    const br_x509_class *vtable;
    const br_x509_class **inner;
    int64_t now;
    uint8_t cert[HTTPS_CONN_CERT_MAX];
    size_t cert_len;
    bool cert_too_large;
    unsigned index;             /* of the certificate being received, 0 for the server's own */
    bool found;                 /* a certificate not valid at `now`: the first such */
    unsigned bad_index;
    int64_t bad_not_before, bad_not_after;
};

struct https_conn {
    br_ssl_client_context cc;
    br_x509_minimal_context xc;
    struct https_conn_x509 x509;
    unsigned char iobuf[BR_SSL_BUFSIZE_BIDI];
    struct http_exchange exchange;
    char head[HTTPS_CONN_HEAD_MAX];
    size_t head_len;
    const char *body;
    size_t body_len;
    size_t written;             /* bytes of head then body given to the engine */
    int result;                 /* 0 running, 1 a complete response, -1 failed */
    char error[HTTPS_CONN_ERROR_MAX];
};

/* Starts the exchange of `req` with `server_name` (NUL-terminated; what the
 * certificate must name), the response's body going into body[0..body_cap).
 * now_unix: the time the chain must be valid at. seed: at least 32 bytes
 * of entropy. req's strings must stay until the exchange ends. Returns
 * false (https_conn_error() says why) if the request does not fit or the
 * engine refuses to start. */
bool https_conn_start(struct https_conn *c, const struct ca_roots *roots, const char *server_name,
                      int64_t now_unix, const void *seed, size_t seed_len, const struct acme_request *req,
                      char *body, size_t body_cap);

/* Bytes to send to the peer now (NULL if none), then how many were taken. */
const uint8_t *https_conn_output(struct https_conn *c, size_t *len);
void https_conn_output_sent(struct https_conn *c, size_t n);

/* Bytes from the peer; returns how many were taken (the rest waits until
 * the engine has room again, after output is sent). */
size_t https_conn_received(struct https_conn *c, const uint8_t *data, size_t len);

/* The peer closed the TCP connection (or it failed). */
void https_conn_peer_closed(struct https_conn *c);

/* 1: the response is complete (https_conn_response()); 0: running;
 * -1: failed (https_conn_error()). */
int https_conn_result(const struct https_conn *c);
void https_conn_response(const struct https_conn *c, struct acme_response *out);
const char *https_conn_error(const struct https_conn *c);

#endif
