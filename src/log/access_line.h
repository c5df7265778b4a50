/*
 * The access log's line: one per HTTP(S) response (http_engine.h's struct
 * http_access), key=value words in a fixed order:
 *
 *   access: time=2026-12-05T07:49:42.123456Z client=192.0.2.1 port=50312
 *     tls=1.2 sni="unihost.test" method=GET path="/docs/" status=200
 *     bytes=5120 duration_us=412 ua="curl/7.88.1" complete=yes
 *
 * (one line). time is when the response was all taken (log_time.h);
 * client and port the peer's; tls the TLS version, or - for plain HTTP,
 * and sni the name the client asked for in its handshake, or - without
 * one; method and path the request line's method and target as the client
 * sent them; status the response's; bytes the HTTP bytes handed to TCP
 * (header block included, before TLS); duration_us from the request's
 * first byte to its response's last byte handed to TCP, in microseconds;
 * ua the User-Agent, or -; complete=no for a response the connection ended
 * before it was all taken.
 *
 * Every client byte (method, path, sni, ua) is escaped (log_escape.h),
 * between double quotes except the method, and cut to the bounds below.
 * A method is "-" when the request line did not get that far.
 */
#ifndef UNIHOST_ACCESS_LINE_H
#define UNIHOST_ACCESS_LINE_H

#include <stddef.h>
#include <stdint.h>

#include "http/http_engine.h"
#include "log/log_line.h"

/* Characters of each client field in the line, escapes and the cut marker
 * included. */
#define ACCESS_METHOD_MAX 24
#define ACCESS_PATH_MAX 256
#define ACCESS_UA_MAX 160
#define ACCESS_SNI_MAX 160

struct access_context {
    uint64_t wall_ns;           /* the platform's wall clock */
    const char *client;         /* the peer's address as text, */
    size_t client_len;          /* of this length */
    uint16_t port;
    const char *tls;            /* "1.2", or NULL for plain HTTP */
    const char *sni;            /* the name's bytes, or NULL: none, */
    size_t sni_len;             /* this many */
    uint64_t duration_us;
};

/* The line for response `a` into l (started here). */
void access_line_format(struct log_line *l, const struct access_context *ctx, const struct http_access *a);

#endif
