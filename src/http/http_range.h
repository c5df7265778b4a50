/*
 * The Range request header (RFC 9110 14.2): one "bytes=" range against a
 * representation of a known size. unihost answers a single range with 206
 * and anything it does not take (several ranges, other units, syntax it
 * cannot read) with the whole representation, as RFC 9110 14.2 allows.
 */
#ifndef UNIHOST_HTTP_RANGE_H
#define UNIHOST_HTTP_RANGE_H

#include <stddef.h>
#include <stdint.h>

enum http_range_result {
    HTTP_RANGE_IGNORE,          /* send the whole representation (200) */
    HTTP_RANGE_OK,              /* bytes [*first, *last] (206) */
    HTTP_RANGE_UNSATISFIABLE,   /* 416 with Content-Range: bytes * / size */
};

enum http_range_result http_range_parse(const char *value, size_t len, uint64_t size, uint64_t *first,
                                        uint64_t *last);

#endif
