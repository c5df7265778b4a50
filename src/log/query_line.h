/*
 * The query log's line (--dns-log): one per DNS message received, made
 * from its bytes and the answer's, in key=value words:
 *
 *   query: time=2026-12-05T07:49:42.123456Z client=192.0.2.1 port=41234
 *     proto=udp qname="www.unihost.test." qtype=AAAA rcode=NOERROR bytes=92
 *
 * (one line). qname is the question's name in presentation form, every
 * byte of a label escaped (log_escape.h) and a '.' inside a label as
 * \x2e, so the dots are the labels' bounds; - when the message has no
 * readable question. qtype is the type's mnemonic, or TYPEn (RFC 3597).
 * rcode is the answer's header RCODE, or - when no answer went out (rate
 * limited, or not a query at all); bytes the answer's length, 0 then.
 */
#ifndef UNIHOST_QUERY_LINE_H
#define UNIHOST_QUERY_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "log/log_line.h"

#define QUERY_NAME_MAX 256      /* characters of qname in the line, escapes included */

struct query_context {
    uint64_t wall_ns;
    const char *client;         /* the peer's address as text, */
    size_t client_len;          /* of this length */
    uint16_t port;
    bool tcp;
};

/* The line for the message msg[0..len) and its answer (NULL, 0: none)
 * into l (started here). */
void query_line_format(struct log_line *l, const struct query_context *ctx, const uint8_t *msg, size_t len,
                       const uint8_t *answer, size_t answer_len);

#endif
