/*
 * A representation's fixed header lines: see http_file_head.h. The order
 * is the one the engine always sent, so moving the work to build time
 * changed no byte on the wire: validators and caching lines (what a 304
 * repeats), the content's type and coding, Accept-Ranges, Content-Length,
 * then nosniff.
 */
#include "http/http_file_head.h"

#include <stdio.h>
#include <string.h>

#include "http/http_date.h"

struct writer {
    uint8_t *out;
    size_t len;
    bool overflow;
};

static void put(struct writer *w, const char *s, size_t n)
{
    if (w->overflow || w->len + n > BLOB_HTTP_HEAD_MAX) {
        w->overflow = true;
        return;
    }
    memcpy(w->out + w->len, s, n);
    w->len += n;
}

static void put_line(struct writer *w, const char *name, const char *value, size_t len)
{
    put(w, name, strlen(name));
    put(w, ": ", 2);
    put(w, value, len);
    put(w, "\r\n", 2);
}

/* A cut is where the next run starts: the lines so far. */
static uint16_t cut(const struct writer *w)
{
    return (uint16_t)w->len;
}

size_t http_file_head_compose(const struct http_file_head_fields *in, uint8_t out[BLOB_HTTP_HEAD_MAX],
                              struct blob_http_head *head)
{
    struct writer w = {out, 0, false};
    put_line(&w, "ETag", in->etag, in->etag_len);
    char date[HTTP_DATE_LEN];
    http_date_format(in->mtime, date);
    put_line(&w, "Last-Modified", date, sizeof date);
    if (in->cache_control_len > 0)
        put_line(&w, "Cache-Control", in->cache_control, in->cache_control_len);
    if (in->vary)
        put_line(&w, "Vary", "Accept-Encoding", 15);
    head->not_modified_end = cut(&w);
    put_line(&w, "Content-Type", in->content_type, in->content_type_len);
    if (in->content_coding)
        put_line(&w, "Content-Encoding", in->content_coding, strlen(in->content_coding));
    head->content_end = cut(&w);
    put_line(&w, "Accept-Ranges", "bytes", 5);
    head->ranges_end = cut(&w);
    char length[16];
    int n = snprintf(length, sizeof length, "%u", (unsigned)in->length);
    put_line(&w, "Content-Length", length, (size_t)n);
    head->length_end = cut(&w);
    put_line(&w, "X-Content-Type-Options", "nosniff", 7);
    if (w.overflow) {
        memset(head, 0, sizeof *head);
        return 0;
    }
    return w.len;
}
