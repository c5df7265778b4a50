/*
 * The HTTP/1.1 engine: see http_engine.h. Static files from the blob with
 * GET and HEAD (OPTIONS answered with Allow); Content-Type, Content-Length,
 * strong ETags, Last-Modified, Cache-Control from the site's policy,
 * If-None-Match and If-Modified-Since (304), single byte ranges with
 * If-Range (206/416), gzip variants by Accept-Encoding; clean URLs and the
 * directory-slash redirect by site_path.h; the site's declared redirects; a
 * 404 page with status 404.
 */
#include "http_engine.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http_date.h"
#include "http_path.h"
#include "http_range.h"
#include "site_path.h"

static int on_message_begin(llhttp_t *p);
static int on_url(llhttp_t *p, const char *at, size_t len);
static int on_header_field(llhttp_t *p, const char *at, size_t len);
static int on_header_value(llhttp_t *p, const char *at, size_t len);
static int on_header_value_complete(llhttp_t *p);
static int on_headers_complete(llhttp_t *p);
static int on_body(llhttp_t *p, const char *at, size_t len);
static int on_message_complete(llhttp_t *p);

static llhttp_settings_t settings;
static bool settings_ready;

void http_conn_init(struct http_conn *c, const struct blob *blob)
{
    if (!settings_ready) {
        llhttp_settings_init(&settings);
        settings.on_message_begin = on_message_begin;
        settings.on_url = on_url;
        settings.on_header_field = on_header_field;
        settings.on_header_value = on_header_value;
        settings.on_header_value_complete = on_header_value_complete;
        settings.on_headers_complete = on_headers_complete;
        settings.on_body = on_body;
        settings.on_message_complete = on_message_complete;
        settings_ready = true;
    }
    memset(c, 0, sizeof *c);
    c->blob = blob;
    llhttp_init(&c->parser, HTTP_REQUEST, &settings);
    c->parser.data = c;
}

static struct http_conn *conn_of(llhttp_t *p)
{
    return p->data;
}

/* ---- request callbacks -------------------------------------------------- */

static int on_message_begin(llhttp_t *p)
{
    struct http_conn *c = conn_of(p);
    c->url_len = 0;
    c->field_len = 0;
    c->value_len = 0;
    c->header_bytes = 0;
    c->value_cut = false;
    c->has_host = false;
    c->accept_gzip = false;
    c->in_request = true;
    c->if_none_match_len = 0;
    c->has_if_none_match = false;
    c->has_if_modified_since = false;
    c->range_len = 0;
    c->if_range_len = 0;
    c->has_if_range = false;
    c->body_bytes = 0;
    return 0;
}

static int on_url(llhttp_t *p, const char *at, size_t len)
{
    struct http_conn *c = conn_of(p);
    if (c->url_len + len > sizeof c->url) {
        c->reject_status = 414;
        return HPE_USER;
    }
    memcpy(c->url + c->url_len, at, len);
    c->url_len += len;
    return 0;
}

static int count_header_bytes(struct http_conn *c, size_t len)
{
    c->header_bytes += len;
    if (c->header_bytes > HTTP_HEADERS_MAX) {
        c->reject_status = 431;
        return HPE_USER;
    }
    return 0;
}

static int on_header_field(llhttp_t *p, const char *at, size_t len)
{
    struct http_conn *c = conn_of(p);
    if (c->field_len < sizeof c->field) {
        size_t room = sizeof c->field - c->field_len;
        memcpy(c->field + c->field_len, at, len < room ? len : room);
    }
    c->field_len += len;    /* may exceed the buffer: such a name is not one we read */
    return count_header_bytes(c, len);
}

static int on_header_value(llhttp_t *p, const char *at, size_t len)
{
    struct http_conn *c = conn_of(p);
    size_t room = sizeof c->value - c->value_len;
    size_t n = len < room ? len : room;
    memcpy(c->value + c->value_len, at, n);
    c->value_len += n;
    c->value_cut |= n < len;
    return count_header_bytes(c, len);
}

static bool field_is(const struct http_conn *c, const char *name)
{
    size_t n = strlen(name);
    if (c->field_len != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char a = c->field[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a + 32);
        if (a != name[i])
            return false;
    }
    return true;
}

/* Does an Accept-Encoding value accept gzip (RFC 9110 12.5.3)? gzip or "*"
 * listed with a q-value above zero; an explicit gzip entry wins over "*". */
static bool accepts_gzip(const char *v, size_t len)
{
    int gzip = -1, star = -1;       /* -1 unseen, 0 refused, 1 accepted */
    size_t i = 0;
    while (i < len) {
        while (i < len && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
            i++;
        size_t tok = i;
        while (i < len && v[i] != ',' && v[i] != ';' && v[i] != ' ' && v[i] != '\t')
            i++;
        size_t tok_len = i - tok;
        bool q_zero = false;
        /* parameters up to the next comma; only q matters */
        while (i < len && v[i] != ',') {
            if ((v[i] == 'q' || v[i] == 'Q') && i + 1 < len && v[i + 1] == '=') {
                size_t j = i + 2;
                q_zero = j < len && v[j] == '0';
                for (j++; q_zero && j < len && v[j] != ',' && v[j] != ';'; j++)
                    if (v[j] != '.' && v[j] != '0' && v[j] != ' ')
                        q_zero = false;
            }
            i++;
        }
        int verdict = q_zero ? 0 : 1;
        if (tok_len == 4 && strncasecmp(v + tok, "gzip", 4) == 0)
            gzip = verdict;
        else if (tok_len == 1 && v[tok] == '*')
            star = verdict;
    }
    return gzip == 1 || (gzip == -1 && star == 1);
}

static int on_header_value_complete(llhttp_t *p)
{
    struct http_conn *c = conn_of(p);
    if (field_is(c, "host")) {
        c->has_host = true;
    } else if (field_is(c, "accept-encoding")) {
        c->accept_gzip = accepts_gzip(c->value, c->value_len);
    } else if (field_is(c, "if-none-match")) {
        size_t n = c->value_len < sizeof c->if_none_match ? c->value_len : sizeof c->if_none_match;
        memcpy(c->if_none_match, c->value, n);
        c->if_none_match_len = n;
        c->has_if_none_match = true;
    } else if (field_is(c, "if-modified-since")) {
        /* Not an HTTP-date: ignored (RFC 9110 13.1.3). */
        c->has_if_modified_since = http_date_parse(c->value, c->value_len, &c->if_modified_since) == 0;
    } else if (field_is(c, "range")) {
        /* A value too long to keep whole is no single range we would take. */
        bool fits = !c->value_cut && c->value_len <= sizeof c->range;
        c->range_len = fits ? c->value_len : 0;
        if (fits)
            memcpy(c->range, c->value, c->value_len);
    } else if (field_is(c, "if-range")) {
        /* Present but unreadable still means "do not trust the range": a
         * value that does not fit can match no validator of ours. */
        c->has_if_range = true;
        bool fits = !c->value_cut && c->value_len <= sizeof c->if_range;
        c->if_range_len = fits ? c->value_len : 0;
        if (fits)
            memcpy(c->if_range, c->value, c->value_len);
    }
    c->field_len = 0;
    c->value_len = 0;
    c->value_cut = false;
    return 0;
}

/* A body announced larger than we discard is refused before it arrives. */
static int on_headers_complete(llhttp_t *p)
{
    struct http_conn *c = conn_of(p);
    if ((p->flags & F_CONTENT_LENGTH) && p->content_length > HTTP_BODY_MAX) {
        c->reject_status = 413;
        return HPE_USER;
    }
    return 0;
}

/* Request bodies (GET with a body, or the body of a refused method) are
 * read and dropped; a chunked one is counted as it comes. */
static int on_body(llhttp_t *p, const char *at, size_t len)
{
    (void)at;
    struct http_conn *c = conn_of(p);
    c->body_bytes += len;
    if (c->body_bytes > HTTP_BODY_MAX) {
        c->reject_status = 413;
        return HPE_USER;
    }
    return 0;
}

/* ---- responses --------------------------------------------------------- */

struct head_writer {
    struct http_conn *c;
    bool overflow;
};

static void put(struct head_writer *w, const char *s, size_t n)
{
    struct http_conn *c = w->c;
    if (c->head_len + n > sizeof c->head) {
        w->overflow = true;
        return;
    }
    memcpy(c->head + c->head_len, s, n);
    c->head_len += n;
}

static void puts_(struct head_writer *w, const char *s)
{
    put(w, s, strlen(s));
}

/* The caller's extra lines, then the empty line that ends the block. */
static void end_head(struct head_writer *w)
{
    if (w->c->extra_headers_len)
        put(w, w->c->extra_headers, w->c->extra_headers_len);
    put(w, "\r\n", 2);
}

static void put_header(struct head_writer *w, const char *name, const char *value, size_t len)
{
    puts_(w, name);
    put(w, ": ", 2);
    put(w, value, len);
    put(w, "\r\n", 2);
}

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 416: return "Range Not Satisfiable";
    case 431: return "Request Header Fields Too Large";
    case 505: return "HTTP Version Not Supported";
    default: return "Internal Server Error";
    }
}

/* Status line, Date, Server and Connection: the start of every response. */
static void begin_response(struct head_writer *w, int status)
{
    struct http_conn *c = w->c;
    char line[64];
    int n = snprintf(line, sizeof line, "HTTP/1.1 %d %s\r\n", status, reason(status));
    c->head_len = 0;
    c->head_sent = 0;
    c->body = NULL;
    c->body_len = 0;
    c->body_sent = 0;
    put(w, line, (size_t)n);
    char date[HTTP_DATE_LEN];
    http_date_format(c->now, date);
    put_header(w, "Date", date, sizeof date);
    puts_(w, "Server: unihost\r\n");
    if (c->close_after)
        puts_(w, "Connection: close\r\n");
    else if (llhttp_get_http_major(&c->parser) == 1 && llhttp_get_http_minor(&c->parser) == 0)
        puts_(w, "Connection: keep-alive\r\n");
}

static void put_length(struct head_writer *w, size_t len)
{
    char num[24];
    int n = snprintf(num, sizeof num, "%zu", len);
    put_header(w, "Content-Length", num, (size_t)n);
}

/* The methods every resource allows: in 405s and OPTIONS answers alike. */
#define ALLOW_HEADER "Allow: GET, HEAD, OPTIONS\r\n"

/* A short plain-text response for errors and redirects. `extra` is a
 * header line ("Name: value\r\n") or NULL. */
static void respond_text_with(struct http_conn *c, int status, const char *text, const char *location,
                              size_t location_len, const char *extra, bool head_only)
{
    struct head_writer w = {c, false};
    begin_response(&w, status);
    if (location)
        put_header(&w, "Location", location, location_len);
    if (extra)
        puts_(&w, extra);
    if (status == 405)
        puts_(&w, ALLOW_HEADER);
    puts_(&w, "Content-Type: text/plain; charset=utf-8\r\n");
    puts_(&w, "X-Content-Type-Options: nosniff\r\n");
    size_t len = strlen(text);
    put_length(&w, len);
    end_head(&w);
    if (!head_only)
        put(&w, text, len);
    if (w.overflow) {
        /* Only a Location too long for the header block gets here: refuse
         * rather than send a truncated header. */
        c->close_after = true;
        respond_text_with(c, 414, "request target too long\n", NULL, 0, NULL, head_only);
    }
}

static void respond_text(struct http_conn *c, int status, const char *text, const char *location,
                         size_t location_len, bool head_only)
{
    respond_text_with(c, status, text, location, location_len, NULL, head_only);
}

/* Does an If-None-Match list name this ETag (weak comparison, RFC 9110 13.1.2)? */
static bool etag_matches(const struct http_conn *c, const uint8_t *etag, size_t len)
{
    const char *v = c->if_none_match;
    size_t n = c->if_none_match_len;
    for (size_t i = 0; i < n;) {
        while (i < n && (v[i] == ' ' || v[i] == ',' || v[i] == '\t'))
            i++;
        if (i < n && v[i] == '*')
            return true;
        if (i + 2 < n && v[i] == 'W' && v[i + 1] == '/')
            i += 2;
        size_t start = i;
        while (i < n && v[i] != ',')
            i++;
        size_t end = i;
        while (end > start && (v[end - 1] == ' ' || v[end - 1] == '\t'))
            end--;
        if (end - start == len && memcmp(v + start, etag, len) == 0)
            return true;
    }
    return false;
}

/* Does If-Range name this representation (RFC 9110 13.1.5)? A strong
 * ETag equal to ours, or a date equal to Last-Modified; weak tags never. */
static bool if_range_matches(const struct http_conn *c, const uint8_t *etag, size_t etag_len, uint64_t mtime)
{
    const char *v = c->if_range;
    size_t n = c->if_range_len;
    if (n > 0 && v[0] == '"')
        return n == etag_len && memcmp(v, etag, n) == 0;
    uint64_t date;
    return http_date_parse(v, n, &date) == 0 && date == mtime;
}

/* What a GET of a 200 resource becomes under the request's conditions. */
struct selection {
    int status;                 /* 200, 206, 304 or 416 */
    uint64_t first, last;       /* the range, for 206 */
};

static struct selection select_response(const struct http_conn *c, bool get, const uint8_t *etag,
                                        size_t etag_len, uint64_t mtime, size_t size)
{
    struct selection s = {200, 0, 0};
    /* RFC 9110 13.2.2: If-None-Match, else If-Modified-Since; then Range. */
    if (c->has_if_none_match) {
        if (etag_matches(c, etag, etag_len)) {
            s.status = 304;
            return s;
        }
    } else if (c->has_if_modified_since && mtime <= c->if_modified_since) {
        s.status = 304;
        return s;
    }
    /* Range applies to GET only (RFC 9110 14.2). */
    if (!get || c->range_len == 0)
        return s;
    if (c->has_if_range && !if_range_matches(c, etag, etag_len, mtime))
        return s;
    switch (http_range_parse(c->range, c->range_len, size, &s.first, &s.last)) {
    case HTTP_RANGE_OK:
        s.status = 206;
        break;
    case HTTP_RANGE_UNSATISFIABLE:
        s.status = 416;
        break;
    case HTTP_RANGE_IGNORE:
        break;
    }
    return s;
}

/* The validators and caching headers every response about a file carries
 * (a 304 included: RFC 9110 15.4.5). */
static void put_file_meta(struct head_writer *w, const struct blob_http_file *f, struct blob_ref etag)
{
    const struct blob *b = w->c->blob;
    put_header(w, "ETag", (const char *)blob_bytes(b, etag), etag.len);
    char date[HTTP_DATE_LEN];
    http_date_format(f->mtime, date);
    put_header(w, "Last-Modified", date, sizeof date);
    if (f->cache_control.len > 0)
        put_header(w, "Cache-Control", (const char *)blob_bytes(b, f->cache_control), f->cache_control.len);
    if (f->flags & BLOB_HTTP_COMPRESSIBLE)
        puts_(w, "Vary: Accept-Encoding\r\n");
}

static void respond_file(struct http_conn *c, const struct blob_http_file *f, int status, bool head_only)
{
    const struct blob *b = c->blob;
    bool gzip = c->accept_gzip && f->gzip_body.len > 0;
    struct blob_ref body = gzip ? f->gzip_body : f->body;
    struct blob_ref etag = gzip ? f->gzip_etag : f->etag;
    struct selection sel = {status, 0, 0};
    if (status == 200)
        sel = select_response(c, !head_only, blob_bytes(b, etag), etag.len, f->mtime, body.len);
    struct head_writer w = {c, false};
    char line[80];
    if (sel.status == 416) {
        snprintf(line, sizeof line, "Content-Range: bytes */%u\r\n", (unsigned)body.len);
        respond_text_with(c, 416, "range not satisfiable\n", NULL, 0, line, head_only);
        return;
    }
    begin_response(&w, sel.status);
    put_file_meta(&w, f, etag);
    size_t offset = 0, length = body.len;
    if (sel.status != 304) {
        put_header(&w, "Content-Type", (const char *)blob_bytes(b, f->content_type), f->content_type.len);
        if (gzip)
            puts_(&w, "Content-Encoding: gzip\r\n");
        if (sel.status == 200 || sel.status == 206)
            puts_(&w, "Accept-Ranges: bytes\r\n");
        if (sel.status == 206) {
            offset = (size_t)sel.first;
            length = (size_t)(sel.last - sel.first + 1);
            int n = snprintf(line, sizeof line, "Content-Range: bytes %zu-%zu/%u\r\n", offset,
                             (size_t)sel.last, (unsigned)body.len);
            put(&w, line, (size_t)n);
        }
        put_length(&w, length);
    }
    puts_(&w, "X-Content-Type-Options: nosniff\r\n");
    end_head(&w);
    if (w.overflow) {
        respond_text(c, 500, "response header too large\n", NULL, 0, head_only);
        return;
    }
    if (!head_only && sel.status != 304) {
        /* Straight from the blob, offset into it for a range: no copy. */
        c->body = blob_bytes(b, body) + offset;
        c->body_len = length;
    }
}

static void respond_options(struct http_conn *c)
{
    struct head_writer w = {c, false};
    begin_response(&w, 204);
    puts_(&w, ALLOW_HEADER);
    end_head(&w);
}

static void respond_redirect(struct http_conn *c, const struct blob_http_redirect *r, bool head_only)
{
    char text[40];
    snprintf(text, sizeof text, "%s\n", reason((int)r->status));
    respond_text(c, (int)r->status, text, (const char *)blob_bytes(c->blob, r->to), r->to.len, head_only);
}

static const void *lookup_in_blob(void *ctx, const char *path, size_t len)
{
    return blob_http_find(ctx, path, len);
}

static void respond_to_request(struct http_conn *c)
{
    uint8_t method = llhttp_get_method(&c->parser);
    bool head_only = method == HTTP_HEAD;
    if (llhttp_get_http_major(&c->parser) == 1 && llhttp_get_http_minor(&c->parser) == 1 && !c->has_host) {
        c->close_after = true;
        respond_text(c, 400, "HTTP/1.1 request without Host\n", NULL, 0, head_only);
        return;
    }
    if (method == HTTP_OPTIONS) {
        /* Every resource (and the server, "*") allows the same methods. */
        respond_options(c);
        return;
    }
    if (method != HTTP_GET && method != HTTP_HEAD) {
        /* A client may send tunnel bytes right after CONNECT without
         * waiting for the answer: they are no request, so close rather
         * than parse them as one. */
        if (method == HTTP_CONNECT)
            c->close_after = true;
        respond_text(c, 405, "method not allowed\n", NULL, 0, false);
        return;
    }
    char path[HTTP_URL_MAX + 1];
    size_t len = http_path_normalize(c->url, c->url_len, path, sizeof path);
    if (len == 0) {
        c->close_after = true;
        respond_text(c, 400, "bad request target\n", NULL, 0, head_only);
        return;
    }
    const void *found;
    switch (site_path_resolve(path, len, lookup_in_blob, (void *)c->blob, &found)) {
    case SITE_PATH_FILE:
        respond_file(c, found, 200, head_only);
        return;
    case SITE_PATH_ADD_SLASH: {
        /* The path is decoded: any byte may be in it (a CR, a LF, a '?').
         * Location gets it percent-encoded (RFC 3986), never as it is. */
        char location[HTTP_HEAD_MAX];
        path[len] = '/';
        size_t n = http_path_to_location(path, len + 1, location, sizeof location);
        if (n == 0) {
            c->close_after = true;
            respond_text(c, 414, "request target too long\n", NULL, 0, head_only);
            return;
        }
        respond_text(c, 301, "moved to the directory's URL\n", location, n, head_only);
        return;
    }
    case SITE_PATH_NONE:
        break;
    }
    const struct blob_http_redirect *redirect = blob_http_find_redirect(c->blob, path, len);
    if (redirect) {
        respond_redirect(c, redirect, head_only);
        return;
    }
    const struct blob_http_file *not_found = blob_http_find(c->blob, "/404.html", 9);
    if (not_found)
        respond_file(c, not_found, 404, head_only);
    else
        respond_text(c, 404, "not found\n", NULL, 0, head_only);
}

static int on_message_complete(llhttp_t *p)
{
    struct http_conn *c = conn_of(p);
    c->in_request = false;
    c->close_after = !llhttp_should_keep_alive(p);
    respond_to_request(c);
    return HPE_PAUSED;      /* one request at a time: see http_conn_feed() */
}

/* ---- the transport's side --------------------------------------------- */

size_t http_conn_feed(struct http_conn *c, const uint8_t *data, size_t len, uint64_t now)
{
    if (c->failed || c->close_after || c->head_sent < c->head_len || c->body_sent < c->body_len)
        return 0;
    c->now = now;
    size_t used = 0;
    enum llhttp_errno e;
    for (;;) {
        const char *start = (const char *)data + used;
        e = llhttp_execute(&c->parser, start, len - used);
        if (e == HPE_OK)
            return len;
        used += (size_t)(llhttp_get_error_pos(&c->parser) - start);
        if (e == HPE_PAUSED) {
            llhttp_resume(&c->parser);
            return used;    /* a request is complete: one at a time, see http_engine.h */
        }
        if (e != HPE_PAUSED_UPGRADE)
            break;
        /* After a request with Upgrade (h2c, websocket) or CONNECT, llhttp
         * stops as if the rest were another protocol. It is not: unihost
         * switches to none, it answers such a request as HTTP/1.1 (RFC 9110
         * 7.8 lets a server ignore Upgrade), so parse on as HTTP/1.1. */
        llhttp_resume_after_upgrade(&c->parser);
    }
    /* A malformed request: answer it, then close (RFC 9112 9.6 lets us). */
    int status = c->reject_status ? c->reject_status : 400;
    if (e == HPE_INVALID_VERSION)
        status = 505;
    c->failed = true;
    c->close_after = true;
    c->in_request = false;
    respond_text(c, status, status == 431 ? "request header fields too large\n"
                            : status == 414 ? "request target too long\n"
                            : status == 413 ? "request body too large\n"
                            : "bad request\n", NULL, 0, false);
    return len;
}

bool http_conn_output(const struct http_conn *c, const uint8_t **data, size_t *len, bool *in_blob)
{
    if (c->head_sent < c->head_len) {
        *data = c->head + c->head_sent;
        *len = c->head_len - c->head_sent;
        *in_blob = false;
        return true;
    }
    if (c->body_sent < c->body_len) {
        *data = c->body + c->body_sent;
        *len = c->body_len - c->body_sent;
        *in_blob = true;
        return true;
    }
    return false;
}

void http_conn_sent(struct http_conn *c, size_t n)
{
    size_t head_left = c->head_len - c->head_sent;
    size_t from_head = n < head_left ? n : head_left;
    c->head_sent += from_head;
    c->body_sent += n - from_head;
}

bool http_conn_should_close(const struct http_conn *c)
{
    return c->close_after && c->head_sent == c->head_len && c->body_sent == c->body_len;
}

bool http_conn_set_extra_headers(struct http_conn *c, const char *lines, size_t len)
{
    if (!lines || len == 0) {
        c->extra_headers = NULL;
        c->extra_headers_len = 0;
        return true;
    }
    if (len > HTTP_EXTRA_HEADERS_MAX || len < 2 || memcmp(lines + len - 2, "\r\n", 2) != 0)
        return false;
    c->extra_headers = lines;
    c->extra_headers_len = len;
    return true;
}

bool http_conn_mid_request(const struct http_conn *c)
{
    return c->in_request && !c->failed;
}
