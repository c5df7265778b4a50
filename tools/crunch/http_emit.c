/* HTTP tables of the blob: see http_emit.h. */
#include "http_emit.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bearssl.h>

#include "gzip.h"
#include "http/http_file_head.h"

/* "\"" + 32 hex digits + "\"" */
#define ETAG_LEN 34

/*
 * Strong ETag from the content itself: the first 16 bytes of its SHA-256 in
 * lowercase hex. Content-derived, so it stays the same across rebuilds of an
 * unchanged file and differs between the identity and gzip representations.
 */
static void etag_of(const uint8_t *data, size_t len, char out[ETAG_LEN])
{
    static const char hex[] = "0123456789abcdef";
    uint8_t digest[32];
    br_sha256_context ctx;
    br_sha256_init(&ctx);
    br_sha256_update(&ctx, data, len);
    br_sha256_out(&ctx, digest);
    out[0] = '"';
    for (int i = 0; i < 16; i++) {
        out[1 + 2 * i] = hex[digest[i] >> 4];
        out[2 + 2 * i] = hex[digest[i] & 15];
    }
    out[ETAG_LEN - 1] = '"';
}

/* A gzip variant is kept only if it saves at least 5% and at least 64 bytes. */
static int gzip_pays(size_t identity_len, size_t gzip_len)
{
    if (gzip_len >= identity_len)
        return 0;
    size_t saved = identity_len - gzip_len;
    return saved >= 64 && saved * 20 >= identity_len;
}

/*
 * The header lines of one representation into the pool. crunch's inputs
 * keep them far below BLOB_HTTP_HEAD_MAX (an ETag of 34 bytes, the content
 * types of mime.c, a Cache-Control of at most BLOB_HTTP_CACHE_CONTROL_MAX),
 * so running out of room means those bounds moved apart: say so.
 */
static int emit_head(struct blob_writer *w, const struct http_file *f, const char etag[ETAG_LEN], bool gzip,
                     size_t length, struct blob_http_head *head)
{
    struct http_file_head_fields fields = {
        .etag = etag,
        .etag_len = ETAG_LEN,
        .mtime = f->mtime,
        .cache_control = f->cache_control,
        .cache_control_len = f->cache_control ? strlen(f->cache_control) : 0,
        .vary = f->compressible,
        .content_type = f->content_type,
        .content_type_len = strlen(f->content_type),
        .gzip = gzip,
        .length = (uint32_t)length,
    };
    uint8_t lines[BLOB_HTTP_HEAD_MAX];
    size_t n = length <= UINT32_MAX ? http_file_head_compose(&fields, lines, head) : 0;
    if (n == 0) {
        fprintf(stderr, "crunch: %s: its response header lines exceed %u bytes\n", f->source, BLOB_HTTP_HEAD_MAX);
        return -1;
    }
    head->lines = blob_writer_bytes(w, lines, n);
    return 0;
}

int http_emit(struct blob_writer *w, const struct http_files *files)
{
    for (size_t i = 0; i < files->count; i++) {
        const struct http_file *f = &files->items[i];
        struct blob_http_file rec;
        struct blob_http_file_heads heads;
        memset(&rec, 0, sizeof rec);
        memset(&heads, 0, sizeof heads);
        char etag[ETAG_LEN];
        rec.path = blob_writer_bytes(w, f->path, strlen(f->path));
        rec.content_type = blob_writer_bytes(w, f->content_type, strlen(f->content_type));
        rec.body = blob_writer_bytes(w, f->body, f->body_len);
        etag_of(f->body, f->body_len, etag);
        rec.etag = blob_writer_bytes(w, etag, ETAG_LEN);
        rec.mtime = f->mtime;
        if (f->cache_control)
            rec.cache_control = blob_writer_bytes(w, f->cache_control, strlen(f->cache_control));
        if (emit_head(w, f, etag, false, f->body_len, &heads.identity) != 0)
            return -1;
        if (f->compressible) {
            rec.flags |= BLOB_HTTP_COMPRESSIBLE;
            uint8_t *gz;
            size_t gz_len;
            if (gzip_compress(f->body, f->body_len, &gz, &gz_len) != 0)
                return -1;
            if (gzip_pays(f->body_len, gz_len)) {
                rec.gzip_body = blob_writer_bytes(w, gz, gz_len);
                etag_of(gz, gz_len, etag);
                rec.gzip_etag = blob_writer_bytes(w, etag, ETAG_LEN);
                if (emit_head(w, f, etag, true, gz_len, &heads.gzip) != 0) {
                    free(gz);
                    return -1;
                }
            }
            free(gz);
        }
        blob_writer_add(w, BLOB_TABLE_HTTP_FILES, &rec);
        blob_writer_add(w, BLOB_TABLE_HTTP_HEADS, &heads);
    }
    for (size_t i = 0; i < files->redirect_count; i++) {
        const struct http_redirect *r = &files->redirects[i];
        struct blob_http_redirect rec;
        memset(&rec, 0, sizeof rec);
        rec.from = blob_writer_bytes(w, r->from, strlen(r->from));
        rec.to = blob_writer_bytes(w, r->to, strlen(r->to));
        rec.status = r->status;
        blob_writer_add(w, BLOB_TABLE_HTTP_REDIRECTS, &rec);
    }
    return 0;
}
