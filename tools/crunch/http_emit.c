/* HTTP tables of the blob: see http_emit.h. */
#include "http_emit.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bearssl.h>

#include "brotli.h"
#include "gzip.h"
#include "crypto/sha256_ni.h"
#include "http/http_file_head.h"

/* "\"" + 32 hex digits + "\"" */
#define ETAG_LEN 34

/*
 * Strong ETag from the content itself: the first 16 bytes of its SHA-256 in
 * lowercase hex. Content-derived, so it stays the same across rebuilds of an
 * unchanged file and differs between the representations (identity, gzip,
 * brotli) of one file.
 */
static void etag_of(const uint8_t *data, size_t len, char out[ETAG_LEN])
{
    static const char hex[] = "0123456789abcdef";
    uint8_t digest[32];
    sha256_fast_digest(data, len, digest);
    out[0] = '"';
    for (int i = 0; i < 16; i++) {
        out[1 + 2 * i] = hex[digest[i] >> 4];
        out[2 + 2 * i] = hex[digest[i] & 15];
    }
    out[ETAG_LEN - 1] = '"';
}

/* A coded variant is kept only if it saves at least 5% and at least 64
 * bytes over identity: less is not worth a client's decoding. */
static int coding_pays(size_t identity_len, size_t coded_len)
{
    if (coded_len >= identity_len)
        return 0;
    size_t saved = identity_len - coded_len;
    return saved >= 64 && saved * 20 >= identity_len;
}

/*
 * The header lines of one representation into the pool. crunch's inputs
 * keep them far below BLOB_HTTP_HEAD_MAX (an ETag of 34 bytes, the content
 * types of mime.c, a Cache-Control of at most BLOB_HTTP_CACHE_CONTROL_MAX),
 * so running out of room means those bounds moved apart: say so.
 */
static int emit_head(struct blob_writer *w, const struct http_file *f, const char etag[ETAG_LEN],
                     const char *content_coding, size_t length, struct blob_http_head *head)
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
        .content_coding = content_coding,
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

/* A coded representation into the pool: its body, ETag and header lines. */
static int emit_coded(struct blob_writer *w, const struct http_file *f, const char *content_coding,
                      const uint8_t *coded, size_t coded_len, struct blob_ref *body, struct blob_ref *etag_ref,
                      struct blob_http_head *head)
{
    char etag[ETAG_LEN];
    *body = blob_writer_bytes(w, coded, coded_len);
    etag_of(coded, coded_len, etag);
    *etag_ref = blob_writer_bytes(w, etag, ETAG_LEN);
    return emit_head(w, f, etag, content_coding, coded_len, head);
}

/*
 * The coded variants of a compressible file: gzip when it pays over
 * identity, brotli when it pays too and is smaller than every variant
 * kept (a client taking both at the same q gets the smaller, so a larger
 * brotli would never be sent to anyone who could not take gzip instead).
 */
static int emit_coded_variants(struct blob_writer *w, const struct http_file *f, bool brotli,
                               struct blob_http_file *rec, struct blob_http_file_heads *heads)
{
    uint8_t *gz = NULL, *br = NULL;
    size_t gz_len = 0, br_len = 0;
    int rc = -1;
    if (gzip_compress(f->body, f->body_len, &gz, &gz_len) != 0) {
        fprintf(stderr, "crunch: %s: gzip compression failed\n", f->source);
        goto out;
    }
    if (brotli && brotli_compress(f->body, f->body_len, &br, &br_len) != 0) {
        fprintf(stderr, "crunch: %s: brotli compression failed\n", f->source);
        goto out;
    }
    bool keep_gzip = coding_pays(f->body_len, gz_len);
    bool keep_br = brotli && coding_pays(f->body_len, br_len) && (!keep_gzip || br_len < gz_len);
    if (keep_gzip && emit_coded(w, f, "gzip", gz, gz_len, &rec->gzip_body, &rec->gzip_etag, &heads->gzip) != 0)
        goto out;
    if (keep_br && emit_coded(w, f, "br", br, br_len, &rec->br_body, &rec->br_etag, &heads->br) != 0)
        goto out;
    rc = 0;
out:
    free(gz);
    free(br);
    return rc;
}

int http_emit(struct blob_writer *w, const struct http_files *files, bool brotli)
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
        if (emit_head(w, f, etag, NULL, f->body_len, &heads.identity) != 0)
            return -1;
        /* Never for types already compressed (mime.c decides): coding
         * them again only costs the client time. */
        if (f->compressible) {
            rec.flags |= BLOB_HTTP_COMPRESSIBLE;
            if (emit_coded_variants(w, f, brotli, &rec, &heads) != 0)
                return -1;
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
