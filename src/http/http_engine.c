/*
 * The HTTP/1.1 engine: see http_engine.h. Static files from the blob with
 * GET and HEAD (OPTIONS answered with Allow); Content-Type, Content-Length,
 * strong ETags, Last-Modified, Cache-Control from the site's policy,
 * If-None-Match and If-Modified-Since (304), single byte ranges with
 * If-Range (206/416), gzip and brotli variants by Accept-Encoding
 * (http_accept_encoding.h); clean URLs and the
 * directory-slash redirect by site_path.h; the site's declared redirects; a
 * 404 page with status 404. A file's header lines come composed from the
 * blob (http_file_head.h): its responses are copies of them around the
 * status line, Date and Connection.
 */
#include "http/http_engine.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http/http_date.h"
#include "http/http_path.h"
#include "http/http_range.h"
#include "content/site_path.h"

static int on_message_begin(llhttp_t *p);
static int on_method(llhttp_t *p, const char *at, size_t len);
static int on_method_complete(llhttp_t *p);
static int on_url(llhttp_t *p, const char *at, size_t len);
static int on_version(llhttp_t *p, const char *at, size_t len);
static int on_version_complete(llhttp_t *p);
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
        settings.on_method = on_method;
        settings.on_method_complete = on_method_complete;
        settings.on_url = on_url;
        settings.on_version = on_version;
        settings.on_version_complete = on_version_complete;
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

/* The offset in the connection's byte stream of a byte llhttp points at. */
static uint64_t stream_pos(const struct http_conn *c, const char *at)
{
    return c->stream_offset + (uint64_t)(at - c->parsing);
}

/* Refuses the request from inside a callback: llhttp stops, and
 * http_conn_feed() answers `status` and closes. */
static int reject(struct http_conn *c, int status)
{
    c->reject_status = status;
    return HPE_USER;
}

/* RFC 9110 5.6.2 tchar: what a method or a field name is made of. */
static bool is_tchar(uint8_t ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           (ch != '\0' && strchr("!#$%&'*+-.^_`|~", ch) != NULL);
}

static int on_message_begin(llhttp_t *p)
{
    struct http_conn *c = conn_of(p);
    c->url_len = 0;
    c->field_len = 0;
    c->value_len = 0;
    c->header_bytes = 0;
    c->value_cut = false;
    c->has_host = false;
    http_accept_encoding_init(&c->accept_encoding);
    c->in_request = true;
    c->if_none_match_len = 0;
    c->has_if_none_match = false;
    c->has_if_modified_since = false;
    c->range_len = 0;
    c->if_range_len = 0;
    c->has_if_range = false;
    c->body_bytes = 0;
    c->url_started = false;
    c->version_started = false;
    c->version_len = 0;
    c->awaiting_value = false;
    c->value_started = false;
    c->in_trailers = false;
    c->method_read = false;
    c->target_cut = false;
    c->has_user_agent = false;
    c->user_agent_cut = false;
    c->user_agent_len = 0;
    if (c->hooks && c->hooks->begun)
        c->hooks->begun(c->hooks->ctx);
    /* Pausing here tells http_conn_feed() where the request starts (llhttp
     * says where it paused), which it needs to judge a refused method. */
    c->at_request_start = true;
    return HPE_PAUSED;
}

static int on_method(llhttp_t *p, const char *at, size_t len)
{
    struct http_conn *c = conn_of(p);
    c->method_end = stream_pos(c, at) + len;
    return 0;
}

static int on_method_complete(llhttp_t *p)
{
    conn_of(p)->method_read = true;
    return 0;
}

/*
 * The methods unihost knows (RFC 9110 section 9, and PATCH): GET, HEAD and
 * OPTIONS are served, the others get 405 with Allow. Any other method,
 * including the WebDAV and other extension methods llhttp parses, is one
 * unihost neither recognises nor could support on any resource: 501 (RFC
 * 9110 9.1, 15.6.2).
 */
static bool method_known(uint8_t method)
{
    switch (method) {
    case HTTP_GET: case HTTP_HEAD: case HTTP_OPTIONS: case HTTP_POST: case HTTP_PUT:
    case HTTP_DELETE: case HTTP_CONNECT: case HTTP_TRACE: case HTTP_PATCH:
        return true;
    default:
        return false;
    }
}

static int on_url(llhttp_t *p, const char *at, size_t len)
{
    struct http_conn *c = conn_of(p);
    if (!c->url_started) {
        c->url_started = true;
        /* request-line = method SP request-target SP HTTP-version (RFC 9112
         * 3): llhttp also takes runs of spaces, which RFC 9112 3 lets a
         * server refuse; one SP only, so every reader of the line agrees. */
        if (stream_pos(c, at) != c->method_end + 1)
            return reject(c, 400);
        /* The method and the SP after it are read: an unknown method can be
         * answered now. PRI waits for its version: see on_version_complete. */
        uint8_t method = llhttp_get_method(p);
        if (!method_known(method) && method != HTTP_PRI)
            return reject(c, 501);
    }
    /* Kept first, refused or not, so that the access log shows what a
     * refused target was. */
    size_t room = sizeof c->url - c->url_len;
    size_t kept = len < room ? len : room;
    memcpy(c->url + c->url_len, at, kept);
    c->url_len += kept;
    c->target_cut |= kept < len;
    /* A request-target is visible ASCII (RFC 9112 3.2, RFC 3986): llhttp
     * lets HTAB and bytes above 0x7e through. */
    for (size_t i = 0; i < len; i++)
        if ((uint8_t)at[i] <= 0x20 || (uint8_t)at[i] >= 0x7f)
            return reject(c, 400);
    if (kept < len)
        return reject(c, 414);
    c->url_end = stream_pos(c, at) + len;
    return 0;
}

static int on_version(llhttp_t *p, const char *at, size_t len)
{
    struct http_conn *c = conn_of(p);
    /* The digits come after exactly " HTTP/" (see on_url on single SPs). */
    if (!c->version_started && stream_pos(c, at) != c->url_end + 6)
        return reject(c, 400);
    c->version_started = true;
    for (size_t i = 0; i < len; i++, c->version_len++)
        if (c->version_len < sizeof c->version)
            c->version[c->version_len] = at[i];
    return 0;
}

/*
 * llhttp takes HTTP/0.9, 1.0, 1.1 and 2.0 in a request line. unihost speaks
 * HTTP/1.x: 505 for the others (RFC 9110 15.6.6). "PRI * HTTP/2.0" is the
 * start of HTTP/2's connection preface (RFC 9113 3.4), so a client trying
 * HTTP/2 with prior knowledge gets 505 too; PRI with HTTP/1.x is no request
 * at all (the method exists only for that preface): 501.
 */
static int on_version_complete(llhttp_t *p)
{
    struct http_conn *c = conn_of(p);
    if (llhttp_get_http_major(p) != 1)
        return reject(c, 505);
    if (llhttp_get_method(p) == HTTP_PRI)
        return reject(c, 501);
    return 0;
}

static int count_header_bytes(struct http_conn *c, size_t len)
{
    c->header_bytes += len;
    if (c->header_bytes > HTTP_HEADERS_MAX)
        return reject(c, 431);
    return 0;
}

static int on_header_field(llhttp_t *p, const char *at, size_t len)
{
    struct http_conn *c = conn_of(p);
    /* A field name is a token; llhttp lets a space through, so "Host : x"
     * would pass. RFC 9112 5.1: whitespace between name and colon MUST get
     * 400, since other readers may take the field differently. */
    for (size_t i = 0; i < len; i++)
        if (!is_tchar((uint8_t)at[i]))
            return reject(c, 400);
    if (c->field_len < sizeof c->field) {
        size_t room = sizeof c->field - c->field_len;
        memcpy(c->field + c->field_len, at, len < room ? len : room);
    }
    c->field_len += len;    /* may exceed the buffer: such a name is not one we read */
    c->field_end = stream_pos(c, at) + len;
    c->awaiting_value = true;
    c->newline_before_value = false;
    c->value_started = false;
    return count_header_bytes(c, len);
}

/* Does [from, to) of the stream hold a line end, as far as it lies in the
 * bytes being parsed now (what came before was looked at then)? */
static bool newline_between(const struct http_conn *c, uint64_t from, uint64_t to)
{
    if (from < c->stream_offset)
        from = c->stream_offset;
    for (uint64_t i = from; i < to; i++)
        if (c->parsing[i - c->stream_offset] == '\n')
            return true;
    return false;
}

/*
 * Header values, which llhttp hands over in pieces. RFC 9112 5.2 says a
 * server MUST refuse obs-fold (a value continued on a line starting with
 * whitespace) with 400 or replace it by spaces. llhttp does neither
 * consistently: it passes the pieces on without the line end, yet reads its
 * own framing fields (Transfer-Encoding, Content-Length) from the first line
 * alone. So a fold is refused: it shows as a piece that does not start
 * where the previous one ended, or as a line end between the name and the
 * value's first piece (a fold after an empty first line).
 */
static int on_header_value(llhttp_t *p, const char *at, size_t len)
{
    struct http_conn *c = conn_of(p);
    if (len == 0)
        return 0;       /* llhttp's empty value, placed after the line end: nothing to check */
    uint64_t pos = stream_pos(c, at);
    if (c->value_started ? pos != c->value_end
                         : c->newline_before_value || newline_between(c, c->field_end, pos))
        return reject(c, 400);
    c->value_started = true;
    c->awaiting_value = false;
    c->value_end = pos + len;
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

/*
 * A Host field (RFC 9112 3.2): a request with more than one Host line, even
 * with equal values, or with an invalid value MUST get 400. A value longer
 * than `value` (512 bytes) is no host name (DNS names are at most 253) and
 * counts as invalid.
 */
static int take_host(struct http_conn *c)
{
    if (c->has_host || c->value_cut || !http_host_valid(c->value, c->value_len))
        return reject(c, 400);
    c->has_host = true;
    return 0;
}

static int on_header_value_complete(llhttp_t *p)
{
    struct http_conn *c = conn_of(p);
    int refused = 0;
    c->awaiting_value = false;
    /* llhttp keeps trailing whitespace, which is not part of the value (RFC 9110 5.5). */
    while (!c->value_cut && c->value_len > 0 &&
           (c->value[c->value_len - 1] == ' ' || c->value[c->value_len - 1] == '\t'))
        c->value_len--;
    if (c->field_len == 0) {
        refused = reject(c, 400);   /* ": value": a field needs a name (RFC 9112 5) */
    } else if (c->in_trailers) {
        /* Trailer fields never join the header section (RFC 9110 6.5.1):
         * a Range or Host sent after the body changes nothing. */
    } else if (field_is(c, "host")) {
        refused = take_host(c);
    } else if (field_is(c, "accept-encoding")) {
        http_accept_encoding_add(&c->accept_encoding, c->value, c->value_len, c->value_cut);
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
    } else if (field_is(c, "user-agent")) {
        /* For the access log only: the first bytes of the first one. */
        if (!c->has_user_agent) {
            c->has_user_agent = true;
            c->user_agent_len = c->value_len < sizeof c->user_agent ? c->value_len : sizeof c->user_agent;
            c->user_agent_cut = c->value_cut || c->user_agent_len < c->value_len;
            memcpy(c->user_agent, c->value, c->user_agent_len);
        }
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
    c->value_started = false;
    return refused;
}

static int on_headers_complete(llhttp_t *p)
{
    struct http_conn *c = conn_of(p);
    c->in_trailers = true;          /* any field from now on is a trailer */
    c->awaiting_value = false;
    /* "GET /" with no HTTP-version is HTTP/0.9's request to llhttp; it is
     * no HTTP/1.1 request-line (RFC 9112 3): 400. */
    if (!c->version_started)
        return reject(c, 400);
    /* RFC 9112 6.1: an HTTP/1.0 message with Transfer-Encoding MUST be
     * taken as having faulty framing (1.0 has no chunked coding, so a 1.0
     * intermediary may have framed it by Content-Length or not at all). */
    if (llhttp_get_http_minor(p) == 0 && (p->flags & F_TRANSFER_ENCODING))
        return reject(c, 400);
    /* A body announced larger than we discard is refused before it arrives. */
    if ((p->flags & F_CONTENT_LENGTH) && p->content_length > HTTP_BODY_MAX)
        return reject(c, 413);
    /* Upgrade (h2c, websocket...) is not taken up, and the request is
     * answered as HTTP/1.1 (RFC 9110 7.8 lets a server ignore Upgrade);
     * llhttp still stops after it, see http_conn_feed(). */
    return 0;
}

/* Request bodies (GET with a body, or the body of a refused method) are
 * read and dropped; a chunked one is counted as it comes. */
static int on_body(llhttp_t *p, const char *at, size_t len)
{
    (void)at;
    struct http_conn *c = conn_of(p);
    c->body_bytes += len;
    if (c->body_bytes > HTTP_BODY_MAX)
        return reject(c, 413);
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
    case 501: return "Not Implemented";
    case 505: return "HTTP Version Not Supported";
    default: return "Internal Server Error";
    }
}

/* Status line, Date, Server and Connection: the start of every response. */
static void begin_response(struct head_writer *w, int status)
{
    struct http_conn *c = w->c;
    c->head_len = 0;
    c->head_sent = 0;
    c->body = NULL;
    c->body_len = 0;
    c->body_sent = 0;
    c->status = status;
    c->reporting = true;
    char code[4] = {(char)('0' + status / 100 % 10), (char)('0' + status / 10 % 10), (char)('0' + status % 10), ' '};
    put(w, "HTTP/1.1 ", 9);
    put(w, code, sizeof code);
    puts_(w, reason(status));
    put(w, "\r\nDate: ", 8);
    char date[HTTP_DATE_LEN];
    http_date_format(c->now, date);
    put(w, date, sizeof date);
    put(w, "\r\n", 2);
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

/* An ACME HTTP-01 answer (RFC 8555 8.3): the key authorization as it is,
 * copied into the header block's buffer (it fits: HTTP_CHALLENGE_VALUE_MAX
 * is far below HTTP_HEAD_MAX less the longest head). Never cached: the
 * token is withdrawn once the CA has looked. */
static void respond_challenge(struct http_conn *c, const struct http_challenge *challenge, bool head_only)
{
    _Static_assert(HTTP_CHALLENGE_VALUE_MAX + HTTP_EXTRA_HEADERS_MAX + 256 < HTTP_HEAD_MAX,
                   "an HTTP-01 answer fits the header block's buffer");
    struct head_writer w = {c, false};
    begin_response(&w, 200);
    puts_(&w, "Content-Type: application/octet-stream\r\n");
    puts_(&w, "Cache-Control: no-store\r\n");
    put_length(&w, challenge->value_len);
    end_head(&w);
    if (!head_only)
        put(&w, challenge->value, challenge->value_len);
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

/*
 * A file response is its start (status line, Date, Server, Connection), the
 * file's stored header lines (a 206 puts its range's Content-Range and
 * Content-Length where the stored Content-Length was), the caller's extra
 * lines and the empty line. The reader bounds the stored lines, so every
 * file response fits the head buffer whole.
 */
#define FILE_START_MAX                                                                                     \
    (sizeof "HTTP/1.1 206 Partial Content\r\n" - 1 + sizeof "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n" - 1 + \
     sizeof "Server: unihost\r\n" - 1 + sizeof "Connection: keep-alive\r\n" - 1)
#define RANGE_LINES_MAX                                                                                    \
    (sizeof "Content-Range: bytes 4294967295-4294967295/4294967295\r\n" - 1 +                              \
     sizeof "Content-Length: 4294967295\r\n" - 1)
_Static_assert(FILE_START_MAX + BLOB_HTTP_HEAD_MAX + RANGE_LINES_MAX + HTTP_EXTRA_HEADERS_MAX + 2 <= HTTP_HEAD_MAX,
               "a file response's header block must fit HTTP_HEAD_MAX");

/*
 * A file's response: the engine picks the representation and the status,
 * then copies the runs of the stored lines that status takes (see struct
 * blob_http_head): all of them for a 200 (GET or HEAD), the validators and
 * nosniff for a 304, all but Accept-Ranges for the 404 page; a 206 writes
 * its own two range lines in place of the stored Content-Length.
 */
static void respond_file(struct http_conn *c, const struct blob_http_file *f, int status, bool head_only)
{
    const struct blob *b = c->blob;
    /* Validators and ranges are the chosen representation's own: an ETag
     * names one representation, and a range counts its bytes. */
    struct blob_http_representation rep =
        blob_http_representation(b, f, http_accept_encoding_choose(&c->accept_encoding, b, f));
    struct blob_ref body = rep.body;
    struct blob_ref etag = rep.etag;
    const struct blob_http_head *h = rep.head;
    struct selection sel = {status, 0, 0};
    if (status == 200)
        sel = select_response(c, !head_only, blob_bytes(b, etag), etag.len, f->mtime, body.len);
    char line[80];
    if (sel.status == 416) {
        snprintf(line, sizeof line, "Content-Range: bytes */%u\r\n", (unsigned)body.len);
        respond_text_with(c, 416, "range not satisfiable\n", NULL, 0, line, head_only);
        return;
    }
    const char *lines = (const char *)blob_bytes(b, h->lines);
    size_t after_length = h->lines.len - h->length_end;
    struct head_writer w = {c, false};
    begin_response(&w, sel.status);
    size_t offset = 0, length = body.len;
    switch (sel.status) {
    case 200:
        put(&w, lines, h->lines.len);
        break;
    case 304:
        put(&w, lines, h->not_modified_end);
        put(&w, lines + h->length_end, after_length);
        break;
    case 206: {
        offset = (size_t)sel.first;
        length = (size_t)(sel.last - sel.first + 1);
        put(&w, lines, h->ranges_end);
        int n = snprintf(line, sizeof line, "Content-Range: bytes %zu-%zu/%u\r\n", offset, (size_t)sel.last,
                         (unsigned)body.len);
        put(&w, line, (size_t)n);
        put_length(&w, length);
        put(&w, lines + h->length_end, after_length);
        break;
    }
    default:                /* the site's 404 page: no ranges of it */
        put(&w, lines, h->content_end);
        put(&w, lines + h->ranges_end, h->lines.len - h->ranges_end);
        break;
    }
    end_head(&w);
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

/* ---- the live-reload event stream (development blobs) ------------------- */

/* How soon a page's EventSource reconnects after the stream ends (an idle
 * close, a restart): short, since it is how a missed swap is caught up. */
#define LIVE_RETRY "retry: 100\n\n"
#define LIVE_EVENT_LEN (sizeof "data: \n\n" - 1 + 2 * BLOB_BUILD_ID_LEN)

/* One event naming the blob's build, as its pages name theirs: "data: "
 * and the build identity in hex. */
static void put_live_event(struct head_writer *w, const struct blob *b)
{
    static const char hex[] = "0123456789abcdef";
    const uint8_t *id = b->dir->build_id;
    char event[LIVE_EVENT_LEN];
    memcpy(event, "data: ", 6);
    for (size_t i = 0; i < BLOB_BUILD_ID_LEN; i++) {
        event[6 + 2 * i] = hex[id[i] >> 4];
        event[7 + 2 * i] = hex[id[i] & 15];
    }
    memcpy(event + LIVE_EVENT_LEN - 2, "\n\n", 2);
    put(w, event, sizeof event);
}

static bool is_live_path(const char *path, size_t len)
{
    return len == sizeof BLOB_LIVE_PATH - 1 && memcmp(path, BLOB_LIVE_PATH, len) == 0;
}

/* The stream's head and first event, all in `head` (nothing of it lives in
 * the blob, so a swap never finds it pointing into an old one). Its body
 * ends only with the connection: no Content-Length, Connection: close. */
static void respond_live(struct http_conn *c, bool head_only)
{
    struct head_writer w = {c, false};
    c->close_after = true;
    begin_response(&w, 200);
    puts_(&w, "Content-Type: text/event-stream\r\n");
    puts_(&w, "Cache-Control: no-store\r\n");
    puts_(&w, "X-Content-Type-Options: nosniff\r\n");
    end_head(&w);
    if (head_only)
        return;
    puts_(&w, LIVE_RETRY);
    put_live_event(&w, c->blob);
    c->live = true;
}

bool http_conn_is_live(const struct http_conn *c)
{
    return c->live;
}

bool http_conn_live_swap(struct http_conn *c, const struct blob *blob)
{
    if (!c->live)
        return false;
    c->blob = blob;
    /* What the client has not taken yet stays first, whole: an event cut
     * in two would be one the page cannot read. The bytes taken make room,
     * once the access line has counted them. */
    if (!c->reporting) {
        size_t pending = c->head_len - c->head_sent;
        memmove(c->head, c->head + c->head_sent, pending);
        c->head_len = pending;
        c->head_sent = 0;
    }
    if (!blob_is_development(blob) || c->head_len + LIVE_EVENT_LEN > sizeof c->head) {
        c->live = false;            /* closes once what is pending is out */
        return false;
    }
    struct head_writer w = {c, false};
    put_live_event(&w, blob);
    return true;
}

static const void *lookup_in_blob(void *ctx, const char *path, size_t len)
{
    return blob_http_find(ctx, path, len);
}

/*
 * The path a request target names, normalised (see http_path.h), or 0 for a
 * target that names none. An absolute-form target (RFC 9112 3.2.2) must
 * have a valid authority (userinfo is refused, RFC 9110 4.2.4); its host is
 * not otherwise used, as unihost serves one site. A missing path is "/"
 * (RFC 9110 4.2.3), so "http://host" and "http://host?q" name the root.
 */
static size_t request_path(const struct http_conn *c, char *path, size_t size)
{
    const char *t = c->url;
    size_t len = c->url_len, scheme = 0;
    if (len >= 7 && strncasecmp(t, "http://", 7) == 0)
        scheme = 7;
    else if (len >= 8 && strncasecmp(t, "https://", 8) == 0)
        scheme = 8;
    if (scheme == 0)
        return http_path_normalize(t, len, path, size);
    size_t end = scheme;
    while (end < len && t[end] != '/' && t[end] != '?' && t[end] != '#')
        end++;
    if (!http_host_valid(t + scheme, end - scheme))
        return 0;
    if (end == len || t[end] != '/') {
        path[0] = '/';
        return 1;
    }
    return http_path_normalize(t + end, len - end, path, size);
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
    const struct http_challenge *challenge =
        c->challenges ? http_challenges_for_target(c->challenges, c->url, c->url_len) : NULL;
    if (challenge) {
        respond_challenge(c, challenge, head_only);
        return;
    }
    char path[HTTP_URL_MAX + 1];
    size_t len = request_path(c, path, sizeof path);
    if (len == 0) {
        c->close_after = true;
        respond_text(c, 400, "bad request target\n", NULL, 0, head_only);
        return;
    }
    if (blob_is_development(c->blob) && is_live_path(path, len)) {
        respond_live(c, head_only);
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

/* A malformed or refused request: answer it, then close (RFC 9112 9.6 lets
 * us; after a framing error we must). */
static void fail(struct http_conn *c, int status)
{
    c->failed = true;
    c->close_after = true;
    c->in_request = false;
    c->judging_method = false;
    bool head_only = c->method_read && llhttp_get_method(&c->parser) == HTTP_HEAD;
    respond_text(c, status, status == 431 ? "request header fields too large\n"
                            : status == 414 ? "request target too long\n"
                            : status == 413 ? "request body too large\n"
                            : status == 501 ? "method not implemented\n"
                            : status == 505 ? "HTTP version not supported\n"
                            : "bad request\n", NULL, 0, head_only);
}

#define METHOD_LEN_MAX 7    /* OPTIONS: the longest method unihost implements */

/*
 * llhttp stops at the first byte of a method that no method it knows has
 * there ("BREW": at the 'R', since BIND starts with a B). What follows
 * tells an unknown method from something that is no request line: a token
 * and then SP is a method unihost does not recognise, 501 (RFC 9110 9.1);
 * so is a token longer than any method it implements, without waiting for
 * its end (RFC 9112 3); anything else (a control byte, a TLS handshake, a
 * line without a method) gets 400. Reads `data` as the bytes after the ones
 * judged so far; returns how many it took: all of them, answered or not.
 */
static size_t judge_method(struct http_conn *c, const uint8_t *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (data[i] == ' ') {
            fail(c, c->method_len > 0 ? 501 : 400);
            return len;
        }
        if (!is_tchar(data[i])) {
            fail(c, 400);
            return len;
        }
        if (++c->method_len > METHOD_LEN_MAX) {
            fail(c, 501);
            return len;
        }
    }
    return len;                     /* undecided: more bytes tell */
}

/*
 * llhttp reports a version it does not take (HTTP/1.2, HTTP/3.0) and a
 * malformed one, or a request line going on after it, all as
 * HPE_INVALID_VERSION. A version of the right form (DIGIT "." DIGIT, RFC
 * 9112 2.3) that is not 1.0 or 1.1 is one unihost does not speak, 505; the
 * rest is a malformed request line, 400. (RFC 9110 2.5 would have HTTP/1.2
 * read as 1.1; llhttp refuses it before we could.)
 */
static int version_error_status(const struct http_conn *c)
{
    const char *v = c->version;
    bool well_formed = c->version_len == 3 && v[0] >= '0' && v[0] <= '9' && v[1] == '.' && v[2] >= '0' &&
                       v[2] <= '9';
    bool ours = well_formed && v[0] == '1' && (v[2] == '0' || v[2] == '1');
    return well_formed && !ours ? 505 : 400;
}

/*
 * llhttp refuses a byte it will not have in a request-target or a header
 * value (a control byte, say) before it hands the span to its callback,
 * so the refused field never reaches on_url or on_header_value. For the
 * access log, what the client sent is kept all the same: the target, or a
 * User-Agent, from where the callbacks left off to the end of its word or
 * line, as far as this feed's bytes go. `at` is where llhttp stopped in
 * data[0..len).
 */
static void keep_refused_field(struct http_conn *c, const uint8_t *data, size_t len, size_t at)
{
    uint64_t base = c->stream_offset - at;      /* the stream offset of data[0] */
    bool target = c->method_read && !c->version_started;
    uint64_t from;
    if (target)
        from = c->url_started ? c->url_end : c->method_end + 1;
    else if (!c->in_trailers && !c->has_user_agent && field_is(c, "user-agent") && (c->awaiting_value || c->value_started))
        from = c->value_started ? c->value_end : c->field_end + 1;
    else
        return;
    if (from < base || from > base + len)
        return;
    size_t i = (size_t)(from - base);
    if (target) {
        for (; i < len && data[i] != ' ' && data[i] != '\r' && data[i] != '\n'; i++) {
            if (c->url_len == sizeof c->url) {
                c->target_cut = true;
                return;
            }
            c->url[c->url_len++] = (char)data[i];
        }
        return;
    }
    if (!c->value_started)
        while (i < len && (data[i] == ' ' || data[i] == '\t'))
            i++;
    c->has_user_agent = true;
    c->user_agent_len = c->value_len < sizeof c->user_agent ? c->value_len : sizeof c->user_agent;
    memcpy(c->user_agent, c->value, c->user_agent_len);
    c->user_agent_cut = c->value_cut;
    for (; i < len && data[i] != '\r' && data[i] != '\n'; i++) {
        if (c->user_agent_len == sizeof c->user_agent) {
            c->user_agent_cut = true;
            return;
        }
        c->user_agent[c->user_agent_len++] = (char)data[i];
    }
}

size_t http_conn_feed(struct http_conn *c, const uint8_t *data, size_t len, uint64_t now)
{
    if (c->failed || c->close_after || c->head_sent < c->head_len || c->body_sent < c->body_len)
        return 0;
    c->now = now;
    if (c->judging_method)
        return judge_method(c, data, len);
    size_t used = 0;
    for (;;) {
        c->parsing = (const char *)data + used;
        enum llhttp_errno e = llhttp_execute(&c->parser, c->parsing, len - used);
        size_t taken = e == HPE_OK ? len - used : (size_t)(llhttp_get_error_pos(&c->parser) - c->parsing);
        /* A header name whose value has not begun: a line end in between,
         * even one split over two reads, is a fold (see on_header_value). */
        if (c->awaiting_value && newline_between(c, c->field_end, c->stream_offset + taken))
            c->newline_before_value = true;
        c->stream_offset += taken;
        used += taken;
        switch (e) {
        case HPE_OK:
            return len;
        case HPE_PAUSED:
            llhttp_resume(&c->parser);
            if (c->at_request_start) {
                c->at_request_start = false;
                c->request_start = c->stream_offset;
                continue;
            }
            return used;    /* a request is complete: one at a time, see http_engine.h */
        case HPE_PAUSED_UPGRADE:
            /* After a request with Upgrade (or CONNECT) llhttp stops, as
             * if the rest were another protocol. It is not: we ignored the
             * Upgrade (on_headers_complete), so parse on as HTTP/1.1. */
            llhttp_resume_after_upgrade(&c->parser);
            continue;
        case HPE_INVALID_METHOD:
            if (c->reject_status)
                break;
            c->judging_method = true;
            c->method_len = (size_t)(c->stream_offset - c->request_start);
            return used + judge_method(c, data + used, len - used);
        case HPE_INVALID_VERSION:
            if (!c->reject_status)
                c->reject_status = version_error_status(c);
            break;
        default:
            if (e != HPE_USER)
                keep_refused_field(c, data, len, used);
            break;
        }
        fail(c, c->reject_status ? c->reject_status : 400);
        return len;
    }
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

/* One response for the access log (see struct http_access). */
static void report(struct http_conn *c, bool complete)
{
    c->reporting = false;
    if (!c->hooks || !c->hooks->done)
        return;
    const char *method = c->method_read ? llhttp_method_name(llhttp_get_method(&c->parser)) : NULL;
    struct http_access a = {
        .method = method,
        .method_len = method ? strlen(method) : 0,
        .target = c->url,
        .target_len = c->url_len,
        .target_cut = c->target_cut,
        .user_agent = c->has_user_agent ? c->user_agent : NULL,
        .user_agent_len = c->user_agent_len,
        .user_agent_cut = c->user_agent_cut,
        .status = c->status,
        .bytes = c->head_sent + c->body_sent,
        .complete = complete,
    };
    c->hooks->done(c->hooks->ctx, &a);
}

void http_conn_sent(struct http_conn *c, size_t n)
{
    size_t head_left = c->head_len - c->head_sent;
    size_t from_head = n < head_left ? n : head_left;
    c->head_sent += from_head;
    c->body_sent += n - from_head;
    if (c->reporting && c->head_sent == c->head_len && c->body_sent == c->body_len)
        report(c, true);
}

void http_conn_set_access_hooks(struct http_conn *c, const struct http_access_hooks *hooks)
{
    c->hooks = hooks;
}

void http_conn_end(struct http_conn *c)
{
    if (c->reporting)
        report(c, false);
    c->live = false;        /* a closed connection's memory is no stream to tell of a swap */
}

bool http_conn_should_close(const struct http_conn *c)
{
    return c->close_after && !c->live && c->head_sent == c->head_len && c->body_sent == c->body_len;
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

void http_conn_set_challenges(struct http_conn *c, const struct http_challenges *challenges)
{
    c->challenges = challenges;
}

bool http_conn_mid_request(const struct http_conn *c)
{
    return c->in_request && !c->failed;
}
