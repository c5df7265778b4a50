/*
 * An HTTP connection as a sans-I/O stream engine (src/core/stream.h), in
 * one of three kinds:
 *  - plain: the HTTP engine (http_engine.h) on the bytes as they come;
 *  - redirect: plain HTTP when HTTPS is on: the request head is read
 *    (redirect_head.h keeps the few lines that matter) and answered with
 *    https_redirect.h's 301 to https://, then the connection closes;
 *  - TLS: the TLS server (tls_server.h) on the wire, the HTTP engine on the
 *    plaintext between them.
 * The engine owns the request and response accounting the transport needs
 * (is a request under way, is a response going out, is the connection
 * done) and the pumping of bytes between BearSSL and the HTTP engine, so
 * the composition is unit-tested and fuzzed like the engines themselves.
 */
#ifndef UNIHOST_HTTP_STREAM_H
#define UNIHOST_HTTP_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "content/blob.h"
#include "http/http_engine.h"
#include "http/redirect_head.h"
#include "core/stream.h"
#include "http/tls_server.h"

enum http_stream_kind { HTTP_STREAM_PLAIN, HTTP_STREAM_REDIRECT, HTTP_STREAM_TLS };

/* What happened that the transport may want to log, each reported once. */
enum http_stream_event {
    HTTP_STREAM_NO_EVENT,
    HTTP_STREAM_HANDSHAKE_DONE,     /* TLS: see tls_conn_server_name() and friends */
    HTTP_STREAM_HANDSHAKE_FAILED,   /* TLS: see tls_conn_error() */
};

struct http_stream {
    enum http_stream_kind kind;
    struct stream_peer peer;
    uint64_t (*wall_seconds)(void); /* for Date */
    struct tls_conn *tls;           /* TLS: the caller's, initialised (tls_conn_init) */
    bool input_closed;
    bool responding;                /* the HTTP engine's response is being taken */
    bool input_since_response;      /* bytes arrived since the last response began */
    bool tls_closing;               /* close_notify begun: nothing more after it */
    bool handshake_reported, failure_reported;
    uint64_t redirect_date;         /* redirect: the answer's Date, fixed when the head ended */
    size_t redirect_len;            /* redirect: the answer's length, from the last output() */
    size_t redirect_taken;
    bool redirect_sent;
    const struct http_access_hooks *hooks;  /* the access log's, or NULL */
    bool redirect_reported;
    const struct http_challenges *challenges;   /* ACME HTTP-01 tokens answered (NULL: none) */
    /* Redirect: the key authorization a head asked for, copied when the
     * head ended, so that the answer made again at each output() stays
     * the same whatever the table does meanwhile (0: none, redirected). */
    char challenge_value[HTTP_CHALLENGE_VALUE_MAX];
    size_t challenge_len;
    bool challenge_head_only;
    union {
        struct http_conn http;      /* plain and TLS */
        struct redirect_head redirect;
    } u;
};

/*
 * Prepares `s` for a new connection from `peer`. For HTTP_STREAM_TLS,
 * `tls` is a tls_conn already started with tls_conn_init() that stays the
 * caller's (give it back when the connection is over); NULL otherwise.
 * `extra_headers` (plain and TLS) are http_conn_set_extra_headers()'s.
 */
void http_stream_init(struct http_stream *s, enum http_stream_kind kind, const struct blob *blob,
                      const struct stream_peer *peer, struct tls_conn *tls, const char *extra_headers,
                      size_t extra_len, uint64_t (*wall_seconds)(void));

/* The blob the connection answers from (NULL for the redirect kind, which
 * answers from none). */
const struct blob *http_stream_blob(const struct http_stream *s);

/* Makes the connection answer its next requests from `blob` (NULL: none,
 * once it is over). Only between requests: http_stream_state() == 0. */
void http_stream_rebind(struct http_stream *s, const struct blob *blob);

size_t http_stream_feed(struct http_stream *s, const uint8_t *data, size_t len);
void http_stream_input_closed(struct http_stream *s);
bool http_stream_output(struct http_stream *s, uint8_t *scratch, struct stream_chunk *out);
void http_stream_output_taken(struct http_stream *s, size_t n);
unsigned http_stream_state(const struct http_stream *s);

/*
 * Reports each response to `hooks` (http_engine.h's struct
 * http_access_hooks), whatever the kind: the redirect's answers too. The
 * hooks must outlive `s`. Call after http_stream_init().
 */
void http_stream_set_access_hooks(struct http_stream *s, const struct http_access_hooks *hooks);

/*
 * Answers ACME HTTP-01 requests from `challenges` (http_challenge.h; it
 * must outlive `s`; NULL: none): plain kind through the HTTP engine
 * (http_conn_set_challenges), redirect kind with a 200 in place of the
 * 301 for a pending token. For port 80's streams only. Call after
 * http_stream_init().
 */
void http_stream_set_challenges(struct http_stream *s, const struct http_challenges *challenges);

/* The connection is over (closed, reset or shed): a response not wholly
 * taken is reported now. */
void http_stream_end(struct http_stream *s);

/*
 * The live-reload event stream (http_engine.h), whatever the kind: is `s`
 * one, and the swap to `blob` that tells its page (true) or ends it
 * (false). After a swap the stream has output again: the transport must
 * take it (the TCP service's tcp_pool_wake()), as no input prompted it.
 */
bool http_stream_is_live(const struct http_stream *s);
bool http_stream_live_swap(struct http_stream *s, const struct blob *blob);

/* The next event to report, if any. */
enum http_stream_event http_stream_event(struct http_stream *s);

#endif
