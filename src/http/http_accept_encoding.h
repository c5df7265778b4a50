/*
 * Accept-Encoding (RFC 9110 12.5.3): what a request says of the content
 * codings it takes, gathered from its field lines, and which of a file's
 * stored representations answers it.
 *
 * The choice: of the representations the blob holds (identity always,
 * gzip and brotli when crunch kept them), those the request accepts
 * (q above 0), the one with the highest q; among equal q, the smallest.
 * "*" stands for every coding not listed by name, identity included
 * (so "*;q=0" refuses an unlisted identity); "x-gzip" is gzip (RFC 9110
 * 8.4.1.3). An identity not listed and not refused is acceptable, but
 * below any coding listed with a q above 0: "gzip;q=0.5" still asks for
 * gzip. No field, an empty one, or nothing acceptable at all gets
 * identity: RFC 9110 12.5.3 lets a server send identity then, and
 * unihost has nothing better to send.
 */
#ifndef UNIHOST_HTTP_ACCEPT_ENCODING_H
#define UNIHOST_HTTP_ACCEPT_ENCODING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "content/blob.h"

#define HTTP_QVALUE_UNLISTED (-1)

struct http_accept_encoding {
    bool present;                       /* the request had the field, even empty */
    int16_t q[BLOB_HTTP_CODINGS];       /* thousandths (0..1000), or HTTP_QVALUE_UNLISTED */
    int16_t star;                       /* the q of "*", or HTTP_QVALUE_UNLISTED */
};

/* Nothing accepted yet: a request without the field. */
void http_accept_encoding_init(struct http_accept_encoding *a);

/*
 * Adds one Accept-Encoding field line's value; several lines make one list
 * (RFC 9110 5.3), a coding listed twice keeps its last q. An element that
 * does not parse (a weight other than q, a malformed q) is ignored, as if
 * not listed. `cut`: the value was cut short, so its last element may be
 * incomplete and is ignored too.
 */
void http_accept_encoding_add(struct http_accept_encoding *a, const char *value, size_t len, bool cut);

/* The coding of `f`'s representation that answers the request (see above). */
enum blob_http_coding http_accept_encoding_choose(const struct http_accept_encoding *a, const struct blob *b,
                                                  const struct blob_http_file *f);

#endif
