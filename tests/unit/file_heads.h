/*
 * For blobs built by hand in the tests: format 3 wants the header lines of
 * every file's responses beside it (BLOB_TABLE_HTTP_HEADS). They are
 * composed from the record's own values, as crunch composes them.
 */
#ifndef UNIHOST_TEST_FILE_HEADS_H
#define UNIHOST_TEST_FILE_HEADS_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "content/blob.h"
#include "content/blob_writer.h"
#include "http/http_file_head.h"

static inline struct blob_http_head file_head_of(struct blob_writer *w, const struct blob_http_file *f,
                                                 enum blob_http_coding coding)
{
    static const char *const names[BLOB_HTTP_CODINGS] = {NULL, "gzip", "br"};
    struct blob_ref etag = coding == BLOB_HTTP_GZIP ? f->gzip_etag : coding == BLOB_HTTP_BR ? f->br_etag : f->etag;
    struct blob_ref body = coding == BLOB_HTTP_GZIP ? f->gzip_body : coding == BLOB_HTTP_BR ? f->br_body : f->body;
    struct http_file_head_fields in = {
        .etag = (const char *)blob_writer_ref_bytes(w, etag),
        .etag_len = etag.len,
        .mtime = f->mtime,
        .cache_control = (const char *)blob_writer_ref_bytes(w, f->cache_control),
        .cache_control_len = f->cache_control.len,
        .vary = (f->flags & BLOB_HTTP_COMPRESSIBLE) != 0,
        .content_type = (const char *)blob_writer_ref_bytes(w, f->content_type),
        .content_type_len = f->content_type.len,
        .content_coding = names[coding],
        .length = body.len,
    };
    uint8_t lines[BLOB_HTTP_HEAD_MAX];
    struct blob_http_head head;
    size_t n = http_file_head_compose(&in, lines, &head);
    if (n == 0)
        abort();                    /* a test's values too long: the test is wrong */
    head.lines = blob_writer_bytes(w, lines, n);
    return head;
}

/* Adds the record of `f`'s header lines; call right after adding `f`. */
static inline void add_file_heads(struct blob_writer *w, const struct blob_http_file *f)
{
    struct blob_http_file_heads heads;
    memset(&heads, 0, sizeof heads);
    heads.identity = file_head_of(w, f, BLOB_HTTP_IDENTITY);
    if (f->gzip_body.len > 0)
        heads.gzip = file_head_of(w, f, BLOB_HTTP_GZIP);
    if (f->br_body.len > 0)
        heads.br = file_head_of(w, f, BLOB_HTTP_BR);
    blob_writer_add(w, BLOB_TABLE_HTTP_HEADS, &heads);
}

#endif
