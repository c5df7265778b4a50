/*
 * The HTTP/1.1 engine: a per-connection state machine over llhttp. The
 * transport feeds it received bytes and sends what it produces; it does no
 * I/O and allocates nothing (the connection is caller-owned memory).
 *
 * Request bodies (Content-Length or chunked) are read and discarded up to
 * HTTP_BODY_MAX bytes; a larger one is answered 413 and the connection
 * closes.
 *
 * Pipelining: feeding stops after each complete request until its response
 * has been taken, so responses go out in request order and the transport
 * keeps unconsumed bytes (and TCP's window) as back-pressure.
 */
#ifndef UNIHOST_HTTP_ENGINE_H
#define UNIHOST_HTTP_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <llhttp.h>

#include "content/blob.h"
#include "http/http_accept_encoding.h"
#include "http/http_challenge.h"

#define HTTP_URL_MAX 2048           /* longer request targets get 414 */
#define HTTP_HEADERS_MAX 8192       /* more header bytes get 431 */
#define HTTP_HEAD_MAX 1024          /* room for one response's header block */
#define HTTP_EXTRA_HEADERS_MAX 256  /* the caller's extra lines: see http_conn_set_extra_headers() */
#define HTTP_BODY_MAX 16384         /* request bodies up to this are read and discarded; larger get 413 */
#define HTTP_USER_AGENT_KEPT 256    /* bytes of a User-Agent kept for the access log */

/*
 * What the access log says of one response, reported through the hooks
 * below: the engine knows the request and the response, the transport
 * adds the client, the time and TLS. The strings are the client's bytes as
 * they came (the logger escapes them) and are valid during the call only.
 */
struct http_access {
    const char *method;             /* "GET", ...; NULL: the request line did not get that far */
    size_t method_len;
    const char *target;             /* the request-target as received (len 0: none) */
    size_t target_len;
    bool target_cut;                /* ... of which only the first target_len bytes were kept */
    const char *user_agent;         /* NULL: none */
    size_t user_agent_len;
    bool user_agent_cut;
    int status;
    uint64_t bytes;                 /* response bytes the transport took, header block included */
    bool complete;                  /* all of the response was taken (false: the connection ended first) */
};

/* The transport's hooks for the access log (http_conn_set_access_hooks). */
struct http_access_hooks {
    void (*begun)(void *ctx);       /* a request's first byte was read: its time starts */
    void (*done)(void *ctx, const struct http_access *a);   /* a response was taken, or abandoned */
    void *ctx;
};

struct http_conn {
    llhttp_t parser;
    const struct blob *blob;
    uint64_t now;                   /* wall clock seconds, for Date */

    /* The request being parsed. */
    char url[HTTP_URL_MAX];
    size_t url_len;
    char field[32];                 /* current header name (longer names are not ours) */
    size_t field_len;
    char value[512];                /* current header value, cut at the buffer size */
    size_t value_len;
    size_t header_bytes;
    int reject_status;              /* 414/431 decided inside a callback */
    bool value_cut;                 /* the current value did not fit in `value` */
    bool has_host;
    struct http_accept_encoding accept_encoding;
    bool in_request;                /* a request has begun and is not complete */
    char if_none_match[256];
    size_t if_none_match_len;
    bool has_if_none_match;
    bool has_if_modified_since;
    uint64_t if_modified_since;
    char range[128];                /* the Range value (absent or cut: len 0) */
    size_t range_len;
    char if_range[64];              /* the If-Range value (an ETag or a date) */
    size_t if_range_len;
    bool has_if_range;
    uint64_t body_bytes;            /* request body bytes seen (discarded) */

    /* What llhttp lets through but RFC 9112 does not, checked by where the
     * request's parts lie in the byte stream (offsets from the connection's
     * first byte): one SP between the parts of the request line, no line
     * folding, the HTTP-version. See http_engine.c. */
    uint64_t stream_offset;         /* offset of the first byte being parsed */
    const char *parsing;            /* ... and where that byte is */
    uint64_t request_start;         /* offset of the request's first byte */
    uint64_t method_end, url_end;   /* offsets just after the method and the target */
    uint64_t field_end, value_end;  /* ... after the current header name and value */
    bool url_started, version_started;
    bool awaiting_value;            /* a header name ended, its value has not begun */
    bool newline_before_value;      /* ... and a line ended in between: obs-fold */
    bool value_started;
    bool in_trailers;               /* fields after a chunked body: not the request's */
    bool method_read;               /* llhttp took the method (HEAD answers get no body) */
    bool at_request_start;          /* llhttp paused at on_message_begin */
    char version[4];                /* the HTTP-version's digits ("1.1"), maybe cut */
    size_t version_len;
    bool judging_method;            /* llhttp refused the method: 400 or 501 undecided */
    size_t method_len;              /* the refused method's bytes so far */

    /* The response being sent: the header block, then a body in the blob. */
    uint8_t head[HTTP_HEAD_MAX];
    size_t head_len, head_sent;
    const uint8_t *body;
    size_t body_len, body_sent;
    bool close_after;               /* close once the response is out */
    bool live;                      /* the live-reload event stream: a response that never ends by itself */
    const char *extra_headers;      /* the caller's lines for every response (HSTS) */
    const struct http_challenges *challenges;   /* ACME HTTP-01 tokens answered (NULL: none) */
    size_t extra_headers_len;
    bool failed;                    /* a protocol error: take no more input */

    /* For the access log. */
    const struct http_access_hooks *hooks;
    int status;                     /* of the response being sent */
    bool reporting;                 /* a response is out and not yet reported */
    bool target_cut;                /* the target did not fit url[] */
    bool has_user_agent, user_agent_cut;
    size_t user_agent_len;
    char user_agent[HTTP_USER_AGENT_KEPT];
};

/* Prepares `c` for a new connection serving `blob`. */
void http_conn_init(struct http_conn *c, const struct blob *blob);

/*
 * Feeds received bytes; `now` is the wall clock in seconds. Returns how many
 * were consumed: fewer than `len` while a response is pending (feed the rest
 * once http_conn_output() has nothing more), all of them otherwise.
 */
size_t http_conn_feed(struct http_conn *c, const uint8_t *data, size_t len, uint64_t now);

/*
 * The next bytes to send, if any. *in_blob tells whether they live in the
 * blob (immutable for the whole run, so a transport may send them without
 * copying) or in `c` (copy them before calling http_conn_sent()).
 */
bool http_conn_output(const struct http_conn *c, const uint8_t **data, size_t *len, bool *in_blob);

/* Marks n bytes of the current output as taken by the transport. */
void http_conn_sent(struct http_conn *c, size_t n);

/* True when everything is sent and the connection should now be closed. */
bool http_conn_should_close(const struct http_conn *c);

/*
 * Header lines ("Name: value\r\n", CRLF-terminated, `len` bytes) added to
 * every response's header block from now on, e.g. Strict-Transport-Security
 * over HTTPS. The bytes stay the caller's and must outlive `c`. They count
 * within HTTP_HEAD_MAX; at most HTTP_EXTRA_HEADERS_MAX bytes, so that an
 * error response always fits. Call after http_conn_init(). Returns false
 * (and adds nothing) for lines too long or not ending in CRLF; NULL or 0
 * removes them.
 */
bool http_conn_set_extra_headers(struct http_conn *c, const char *lines, size_t len);

/*
 * Answers ACME HTTP-01 requests from `challenges` (http_challenge.h; it
 * must outlive `c`; NULL: none) from now on: a GET or HEAD of
 * /.well-known/acme-challenge/TOKEN for a pending token gets 200,
 * application/octet-stream, the key authorization (copied into the
 * response when it is made: a token withdrawn meanwhile does not change
 * bytes being sent), before the site's files and redirects are looked at.
 * Other tokens are answered as any path is (404 unless the site has the
 * file). For port 80 only: RFC 8555 8.3 validates over plain HTTP. Call
 * after http_conn_init().
 */
void http_conn_set_challenges(struct http_conn *c, const struct http_challenges *challenges);

/*
 * Reports every response from now on to `hooks` (which must outlive `c`;
 * NULL: none): done() once all of a response was taken, or at
 * http_conn_end() for one the connection did not finish. Call after
 * http_conn_init().
 */
void http_conn_set_access_hooks(struct http_conn *c, const struct http_access_hooks *hooks);

/* The connection is over: a response not wholly taken is reported now,
 * and a live stream is one no more. */
void http_conn_end(struct http_conn *c);

/*
 * The live-reload event stream of a development blob (blob_is_development):
 * GET BLOB_LIVE_PATH is answered 200, text/event-stream, "retry" and one
 * event whose data is the blob's build identity (blob_directory.build_id,
 * 32 hex digits), and the response
 * then stays open with nothing more to send; the connection reads no
 * further request. Any other blob answers that path as any unknown one.
 * http_conn_is_live() tells such a connection; it ends when the peer
 * closes, or as any connection without progress does.
 */
bool http_conn_is_live(const struct http_conn *c);

/*
 * The content served is `blob` from now on (a swap). A live stream refers
 * to it instead of the blob it began on, and sends one event with its
 * build identity, which tells a page of another build to reload. Returns true if it did; false if
 * `c` is no live stream, or if it was but ends instead: `blob` is no
 * development blob, or its client has left so many events unread that one
 * more does not fit. An ended stream closes once its bytes are out, and
 * the page's reconnection asks the current blob.
 */
bool http_conn_live_swap(struct http_conn *c, const struct blob *blob);

/*
 * True while a request has begun arriving (its first byte was fed) but is
 * not complete yet: the transport's cue for a request timeout (slowloris),
 * as opposed to an idle keep-alive timeout between requests.
 */
bool http_conn_mid_request(const struct http_conn *c);

#endif
