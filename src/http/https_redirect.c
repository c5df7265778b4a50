/* Plain HTTP's 301 to HTTPS: see https_redirect.h. */
#include "http/https_redirect.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http/http_date.h"
#include "http/http_path.h"

/* The end of the request head (after its empty line), or 0. Bare LF line
 * ends are tolerated, as RFC 9112 allows. */
static size_t head_end(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (p[i] != '\n')
            continue;
        if (i + 1 < len && p[i + 1] == '\n')
            return i + 2;
        if (i + 2 < len && p[i + 1] == '\r' && p[i + 2] == '\n')
            return i + 3;
    }
    return 0;
}

/* RFC 9110 5.6.2 tchar: what a method or a field name is made of. */
static bool is_tchar(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static bool host_char(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_';
}

/*
 * Checks a Host value (or an absolute-form authority) and keeps only the
 * host: a name or IPv4 address, or an IPv6 literal in brackets; a port is
 * dropped (HTTPS is on 443). Returns the host's length, or 0 if unusable.
 * Stricter than the Host grammar (http_host_valid): whatever it keeps goes
 * into Location as it is, so nothing but these characters may.
 */
static size_t clean_host(const uint8_t *h, size_t len)
{
    if (len == 0)
        return 0;
    size_t end;
    if (h[0] == '[') {
        end = 1;
        while (end < len && h[end] != ']') {
            uint8_t c = h[end];
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
                  c == '.'))
                return 0;
            end++;
        }
        if (end == len || end == 1)
            return 0;
        end++;                              /* the ']' */
    } else {
        end = 0;
        while (end < len && host_char(h[end]))
            end++;
        if (end == 0)
            return 0;
    }
    if (end < len) {                        /* only ":PORT" may follow */
        if (h[end] != ':')
            return 0;
        for (size_t i = end + 1; i < len; i++)
            if (h[i] < '0' || h[i] > '9')
                return 0;
    }
    return end;
}

static size_t answer(char *out, size_t size, int status, const char *reason, const char *host,
                     size_t host_len, const char *target, size_t target_len, uint64_t now)
{
    char date[HTTP_DATE_LEN + 1];
    http_date_format(now, date);
    date[HTTP_DATE_LEN] = '\0';
    int n;
    if (status == 301) {
        n = snprintf(out, size,
                     "HTTP/1.1 301 Moved Permanently\r\nDate: %s\r\nLocation: https://%.*s%.*s\r\n"
                     "Content-Length: 0\r\nConnection: close\r\n\r\n",
                     date, (int)host_len, host, (int)target_len, target);
    } else {
        n = snprintf(out, size, "HTTP/1.1 %d %s\r\nDate: %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                     status, reason, date);
    }
    return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

#define BAD_REQUEST(out, size, now) answer(out, size, 400, "Bad Request", NULL, 0, NULL, 0, now)

/* The field lines of the head, after the request line. */
struct field_lines {
    const uint8_t *p, *end;
};

/*
 * The next field line: its name and value (surrounding whitespace
 * trimmed). Returns 1 for a line, 0 at the end of the head, -1 for a line
 * RFC 9112 section 5 has a server refuse, as the HTTP engine (llhttp and
 * its own checks) does: whitespace at its start (obs-fold, or whitespace
 * before the first field: 5.2, 2.2), a name that is not a token or is
 * followed by whitespace before the colon (5.1), no colon, or a control
 * byte in the value (5.5).
 */
static int next_field(struct field_lines *f, const uint8_t **name, size_t *name_len, const uint8_t **value,
                      size_t *value_len)
{
    const uint8_t *e = memchr(f->p, '\n', (size_t)(f->end - f->p));
    if (!e)
        return 0;
    const uint8_t *line = f->p;
    size_t l = (size_t)(e - line);
    f->p = e + 1;
    if (l > 0 && line[l - 1] == '\r')
        l--;
    if (l == 0)
        return 0;                           /* the empty line that ends the head */
    size_t n = 0;
    while (n < l && is_tchar(line[n]))
        n++;
    if (n == 0 || n == l || line[n] != ':')
        return -1;
    const uint8_t *v = line + n + 1;
    size_t vl = l - n - 1;
    for (size_t i = 0; i < vl; i++)
        if ((v[i] < 0x20 && v[i] != '\t') || v[i] == 0x7f)
            return -1;
    while (vl > 0 && (*v == ' ' || *v == '\t'))
        v++, vl--;
    while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
        vl--;
    *name = line;
    *name_len = n;
    *value = v;
    *value_len = vl;
    return 1;
}

/* What a whole head that is redirected says: its method, its host, and
 * its target (an absolute form's path part). */
struct head_facts {
    const uint8_t *method;
    size_t method_len;
    const uint8_t *host;
    size_t host_len;
    const uint8_t *target;
    size_t target_len;
};

/*
 * Reads the request head in req[0..len): 0 while it is incomplete, 431
 * when it is too large, 400 when it is refused, else 301 with *f filled
 * (the target not yet judged for its length in a Location).
 */
static int read_head(const uint8_t *req, size_t len, struct head_facts *f)
{
    size_t end = head_end(req, len < HTTPS_REDIRECT_HEAD_MAX ? len : HTTPS_REDIRECT_HEAD_MAX);
    if (end == 0)
        return len < HTTPS_REDIRECT_HEAD_MAX ? 0 : 431;

    /* Empty lines before the request line are ignored (RFC 9112 2.2). */
    const uint8_t *line = req;
    while (line < req + end && (*line == '\r' || *line == '\n'))
        line++;
    if (line == req + end)
        return 400;
    /* The request line: METHOD SP TARGET SP HTTP/1.DIGIT (RFC 9112 3). */
    const uint8_t *line_end = memchr(line, '\n', (size_t)(req + end - line));
    size_t line_len = (size_t)(line_end - line);
    if (line_len > 0 && line[line_len - 1] == '\r')
        line_len--;
    const uint8_t *sp1 = memchr(line, ' ', line_len);
    const uint8_t *sp2 = sp1 ? memchr(sp1 + 1, ' ', line_len - (size_t)(sp1 + 1 - line)) : NULL;
    if (!sp1 || !sp2 || sp1 == line || sp2 == sp1 + 1 || (size_t)(line + line_len - (sp2 + 1)) != 8 ||
        memcmp(sp2 + 1, "HTTP/1.", 7) != 0 || sp2[8] < '0' || sp2[8] > '9')
        return 400;
    /* Any method is redirected, but it must be one: a token. */
    for (const uint8_t *m = line; m < sp1; m++)
        if (!is_tchar(*m))
            return 400;
    /* Visible ASCII only: no CR, LF or other byte that could end or split
     * the Location line, whatever the encoding below makes of the rest. */
    const uint8_t *target = sp1 + 1;
    size_t target_len = (size_t)(sp2 - target);
    for (size_t i = 0; i < target_len; i++)
        if (target[i] <= 0x20 || target[i] >= 0x7f)
            return 400;

    const uint8_t *host = NULL;
    size_t host_len = 0;
    /* Absolute form: the authority names the host, and Host is ignored
     * (RFC 9112 3.2.2); the scheme's case does not matter (RFC 3986 3.1). */
    size_t scheme = target_len >= 7 && strncasecmp((const char *)target, "http://", 7) == 0    ? 7
                    : target_len >= 8 && strncasecmp((const char *)target, "https://", 8) == 0 ? 8
                                                                                               : 0;
    if (scheme) {
        const uint8_t *auth = target + scheme;
        size_t rest = target_len - scheme, a = 0;
        while (a < rest && auth[a] != '/' && auth[a] != '?' && auth[a] != '#')
            a++;
        host = auth;
        host_len = clean_host(auth, a);
        if (host_len == 0)
            return 400;
        target = auth + a;
        target_len = rest - a;
    } else if (target_len == 0 || target[0] != '/') {
        return 400;
    }

    /* The field lines. Host: exactly one line, with a valid value (RFC 9112
     * 3.2: more than one, even equal, or an invalid one is 400); it names
     * the host when the target did not. */
    struct field_lines fields = {line_end + 1, req + end};
    const uint8_t *name, *value, *host_field = NULL;
    size_t name_len, value_len, host_field_len = 0;
    int got;
    while ((got = next_field(&fields, &name, &name_len, &value, &value_len)) != 0) {
        if (got < 0)
            return 400;
        if (name_len != 4 || strncasecmp((const char *)name, "host", 4) != 0)
            continue;
        if (host_field || !http_host_valid((const char *)value, value_len))
            return 400;
        host_field = value;
        host_field_len = value_len;
    }
    if (!host) {
        host = host_field;
        host_len = host_field ? clean_host(host_field, host_field_len) : 0;
        if (host_len == 0)
            return 400;
    }
    f->method = line;
    f->method_len = (size_t)(sp1 - line);
    f->host = host;
    f->host_len = host_len;
    f->target = target;
    f->target_len = target_len;
    return 301;
}

size_t https_redirect_answer(const uint8_t *req, size_t len, uint64_t now, char *out, size_t out_size)
{
    struct head_facts f;
    switch (read_head(req, len, &f)) {
    case 0:
        return 0;
    case 431:
        return answer(out, out_size, 431, "Request Header Fields Too Large", NULL, 0, NULL, 0, now);
    case 400:
        return BAD_REQUEST(out, out_size, now);
    default:
        break;
    }
    const uint8_t *host = f.host, *target = f.target;
    size_t host_len = f.host_len, target_len = f.target_len;

    /* The target goes into Location percent-encoded where a URI needs it
     * (RFC 3986): quotes, angle brackets and the like, which are visible
     * ASCII but no URI characters; its escapes as they were. A fragment is
     * no part of a request target: dropped. "http://host" and
     * "http://host?q" have the path "/". */
    const uint8_t *hash = memchr(target, '#', target_len);
    if (hash)
        target_len = (size_t)(hash - target);
    char location[HTTPS_REDIRECT_OUT_MAX];
    size_t location_len = 0;
    if (target_len == 0 || target[0] != '/')
        location[location_len++] = '/';
    if (target_len > 0) {
        size_t n = http_target_to_location((const char *)target, target_len, location + location_len,
                                           sizeof location - location_len);
        if (n == 0)
            return answer(out, out_size, 414, "URI Too Long", NULL, 0, NULL, 0, now);
        location_len += n;
    }
    if (host_len + location_len + 256 > out_size)
        return answer(out, out_size, 414, "URI Too Long", NULL, 0, NULL, 0, now);
    return answer(out, out_size, 301, NULL, (const char *)host, host_len, location, location_len, now);
}

size_t https_redirect_error(int status, uint64_t now, char *out, size_t out_size)
{
    const char *reason = status == 414 ? "URI Too Long"
                         : status == 431 ? "Request Header Fields Too Large"
                                         : "Bad Request";
    return answer(out, out_size, status, reason, "", 0, "", 0, now);
}

const struct http_challenge *https_redirect_challenge(const uint8_t *req, size_t len, const struct http_challenges *t,
                                                      bool *head_only)
{
    struct head_facts f;
    if (read_head(req, len, &f) != 301)
        return NULL;        /* refused (400, 431) as it would be anyway */
    bool get = f.method_len == 3 && memcmp(f.method, "GET", 3) == 0;
    bool head = f.method_len == 4 && memcmp(f.method, "HEAD", 4) == 0;
    if (!get && !head)
        return NULL;
    *head_only = head;
    return http_challenges_for_target(t, (const char *)f.target, f.target_len);
}

size_t https_redirect_challenge_answer(const char *value, size_t value_len, bool head_only, uint64_t now, char *out,
                                       size_t out_size)
{
    char date[HTTP_DATE_LEN + 1];
    http_date_format(now, date);
    date[HTTP_DATE_LEN] = '\0';
    int n = snprintf(out, out_size,
                     "HTTP/1.1 200 OK\r\nDate: %s\r\nContent-Type: application/octet-stream\r\n"
                     "Cache-Control: no-store\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%.*s",
                     date, value_len, head_only ? 0 : (int)value_len, value);
    return n > 0 && (size_t)n < out_size ? (size_t)n : 0;
}
