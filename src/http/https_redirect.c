/* Plain HTTP's 301 to HTTPS: see https_redirect.h. */
#include "https_redirect.h"

#include <stdio.h>
#include <string.h>

#include "http_date.h"

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

static bool is_host_header(const uint8_t *p, size_t len)
{
    static const char name[] = "host:";
    if (len < 5)
        return false;
    for (size_t i = 0; i < 5; i++)
        if ((p[i] | 0x20) != name[i])
            return false;
    return true;
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
                     size_t host_len, const uint8_t *target, size_t target_len, uint64_t now)
{
    char date[HTTP_DATE_LEN + 1];
    http_date_format(now, date);
    date[HTTP_DATE_LEN] = '\0';
    int n;
    if (status == 301) {
        n = snprintf(out, size,
                     "HTTP/1.1 301 Moved Permanently\r\nDate: %s\r\nLocation: https://%.*s%.*s\r\n"
                     "Content-Length: 0\r\nConnection: close\r\n\r\n",
                     date, (int)host_len, host, (int)target_len, (const char *)target);
    } else {
        n = snprintf(out, size, "HTTP/1.1 %d %s\r\nDate: %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                     status, reason, date);
    }
    return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

size_t https_redirect_answer(const uint8_t *req, size_t len, uint64_t now, char *out, size_t out_size)
{
    size_t end = head_end(req, len < HTTPS_REDIRECT_HEAD_MAX ? len : HTTPS_REDIRECT_HEAD_MAX);
    if (end == 0) {
        if (len < HTTPS_REDIRECT_HEAD_MAX)
            return 0;
        return answer(out, out_size, 431, "Request Header Fields Too Large", NULL, 0, NULL, 0, now);
    }

    /* The request line: METHOD SP TARGET SP HTTP/x.y */
    const uint8_t *line_end = memchr(req, '\n', end);
    size_t line_len = (size_t)(line_end - req);
    if (line_len > 0 && req[line_len - 1] == '\r')
        line_len--;
    const uint8_t *sp1 = memchr(req, ' ', line_len);
    const uint8_t *sp2 = sp1 ? memchr(sp1 + 1, ' ', line_len - (size_t)(sp1 + 1 - req)) : NULL;
    if (!sp1 || !sp2 || sp1 == req || sp2 == sp1 + 1 || (size_t)(req + line_len - (sp2 + 1)) != 8 ||
        memcmp(sp2 + 1, "HTTP/1.", 7) != 0)
        return answer(out, out_size, 400, "Bad Request", NULL, 0, NULL, 0, now);
    const uint8_t *target = sp1 + 1;
    size_t target_len = (size_t)(sp2 - target);
    for (size_t i = 0; i < target_len; i++)
        if (target[i] <= 0x20 || target[i] >= 0x7f)
            return answer(out, out_size, 400, "Bad Request", NULL, 0, NULL, 0, now);

    const uint8_t *host = NULL;
    size_t host_len = 0;
    /* Absolute form: the authority names the host (RFC 9112, 3.2.2). */
    if (target_len >= 7 && strncmp((const char *)target, "http://", 7) == 0) {
        const uint8_t *auth = target + 7;
        size_t rest = target_len - 7, a = 0;
        while (a < rest && auth[a] != '/' && auth[a] != '?')
            a++;
        host = auth;
        host_len = clean_host(auth, a);
        if (host_len == 0)
            return answer(out, out_size, 400, "Bad Request", NULL, 0, NULL, 0, now);
        target = auth + a;
        target_len = rest - a;
    } else if (target_len == 0 || target[0] != '/') {
        return answer(out, out_size, 400, "Bad Request", NULL, 0, NULL, 0, now);
    }

    /* The Host header, when the target did not name one. */
    if (!host) {
        const uint8_t *p = line_end + 1;
        while (p < req + end) {
            const uint8_t *e = memchr(p, '\n', (size_t)(req + end - p));
            size_t l = (size_t)(e - p);
            if (l > 0 && p[l - 1] == '\r')
                l--;
            if (is_host_header(p, l)) {
                if (host)       /* two Host headers: RFC 9112 says 400 */
                    return answer(out, out_size, 400, "Bad Request", NULL, 0, NULL, 0, now);
                const uint8_t *v = p + 5;
                size_t vl = l - 5;
                while (vl > 0 && (*v == ' ' || *v == '\t'))
                    v++, vl--;
                while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
                    vl--;
                host = v;
                host_len = clean_host(v, vl);
                if (host_len == 0)
                    return answer(out, out_size, 400, "Bad Request", NULL, 0, NULL, 0, now);
            }
            p = e + 1;
        }
        if (!host)
            return answer(out, out_size, 400, "Bad Request", NULL, 0, NULL, 0, now);
    }
    if (target_len == 0) {
        target = (const uint8_t *)"/";
        target_len = 1;
    }
    if (host_len + target_len + 256 > out_size)
        return answer(out, out_size, 414, "URI Too Long", NULL, 0, NULL, 0, now);
    return answer(out, out_size, 301, NULL, (const char *)host, host_len, target, target_len, now);
}

size_t https_redirect_error(int status, uint64_t now, char *out, size_t out_size)
{
    const char *reason = status == 414 ? "URI Too Long"
                         : status == 431 ? "Request Header Fields Too Large"
                                         : "Bad Request";
    return answer(out, out_size, status, reason, "", 0, (const uint8_t *)"", 0, now);
}
