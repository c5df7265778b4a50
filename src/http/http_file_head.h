/*
 * The fixed header lines of one representation of a file, as the blob
 * stores them (struct blob_http_head in content/blob_format.h): composed
 * once at build time by crunch, copied into responses by the engine. They
 * live beside the engine because the two must agree line for line on what
 * a response says and in which order.
 */
#ifndef UNIHOST_HTTP_FILE_HEAD_H
#define UNIHOST_HTTP_FILE_HEAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "content/blob_format.h"

/* What a representation's lines say. Strings are not NUL-terminated. */
struct http_file_head_fields {
    const char *etag;               /* with its quotes */
    size_t etag_len;
    uint64_t mtime;                 /* Last-Modified, seconds since the epoch */
    const char *cache_control;      /* Cache-Control value; len 0: none */
    size_t cache_control_len;
    bool vary;                      /* Vary: Accept-Encoding (text-like files, BLOB_HTTP_COMPRESSIBLE) */
    const char *content_type;
    size_t content_type_len;
    const char *content_coding;     /* Content-Encoding value ("gzip", "br"); NULL: identity */
    uint32_t length;                /* the representation's size */
};

/*
 * Writes the lines into `out` and their cuts into *head (whose `lines` ref
 * is the caller's to fill once the bytes are in the blob). Returns their
 * length, or 0 if they would exceed BLOB_HTTP_HEAD_MAX (values longer than
 * the blob allows).
 */
size_t http_file_head_compose(const struct http_file_head_fields *in, uint8_t out[BLOB_HTTP_HEAD_MAX],
                              struct blob_http_head *head);

#endif
