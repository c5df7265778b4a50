/* The URI pieces of a request: see http_path.h. */
#include "http/http_path.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "wire/hex_digit.h"

/* Removes "." and ".." segments in place (RFC 3986 5.2.4); ".." never
 * climbs above "/". The output never overtakes the input, so in place works. */
static size_t remove_dot_segments(char *p, size_t len)
{
    size_t out = 0;
    for (size_t i = 0; i < len;) {
        size_t end = i + 1;             /* p[i] is '/'; the segment runs to the next one */
        while (end < len && p[end] != '/')
            end++;
        size_t seg = end - i - 1;
        bool last = end == len;
        if (seg == 1 && p[i + 1] == '.') {
            if (last)
                p[out++] = '/';
        } else if (seg == 2 && p[i + 1] == '.' && p[i + 2] == '.') {
            while (out > 0 && p[out - 1] != '/')
                out--;                  /* back to the start of the last segment */
            if (out > 0)
                out--;                  /* and its slash */
            if (last)
                p[out++] = '/';
        } else {
            memmove(p + out, p + i, end - i);
            out += end - i;
        }
        i = end;
    }
    if (out == 0)
        p[out++] = '/';
    return out;
}

size_t http_path_normalize(const char *target, size_t len, char *out, size_t out_size)
{
    /* absolute-form: "http://host/path" -> "/path" (RFC 9112 3.2.2) */
    if (len > 7 && (strncmp(target, "http://", 7) == 0 || (len > 8 && strncmp(target, "https://", 8) == 0))) {
        const char *host = memchr(target, ':', len) + 3;
        const char *slash = memchr(host, '/', len - (size_t)(host - target));
        if (!slash)
            return 0;
        len -= (size_t)(slash - target);
        target = slash;
    }
    if (len == 0 || target[0] != '/')
        return 0;
    const char *q = memchr(target, '?', len);
    if (q)
        len = (size_t)(q - target);
    const char *hash = memchr(target, '#', len);
    if (hash)
        len = (size_t)(hash - target);

    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = target[i];
        if (c == '%') {
            if (i + 2 >= len)
                return 0;
            int hi = hex_digit_value(target[i + 1]), lo = hex_digit_value(target[i + 2]);
            if (hi < 0 || lo < 0)
                return 0;
            c = (char)(hi * 16 + lo);
            if (c == '\0' || c == '/' || c == '\\')
                return 0;   /* an encoded separator or NUL is never a file name */
            i += 2;
        } else if (c == '\0') {
            return 0;
        }
        if (n + 1 >= out_size)
            return 0;
        out[n++] = c;
    }
    return remove_dot_segments(out, n);
}

/* ---- back into URI references, for Location ---------------------------- */

/* RFC 3986 2.3 unreserved: ALPHA DIGIT "-" "." "_" "~". */
/* RFC 3986's character classes, one table lookup each: the Host of every
 * request goes through them. */
enum { URI_UNRESERVED = 1, URI_SUB_DELIM = 2 };
static uint8_t uri_class[256];

static void uri_classes_init(void)
{
    static bool ready;
    if (ready)
        return;
    for (int c = 0; c < 256; c++) {
        /* 2.3 unreserved: ALPHA / DIGIT / "-" / "." / "_" / "~" */
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
            c == '.' || c == '_' || c == '~')
            uri_class[c] |= URI_UNRESERVED;
        /* 2.2 sub-delims: "!" "$" "&" "'" "(" ")" "*" "+" "," ";" "=" */
        if (c != '\0' && strchr("!$&'()*+,;=", c) != NULL)
            uri_class[c] |= URI_SUB_DELIM;
    }
    ready = true;
}

static bool is_unreserved(unsigned char c)
{
    uri_classes_init();
    return uri_class[c] & URI_UNRESERVED;
}

static bool is_sub_delim(unsigned char c)
{
    uri_classes_init();
    return uri_class[c] & URI_SUB_DELIM;
}

/* A byte a path segment holds as itself (pchar, RFC 3986 3.3, less '%'). */
static bool is_path_char(unsigned char c)
{
    return is_unreserved(c) || is_sub_delim(c) || c == ':' || c == '@';
}

struct uri_out {
    char *p;
    size_t len, size;
    bool overflow;
};

static void out_byte(struct uri_out *o, char c)
{
    if (o->len < o->size)
        o->p[o->len++] = c;
    else
        o->overflow = true;
}

static void out_escaped(struct uri_out *o, unsigned char c)
{
    static const char hex[] = "0123456789ABCDEF";
    out_byte(o, '%');
    out_byte(o, hex[c >> 4]);
    out_byte(o, hex[c & 15]);
}

static size_t out_result(const struct uri_out *o)
{
    return o->overflow ? 0 : o->len;
}

size_t http_path_to_location(const char *path, size_t len, char *out, size_t out_size)
{
    struct uri_out o = {out, 0, out_size, false};
    /* "//x" after a Location's start would name host x (RFC 3986 4.2); "/."
     * in front keeps it a path, and resolving it removes the dot segment. */
    if (len >= 2 && path[0] == '/' && path[1] == '/') {
        out_byte(&o, '/');
        out_byte(&o, '.');
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)path[i];
        if (c == '/' || is_path_char(c))
            out_byte(&o, (char)c);
        else
            out_escaped(&o, c);     /* '%' too: the path is decoded, a '%' in it is a byte */
    }
    return out_result(&o);
}

size_t http_target_to_location(const char *target, size_t len, char *out, size_t out_size)
{
    struct uri_out o = {out, 0, out_size, false};
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)target[i];
        if (c == '#')
            break;                  /* a fragment is the client's, never the server's */
        if (c == '%' && i + 2 < len && hex_digit_value(target[i + 1]) >= 0 && hex_digit_value(target[i + 2]) >= 0)
            out_byte(&o, '%');      /* already an escape: kept, not encoded twice */
        else if (c == '/' || c == '?' || is_path_char(c))
            out_byte(&o, (char)c);  /* path and query characters (RFC 3986 3.3, 3.4) */
        else
            out_escaped(&o, c);
    }
    return out_result(&o);
}

/* ---- Host --------------------------------------------------------------- */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

bool http_host_valid(const char *v, size_t len)
{
    uri_classes_init();
    size_t i = 0;
    if (len > 0 && v[0] == '[') {
        /* IP-literal: an IPv6 address or IPvFuture. Their exact grammar is
         * not needed here, only that nothing else hides in the brackets:
         * hex digits, ':' and '.' for IPv6, unreserved and sub-delims for
         * IPvFuture. */
        for (i = 1; i < len && v[i] != ']'; i++)
            if (!is_unreserved((unsigned char)v[i]) && !is_sub_delim((unsigned char)v[i]) && v[i] != ':')
                return false;
        if (i == len || i == 1)
            return false;
        i++;
    } else {
        /* reg-name (an IPv4 address is one too): *( unreserved / pct-encoded / sub-delims ) */
        while (i < len && v[i] != ':') {
            unsigned char c = (unsigned char)v[i];
            if (c == '%') {
                if (i + 2 >= len || hex_digit_value(v[i + 1]) < 0 || hex_digit_value(v[i + 2]) < 0)
                    return false;
                i += 3;
            } else if (uri_class[c] & (URI_UNRESERVED | URI_SUB_DELIM)) {
                i++;
            } else {
                return false;
            }
        }
    }
    if (i == len)
        return true;
    if (v[i] != ':')
        return false;
    for (i++; i < len; i++)     /* port = *DIGIT */
        if (!is_digit(v[i]))
            return false;
    return true;
}
